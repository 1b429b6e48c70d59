/*
 * A scripted upstream: an authoritative server in memory, fed with
 * records and failures by replay directives and unit tests.  Answers go
 * through the scheduler (after the configured delay on its clock), so a
 * replay sees exactly what a slow or dead upstream would cause.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/name.h"
#include "lib/resolver.h"
#include "lib/rrtype.h"
#include "lib/util.h"
#include "lib/zonefile.h"

struct frec {
	char *owner;      /* canonical */
	uint16_t type;
	uint32_t ttl;
	char *content;
	int next;         /* next record of the same owner, or -1 */
};

/* An owner name or an ancestor of one (so that "exists" is a lookup). */
struct fname {
	struct fname *hnext;
	size_t len;
	int first;        /* its first record, or -1 (an ancestor only) */
	char name[];
};

struct ffail {
	char *owner;
	uint16_t type;    /* 0 = any */
	int how;          /* 0 timeout, else negative errno, or 1 garbage */
};

struct fake {
	struct frec *recs;
	size_t nrecs, cap;
	struct ffail *fails;
	size_t nfails, fcap;
	uint64_t delay_ms;
	uint64_t timeout_ms;  /* when a silent server's query gives up */
	struct freq *live;
	/* the index over recs, rebuilt after the records change */
	struct fname **buckets;
	size_t nbuckets;
	bool dirty;
};

struct freq {
	struct rf_upstream *u;
	struct fake *f;
	struct rf_timer timer;
	rf_resolve_cb cb;
	void *arg;
	struct rf_answer *ans;  /* NULL: never answers (timeout) */
	struct freq *next;
	uint64_t sent_ms;
};

static void
index_free(struct fake *f)
{
	size_t i;

	for (i = 0; i < f->nbuckets; i++) {
		struct fname *n = f->buckets[i], *next;

		for (; n != NULL; n = next) {
			next = n->hnext;
			free(n);
		}
	}
	free(f->buckets);
	f->buckets = NULL;
	f->nbuckets = 0;
}

static struct fname *
index_find(const struct fake *f, const char *name, size_t len)
{
	struct fname *n;

	if (f->nbuckets == 0)
		return NULL;
	n = f->buckets[rf_hash_fast(name, len) & (f->nbuckets - 1)];
	for (; n != NULL; n = n->hnext)
		if (n->len == len && memcmp(n->name, name, len) == 0)
			return n;
	return NULL;
}

static struct fname *
index_add(struct fake *f, const char *name, size_t len)
{
	struct fname *n = index_find(f, name, len);
	size_t b;

	if (n != NULL)
		return n;
	n = rf_xmalloc(sizeof(*n) + len + 1);
	memcpy(n->name, name, len);
	n->name[len] = '\0';
	n->len = len;
	n->first = -1;
	b = rf_hash_fast(name, len) & (f->nbuckets - 1);
	n->hnext = f->buckets[b];
	f->buckets[b] = n;
	return n;
}

/* Index every owner and its ancestors (a scripted upstream is small, but
 * benchmarks replay hundreds of thousands of questions against it). */
static void
index_build(struct fake *f)
{
	size_t i;

	if (!f->dirty)
		return;
	index_free(f);
	f->nbuckets = 64;
	while (f->nbuckets < f->nrecs * 4)
		f->nbuckets *= 2;
	f->buckets = rf_xcalloc(f->nbuckets, sizeof(*f->buckets));
	for (i = f->nrecs; i-- > 0;) {
		struct frec *r = &f->recs[i];
		const char *name = r->owner;
		size_t len = strlen(name), off;
		struct fname *n = index_add(f, name, len);

		r->next = n->first;
		n->first = (int)i;
		while (rf_name_parent(name, len, &off)) {
			name += off;
			len -= off;
			index_add(f, name, len);
		}
	}
	f->dirty = false;
}

/* The first record of type t owned by n, or -1. */
static int
first_of(const struct fake *f, const struct fname *n, uint16_t t)
{
	int i;

	for (i = n ? n->first : -1; i >= 0; i = f->recs[i].next)
		if (f->recs[i].type == t)
			return i;
	return -1;
}

static struct rf_answer *
answer(struct fake *f, const char *canon, size_t len, uint16_t type)
{
	struct rf_answer *a = rf_answer_new();
	const struct frec *apex = NULL;
	const struct fname *qn, *cut = NULL;
	const char *name = canon;
	size_t nlen = len, off;
	bool found = false;
	int i;

	index_build(f);
	qn = index_find(f, canon, len);
	/* the deepest SOA at or above the name, and the highest delegation
	 * below that apex on the way (or at the name, unless the question
	 * is the DS, which the parent answers) */
	for (;;) {
		const struct fname *n = index_find(f, name, nlen);
		int soa = first_of(f, n, RF_T_SOA);

		if (soa >= 0) {
			apex = &f->recs[soa];
			break;
		}
		if (first_of(f, n, RF_T_NS) >= 0 &&
		    !(nlen == len && type == RF_T_DS))
			cut = n;
		if (!rf_name_parent(name, nlen, &off))
			break;
		name += off;
		nlen -= off;
	}
	if (apex != NULL && cut != NULL) {
		/* a referral, NOERROR without AA: NS kept when owned by the
		 * question name, with the glue for it */
		for (i = cut->first; cut->len == len && i >= 0;
		    i = f->recs[i].next)
			if (f->recs[i].type == RF_T_NS)
				rf_answer_add(a, RF_ARR_REFERRAL, canon, len,
				    RF_T_NS, f->recs[i].ttl,
				    f->recs[i].content,
				    strlen(f->recs[i].content));
		for (i = qn ? qn->first : -1; i >= 0; i = f->recs[i].next)
			if (f->recs[i].type == RF_T_A ||
			    f->recs[i].type == RF_T_AAAA)
				rf_answer_add(a, RF_ARR_GLUE, canon, len,
				    f->recs[i].type, f->recs[i].ttl,
				    f->recs[i].content,
				    strlen(f->recs[i].content));
		return a;
	}
	a->aa = true;
	for (i = qn ? qn->first : -1; i >= 0; i = f->recs[i].next) {
		const struct frec *r = &f->recs[i];

		if (r->type != type && type != RF_T_ANY)
			continue;
		found = true;
		rf_answer_add(a, RF_ARR_ANSWER, canon, len, r->type, r->ttl,
		    r->content, strlen(r->content));
	}
	if (!found && qn == NULL)
		a->rcode = 3; /* NXDOMAIN */
	if (!found && apex != NULL)
		rf_answer_add(a, RF_ARR_SOA, apex->owner, strlen(apex->owner),
		    RF_T_SOA, apex->ttl, apex->content,
		    strlen(apex->content));
	return a;
}

static void
unlink_req(struct fake *f, struct freq *q)
{
	struct freq **pp;

	for (pp = &f->live; *pp != NULL; pp = &(*pp)->next)
		if (*pp == q) {
			*pp = q->next;
			return;
		}
}

static void
deliver(void *arg)
{
	struct freq *q = arg;
	struct rf_answer *a = q->ans;

	unlink_req(q->f, q);
	a->fetched_ms = rf_sched_now(q->u->sched);
	a->latency_ms = (uint32_t)(a->fetched_ms - q->sent_ms);
	if (a->status == -ETIMEDOUT) {
		/* counted when sent */
	} else if (a->status == 0) {
		q->u->stats.answers++;
		q->u->stats.latency_ms += a->latency_ms;
		if (a->latency_ms > q->u->stats.latency_max_ms)
			q->u->stats.latency_max_ms = a->latency_ms;
	} else {
		q->u->stats.failures++;
	}
	q->cb(q->arg, a);
	rf_upstream_unref(q->u);
	free(q);
}

static void *
fake_send(struct rf_upstream *u, const char *canon, size_t len,
    uint16_t type, rf_resolve_cb cb, void *arg)
{
	struct fake *f = u->data;
	struct freq *q = rf_xcalloc(1, sizeof(*q));
	size_t i;

	u->stats.queries++;
	q->u = rf_upstream_ref(u);
	q->f = f;
	q->cb = cb;
	q->arg = arg;
	q->sent_ms = rf_sched_now(u->sched);
	rf_timer_init(&q->timer);
	for (i = 0; i < f->nfails; i++) {
		const struct ffail *x = &f->fails[i];

		if (strlen(x->owner) == len && memcmp(x->owner, canon, len) ==
		    0 && (x->type == 0 || x->type == type))
			break;
	}
	q->next = f->live;
	f->live = q;
	if (i < f->nfails && f->fails[i].how == 0) {
		/* silence: c-ares gives up after its tries */
		u->stats.timeouts++;
		q->ans = rf_answer_failure(-ETIMEDOUT);
		rf_timer_start(u->sched, &q->timer, f->timeout_ms, deliver,
		    q);
		return q;
	}
	if (i < f->nfails)
		q->ans = rf_answer_failure(f->fails[i].how == 1 ? -EPROTO :
		    f->fails[i].how);
	else
		q->ans = answer(f, canon, len, type);
	if (f->delay_ms > 0)
		rf_timer_start(u->sched, &q->timer, f->delay_ms, deliver, q);
	else
		rf_sched_defer(u->sched, deliver, q);
	return q;
}

/* Cancelling a deferred delivery: the deferred call cannot be taken back,
 * so the request is turned into one that delivers nowhere. */
static void
drop(void *arg, struct rf_answer *a)
{
	(void)arg;
	rf_answer_unref(a);
}

static void
fake_cancel(struct rf_upstream *u, void *req)
{
	struct freq *q = req;

	if (rf_timer_active(&q->timer)) {
		rf_timer_stop(u->sched, &q->timer);
		unlink_req(q->f, q);
		rf_answer_unref(q->ans);
		rf_upstream_unref(q->u);
		free(q);
		return;
	}
	q->cb = drop;
}

static void
fake_free(struct rf_upstream *u)
{
	struct fake *f = u->data;

	/* requests still live hold a reference: none can be left here */
	rf_fake_clear(u);
	index_free(f);
	free(f->recs);
	free(f->fails);
	free(f);
}

static const struct rf_upstream_ops fake_ops = {
	.kind = "fake",
	.send = fake_send,
	.cancel = fake_cancel,
	.free = fake_free,
};

struct rf_upstream *
rf_upstream_fake_new(const char *name, struct rf_sched *sched)
{
	struct rf_upstream *u = rf_xcalloc(1, sizeof(*u));

	u->ops = &fake_ops;
	u->refs = 1;
	u->name = rf_xstrdup(name);
	u->key = rf_xstrdup(name);
	u->sched = sched;
	u->data = rf_xcalloc(1, sizeof(struct fake));
	((struct fake *)u->data)->timeout_ms = 5000;
	return u;
}

struct add_ctx {
	struct fake *f;
	int n;
};

static int
add_emit(void *arg, const struct rf_zf_rr *rr)
{
	struct add_ctx *c = arg;
	struct frec *r;

	rf_grow(&c->f->recs, &c->f->cap, c->f->nrecs + 1,
	    sizeof(*c->f->recs));
	r = &c->f->recs[c->f->nrecs++];
	r->owner = rf_xstrndup(rr->owner, rr->owner_len);
	r->type = rr->type;
	r->ttl = rr->ttl;
	r->content = rf_xstrndup(rr->content, rr->content_len);
	r->next = -1;
	c->f->dirty = true;
	c->n++;
	return 0;
}

int
rf_fake_add(struct rf_upstream *u, const char *line, char *err,
    size_t errlen)
{
	struct add_ctx c = { u->data, 0 };
	struct rf_zf_opts o = { .origin = "" };
	struct rf_diag d;
	int rc = 0;

	rf_diag_init(&d);
	rf_zf_load_mem("directive", line, strlen(line), &o, add_emit, &c,
	    &d);
	if (d.count > 0 || c.n != 1) {
		snprintf(err, errlen, "%s", d.count > 0 ? d.msgs[0] :
		    "one record expected");
		rc = -1;
	}
	rf_diag_fini(&d);
	return rc;
}

int
rf_fake_fail(struct rf_upstream *u, const char *canon, uint16_t type,
    const char *how)
{
	struct fake *f = u->data;
	struct ffail *x;
	int code;

	if (strcasecmp(how, "timeout") == 0)
		code = 0;
	else if (strcasecmp(how, "servfail") == 0)
		code = -EIO;
	else if (strcasecmp(how, "refused") == 0)
		code = -EACCES;
	else if (strcasecmp(how, "garbage") == 0)
		code = 1;
	else
		return -1;
	rf_grow(&f->fails, &f->fcap, f->nfails + 1, sizeof(*f->fails));
	x = &f->fails[f->nfails++];
	x->owner = rf_xstrdup(canon);
	x->type = type;
	x->how = code;
	return 0;
}

void
rf_fake_delay(struct rf_upstream *u, uint64_t ms)
{
	((struct fake *)u->data)->delay_ms = ms;
}

void
rf_fake_clear(struct rf_upstream *u)
{
	struct fake *f = u->data;
	size_t i;

	for (i = 0; i < f->nrecs; i++) {
		free(f->recs[i].owner);
		free(f->recs[i].content);
	}
	for (i = 0; i < f->nfails; i++)
		free(f->fails[i].owner);
	f->nrecs = f->nfails = 0;
	f->dirty = true;
}
