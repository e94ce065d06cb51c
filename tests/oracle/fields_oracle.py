#!/usr/bin/env python3
"""Oracle test: `synfin fields -e …` against `tshark -T fields -e …`, field by field.

For every capture of the shared corpus (by default a sample: every eighth capture of INDEX.tsv
up to 1 MB; all of them with SYNFIN_ORACLE_ALL=1), runs the real `synfin fields` and tshark
with the same -e list of fields both know, and compares the text of every field of every frame
that tshark decodes as direct TCP (the rule of oracle.py: not TCP quoted in ICMP or carried in
a tunnel, where tshark prints inner and outer values and synfin the outer ones). Multi-valued
fields (ip.addr, tcp.port, eth.addr) are compared whole, aggregator and order included.

tshark runs with -2 and with reassembly and defragmentation off (oracle.PREFS). tcp.completeness
is special: tshark -2 prints the stream's final value on every packet, synfin the bits known
after the packet (one pass). So synfin's value must be a subset of tshark's on every packet and
equal to it on the stream's last packet.

A stream of one packet that is not a SYN needs no rule: tshark -2 prints completeness 0 there
and so does synfin (the first packet of a conversation counts only if it is a SYN; its other
bits join from the second packet on, as in tshark's second pass). One difference is a rule
rather than an exception, counted and printed (see compare_file): a segment whose length tshark
cannot trust (an IP fragment with defragmentation off, a header longer than the IP payload: tshark
prints no tcp.len) gets no sequence analysis in tshark, which then prints raw numbers; those
frames are not compared on tcp.seq/ack/nxtseq/len/completeness nor on the analysis fields.

Sequence analysis (tcp.analysis.*, tcp.window_size*) is compared with tshark's one pass (a
second run, cached too), as synfin analyses in one pass: tshark -2 would show what only later
packets tell (the initial RTT on the handshake packets, a window scale learnt later). The frames
where synfin's analysis flags deliberately or knowingly differ from tshark's are listed once, in
analysis_expected.tsv (the analysis oracle's list, reasons in
tests/analysis_tshark_differences.md); on those frames the analysis fields are counted as
agreeing by that list, not compared. Value differences on other frames are in
fields_exceptions.tsv with the ids of analysis_tshark_differences.md (V1–V5, L1).

Prints agreement per field and per capture. Disagreements in a (capture, field) listed in
fields_exceptions.tsv are shown with their reason and do not fail the test; any other fails it.
Exit 77 (skip) without the corpus or tshark. tshark output is cached with oracle.py's helper.
"""
import argparse
import collections
import concurrent.futures
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402  (cache, capture list, exceptions, TCP framing rule)

FIELDS = [
    "frame.number", "frame.time_relative", "frame.time_delta", "frame.len", "frame.cap_len",
    "eth.src", "eth.dst", "eth.addr", "vlan.id", "ip.src", "ip.dst", "ip.addr", "ip.ttl", "ip.id",
    "ip.len", "ip.proto", "ip.flags.df", "ipv6.src", "ipv6.dst", "ipv6.addr", "ipv6.hlim",
    "tcp.srcport", "tcp.dstport", "tcp.port", "tcp.stream", "tcp.seq", "tcp.seq_raw", "tcp.ack",
    "tcp.ack_raw", "tcp.nxtseq", "tcp.len", "tcp.hdr_len", "tcp.flags", "tcp.flags.syn",
    "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset", "tcp.flags.str",
    "tcp.window_size_value", "tcp.options.mss_val", "tcp.options.wscale.shift",
    "tcp.options.sack_le", "tcp.options.sack_re", "tcp.options.sack.count",
    "tcp.options.sack.dsack_le", "tcp.options.sack.dsack_re",
    "tcp.completeness",
]
# Sequence analysis (the analyse step): every tcp.analysis.* synfin computes, and the window.
ANALYSIS = [
    "tcp.window_size", "tcp.window_size_scalefactor", "tcp.analysis", "tcp.analysis.flags",
    "tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
    "tcp.analysis.spurious_retransmission", "tcp.analysis.out_of_order",
    "tcp.analysis.lost_segment", "tcp.analysis.ack_lost_segment", "tcp.analysis.duplicate_ack",
    "tcp.analysis.duplicate_ack_num", "tcp.analysis.duplicate_ack_frame",
    "tcp.analysis.zero_window", "tcp.analysis.zero_window_probe",
    "tcp.analysis.zero_window_probe_ack", "tcp.analysis.keep_alive",
    "tcp.analysis.keep_alive_ack", "tcp.analysis.window_update", "tcp.analysis.window_full",
    "tcp.analysis.reused_ports", "tcp.analysis.acks_frame", "tcp.analysis.ack_rtt",
    "tcp.analysis.initial_rtt", "tcp.analysis.bytes_in_flight", "tcp.analysis.rto",
    "tcp.analysis.rto_frame",
]
NBASE = len(FIELDS)
FIELDS += ANALYSIS
ANA_FIELDS = set(range(NBASE, len(FIELDS)))
STREAM = FIELDS.index("tcp.stream")
COMPL = FIELDS.index("tcp.completeness")
TCP_LEN = FIELDS.index("tcp.len")
SEQ_FIELDS = {FIELDS.index(f) for f in ("tcp.seq", "tcp.ack", "tcp.nxtseq", "tcp.len",
                                        "tcp.completeness")}
FLAGS_STR = FIELDS.index("tcp.flags.str")


def tshark_cmd(path):
    cmd = ["tshark", "-n", "-2", "-r", path]
    for p in oracle.PREFS:
        cmd += ["-o", p]
    cmd += ["-T", "fields"]
    for f in FIELDS[:NBASE] + ["frame.protocols"]:
        cmd += ["-e", f]
    return cmd


def tshark_ana_cmd(path):
    """Analysis fields from tshark's one pass, the way synfin (and the analysis oracle) works:
    a second pass would show what only later packets tell (the initial RTT on the handshake,
    a window scale learnt from a later SYN)."""
    cmd = ["tshark", "-n", "-r", path]
    for p in oracle.PREFS:
        cmd += ["-o", p]
    cmd += ["-T", "fields", "-e", "frame.number"]
    for f in ANALYSIS:
        cmd += ["-e", f]
    return cmd


def synfin_rows(synfin, path):
    cmd = [synfin, "fields", path]
    for f in FIELDS:
        cmd += ["-e", f]
    res = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    rows = {}
    for line in res.stdout.splitlines():
        cols = line.split("\t")
        if cols and cols[0].isdigit():
            rows[int(cols[0])] = (cols + [""] * len(FIELDS))[:len(FIELDS)]
    bad = "Sanitizer" in res.stderr or "runtime error:" in res.stderr or res.returncode > 2
    return rows, bad, res.stderr.strip()


def subset(a, b):
    try:
        return (int(a or 0) & ~int(b or 0)) == 0
    except ValueError:
        return False


def load_analysis_expected(path):
    """(capture, frame) -> reason, from the analysis oracle's analysis_expected.tsv."""
    exp = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                c = line.rstrip("\n").split("\t")
                if len(c) >= 5 and not line.startswith("#") and c[1].isdigit():
                    exp[(c[0], int(c[1]))] = c[4]
    return exp


def compare_file(args, rel, version):
    path = os.path.join(args.captures, rel)
    text = oracle.tshark_rows(path, args.cache, version, tshark_cmd)
    ana = {}
    for line in oracle.tshark_rows(path, args.cache, version, tshark_ana_cmd).splitlines():
        cols = line.split("\t")
        if cols and cols[0].isdigit():
            ana[int(cols[0])] = (cols[1:] + [""] * len(ANALYSIS))[:len(ANALYSIS)]
    theirs = {}
    for line in text.splitlines():
        cols = line.split("\t")
        if len(cols) < NBASE + 1 or not cols[0].isdigit():
            continue
        if oracle.is_direct_tcp(cols[NBASE]) and cols[FIELDS.index("tcp.flags")]:
            fr = int(cols[0])
            theirs[fr] = cols[:NBASE] + ana.get(fr, [""] * len(ANALYSIS))
    ours, bad, stderr = synfin_rows(args.synfin, path)
    agree = collections.Counter()
    total = collections.Counter()
    diffs = collections.defaultdict(list)  # field -> ["frame N: synfin=… tshark=…"]
    ruled = collections.Counter()  # differences explained by a rule (see RULES)
    if bad:
        diffs["(run)"].append("synfin crashed: " + stderr[-300:])
    last_of_stream = {}
    for fr, row in ours.items():
        if row[STREAM]:
            last_of_stream[row[STREAM]] = max(fr, last_of_stream.get(row[STREAM], 0))
    for fr, want in sorted(theirs.items()):
        got = ours.get(fr)
        if got is None:
            diffs["(frame)"].append("frame %d: tshark decodes TCP, synfin shows no such frame"
                                    % fr)
            continue
        untrusted = want[TCP_LEN] == ""
        listed = (rel, fr) in args.ana_expected
        for i, name in enumerate(FIELDS[1:], 1):
            if untrusted and (i in SEQ_FIELDS or i in ANA_FIELDS) and got[i] != want[i]:
                ruled["%s: tshark does not analyse an untrusted segment" % name] += 1
                continue
            if listed and i in ANA_FIELDS and got[i] != want[i]:
                ruled["analysis: frame listed in analysis_expected.tsv"] += 1
                continue
            total[name] += 1
            if i == COMPL:
                last = last_of_stream.get(got[STREAM]) == fr
                ok = got[i] == want[i] if last else subset(got[i], want[i])
            else:
                ok = got[i] == want[i]
            if ok:
                agree[name] += 1
            else:
                diffs[name].append("frame %d: synfin=%s tshark=%s" %
                                   (fr, got[i] or "-", want[i] or "-"))
    return rel, len(theirs), agree, total, diffs, ruled


def load_exceptions(path):
    """(capture, field) -> reason; capture or field may be "*", a field ending in "*" names
    the fields it begins."""
    exc = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 3:
                    exc[(parts[0], parts[1])] = parts[2]
    return exc


def link_exceptions(path):
    """Captures the decode oracle excuses because synfin does not decode their link type."""
    return {rel for rel, why in oracle.load_exceptions(path).items()
            if why.startswith("link type")}


def excused(exc, rel, field):
    for key in ((rel, field), (rel, "*"), ("*", field)):
        if key in exc:
            return exc[key]
    for (crel, cfield), why in exc.items():  # "tcp.analysis*": a prefix of field names
        if crel in (rel, "*") and cfield.endswith("*") and field.startswith(cfield[:-1]):
            return why
    return None


def pick(files, captures, everything):
    if everything:
        return files
    out = []
    for i, rel in enumerate(files):
        p = os.path.join(captures, rel)
        if i % 8 == 0 and os.path.getsize(p) <= 1000000:
            out.append(rel)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--synfin", required=True, help="the synfin executable")
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--captures", default=os.environ.get(
        "SYNFIN_CAPTURES", os.path.join(os.path.dirname(repo), "shared", "captures")))
    ap.add_argument("--cache", required=True, help="cache of tshark output")
    ap.add_argument("--exceptions", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "fields_exceptions.tsv"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--show", type=int, default=3)
    ap.add_argument("--only", help="compare only captures whose path contains this")
    ap.add_argument("--analysis-expected", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "analysis_expected.tsv"))
    args = ap.parse_args()
    args.ana_expected = load_analysis_expected(args.analysis_expected)
    args.cache = os.environ.get("SYNFIN_ORACLE_CACHE") or args.cache
    if not os.path.isdir(args.captures):
        print("SKIP: capture corpus %s not found (set SYNFIN_CAPTURES)" % args.captures)
        return oracle.SKIP
    if not shutil.which("tshark"):
        print("SKIP: tshark not installed")
        return oracle.SKIP
    everything = os.environ.get("SYNFIN_ORACLE_ALL", "0") not in ("", "0")
    files = oracle.capture_list(args.captures)
    files = [f for f in files if not args.only or args.only in f]
    files = pick(files, args.captures, everything or args.only)
    exc = load_exceptions(args.exceptions)
    for rel in link_exceptions(os.path.join(os.path.dirname(args.exceptions), "exceptions.tsv")):
        exc[(rel, "*")] = "link type not decoded by synfin (exceptions.tsv)"
    version = oracle.tshark_version()
    print("fields oracle: %d captures%s, %s" %
          (len(files), "" if everything else " (sample; SYNFIN_ORACLE_ALL=1 for all)", version))
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda f: compare_file(args, f, version), files))

    agree, total, ruled = collections.Counter(), collections.Counter(), collections.Counter()
    failing = 0
    for rel, n, a, t, diffs, r in results:
        agree.update(a)
        total.update(t)
        ruled.update(r)
        if not diffs:
            continue
        for field, lines in sorted(diffs.items()):
            why = excused(exc, rel, field)
            tag = "except" if why else "FAIL"
            failing += 0 if why else 1
            print("  %-6s %s  %s: %d frames differ" % (tag, rel, field, len(lines)))
            if why:
                print("         reason: %s" % why)
            for line in lines[:args.show]:
                print("         " + line)
    print("per field (direct-TCP frames, all captures compared):")
    for name in FIELDS[1:]:
        if total[name]:
            print("  %-28s %7d/%-7d %.2f%%" % (name, agree[name], total[name],
                                                100.0 * agree[name] / total[name]))
    for why, n in sorted(ruled.items()):
        print("  counted as agreeing by rule: %-52s %d" % (why, n))
    a, t = sum(agree.values()), sum(total.values())
    r = sum(ruled.values())
    print("fields oracle: %d captures, %d field values compared, %d agree exactly (%.3f%%), "
          "%d by rule; %d (capture, field) pairs disagree outside fields_exceptions.tsv" %
          (len(files), t, a - r, 100.0 * (a - r) / t if t else 100.0, r, failing))
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
