#!/usr/bin/env python3
"""Writes the crafted golden fixtures (crafted-*.pcap) byte by byte.

Each file holds a few frames chosen to exercise one thing the packet report must print:
link types without a small public sample (NULL in both byte orders, RAW, IPV4/IPV6, QinQ),
IPv6 extension headers, non-TCP traffic, every TCP option, malformed headers, and damaged
files. Checksums are computed, except where a frame is meant to carry a wrong one.
Run from this directory: ./make-crafted.py   (deterministic: same bytes every run)
"""
import struct

T0 = 1700000000  # 2023-11-14 22:13:20 UTC


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ip6(a):
    import ipaddress
    return ipaddress.IPv6Address(a).packed


def tcp(src, dst, sport, dport, seq, ack, flags, win=64240, opts=b"", payload=b"",
        pseudo=None, bad_sum=False, doff=None):
    opts += b"\0" * (-len(opts) % 4)
    off = doff if doff is not None else (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIHHHH", sport, dport, seq, ack, (off << 12) | flags, win, 0, 0) + opts
    seg = hdr + payload
    if pseudo is not None:
        s = csum(pseudo(len(seg)) + seg)
        if bad_sum:
            s ^= 0x1234
        seg = seg[:16] + struct.pack("!H", s) + seg[18:]
    return seg


def v4(src, dst, proto, payload, ident=1, flags_frag=0x4000, ttl=64, tot=None, opts=b""):
    ihl = 5 + len(opts) // 4
    total = tot if tot is not None else ihl * 4 + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, ident, flags_frag, ttl, proto, 0,
                    ip4(src), ip4(dst)) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def pseudo4(src, dst, proto):
    return lambda n: ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, n)


def pseudo6(src, dst, proto):
    return lambda n: ip6(src) + ip6(dst) + struct.pack("!IxxxB", n, proto)


def tcp4(src, dst, sport, dport, seq, ack, flags, **kw):
    seg = tcp(src, dst, sport, dport, seq, ack, flags, pseudo=pseudo4(src, dst, 6), **kw)
    return v4(src, dst, 6, seg)


def v6(src, dst, nh, payload, hlim=64, flow=0x12345, tc=0):
    return struct.pack("!IHBB16s16s", (6 << 28) | (tc << 20) | flow, len(payload), nh, hlim,
                       ip6(src), ip6(dst)) + payload


def eth(payload, etype, dst="00:1b:21:aa:bb:01", src="00:1b:21:cc:dd:02", tags=()):
    mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
    h = mac(dst) + mac(src)
    for tpid, tci in tags:
        h += struct.pack("!HH", tpid, tci)
    return h + struct.pack("!H", etype) + payload


def pcap(name, linktype, frames, nsec=False, big_endian=False, snaplen=262144):
    e = ">" if big_endian else "<"
    magic = 0xA1B23C4D if nsec else 0xA1B2C3D4
    out = struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)
    for i, f in enumerate(frames):
        data, wire = (f if isinstance(f, tuple) else (f, len(f)))
        sec, frac = T0 + i // 4, (i % 4) * (250000000 if nsec else 250000) + 7
        out += struct.pack(e + "IIII", sec, frac, len(data), wire) + data
    with open(name, "wb") as fh:
        fh.write(out)
    return out


C4, S4 = "192.0.2.10", "198.51.100.20"
C6, S6 = "2001:db8::10", "2001:db8:0:1::20"
SYN_OPTS = struct.pack("!BBH", 2, 4, 1460) + b"\x04\x02" + struct.pack("!BBII", 8, 10, 1000, 0) \
    + b"\x01" + struct.pack("!BBB", 3, 3, 7)


def handshake4(src=C4, dst=S4):
    return [
        tcp4(src, dst, 40000, 80, 1000, 0, 0x002, opts=SYN_OPTS),
        tcp4(dst, src, 80, 40000, 5000, 1001, 0x012, win=65160, opts=SYN_OPTS),
        tcp4(src, dst, 40000, 80, 1001, 5001, 0x010, win=502),
    ]


def handshake6(src=C6, dst=S6):
    p = lambda a, b, *x, **k: v6(a, b, 6, tcp(a, b, *x, pseudo=pseudo6(a, b, 6), **k))
    return [
        p(src, dst, 40001, 443, 7000, 0, 0x002, opts=SYN_OPTS),
        p(dst, src, 443, 40001, 9000, 7001, 0x012, opts=SYN_OPTS),
        p(src, dst, 40001, 443, 7001, 9001, 0x010),
    ]


# NULL / LOOP: a 4-byte address family in the byte order of the machine that captured.
def null_frames(order):
    fam = lambda af: struct.pack(order + "I", af)
    return [fam(2) + f for f in handshake4()] + [fam(30) + f for f in handshake6()]


pcap("crafted-null-le.pcap", 0, null_frames("<"))
pcap("crafted-null-be.pcap", 0, null_frames(">"), big_endian=True)
pcap("crafted-loop.pcap", 108, [struct.pack(">I", 2) + f for f in handshake4()])

# RAW (LINKTYPE_RAW 101: version nibble decides), IPV4 (228), IPV6 (229)
pcap("crafted-raw.pcap", 101, handshake4()[:2] + handshake6()[:2])
pcap("crafted-ipv4.pcap", 228, handshake4())
pcap("crafted-ipv6.pcap", 229, handshake6())

# VLAN stacks: 802.1Q, QinQ 802.1ad + 802.1Q, old 0x9100 + 802.1Q, and PCP/DEI set.
hs = handshake4()
pcap("crafted-vlan.pcap", 1, [
    eth(hs[0], 0x0800, tags=[(0x8100, 0x0064)]),
    eth(hs[1], 0x0800, tags=[(0x88A8, 0xA00A), (0x8100, 0x0064)]),
    eth(hs[2], 0x0800, tags=[(0x9100, 0x300B), (0x8100, 0x1FFF)]),
    eth(handshake6()[0], 0x86DD, tags=[(0x8100, 0xE001)]),
])

# IPv6 extension headers (RFC 8200 §4): HBH → DestOpts → Routing → TCP; a first fragment
# carrying TCP; a later fragment; an unknown next header (RFC 3692 experiment 253).
def ext(nh, body):  # body padded to a multiple of 8 with the 2-byte header
    raw = bytes([nh, 0]) + body
    raw += b"\0" * (-len(raw) % 8)
    return bytes([nh, len(raw) // 8 - 1]) + raw[2:]


seg = tcp(C6, S6, 40002, 22, 11, 0, 0x002, opts=SYN_OPTS, pseudo=pseudo6(C6, S6, 6))
chain = ext(60, b"\x01\x04\0\0\0\0") + ext(43, b"\x01\x04\0\0\0\0") \
    + ext(6, b"\x02\x00\0\0\0\0" + ip6("2001:db8::99"))  # type 2 (RFC 6275), 1 address
frag_first = struct.pack("!BBHI", 6, 0, 0x0001, 0xCAFE) + seg
frag_later = struct.pack("!BBHI", 6, 0, 0x00A0, 0xCAFE) + b"\xAB" * 16
unknown = ext(253, b"\0" * 6) + b"\x00" * 8
pcap("crafted-ipv6-ext.pcap", 1, [
    eth(v6(C6, S6, 0, chain + seg), 0x86DD),
    eth(v6(C6, S6, 44, frag_first), 0x86DD),
    eth(v6(C6, S6, 44, frag_later), 0x86DD),
    eth(v6(C6, S6, 60, unknown), 0x86DD),
])

# Traffic that is not TCP, each kind once; every frame must get a line.
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, b"\x00\x1b\x21\xcc\xdd\x02",
                  ip4(C4), b"\0" * 6, ip4(S4))
# LLDP (IEEE 802.1AB): chassis id (MAC), port id (local "1"), TTL 120, end
lldp = b"\x02\x07\x04\x00\x1b\x21\xcc\xdd\x02" + b"\x04\x02\x07\x31" + b"\x06\x02\x00\x78" + b"\0\0"
udp = struct.pack("!HHHH", 53000, 53, 8 + 12, 0) + b"\x12\x34" + b"\0" * 10
icmp = struct.pack("!BBHHH", 8, 0, 0, 0x42, 1) + b"ping"
icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
icmp6 = struct.pack("!BBHI", 135, 0, 0, 0) + ip6(S6)
gre = struct.pack("!HH", 0, 0x0800) + hs[0]
stp = b"\x42\x42\x03" + b"\0" * 35
pcap("crafted-nontcp.pcap", 1, [
    eth(arp, 0x0806, dst="ff:ff:ff:ff:ff:ff"),
    eth(lldp, 0x88CC, dst="01:80:c2:00:00:0e"),
    eth(v4(C4, S4, 17, udp), 0x0800),
    eth(v4(C4, S4, 1, icmp), 0x0800),
    eth(v6("fe80::1", "ff02::1:ff00:20", 58, icmp6, hlim=255), 0x86DD),
    eth(v4(C4, S4, 47, gre), 0x0800),
    eth(stp, len(stp), dst="01:80:c2:00:00:00"),  # 802.3 length field, LLC follows
    eth(v4(C4, S4, 17, struct.pack("!HHHH", 53000, 53, 1580, 0) + b"x" * 1472, ident=7,
           flags_frag=0x2000), 0x0800),
    eth(v4(C4, S4, 17, b"y" * 100, ident=7, flags_frag=185), 0x0800),
    eth(b"\x12\x34", 0x88B5),  # local experimental ethertype
])

# TCP options and malformed TCP/IP headers, one per frame.
all_opts = (struct.pack("!BBH", 2, 4, 1460) + struct.pack("!BBB", 3, 3, 15) + b"\x04\x02"
            + struct.pack("!BBII", 8, 10, 1, 2) + struct.pack("!BB", 34, 2)
            + struct.pack("!BBBB", 30, 4, 0x01, 0x81) + struct.pack("!BBH", 28, 4, 0x8001)
            + struct.pack("!BBH", 27, 4, 0))
sack = b"\x01\x01" + struct.pack("!BBIIII", 5, 18, 2000, 3000, 4000, 5000)
dup_mss = struct.pack("!BBH", 2, 4, 1460) * 2
zero_len = b"\x01\x01\x08\x00"
past_hdr = b"\x01\x01\x08\x0a\0\0"
bad_mss = struct.pack("!BBB", 2, 3, 1) + b"\x01"
frames = [
    tcp4(C4, S4, 40010, 80, 1, 0, 0x002, opts=all_opts),
    tcp4(C4, S4, 40010, 80, 1, 2, 0x010, opts=sack),
    tcp4(C4, S4, 40010, 80, 1, 0, 0x002, opts=dup_mss),
    tcp4(C4, S4, 40010, 80, 1, 0, 0x002, opts=zero_len),
    tcp4(C4, S4, 40010, 80, 1, 0, 0x002, opts=past_hdr),
    tcp4(C4, S4, 40010, 80, 1, 0, 0x002, opts=bad_mss),
    tcp4(C4, S4, 40010, 80, 1, 2, 0x1FF, payload=b"urgent!"),  # every flag incl. AE
    tcp4(C4, S4, 40010, 80, 1, 2, 0x018, payload=b"GET /\r\n", bad_sum=True),
    v4(C4, S4, 6, tcp(C4, S4, 40010, 80, 1, 2, 0x010, doff=4)),   # data offset 4 < 5
    v4(C4, S4, 6, tcp(C4, S4, 40010, 80, 1, 2, 0x010, doff=15)),  # 60 > what is there
    v4(C4, S4, 6, tcp(C4, S4, 40010, 80, 1, 2, 0x018, payload=b"data"), tot=0),  # TSO
    v4(C4, S4, 6, tcp(C4, S4, 40010, 80, 1, 2, 0x018, payload=b"data"), tot=400),
    v4(C4, S4, 6, tcp(C4, S4, 40010, 80, 1, 2, 0x010), opts=b"\x01\x01\x01\x00"),  # NOPs, EOL
    v4(C4, S4, 6, b"\x9c\x4a\x00"),  # TCP header cut to 3 bytes
]
pcap("crafted-tcp-options.pcap", 1, [eth(f, 0x0800) for f in frames])

# Snaplen-truncated frames: the record says the wire had more.
full = eth(tcp4(C4, S4, 40020, 80, 1, 2, 0x018, opts=SYN_OPTS, payload=b"z" * 200), 0x0800)
pcap("crafted-snaplen.pcap", 1, [(full[:96], len(full)), (full[:40], len(full)),
                                 (full[:20], len(full)), (full[:6], len(full))], snaplen=96)

# Damaged files. A file cut short in the middle of its third record; a record whose length
# is larger than 256 KiB; a file that is not a capture at all.
whole = pcap("crafted-cut-short.pcap", 1, [eth(f, 0x0800) for f in handshake4()])
with open("crafted-cut-short.pcap", "wb") as fh:
    fh.write(whole[:-30])
good = pcap("crafted-huge-record.pcap", 1, [eth(handshake4()[0], 0x0800)])
bad_rec = struct.pack("<IIII", T0 + 1, 0, 300000, 300000) + b"\0" * 64
with open("crafted-huge-record.pcap", "wb") as fh:
    fh.write(good + bad_rec)
with open("crafted-not-a-capture.pcap", "wb") as fh:
    fh.write(b"this is a text file, not a capture\n")

# Nanosecond resolution, big-endian file, Ethernet.
pcap("crafted-nsec-be.pcap", 1, [eth(f, 0x0800) for f in handshake4()], nsec=True,
     big_endian=True)
