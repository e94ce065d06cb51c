/* synfin — Zeek's view of a connection: the history string and conn_state.
 *
 * history follows update_history() of Zeek's TCP analyzer (analyzer/protocol/tcp/TCP.cc):
 * a packet with two or more of SYN/FIN/RST records 'Q' (or 'I' for FIN+RST); exactly one
 * records S (SYN), H (SYN+ACK), F or R, again only when its sequence number differs from the
 * last one of that kind; none records D for payload, else A for an ACK. Each letter is written
 * once per direction (a "seen" mask per endpoint), upper case for the originator (client), and
 * c g t w are log-scaled (1st, 10th, 100th … occurrence). A connection whose first packet came
 * from the responder starts with '^', as Zeek's FlipRoles() writes it.
 *
 * conn_state is main.zeek's conn_state() over Zeek's endpoint states (INACTIVE, SYN_SENT,
 * SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET), which TCP.cc's UpdateStateMachine steps.
 */
#include <ctype.h>
#include <string.h>

#include "track_int.h"

enum hist_bit { H_SYN = 1, H_FIN = 2, H_RST = 4, H_FINRST = 8, H_DATA = 16, H_ACK = 32, H_Q = 64 };

void trk_zeek_history_add(struct trk_rec *r, int from, char letter)
{
	size_t n = strlen(r->c.history);
	if (n >= SF_CONN_HISTORY_LEN)
		return;
	r->c.history[n] =
	    (char)(from == 0 ? toupper((unsigned char)letter) : tolower((unsigned char)letter));
	r->c.history[n + 1] = '\0';
}

/* Connection::CheckHistory: write the letter the first time this endpoint shows it; true when
 * it had been shown already. */
static bool check(struct trk_rec *r, int from, uint8_t bit, char letter)
{
	if (r->side[from].zeek_seen & bit)
		return true;
	r->side[from].zeek_seen |= bit;
	trk_zeek_history_add(r, from, letter);
	return false;
}

/* Counter i (c g t w) of side s, incremented, saturating at 127 (7 bits: enough for the 1st,
 * 10th and 100th occurrence, where Zeek writes the letter). */
static unsigned scaled_bump(struct trk_side *s, int i)
{
	unsigned n;
	switch (i) {
	case 0:
		n = s->scaled_c = s->scaled_c < 127 ? s->scaled_c + 1 : 127;
		break;
	case 1:
		n = s->scaled_g = s->scaled_g < 127 ? s->scaled_g + 1 : 127;
		break;
	case 2:
		n = s->scaled_t = s->scaled_t < 127 ? s->scaled_t + 1 : 127;
		break;
	default:
		n = s->scaled_w = s->scaled_w < 127 ? s->scaled_w + 1 : 127;
		break;
	}
	return n;
}

void sf_conn_history_scaled(struct sf_conn *c, bool from_client, char letter)
{
	static const char letters[4] = {'c', 'g', 't', 'w'};
	struct trk_rec *r = trk_rec_of(c);
	int from = from_client ? 0 : 1;
	for (int i = 0; i < 4; i++) {
		if (tolower((unsigned char)letter) != letters[i])
			continue;
		unsigned n = scaled_bump(&r->side[from], i);
		if (n == 1 || n == 10 || n == 100)
			trk_zeek_history_add(r, from, letter);
	}
}

static void history(struct trk_rec *r, const struct sf_packet *p, int from)
{
	uint16_t f = p->flags;
	struct trk_side *s = &r->side[from];
	int bits = !!(f & SF_TCP_SYN) + !!(f & SF_TCP_FIN) + !!(f & SF_TCP_RST);

	if (bits > 1) {
		if ((f & SF_TCP_FIN) && (f & SF_TCP_RST))
			check(r, from, H_FINRST, 'I');
		else
			check(r, from, H_Q, 'Q');
	} else if (bits == 1) {
		if (f & SF_TCP_SYN) {
			char code = (f & SF_TCP_ACK) ? 'H' : 'S';
			if (check(r, from, H_SYN, code) && p->seq != r->c.isn[from])
				trk_zeek_history_add(r, from, code);
		}
		if (f & SF_TCP_FIN) {
			uint32_t fe = p->seq + p->tcp_len;
			if (check(r, from, H_FIN, 'F') && s->fin_sent && fe + 1 != s->fin_end)
				trk_zeek_history_add(r, from, 'F');
		}
		if (f & SF_TCP_RST) {
			if (check(r, from, H_RST, 'R') && p->seq != s->last_rst)
				trk_zeek_history_add(r, from, 'R');
			s->last_rst = p->seq;
		}
	} else if (p->tcp_len > 0) {
		check(r, from, H_DATA, 'D');
	} else if (f & SF_TCP_ACK) {
		check(r, from, H_ACK, 'A');
	}
	if (p->window == 0 && !(f & (SF_TCP_SYN | SF_TCP_FIN | SF_TCP_RST)))
		sf_conn_history_scaled(&r->c, from == 0, 'w');
	if (p->tcp_checksum_ok == 0)
		sf_conn_history_scaled(&r->c, from == 0, 'c');
}

static void zset(struct trk_side *s, enum zeek_ep st)
{
	s->zeek_prev = s->zeek;
	s->zeek = st;
}

/* TCP.cc UpdateInactiveState. */
static void z_inactive(struct trk_rec *r, const struct sf_packet *p, int from)
{
	uint16_t f = p->flags;
	struct trk_side *e = &r->side[from], *peer = &r->side[1 - from];
	if (f & SF_TCP_SYN) {
		if (from == 0) {
			zset(e, (f & SF_TCP_ACK) ? ZEP_SYN_ACK_SENT : ZEP_SYN_SENT);
		} else {
			if (peer->zeek == ZEP_SYN_SENT)
				zset(peer, ZEP_ESTABLISHED);
			zset(e, ZEP_ESTABLISHED);
		}
	}
	if (f & SF_TCP_FIN)
		zset(e, ZEP_CLOSED);
	if (f & SF_TCP_RST)
		zset(e, ZEP_RESET);
	if (e->zeek == ZEP_INACTIVE) {
		/* an ACK to a SYN before the SYN-ACK does not make a partial connection */
		if (!(from == 1 && p->tcp_len == 0 && r->side[0].zeek == ZEP_SYN_SENT))
			zset(e, ZEP_PARTIAL);
	}
}

/* TCP.cc UpdateSYN_SentState, UpdateEstablishedState, UpdateClosedState, UpdateResetState. */
static void z_step(struct trk_rec *r, const struct sf_packet *p, int from)
{
	uint16_t f = p->flags;
	struct trk_side *e = &r->side[from], *peer = &r->side[1 - from];
	switch (e->zeek) {
	case ZEP_INACTIVE:
		z_inactive(r, p, from);
		break;
	case ZEP_SYN_SENT:
	case ZEP_SYN_ACK_SENT:
		if (f & SF_TCP_FIN)
			zset(e, ZEP_CLOSED);
		if (f & SF_TCP_RST)
			zset(e, ZEP_RESET);
		break;
	case ZEP_PARTIAL:
	case ZEP_ESTABLISHED:
		if ((f & SF_TCP_SYN) && e->zeek == ZEP_PARTIAL && peer->zeek == ZEP_INACTIVE &&
		    !(f & SF_TCP_ACK))
			zset(e, ZEP_SYN_SENT);
		if ((f & SF_TCP_FIN) && !(f & SF_TCP_RST)) {
			zset(e, ZEP_CLOSED);
			/* a FIN then a RST from the peer was a normal close after all */
			if (peer->zeek == ZEP_RESET && peer->zeek_prev == ZEP_CLOSED)
				zset(peer, ZEP_CLOSED);
		}
		if (f & SF_TCP_RST)
			zset(e, ZEP_RESET);
		break;
	case ZEP_CLOSED:
		if (f & SF_TCP_RST)
			zset(e, ZEP_RESET);
		break;
	case ZEP_RESET:
		break;
	}
}

void trk_zeek_packet(struct trk_rec *r, const struct sf_packet *p, int from, uint32_t rel_seq)
{
	(void)rel_seq;
	if (r->c.pkts[0] + r->c.pkts[1] == 0 && from == 1)
		trk_zeek_history_add(r, 0, '^');
	history(r, p, from);
	z_step(r, p, from);
}

/* main.zeek: the whole history matches the pattern \^?S[^HAFGIQ]*R.* */
static bool rstos0_history(const char *h)
{
	if (*h == '^')
		h++;
	if (*h++ != 'S')
		return false;
	for (; *h; h++) {
		if (*h == 'R')
			return true;
		if (strchr("HAFGIQ", *h))
			return false;
	}
	return false;
}

enum sf_zeek_state trk_zeek_conn_state(const struct trk_rec *r)
{
	enum zeek_ep os = r->side[0].zeek, rs = r->side[1].zeek;
	bool o_inactive = os == ZEP_INACTIVE || os == ZEP_PARTIAL;
	bool r_inactive = rs == ZEP_INACTIVE || rs == ZEP_PARTIAL;

	if (rs == ZEP_RESET) {
		if (os == ZEP_SYN_SENT || os == ZEP_SYN_ACK_SENT ||
		    (os == ZEP_RESET && r->c.bytes[0] == 0 && r->c.bytes[1] == 0))
			return SF_ZEEK_REJ;
		return o_inactive ? SF_ZEEK_RSTRH : SF_ZEEK_RSTR;
	}
	if (os == ZEP_RESET) {
		if (r_inactive)
			return rstos0_history(r->c.history) ? SF_ZEEK_RSTOS0 : SF_ZEEK_OTH;
		return SF_ZEEK_RSTO;
	}
	if (rs == ZEP_CLOSED && os == ZEP_CLOSED)
		return SF_ZEEK_SF;
	if (os == ZEP_CLOSED)
		return r_inactive ? SF_ZEEK_SH : SF_ZEEK_S2;
	if (rs == ZEP_CLOSED)
		return o_inactive ? SF_ZEEK_SHR : SF_ZEEK_S3;
	if (os == ZEP_SYN_SENT && rs == ZEP_INACTIVE)
		return SF_ZEEK_S0;
	if (os == ZEP_ESTABLISHED && rs == ZEP_ESTABLISHED)
		return SF_ZEEK_S1;
	return SF_ZEEK_OTH;
}
