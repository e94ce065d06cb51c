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
