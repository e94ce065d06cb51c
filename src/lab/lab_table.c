/* synfin lab — the scenario table: what each scenario does and what the capture must show.
 *
 * State names are RFC 9293 §3.3.2's; a sequence starts with the state before the first packet
 * (LISTEN for a server that accepts, CLOSED for a socket that connects or a port nobody
 * listens on) and lists every state the tracker must pass through, in order.
 */
#include <string.h>

#include "lab/lab_scenarios.h"

#define CLIENT_4WAY                                                                                \
	{                                                                                          \
		"CLOSED", "SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", NULL \
	}
#define SERVER_4WAY                                                                                \
	{                                                                                          \
		"LISTEN", "SYN-RECEIVED", "ESTABLISHED", "CLOSE-WAIT", "LAST-ACK", "CLOSED", NULL  \
	}

static const struct sf_lab_scenario scenarios[] = {
    {.name = "handshake",
     .summary = "connect, send \"a\" then \"b\", close; the server waits, so a four-way close",
     .expect = {.open_kind = "three-way",
                .close_kind = "four-way",
                .client_states = CLIENT_4WAY,
                .server_states = SERVER_4WAY},
     .run = lab_run_handshake},
    /* The client receives the FIN and the ACK of its own FIN in one segment. RFC 9293
     * §3.10.7.4, eighth step, FIN-WAIT-1: "If our FIN has been ACKed (perhaps in this
     * segment), then enter TIME-WAIT" — one change at that frame, as the tracker records it
     * (Linux passes through FIN_WAIT2 inside tcp_rcv_state_process() for the same segment, a
     * state no packet can show). */
    {.name = "merged-close",
     .summary = "both close promptly: the server's FIN rides on its ACK, a three-segment close",
     .expect = {.open_kind = "three-way",
                .close_kind = "three-way",
                .client_states = {"CLOSED", "SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "TIME-WAIT",
                                  NULL},
                .server_states = SERVER_4WAY},
     .run = lab_run_merged_close},
    {.name = "half-close",
     .summary = "client shutdown(SHUT_WR), the server keeps sending, then closes",
     .expect = {.open_kind = "three-way",
                .close_kind = "half-close",
                .client_states = CLIENT_4WAY,
                .server_states = SERVER_4WAY},
     .run = lab_run_half_close},
    {.name = "reset",
     .summary = "client aborts with SO_LINGER {1, 0}: RST instead of FIN",
     .expect = {.open_kind = "three-way",
                .close_kind = "rst-abort",
                .client_states = {"CLOSED", "SYN-SENT", "ESTABLISHED", "CLOSED", NULL},
                .server_states = {"LISTEN", "SYN-RECEIVED", "ESTABLISHED", "CLOSED", NULL}},
     .run = lab_run_reset},
    {.name = "refused",
     .summary = "connect to a port nobody listens on: SYN answered by RST/ACK",
     .expect = {.open_kind = "refused",
                .close_kind = "rst-abort",
                .client_states = {"CLOSED", "SYN-SENT", "CLOSED", NULL},
                .server_states = {"CLOSED", NULL}},
     .run = lab_run_refused},
    {.name = "simultaneous-open",
     .summary = "two sockets connect to each other, neither listens: crossing SYNs (namespaces)",
     .needs = SF_LAB_NEEDS_NETNS | SF_LAB_NEEDS_NFT,
     .expect = {.open_kind = "simultaneous-open",
                .close_kind = "four-way",
                .client_states = {"CLOSED", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
                                  "FIN-WAIT-2", "TIME-WAIT", NULL},
                .server_states = {"CLOSED", "SYN-SENT", "ESTABLISHED", "CLOSE-WAIT", "LAST-ACK",
                                  "CLOSED", NULL}},
     .run = lab_run_simultaneous_open},
    {.name = "simultaneous-close",
     .summary = "both ends shutdown() at the same moment: crossing FINs, both in CLOSING",
     .expect = {.open_kind = "three-way",
                .close_kind = "simultaneous",
                .client_states = {"CLOSED", "SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "CLOSING",
                                  "TIME-WAIT", NULL},
                .server_states = {"LISTEN", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "CLOSING",
                                  "TIME-WAIT", NULL}},
     .run = lab_run_simultaneous_close},
    {.name = "syn-retry",
     .summary = "nftables drops the SYNs for 1.5 s: retransmitted after 1 s, then 2 s more",
     .needs = SF_LAB_NEEDS_NETNS | SF_LAB_NEEDS_NFT | SF_LAB_SLOW,
     .expect = {.open_kind = "syn-retried",
                .close_kind = "four-way",
                .client_states = CLIENT_4WAY,
                .server_states = SERVER_4WAY,
                .min_syn_retries = 2},
     .run = lab_run_syn_retry},
    {.name = "lossy",
     .summary = "nftables drops 8% of data segments: retransmissions, dup ACKs, fast retransmit",
     .needs = SF_LAB_NEEDS_NETNS | SF_LAB_NEEDS_NFT,
     .expect = {.open_kind = "three-way",
                .close_kind = "four-way",
                .client_states = CLIENT_4WAY,
                .server_states = SERVER_4WAY,
                .want_retransmissions = true},
     .run = lab_run_lossy},
    {.name = "time-wait",
     .summary = "the active closer in TIME-WAIT, checked against the kernel's socket table",
     .expect = {.open_kind = "three-way",
                .close_kind = "four-way",
                .client_states = CLIENT_4WAY,
                .server_states = SERVER_4WAY},
     .run = lab_run_time_wait},
};

const struct sf_lab_scenario *sf_lab_scenarios(size_t *count)
{
	*count = sizeof(scenarios) / sizeof(scenarios[0]);
	return scenarios;
}

const struct sf_lab_scenario *sf_lab_scenario_find(const char *name)
{
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (strcmp(scenarios[i].name, name) == 0)
			return &scenarios[i];
	return NULL;
}
