/* synfin — explain, part 1 and 2: the ladder diagram and the lab table.
 *
 * The ladder puts the client on the left and the server on the right, one arrow per packet
 * labelled as a packet line labels it (flags, relative Seq/Ack, Len), with the state each
 * endpoint entered written beside it on the packet that changed it. The lab table is the one
 * networking courses have students fill in by hand from Wireshark: for the SYN, the SYN-ACK,
 * the ACK that completes the handshake, the first request and response, each FIN and the ACK
 * that acknowledges it (and each RST): frame, direction, flags, seq, ack, window and length,
 * relative and raw.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/explain_model.h"
#include "report/packet_report.h"
#include "report/view_put.h"
#include "synfin/analysis.h"

#define FRAME_W 7  /* frame number */
#define TIME_W  10 /* seconds since the first frame of the run, µs */
#define STATE_W 13 /* "SYN-RECEIVED" and a space */
#define ARROW_W 52 /* arrow area, in terminal columns */

int sf_xconn_add(struct sf_xconn *x, const struct sf_xpkt *p)
{
	if (x->n_pkts >= SF_XPKT_CAP) {
		x->n_more++;
		return 0;
	}
	if (x->n_pkts == x->cap_pkts) {
		uint32_t cap = x->cap_pkts ? x->cap_pkts * 2 : 32;
		if (cap > SF_XPKT_CAP)
			cap = SF_XPKT_CAP;
		struct sf_xpkt *n = realloc(x->pkts, (size_t)cap * sizeof(*n));
		if (!n) {
			x->n_more++;
			return -1;
		}
		x->pkts = n;
		x->cap_pkts = cap;
	}
	x->pkts[x->n_pkts++] = *p;
	return 0;
}

void sf_xconn_free(struct sf_xconn *x)
{
	free(x->pkts);
	x->pkts = NULL;
	x->n_pkts = x->cap_pkts = 0;
}

static void put_kv(struct sf_outbuf *ob, const char *k, uint64_t v)
{
	ob_puts(ob, k);
	ob_put_u64(ob, v);
}

/* "[SYN, ACK] Seq=0 Ack=1 Len=0", as the packet lines write it. */
static void put_label(struct sf_outbuf *ob, const struct sf_xpkt *p)
{
	pr_put_flags(ob, p->flags, false);
	put_kv(ob, " Seq=", p->seq_rel);
	if (p->flags & SF_TCP_ACK)
		put_kv(ob, " Ack=", p->ack_rel_valid ? p->ack_rel : p->ack);
	put_kv(ob, " Len=", p->len);
}

static void repeat(struct sf_outbuf *ob, const char *s, int n)
{
	for (int i = 0; i < n; i++)
		ob_puts(ob, s);
}

/* The label is ASCII, so its byte length is its width; the line is drawn with U+2500 and the
 * heads U+25BA / U+25C4, each one column wide. The label is written first, where the arrow
 * starts, to measure it (vp_begin keeps it in one piece of the buffer); for a server → client
 * arrow it is then moved right behind the head and the line. */
static void draw_arrow(struct sf_outbuf *ob, const struct sf_xpkt *p)
{
	static const char line[] = "─", head_r[] = "►", head_l[] = "◄";
	char label[OB_MAX_PUT * 2];
	size_t m = vp_begin(ob);
	put_label(ob, p);
	size_t n = ob->len - m;
	if (n >= sizeof(label))
		n = sizeof(label) - 1;
	memcpy(label, ob->buf + m, n);
	ob->len = m;
	int fill = ARROW_W - 3 - (int)n;
	if (fill < 1)
		fill = 1;
	if (p->dir == SF_ROW_CLIENT) {
		repeat(ob, line, 2);
		ob_put_mem(ob, label, n);
		repeat(ob, line, fill);
		ob_puts(ob, head_r);
	} else {
		ob_puts(ob, head_l);
		repeat(ob, line, fill);
		ob_put_mem(ob, label, n);
		repeat(ob, line, 2);
	}
}

/* Wireshark's analysis labels of the packet ("[TCP Retransmission] [TCP Dup ACK 8#2]"), after
 * the arrow and the server's state, in the order of Wireshark's info column. */
static void put_ana_labels(struct sf_outbuf *ob, const struct sf_xpkt *p)
{
	struct sf_pkt_analysis a = {.flags = p->ana_flags,
	                            .dup_ack_num = p->dup_ack_num,
	                            .dup_ack_frame = p->dup_ack_frame,
	                            .dsack_frame = p->dsack_frame};
	char buf[512]; /* every label at once takes about 300 bytes */
	sf_ana_format_labels(&a, buf, sizeof(buf));
	size_t n = strlen(buf);
	while (n > 0 && buf[n - 1] == ' ')
		n--; /* the labels end with the space that precedes the info text */
	ob_put_spaces(ob, 2);
	ob_put_mem(ob, buf, n);
}

/* The state the tracker decided each side was in before the first packet (a refused port's
 * CLOSED, a listener's LISTEN), from which its transitions start. */
static const char *initial_state(const struct sf_xconn *x, int side)
{
	return x->row.side[side].init_state ? x->row.side[side].init_state : "";
}

static void put_time_col(struct sf_outbuf *ob, int64_t ns)
{
	size_t m = vp_begin(ob);
	ob_put_nsec(ob, ns, 6);
	vp_end(ob, m, TIME_W, true);
}

/* The first columns of a ladder line: frame and time, or blanks. */
static void lead(struct sf_outbuf *ob, const char *frame, const char *time)
{
	size_t m = vp_begin(ob);
	ob_puts(ob, frame);
	vp_end(ob, m, FRAME_W, true);
	ob_putc(ob, ' ');
	m = vp_begin(ob);
	ob_puts(ob, time);
	vp_end(ob, m, TIME_W, true);
	ob_put_spaces(ob, 2);
}

static void side_titles(struct sf_outbuf *ob, const char *left, const char *right)
{
	vp_str(ob, left, STATE_W);
	ob_put_spaces(ob, ARROW_W + 2);
	ob_puts(ob, right);
	ob_putc(ob, '\n');
}

static void put_endpoint(struct sf_outbuf *ob, const struct sf_addr *a, uint16_t port)
{
	ob_put_addr(ob, a, true);
	ob_putc(ob, ':');
	ob_put_u64(ob, port);
}

void sf_explain_ladder(struct sf_outbuf *ob, const struct sf_xconn *x, int64_t t0_sec,
                       uint32_t t0_nsec)
{
	const struct sf_conn_row *r = &x->row;

	lead(ob, "frame", "time");
	side_titles(ob, r->roles_guessed ? "client (guessed)" : "client",
	            r->roles_guessed ? "server (guessed)" : "server");
	lead(ob, "", "");
	size_t m = vp_begin(ob);
	put_endpoint(ob, &r->client, r->client_port);
	size_t n = ob->len - m;
	ob_put_spaces(ob, n < STATE_W + ARROW_W + 2 ? (unsigned)(STATE_W + ARROW_W + 2 - n) : 1);
	put_endpoint(ob, &r->server, r->server_port);
	ob_putc(ob, '\n');
	lead(ob, "", "");
	side_titles(ob, initial_state(x, SF_ROW_CLIENT), initial_state(x, SF_ROW_SERVER));

	for (uint32_t i = 0; i < x->n_pkts; i++) {
		const struct sf_xpkt *p = &x->pkts[i];
		const char *cs = p->state_to[SF_ROW_CLIENT], *ss = p->state_to[SF_ROW_SERVER];
		m = vp_begin(ob);
		ob_put_u64(ob, p->frame);
		vp_end(ob, m, FRAME_W, true);
		ob_putc(ob, ' ');
		put_time_col(ob, sf_row_ns_between(t0_sec, t0_nsec, p->ts_sec, p->ts_nsec));
		ob_put_spaces(ob, 2);
		vp_str(ob, cs ? cs : "", STATE_W);
		draw_arrow(ob, p);
		if (ss) {
			ob_put_spaces(ob, 2);
			ob_puts(ob, ss);
		}
		if (p->ana_flags)
			put_ana_labels(ob, p);
		ob_putc(ob, '\n');
	}
	if (x->n_more) {
		lead(ob, "", "");
		ob_puts(ob, "… ");
		ob_put_u64(ob, x->n_more);
		ob_puts(ob, x->n_more == 1 ? " more packet" : " more packets");
		ob_puts(ob, " not shown (explain keeps the first ");
		ob_put_u64(ob, SF_XPKT_CAP);
		ob_puts(ob, " of a connection)\n");
	}
	ob_putc(ob, '\n');
}

/* ---- lab table ---------------------------------------------------------------------------- */

/* RFC 9293 §3.4: sequence numbers compare modulo 2^32. */
static bool seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

static int find(const struct sf_xconn *x, uint32_t from, int dir, uint16_t need, uint16_t deny,
                bool need_len)
{
	for (uint32_t i = from; i < x->n_pkts; i++) {
		const struct sf_xpkt *p = &x->pkts[i];
		if (dir >= 0 && p->dir != dir)
			continue;
		if ((p->flags & need) != need || (p->flags & deny))
			continue;
		if (need_len && p->len == 0)
			continue;
		return (int)i;
	}
	return -1;
}

/* First packet of the other side, after index i, acknowledging everything up to the end of
 * packet i (its data, and its SYN or FIN, each of which takes one sequence number). */
static int find_ack_of(const struct sf_xconn *x, uint32_t i)
{
	const struct sf_xpkt *p = &x->pkts[i];
	uint32_t end =
	    p->seq + p->len + ((p->flags & SF_TCP_SYN) ? 1 : 0) + ((p->flags & SF_TCP_FIN) ? 1 : 0);
	for (uint32_t j = i + 1; j < x->n_pkts; j++) {
		const struct sf_xpkt *q = &x->pkts[j];
		if (q->dir != p->dir && (q->flags & SF_TCP_ACK) && !(q->flags & SF_TCP_RST) &&
		    seq_geq(q->ack, end))
			return (int)j;
	}
	return -1;
}

static const struct {
	const char *title;
	unsigned width;
	bool right;
} lab_cols[] = {{"step", 18, false},   {"frame", 7, true}, {"dir", 3, false},
                {"flags", 16, false},  {"seq", 10, true},  {"ack", 10, true},
                {"win", 6, true},      {"len", 6, true},   {"seq(raw)", 10, true},
                {"ack(raw)", 10, true}};

static size_t lab_col(struct sf_outbuf *ob, unsigned i)
{
	ob_putc(ob, ' ');
	if (i == 0 || i == 8)
		ob_putc(ob, ' ');
	return vp_begin(ob);
}

static void lab_col_end(struct sf_outbuf *ob, unsigned i, size_t m)
{
	vp_end(ob, m, lab_cols[i].width, lab_cols[i].right);
}

static void lab_header(struct sf_outbuf *ob)
{
	for (unsigned i = 0; i < sizeof(lab_cols) / sizeof(lab_cols[0]); i++) {
		size_t m = lab_col(ob, i);
		ob_puts(ob, lab_cols[i].title);
		lab_col_end(ob, i, m);
	}
	ob_putc(ob, '\n');
}

static void lab_u64(struct sf_outbuf *ob, unsigned i, uint64_t v)
{
	size_t m = lab_col(ob, i);
	ob_put_u64(ob, v);
	lab_col_end(ob, i, m);
}

static void lab_str(struct sf_outbuf *ob, unsigned i, const char *s)
{
	size_t m = lab_col(ob, i);
	ob_puts(ob, s);
	lab_col_end(ob, i, m);
}

static void lab_row(struct sf_outbuf *ob, const struct sf_xconn *x, const char *step, int i)
{
	lab_str(ob, 0, step);
	if (i < 0) {
		lab_str(ob, 1, "-");
		ob_puts(ob, "  (not seen)\n");
		return;
	}
	const struct sf_xpkt *p = &x->pkts[i];
	bool ack = p->flags & SF_TCP_ACK;
	lab_u64(ob, 1, p->frame);
	/* "C>S" rather than an arrow: the column stays ASCII so that it pads by bytes. */
	lab_str(ob, 2, p->dir == SF_ROW_CLIENT ? "C>S" : "S>C");
	size_t m = lab_col(ob, 3);
	pr_put_flags(ob, p->flags, false);
	lab_col_end(ob, 3, m);
	lab_u64(ob, 4, p->seq_rel);
	if (!ack)
		lab_str(ob, 5, "-");
	else if (p->ack_rel_valid)
		lab_u64(ob, 5, p->ack_rel);
	else
		lab_str(ob, 5, "?");
	lab_u64(ob, 6, p->win);
	lab_u64(ob, 7, p->len);
	lab_u64(ob, 8, p->seq);
	if (ack)
		lab_u64(ob, 9, p->ack);
	else
		lab_str(ob, 9, "-");
	ob_putc(ob, '\n');
}

/* A FIN that repeats an earlier FIN of the same side (same sequence number) is a
 * retransmission: the table lists each side's FIN once. */
static bool fin_repeated(const struct sf_xconn *x, uint32_t i)
{
	for (uint32_t j = 0; j < i; j++)
		if ((x->pkts[j].flags & SF_TCP_FIN) && x->pkts[j].dir == x->pkts[i].dir &&
		    x->pkts[j].seq == x->pkts[i].seq)
			return true;
	return false;
}

void sf_explain_lab_table(struct sf_outbuf *ob, const struct sf_xconn *x)
{
	lab_header(ob);
	int syn = find(x, 0, SF_ROW_CLIENT, SF_TCP_SYN, SF_TCP_ACK | SF_TCP_RST, false);
	int synack =
	    find(x, syn < 0 ? 0 : (uint32_t)syn, -1, SF_TCP_SYN | SF_TCP_ACK, SF_TCP_RST, false);
	int ack3 = -1;
	if (synack >= 0) {
		int j = find_ack_of(x, (uint32_t)synack);
		if (j >= 0 && !(x->pkts[j].flags & SF_TCP_SYN))
			ack3 = j;
	}
	lab_row(ob, x, "SYN", syn);
	lab_row(ob, x, "SYN-ACK", synack);
	lab_row(ob, x, "ACK (handshake)", ack3);
	lab_row(ob, x, "first request", find(x, 0, SF_ROW_CLIENT, 0, SF_TCP_RST, true));
	lab_row(ob, x, "first response", find(x, 0, SF_ROW_SERVER, 0, SF_TCP_RST, true));
	unsigned fins = 0;
	for (uint32_t i = 0; i < x->n_pkts; i++) {
		const struct sf_xpkt *p = &x->pkts[i];
		char step[40];
		const char *who = p->dir == SF_ROW_CLIENT ? "client" : "server";
		if ((p->flags & SF_TCP_FIN) && !(p->flags & SF_TCP_RST) && !fin_repeated(x, i)) {
			fins++;
			snprintf(step, sizeof(step), "FIN (%s)", who);
			lab_row(ob, x, step, (int)i);
			snprintf(step, sizeof(step), "ACK of %s FIN", who);
			lab_row(ob, x, step, find_ack_of(x, i));
		} else if (p->flags & SF_TCP_RST) {
			snprintf(step, sizeof(step), "RST (%s)", who);
			lab_row(ob, x, step, (int)i);
		}
	}
	if (!fins)
		ob_puts(ob, "  (no FIN seen)\n");
	if (x->n_more) {
		ob_puts(ob, "  (only the first ");
		ob_put_u64(ob, SF_XPKT_CAP);
		ob_puts(ob, " packets were kept: a FIN or RST after them is not listed)\n");
	}
	ob_putc(ob, '\n');
}
