/* sf_readloop — the floor of any pcap reader: a bare libpcap pcap_next_ex() loop that touches
 * one byte of every frame, so the bench can show how far each tool is from it. */
#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sf_readloop FILE\n");
		return 2;
	}
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc =
	    pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc) {
		fprintf(stderr, "sf_readloop: %s\n", err);
		return 1;
	}
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t frames = 0, bytes = 0;
	unsigned sum = 0;
	int rc;
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		frames++;
		bytes += h->caplen;
		if (h->caplen)
			sum += data[h->caplen - 1];
	}
	if (rc == PCAP_ERROR)
		fprintf(stderr, "sf_readloop: %s\n", pcap_geterr(pc));
	printf("%llu frames, %llu bytes (%u)\n", (unsigned long long)frames,
	       (unsigned long long)bytes, sum & 1);
	pcap_close(pc);
	return rc == PCAP_ERROR ? 1 : 0;
}
