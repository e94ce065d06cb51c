/* synfin — LINKTYPE_* values (written in files) and DLT_* values (libpcap in memory).
 *
 * They are equal except for a few historical values that differ between operating systems;
 * libpcap maps them when it reads or writes a file (pcap-common.c). synfin frames always carry
 * the LINKTYPE value, so a frame says the same thing whatever the source and the OS.
 */
#include <pcap/pcap.h>

#include "io/source_priv.h"

static const struct {
	int linktype, dlt;
} lt_map[] = {
    {100, DLT_ATM_RFC1483}, /* LINKTYPE_ATM_RFC1483 */
    {101, DLT_RAW},         /* LINKTYPE_RAW: DLT_RAW is 12 on Linux, 14 on OpenBSD */
    {102, DLT_SLIP_BSDOS},  /* LINKTYPE_SLIP_BSDOS */
    {103, DLT_PPP_BSDOS},   /* LINKTYPE_PPP_BSDOS */
};

int sf_linktype_to_dlt(int linktype)
{
	for (size_t i = 0; i < sizeof(lt_map) / sizeof(lt_map[0]); i++)
		if (lt_map[i].linktype == linktype)
			return lt_map[i].dlt;
	return linktype;
}

int sf_dlt_to_linktype(int dlt)
{
	for (size_t i = 0; i < sizeof(lt_map) / sizeof(lt_map[0]); i++)
		if (lt_map[i].dlt == dlt)
			return lt_map[i].linktype;
	return dlt;
}

uint32_t sf_linktype_max_caplen(int linktype)
{
	/* libpcap 1.10 pcap-common.c max_snaplen_for_dlt(); these three values are the same as
	 * LINKTYPE and as DLT. */
	switch (linktype) {
	case 231: /* D-Bus: a message may be 128 MiB (D-Bus specification, message protocol) */
		return 128u * 1024 * 1024;
	case 279: /* EBHSCR: 8 MiB */
		return 8u * 1024 * 1024;
	case 249: /* USBPcap: 1 MiB */
		return 1024u * 1024;
	default:
		return SF_MAX_CAPLEN;
	}
}
