/* net/tcp_sack.c - sequence-range sets used on both sides: the receiver's
 * out-of-order data and the sender's SACK scoreboard (RFC 2018), and the
 * search for the next un-SACKed hole to resend during recovery. */
#include "net/tcp_int.h"
#include "lib/err.h"

static void tcp_range_remove(struct tcp_range *r, int *n, int i)
{
	r[i] = r[*n - 1];
	(*n)--;
}

static int tcp_range_highest(const struct tcp_range *r, int n)
{
	int i, hi = 0;

	for (i = 1; i < n; i++)
		if (SEQ_GT(r[i].start, r[hi].start))
			hi = i;
	return hi;
}

/* Add [start, end) to the set, merging overlapping or touching ranges.
 * When all max slots are used, the farthest range gives way to a nearer
 * one (or the new one is not kept). Returns 0, or LL_EAGAIN when the set
 * had no room and something was forgotten (the peer sends it again). */
int tcp_range_add(struct tcp_range *r, int *n, int max, uint32_t start,
		  uint32_t end)
{
	int i;

	for (i = 0; i < *n; i++) {
		if (SEQ_LEQ(start, r[i].end) && SEQ_GEQ(end, r[i].start)) {
			if (SEQ_GT(start, r[i].start))
				start = r[i].start;
			if (SEQ_LT(end, r[i].end))
				end = r[i].end;
			tcp_range_remove(r, n, i);
			i = -1;                 /* the merged range may touch more */
		}
	}
	if (*n < max) {
		r[*n].start = start;
		r[*n].end = end;
		(*n)++;
		return 0;
	}
	i = tcp_range_highest(r, *n);
	if (SEQ_LT(start, r[i].start)) {
		r[i].start = start;
		r[i].end = end;
	}
	return LL_EAGAIN;
}

/* Remove what lies below seq; returns the highest end of a range that
 * reached seq (seq itself if none did). */
uint32_t tcp_range_cut(struct tcp_range *r, int *n, uint32_t seq)
{
	uint32_t top = seq;
	int i;

	for (i = 0; i < *n; i++) {
		if (SEQ_LEQ(r[i].start, seq)) {
			if (SEQ_GT(r[i].end, top))
				top = r[i].end;
			tcp_range_remove(r, n, i);
			i = -1;
		}
	}
	return top;
}

/* Take the SACK blocks of an acceptable ACK into the scoreboard; blocks
 * outside (snd_una, snd_max] are ignored (RFC 2018 / RFC 5961 spirit). */
void tcp_sack_update(struct tcp_conn *c, const struct tcp_seg *s)
{
	int i;

	for (i = 0; i < s->sack_n; i++) {
		uint32_t start = s->sack[i].start, end = s->sack[i].end;

		if (!SEQ_LT(start, end) || SEQ_LEQ(start, c->snd_una) ||
		    SEQ_GT(end, c->snd_max))
			continue;
		tcp_range_add(c->sacked, &c->sacked_n, TCP_OOO_MAX, start, end);
		c->sack_seen = 1;
	}
	tcp_range_cut(c->sacked, &c->sacked_n, c->snd_una);
}

uint32_t tcp_sack_bytes(const struct tcp_conn *c)
{
	uint32_t n = 0;
	int i;

	for (i = 0; i < c->sacked_n; i++)
		n += c->sacked[i].end - c->sacked[i].start;
	return n;
}

uint32_t tcp_sack_high(const struct tcp_conn *c)
{
	uint32_t hi = c->snd_una;
	int i;

	for (i = 0; i < c->sacked_n; i++)
		if (SEQ_GT(c->sacked[i].end, hi))
			hi = c->sacked[i].end;
	return hi;
}

/* The first un-SACKed byte at or after from, below the highest SACKed
 * byte: 1 with *seq and *len (at most one MSS, up to the next SACKed
 * range), or 0 when there is no such hole. */
int tcp_sack_next_hole(const struct tcp_conn *c, uint32_t from,
		       uint32_t *seq, uint32_t *len)
{
	uint32_t hi = tcp_sack_high(c), limit, end = tcp_data_end(c);
	int i, moved = 1;

	if (SEQ_LT(from, c->snd_una))
		from = c->snd_una;
	while (moved) {
		moved = 0;
		for (i = 0; i < c->sacked_n; i++)
			if (SEQ_LEQ(c->sacked[i].start, from) &&
			    SEQ_LT(from, c->sacked[i].end)) {
				from = c->sacked[i].end;
				moved = 1;
			}
	}
	if (!SEQ_LT(from, hi) || !SEQ_LT(from, end))
		return 0;
	limit = SEQ_LT(hi, end) ? hi : end;
	for (i = 0; i < c->sacked_n; i++)
		if (SEQ_GT(c->sacked[i].start, from) &&
		    SEQ_LT(c->sacked[i].start, limit))
			limit = c->sacked[i].start;
	*seq = from;
	*len = tcp_min32(limit - from, c->mss);
	return 1;
}
