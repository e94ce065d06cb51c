/* synfin — names printed by the text reports (see names.h). */
#include <stddef.h>

#include "report/names.h"

const char *rn_ethertype(uint16_t type)
{
	switch (type) {
	case 0x0800:
		return "IPv4";
	case 0x0806:
		return "ARP";
	case 0x0842:
		return "Wake-on-LAN";
	case 0x22f0:
		return "AVTP";
	case 0x22f3:
		return "TRILL";
	case 0x6002:
		return "DEC MOP";
	case 0x8035:
		return "RARP";
	case 0x809b:
		return "AppleTalk";
	case 0x80f3:
		return "AARP";
	case 0x8100:
		return "802.1Q";
	case 0x8137:
		return "IPX";
	case 0x86dd:
		return "IPv6";
	case 0x8808:
		return "Ethernet flow control";
	case 0x8809:
		return "Slow Protocols (LACP)";
	case 0x8847:
		return "MPLS";
	case 0x8848:
		return "MPLS multicast";
	case 0x8863:
		return "PPPoE Discovery";
	case 0x8864:
		return "PPPoE Session";
	case 0x886d:
		return "Intel ANS";
	case 0x887b:
		return "HomePlug";
	case 0x888e:
		return "EAPOL";
	case 0x8892:
		return "PROFINET";
	case 0x889a:
		return "HyperSCSI";
	case 0x88a2:
		return "ATA over Ethernet";
	case 0x88a4:
		return "EtherCAT";
	case 0x88a8:
		return "802.1ad";
	case 0x88ab:
		return "Ethernet Powerlink";
	case 0x88b8:
		return "GOOSE";
	case 0x88ba:
		return "Sampled Values";
	case 0x88cc:
		return "LLDP";
	case 0x88cd:
		return "SERCOS III";
	case 0x88e1:
		return "HomePlug AV";
	case 0x88e3:
		return "MRP";
	case 0x88e5:
		return "MACsec";
	case 0x88e7:
		return "PBB";
	case 0x88f7:
		return "PTPv2";
	case 0x88fb:
		return "PRP";
	case 0x8902:
		return "CFM";
	case 0x8906:
		return "FCoE";
	case 0x8914:
		return "FIP";
	case 0x8915:
		return "RoCE";
	case 0x892f:
		return "HSR";
	case 0x9000:
		return "Loopback";
	case 0x9100:
		return "802.1Q (QinQ)";
	default:
		return NULL;
	}
}

/* RFC 792 and the IANA ICMP registry; names as Wireshark's info column writes them. */
const char *rn_icmp4(uint8_t type, uint8_t code)
{
	switch (type) {
	case 0:
		return "Echo (ping) reply";
	case 3:
		switch (code) {
		case 0:
			return "Destination unreachable (Network unreachable)";
		case 1:
			return "Destination unreachable (Host unreachable)";
		case 2:
			return "Destination unreachable (Protocol unreachable)";
		case 3:
			return "Destination unreachable (Port unreachable)";
		case 4:
			return "Destination unreachable (Fragmentation needed)";
		case 13:
			return "Destination unreachable (Communication administratively filtered)";
		default:
			return "Destination unreachable";
		}
	case 4:
		return "Source quench";
	case 5:
		return "Redirect";
	case 8:
		return "Echo (ping) request";
	case 9:
		return "Router advertisement";
	case 10:
		return "Router solicitation";
	case 11:
		return code == 1 ? "Time-to-live exceeded (Fragment reassembly time exceeded)"
		                 : "Time-to-live exceeded (Time to live exceeded in transit)";
	case 12:
		return "Parameter problem";
	case 13:
		return "Timestamp request";
	case 14:
		return "Timestamp reply";
	default:
		return NULL;
	}
}

/* RFC 4443, RFC 4861, RFC 3810. */
const char *rn_icmp6(uint8_t type, uint8_t code)
{
	switch (type) {
	case 1:
		switch (code) {
		case 0:
			return "Destination Unreachable (no route to destination)";
		case 1:
			return "Destination Unreachable (administratively prohibited)";
		case 3:
			return "Destination Unreachable (address unreachable)";
		case 4:
			return "Destination Unreachable (port unreachable)";
		default:
			return "Destination Unreachable";
		}
	case 2:
		return "Packet Too Big";
	case 3:
		return "Time Exceeded";
	case 4:
		return "Parameter Problem";
	case 128:
		return "Echo (ping) request";
	case 129:
		return "Echo (ping) reply";
	case 130:
		return "Multicast Listener Query";
	case 131:
		return "Multicast Listener Report";
	case 132:
		return "Multicast Listener Done";
	case 133:
		return "Router Solicitation";
	case 134:
		return "Router Advertisement";
	case 135:
		return "Neighbor Solicitation";
	case 136:
		return "Neighbor Advertisement";
	case 137:
		return "Redirect";
	case 143:
		return "Multicast Listener Report Message v2";
	default:
		return NULL;
	}
}

/* IANA "TCP Option Kind Numbers"; long names as Wireshark's details pane. */
const char *rn_tcpopt(uint8_t kind)
{
	switch (kind) {
	case 0:
		return "End of Option List (EOL)";
	case 1:
		return "No-Operation (NOP)";
	case 2:
		return "Maximum segment size";
	case 3:
		return "Window scale";
	case 4:
		return "SACK permitted";
	case 5:
		return "SACK";
	case 6:
		return "Echo";
	case 7:
		return "Echo reply";
	case 8:
		return "Timestamps";
	case 19:
		return "MD5 signature";
	case 27:
		return "Quick-Start Response";
	case 28:
		return "User Timeout";
	case 29:
		return "TCP Authentication Option";
	case 30:
		return "Multipath TCP";
	case 34:
		return "TCP Fast Open Cookie";
	case 69:
		return "Encryption Negotiation (TCP-ENO)";
	case 172:
		return "Accurate ECN Order 0 (AccECN0)";
	case 174:
		return "Accurate ECN Order 1 (AccECN1)";
	case 253:
		return "RFC3692-style Experiment 1";
	case 254:
		return "RFC3692-style Experiment 2";
	default:
		return NULL;
	}
}

/* RFC 8684 §3 (and RFC 8684 §3.6 MP_TCPRST). */
const char *rn_mptcp_subtype(uint8_t subtype)
{
	static const char *const names[] = {"MP_CAPABLE", "MP_JOIN",      "DSS",
	                                    "ADD_ADDR",   "REMOVE_ADDR",  "MP_PRIO",
	                                    "MP_FAIL",    "MP_FASTCLOSE", "MP_TCPRST"};
	if (subtype < sizeof(names) / sizeof(names[0]))
		return names[subtype];
	return NULL;
}

/* RFC 8200 §4 and the IANA "IPv6 Extension Header Types" list. */
const char *rn_ip6_ext(uint8_t nh)
{
	switch (nh) {
	case 0:
		return "Hop-by-Hop Options";
	case 43:
		return "Routing Header";
	case 44:
		return "Fragment Header";
	case 50:
		return "Encapsulating Security Payload";
	case 51:
		return "Authentication Header";
	case 59:
		return "No Next Header";
	case 60:
		return "Destination Options";
	case 135:
		return "Mobility Header";
	case 139:
		return "Host Identity Protocol";
	case 140:
		return "Shim6";
	default:
		return NULL;
	}
}

/* RFC 2474, RFC 2597, RFC 3246, RFC 5865, RFC 8622. */
const char *rn_dscp(uint8_t dscp)
{
	switch (dscp) {
	case 0:
		return "CS0";
	case 1:
		return "LE";
	case 8:
		return "CS1";
	case 10:
		return "AF11";
	case 12:
		return "AF12";
	case 14:
		return "AF13";
	case 16:
		return "CS2";
	case 18:
		return "AF21";
	case 20:
		return "AF22";
	case 22:
		return "AF23";
	case 24:
		return "CS3";
	case 26:
		return "AF31";
	case 28:
		return "AF32";
	case 30:
		return "AF33";
	case 32:
		return "CS4";
	case 34:
		return "AF41";
	case 36:
		return "AF42";
	case 38:
		return "AF43";
	case 40:
		return "CS5";
	case 44:
		return "VOICE-ADMIT";
	case 46:
		return "EF";
	case 48:
		return "CS6";
	case 56:
		return "CS7";
	default:
		return NULL;
	}
}

/* RFC 3168 §5. */
const char *rn_ecn(uint8_t ecn)
{
	static const char *const names[] = {"Not-ECT", "ECT(1)", "ECT(0)", "CE"};
	return names[ecn & 3];
}

/* Linux if_packet.h PACKET_* values, as Wireshark's sll.pkttype. */
const char *rn_sll_pkttype(uint16_t t)
{
	switch (t) {
	case 0:
		return "Unicast to us";
	case 1:
		return "Broadcast";
	case 2:
		return "Multicast";
	case 3:
		return "Unicast to another host";
	case 4:
		return "Sent by us";
	default:
		return NULL;
	}
}

/* BSD address families seen in DLT_NULL / DLT_LOOP headers (values differ between BSDs for
 * IPv6: 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS; libpcap's pcap/dlt.h lists them). */
const char *rn_loop_family(uint32_t af)
{
	switch (af) {
	case 2:
		return "IP";
	case 24:
	case 28:
	case 30:
		return "IPv6";
	case 7:
		return "OSI";
	case 23:
		return "IPX";
	default:
		return NULL;
	}
}
