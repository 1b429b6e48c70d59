/*
 * Query allocation and the question/answer helpers.
 */
#include "lib/query.h"

#include <stdlib.h>
#include <string.h>

#include "lib/answer.h"
#include "lib/engine.h"
#include "lib/util.h"

/*
 * Freed queries are kept for reuse: a query is a few kilobytes (its
 * inline arena included), and malloc/free of that size for every request
 * showed in profiles.  Single-threaded, so a plain list.
 */
#define POOL_MAX 64
static struct rf_query *pool[POOL_MAX];
static size_t npool;

struct rf_query *
rf_query_new(void)
{
	struct rf_query *q = npool > 0 ? pool[--npool] :
	    rf_xmalloc(sizeof(*q));

	memset(q, 0, offsetof(struct rf_query, arena));
	rf_arena_init(&q->arena);
	q->qname = "";
	q->remote = q->local = q->real_remote = "";
	q->zone_id = -1;
	rf_timer_init(&q->deadline);
	return q;
}

void
rf_query_free(struct rf_query *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nheld; i++)
		rf_answer_unref(q->held[i]);
	rf_gen_unref(q->gen);
	rf_buf_fini(&q->reply);
	rf_arena_fini(&q->arena);
	if (npool < POOL_MAX)
		pool[npool++] = q;
	else
		free(q);
}

int
rf_query_set_name(struct rf_query *q, const char *name, size_t len)
{
	if (rf_name_canon(name, len, q->canon, &q->canon_len) < 0)
		return -1;
	if (len > 1 && rf_name_has_final_dot(name, len))
		len--;
	if (len == 1 && name[0] == '.')
		len = 0;
	q->qname = rf_arena_strndup(&q->arena, name, len);
	q->qname_len = len;
	return 0;
}

void
rf_query_add(struct rf_query *q, const struct rf_rr *rr)
{
	if (q->nrrs == q->rrs_cap) {
		size_t ncap = q->rrs_cap ? q->rrs_cap * 2 : 8;
		struct rf_rr *n = rf_arena_alloc(&q->arena,
		    ncap * sizeof(*n));

		if (q->nrrs)
			memcpy(n, q->rrs, q->nrrs * sizeof(*n));
		q->rrs = n;
		q->rrs_cap = ncap;
	}
	q->rrs[q->nrrs++] = *rr;
}

bool
rf_query_hold(struct rf_query *q, struct rf_answer *a)
{
	size_t i;

	for (i = 0; i < q->nheld; i++)
		if (q->held[i] == a)
			return true;
	if (q->nheld == RF_ARRAY_LEN(q->held))
		return false;
	q->held[q->nheld++] = rf_answer_ref(a);
	return true;
}

char *
rf_query_strdup(struct rf_query *q, const char *s, size_t len)
{
	return rf_arena_strndup(&q->arena, s, len);
}
