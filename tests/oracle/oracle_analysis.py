#!/usr/bin/env python3
"""Oracle test: synfin's TCP sequence analysis against tshark's, frame by frame.

For every capture of the shared corpus, the set of tcp.analysis.* flags synfin gives each TCP
frame (sf_oracle_dump --analysis) is compared with the set tshark gives it (the flag fields
are present or absent). tshark reports a fast or spurious retransmission with the
tcp.analysis.retransmission field as well; synfin's flags are mapped the same way.

Two comparisons:
  * Wireshark's rules alone (synfin's corrections off) must agree with tshark on at least
    --min-agree percent of the analysed frames overall;
  * synfin's verdicts (corrections on): every frame where they differ from tshark must be
    listed in --expected (file, frame, synfin's flags, tshark's flags, reason); a listed frame
    that now agrees, or an unlisted disagreement, fails the test. --write regenerates the
    file's rows (keeping reasons already written) for review.

Also compared, on frames where both have them: duplicate_ack_num/frame, acks_frame,
bytes_in_flight, window_size, window_size_scalefactor, nxtseq (reported as counts).

Exit: 0 pass, 1 fail, 77 skip (no corpus or no tshark).
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import SKIP, capture_list, is_direct_tcp, tshark_rows, tshark_version  # noqa: E402

FLAG_FIELDS = [
    "retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
    "lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window", "zero_window_probe",
    "zero_window_probe_ack", "keep_alive", "keep_alive_ack", "window_update", "window_full",
    "reused_ports",
]
VALUE_FIELDS = [
    "tcp.analysis.duplicate_ack_num", "tcp.analysis.duplicate_ack_frame",
    "tcp.analysis.acks_frame", "tcp.analysis.ack_rtt", "tcp.analysis.bytes_in_flight",
    "tcp.window_size", "tcp.window_size_scalefactor", "tcp.nxtseq", "tcp.analysis.initial_rtt",
]
VALUE_NAMES = ["dup_ack_num", "dup_ack_frame", "acks_frame", "ack_rtt", "bytes_in_flight",
               "window_size", "scalefactor", "nxtseq", "initial_rtt"]
RETRANS_FAMILY = {"fast_retransmission", "spurious_retransmission"}
PREFS = ["tcp.desegment_tcp_streams:FALSE", "ip.defragment:FALSE", "ipv6.defragment:FALSE",
         "tcp.analyze_sequence_numbers:TRUE", "tcp.relative_sequence_numbers:TRUE"]


def tshark_cmd(path):
    cmd = ["tshark", "-n", "-r", path]
    for p in PREFS:
        cmd += ["-o", p]
    cmd += ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=f", "-e", "frame.number",
            "-e", "frame.protocols"]
    for f in FLAG_FIELDS:
        cmd += ["-e", "tcp.analysis." + f]
    for f in VALUE_FIELDS:
        cmd += ["-e", f]
    return cmd + ["-Y", "tcp"]


def parse_tshark(text):
    rows = {}
    nf = len(FLAG_FIELDS)
    for line in text.splitlines():
        cols = line.split("\t")
        if len(cols) < 2 or not cols[0].isdigit() or not is_direct_tcp(cols[1]):
            continue
        cols = (cols + [""] * (2 + nf + len(VALUE_FIELDS)))[:2 + nf + len(VALUE_FIELDS)]
        flags = frozenset(FLAG_FIELDS[i] for i in range(nf) if cols[2 + i] != "")
        rows[int(cols[0])] = (flags, cols[2 + nf:])
    return rows


def flag_set(hexbits):
    bits = int(hexbits, 16)
    s = {FLAG_FIELDS[i] for i in range(len(FLAG_FIELDS)) if bits & (1 << i)}
    if s & RETRANS_FAMILY:
        s.add("retransmission")
    return frozenset(s)


def synfin_rows(dump, path):
    res = subprocess.run([dump, "--analysis", path], capture_output=True, text=True,
                         errors="replace")
    rows = {}
    for line in res.stdout.splitlines():
        c = line.split("\t")
        if len(c) >= 12 and c[0].isdigit():
            rows[int(c[0])] = (flag_set(c[1]), c[2:11], flag_set(c[11]))
    crashed = res.returncode not in (0, 1) or "Sanitizer" in res.stderr or \
        "runtime error:" in res.stderr
    return rows, crashed, res.stderr.strip()[-400:]


def same_value(name, mine, theirs):
    if theirs == "":
        return True  # tshark shows nothing: not compared
    if name in ("ack_rtt", "initial_rtt"):
        return mine != "" and abs(int(mine) / 1e9 - float(theirs)) < 2e-6
    return mine == theirs


def compare_file(args, rel, version):
    path = os.path.join(args.captures, rel)
    t_rows = parse_tshark(tshark_rows(path, args.cache, version, tshark_cmd))
    s_rows, crashed, err = synfin_rows(args.dump, path)
    res = {"rel": rel, "n": 0, "ws_agree": 0, "diffs": [], "ws_diffs": [], "crashed": crashed,
           "err": err, "values": {n: [0, 0] for n in VALUE_NAMES}}
    for fr, (tflags, tvals) in sorted(t_rows.items()):
        s = s_rows.get(fr)
        if s is None:
            continue  # not tracked by synfin (the decode oracle covers decoding)
        sflags, svals, wsflags = s
        res["n"] += 1
        if wsflags == tflags:
            res["ws_agree"] += 1
        else:
            res["ws_diffs"].append((fr, wsflags, tflags))
        if sflags != tflags:
            res["diffs"].append((fr, sflags, tflags))
        for i, name in enumerate(VALUE_NAMES):
            if tvals[i] != "":
                res["values"][name][0] += 1
                if sflags == tflags and same_value(name, svals[i], tvals[i]):
                    res["values"][name][1] += 1
                elif sflags == tflags and args.verbose_values:
                    print("    %s frame %d %s synfin=%s tshark=%s" %
                          (rel, fr, name, svals[i], tvals[i]))
    return res


def fmt(flags):
    return ",".join(sorted(flags)) or "-"


def load_expected(path):
    exp = {}
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip() or line.startswith("#"):
                    continue
                c = line.rstrip("\n").split("\t")
                if len(c) >= 5:
                    exp[(c[0], int(c[1]))] = (c[2], c[3], c[4])
    return exp


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dump", required=True)
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--captures", default=os.environ.get(
        "SYNFIN_CAPTURES", os.path.join(os.path.dirname(repo), "shared", "captures")))
    ap.add_argument("--cache", required=True)
    ap.add_argument("--expected", help="TSV: file, frame, synfin flags, tshark flags, reason")
    ap.add_argument("--write", action="store_true", help="rewrite --expected from this run")
    ap.add_argument("--min-agree", type=float, default=99.5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only")
    ap.add_argument("--show", type=int, default=8)
    ap.add_argument("--verbose-values", action="store_true")
    args = ap.parse_args()
    args.cache = os.environ.get("SYNFIN_ORACLE_CACHE") or args.cache
    if not os.path.isdir(args.captures):
        print("SKIP: capture corpus %s not found (set SYNFIN_CAPTURES)" % args.captures)
        return SKIP
    if not shutil.which("tshark"):
        print("SKIP: tshark not installed")
        return SKIP
    files = capture_list(args.captures)
    if args.only:
        files = [f for f in files if args.only in f]
    version = tshark_version()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda f: compare_file(args, f, version), files))

    expected = load_expected(args.expected)
    seen = set()
    unexplained, crashed = [], []
    n = ws_agree = 0
    values = {k: [0, 0] for k in VALUE_NAMES}
    rows_out = []
    for r in results:
        n += r["n"]
        ws_agree += r["ws_agree"]
        for k in VALUE_NAMES:
            values[k][0] += r["values"][k][0]
            values[k][1] += r["values"][k][1]
        if r["crashed"]:
            crashed.append("%s: %s" % (r["rel"], r["err"]))
        if r["ws_diffs"]:
            print("  rules   %-55s %d frames differ from tshark with corrections off" %
                  (r["rel"], len(r["ws_diffs"])))
            for fr, mine, theirs in r["ws_diffs"][:args.show]:
                print("          frame %d: synfin %s, tshark %s" % (fr, fmt(mine), fmt(theirs)))
        for fr, mine, theirs in r["diffs"]:
            key = (r["rel"], fr)
            seen.add(key)
            e = expected.get(key)
            reason = e[2] if e else ""
            rows_out.append((r["rel"], fr, fmt(mine), fmt(theirs), reason or "UNEXPLAINED"))
            if not e or e[0] != fmt(mine) or e[1] != fmt(theirs):
                unexplained.append("%s frame %d: synfin %s, tshark %s" %
                                   (r["rel"], fr, fmt(mine), fmt(theirs)))
    stale = sorted(k for k in expected if k not in seen and
                   any(r["rel"] == k[0] for r in results))
    pct = 100.0 * ws_agree / n if n else 100.0
    print("oracle.analysis: %d captures, %d analysed TCP frames; Wireshark's rules agree with "
          "tshark on %d (%.3f%%, need %.1f%%)" % (len(files), n, ws_agree, pct, args.min_agree))
    nd = len(rows_out)
    print("oracle.analysis: synfin's verdicts differ from tshark on %d frames (%.3f%%): "
          "%d explained in %s, %d unexplained, %d listed but agreeing now" %
          (nd, 100.0 * nd / n if n else 0, nd - len(unexplained), args.expected,
           len(unexplained), len(stale)))
    for k in VALUE_NAMES:
        tot, ok = values[k]
        if tot:
            print("  value %-16s %7d/%-7d agree (%.2f%%)" % (k, ok, tot, 100.0 * ok / tot))
    for u in unexplained[:40]:
        print("  UNEXPLAINED " + u)
    for s in stale[:20]:
        print("  STALE %s frame %d (listed, agrees now)" % s)
    for c in crashed:
        print("  CRASH " + c)
    if args.write and args.expected:
        with open(args.expected, "w", encoding="utf-8") as f:
            f.write("# file\tframe\tsynfin flags\ttshark flags\treason "
                    "(see tests/analysis_tshark_differences.md)\n")
            for row in rows_out:
                f.write("%s\t%d\t%s\t%s\t%s\n" % row)
    ok = pct >= args.min_agree and not unexplained and not stale and not crashed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
