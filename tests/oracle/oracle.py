#!/usr/bin/env python3
"""Oracle test: synfin's TCP decoding against tshark's, frame by frame.

For every capture of the shared corpus, compares what sf_oracle_dump prints per TCP frame with
what tshark prints for the same frame: IPv4 or IPv6 source and destination, TCP ports, the 12
flag bits, raw sequence and acknowledgement numbers, the window field (unscaled), tcp.len, MSS
and window-scale shift.

What is comparable:
  * Frames whose first transport header after the first IP header is TCP ("direct" TCP). For
    those, tshark's first occurrence of each field belongs to that header.
  * Frames where tshark finds TCP only inside something else (ICMP errors quoting a TCP header,
    GRE, IP-in-IP, sFlow samples, ...) print comma lists of inner and outer addresses. synfin
    decodes the outer packet (ICMP, GRE, UDP), so these are counted as "encapsulated" and not
    compared; synfin must simply not claim a TCP header it did not see.
  * tshark runs with TCP reassembly and IP defragmentation off, so a first fragment is shown as
    its own TCP segment, as synfin shows it.
  * A frame where tshark shows only part of a TCP header (no flags: fewer than 14 header bytes
    captured, e.g. a first fragment carrying 8 bytes of TCP) is "partial": synfin decodes TCP
    only from a whole 20-byte header, so the frame is not compared.
  * tshark leaves tcp.len out when it cannot trust it: IP fragments, a header longer than the
    IP payload, a length that lies. tcp.len is compared only when tshark prints it.

Exit status: 0 when every disagreement is in a file listed in exceptions.tsv (file, reason),
1 otherwise, 77 (CTest SKIP_RETURN_CODE) when the corpus or tshark is absent. tshark output is
cached (keyed by file, size, mtime, tshark version and the command) so re-runs are fast.
"""
import argparse
import concurrent.futures
import hashlib
import ipaddress
import os
import shutil
import subprocess
import sys

SKIP = 77
FIELDS = [
    "frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport",
    "tcp.flags", "tcp.seq_raw", "tcp.ack_raw", "tcp.window_size_value", "tcp.len",
    "tcp.options.mss_val", "tcp.options.wscale.shift",
]
NAMES = ["frame", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "srcport", "dstport", "flags",
         "seq_raw", "ack_raw", "window", "tcp.len", "mss", "wscale"]
PREFS = ["tcp.desegment_tcp_streams:FALSE", "ip.defragment:FALSE", "ipv6.defragment:FALSE"]
CAPTURE_EXT = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz")


def tshark_cmd(path):
    cmd = ["tshark", "-n", "-r", path]
    for p in PREFS:
        cmd += ["-o", p]
    cmd += ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in FIELDS + ["frame.protocols"]:
        cmd += ["-e", f]
    return cmd + ["-Y", "tcp"]


def tshark_version():
    out = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0] if out else "unknown"


def tshark_rows(path, cache_dir, version, cmd=None):
    """tshark's output for one file, from the cache when the file has not changed. cmd(path)
    builds the tshark command (default: this oracle's); it is part of the cache key."""
    cmd = cmd or tshark_cmd
    st = os.stat(path)
    key = hashlib.sha1(repr((os.path.abspath(path), st.st_size, st.st_mtime_ns, version,
                             cmd("X"))).encode()).hexdigest()
    cached = os.path.join(cache_dir, key + ".tsv")
    if os.path.exists(cached):
        with open(cached, encoding="utf-8", errors="replace") as f:
            return f.read()
    res = subprocess.run(cmd(path), capture_output=True, text=True, errors="replace",
                         env=dict(os.environ, LC_ALL="C"))
    if res.returncode != 0 and ("-o flag" in res.stderr or "Invalid" in res.stderr):
        raise RuntimeError("tshark refused its options: " + res.stderr.strip())
    os.makedirs(cache_dir, exist_ok=True)
    tmp = cached + ".tmp%d" % os.getpid()
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(res.stdout)
    os.replace(tmp, cached)
    return res.stdout


def first(v):
    return v.split(",")[0] if v else ""


def norm_addr(v):
    if not v:
        return ""
    try:
        return str(ipaddress.ip_address(v))
    except ValueError:
        return v


def norm_int(v):
    if v == "":
        return ""
    try:
        return str(int(v, 0))
    except ValueError:
        return v


def normalise(cols):
    """Row of 14 columns → comparable tuple (addresses canonical, numbers in decimal)."""
    cols = (cols + [""] * len(NAMES))[:len(NAMES)]
    out = [norm_int(cols[0])]
    out += [norm_addr(first(c)) for c in cols[1:5]]
    out += [norm_int(first(c)) for c in cols[5:]]
    return tuple(out)


def is_direct_tcp(protocols):
    """True when the first transport after the first IP header is TCP (not a quotation in ICMP,
    not a tunnel). IPv6 extension headers appear as ipv6.* entries and are skipped."""
    toks = protocols.split(":")
    for i, t in enumerate(toks):
        if t in ("ip", "ipv6"):
            rest = [x for x in toks[i + 1:] if not x.startswith("ipv6.")]
            return bool(rest) and rest[0] == "tcp"
    return False


FLAGS = NAMES.index("flags")
TCP_LEN = NAMES.index("tcp.len")


def parse_tshark(text):
    """tshark rows → ({frame: row} comparable, {frame} encapsulated, {frame} partial)."""
    direct, encapsulated, partial = {}, set(), set()
    for line in text.splitlines():
        cols = line.split("\t")
        if len(cols) < len(FIELDS) + 1 or not cols[0].isdigit():
            continue
        frame = int(cols[0])
        if not is_direct_tcp(cols[len(FIELDS)]):
            encapsulated.add(frame)
        elif first(cols[FLAGS]) == "":
            partial.add(frame)
        else:
            direct[frame] = normalise(cols[:len(FIELDS)])
    return direct, encapsulated, partial


def synfin_rows(dump, path):
    res = subprocess.run([dump, path], capture_output=True, text=True, errors="replace")
    rows = {}
    for line in res.stdout.splitlines():
        cols = line.split("\t")
        if cols and cols[0].isdigit():
            rows[int(cols[0])] = normalise(cols)
    crashed = res.returncode not in (0, 1) or "Sanitizer" in res.stderr or \
        "runtime error:" in res.stderr
    return rows, crashed, res.stderr.strip()


def compare_file(args, rel, version):
    path = os.path.join(args.captures, rel)
    t_direct, t_encap, t_partial = parse_tshark(tshark_rows(path, args.cache, version))
    s_rows, crashed, stderr = synfin_rows(args.dump, path)
    diffs = []
    if crashed:
        diffs.append("sf_oracle_dump crashed: " + stderr[-500:])
    agree = 0
    for fr, want in sorted(t_direct.items()):
        got = s_rows.get(fr)
        if got is None:
            diffs.append("frame %d: tshark decodes TCP, synfin does not" % fr)
            continue
        bad = ["%s synfin=%s tshark=%s" % (NAMES[i], got[i] or "-", want[i] or "-")
               for i in range(1, len(NAMES))
               if got[i] != want[i] and not (i == TCP_LEN and want[i] == "")]
        if bad:
            diffs.append("frame %d: %s" % (fr, "; ".join(bad)))
        else:
            agree += 1
    for fr in sorted(set(s_rows) - set(t_direct) - t_partial):
        if fr in t_encap:
            diffs.append("frame %d: synfin decodes TCP where tshark sees it encapsulated" % fr)
        else:
            diffs.append("frame %d: synfin decodes TCP, tshark does not" % fr)
    return rel, len(t_direct), agree, len(t_encap) + len(t_partial), diffs


def capture_list(captures):
    index = os.path.join(captures, "INDEX.tsv")
    if os.path.exists(index):
        with open(index, encoding="utf-8") as f:
            rows = [l.split("\t")[0] for l in f.read().splitlines()[1:] if l.strip()]
        return [r for r in rows if os.path.isfile(os.path.join(captures, r))]
    found = []
    for d, _, files in os.walk(captures):
        for n in files:
            if n.endswith(CAPTURE_EXT):
                found.append(os.path.relpath(os.path.join(d, n), captures))
    return sorted(found)


def load_exceptions(path):
    exc = {}
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    parts = line.rstrip("\n").split("\t", 1)
                    exc[parts[0]] = parts[1] if len(parts) > 1 else ""
    return exc


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dump", required=True, help="sf_oracle_dump executable")
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--captures", default=os.environ.get(
        "SYNFIN_CAPTURES", os.path.join(os.path.dirname(repo), "shared", "captures")),
        help="capture corpus (default: $SYNFIN_CAPTURES or ../shared/captures beside the repo)")
    ap.add_argument("--cache", required=True,
                    help="directory for cached tshark output ($SYNFIN_ORACLE_CACHE wins)")
    ap.add_argument("--exceptions", help="TSV of file<TAB>reason")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--show", type=int, default=5, help="disagreements shown per file")
    ap.add_argument("--only", help="compare only files whose path contains this")
    args = ap.parse_args()
    args.cache = os.environ.get("SYNFIN_ORACLE_CACHE") or args.cache

    if not os.path.isdir(args.captures):
        print("SKIP: capture corpus %s not found (set SYNFIN_CAPTURES)" % args.captures)
        return SKIP
    if not shutil.which("tshark"):
        print("SKIP: tshark not installed (apt-get install tshark)")
        return SKIP

    files = capture_list(args.captures)
    if args.only:
        files = [f for f in files if args.only in f]
    exceptions = load_exceptions(args.exceptions)
    version = tshark_version()
    print("oracle: %d captures under %s, %s" % (len(files), args.captures, version))

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda f: compare_file(args, f, version), files))

    frames = agree = encap = failing = excused = 0
    for rel, n, ok, n_encap, diffs in results:
        frames += n
        agree += ok
        encap += n_encap
        extra = " (+%d encapsulated or partial, not compared)" % n_encap if n_encap else ""
        if not diffs:
            print("  ok      %-60s %6d/%-6d TCP frames agree%s" % (rel, ok, n, extra))
            if rel in exceptions:
                print("          note: listed in exceptions but agrees now: remove it")
            continue
        if rel in exceptions:
            excused += 1
            tag = "except"
        else:
            failing += 1
            tag = "FAIL"
        print("  %-7s %-60s %6d/%-6d TCP frames agree, %d disagreements%s" %
              (tag, rel, ok, n, len(diffs), extra))
        if rel in exceptions:
            print("          reason: %s" % exceptions[rel])
        for d in diffs[:args.show]:
            print("          " + d)
        if len(diffs) > args.show:
            print("          … %d more" % (len(diffs) - args.show))

    print("oracle: %d files, %d TCP frames compared, %d agree (%.2f%%), %d encapsulated or "
          "partial not compared; %d files disagree (%d listed as exceptions, %d failing)" %
          (len(files), frames, agree, 100.0 * agree / frames if frames else 100.0, encap,
           failing + excused, excused, failing))
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
