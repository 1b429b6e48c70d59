/*
 * The forward rule: answers from an upstream server set, through the
 * cache, so that pdns believes it is authoritative for the forwarded
 * names.
 *
 *   rule {
 *       name example.com             the forwarded suffix(es); none = all
 *       forward isp                  the upstream set
 *       any-types A AAAA MX ...      what an ANY question fans out to
 *       id 77                        zone id for the (single) suffix
 *   }
 *
 * How each question pdns asks is answered:
 *
 *   SOA   (pdns's zone-finding walk): the SOA at exactly that name from
 *         upstream, i.e. only at a real apex.  A configured suffix that is
 *         not a real apex is made one: its SOA question is answered with
 *         the SOA of the enclosing zone (from the authority section),
 *         under the suffix's name, so that pdns stops its walk there
 *         instead of leaving the forwarded space.
 *   ANY   parallel typed queries (any-types, plus SOA at an apex or a
 *         suffix), merged — all or nothing: if one fails, the lookup
 *         fails, so pdns never caches a partial ANY.
 *   other a single typed query.
 *   *.x   nothing, without asking (pdns's wildcard search; a forwarded
 *         wildcard is synthesised by upstream itself).
 *
 * Only records owned by exactly the asked name are returned: a recursive
 * upstream's CNAME chain is followed by pdns, one lookup at a time.  A
 * referral at exactly the name (an authoritative upstream delegating it)
 * comes back as the delegation NS records with auth=0.  NXDOMAIN and
 * NODATA are empty answers; a name that exists upstream with none of the
 * asked types comes back as an empty non-terminal (NODATA over remote).
 * SERVFAIL, REFUSED, a timeout or a malformed packet make the lookup fail
 * (PIPE FAIL, remote SERVFAIL) unless serve-stale has an older answer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cache.h"
#include "lib/config.h"
#include "lib/resolver.h"
#include "lib/rrtype.h"
#include "lib/rule.h"
#include "lib/util.h"

#define MAX_TYPES 24

/* The default ANY fan-out (issue "live rules 1/2"). */
static const uint16_t default_types[] = {
	RF_T_A, RF_T_AAAA, RF_T_CNAME, RF_T_MX, RF_T_TXT, RF_T_SRV, RF_T_CAA,
	RF_T_NS, RF_T_PTR, RF_T_HTTPS, RF_T_NAPTR, RF_T_DS,
};

struct fwd {
	struct rf_upstream *up;    /* borrowed from the generation */
	uint16_t types[MAX_TYPES];
	size_t ntypes;
	int32_t id;                /* explicit id for the suffix, or 0 */
};

struct fwdq;

/* The callback argument of one typed lookup. */
struct fslot {
	struct fwdq *st;
	size_t i;
};

struct fwdq {
	size_t n;                  /* lookups started */
	size_t pending;
	bool failed;
	uint16_t types[MAX_TYPES + 1];
	struct rf_cache_wait *waits[MAX_TYPES + 1];
	struct rf_answer *answers[MAX_TYPES + 1];
	uint32_t ages[MAX_TYPES + 1];
	struct fslot slots[MAX_TYPES + 1];
	struct rf_query *q;
	struct rf_rule *r;
};

/* The suffix of the rule this name falls under (the longest), or NULL. */
static const char *
suffix_of(const struct rf_rule *r, const struct rf_query *q)
{
	const struct rf_rule_conf *c = r->conf;
	const char *best = NULL;
	size_t i;

	if (c == NULL || c->nsuffixes == 0)
		return "";
	for (i = 0; i < c->nsuffixes; i++) {
		size_t len = strlen(c->suffixes[i]);

		if (rf_name_is_sub(q->canon, q->canon_len, c->suffixes[i],
		    len) && (best == NULL || len > strlen(best)))
			best = c->suffixes[i];
	}
	return best;
}

static int32_t
zone_id(const struct rf_rule *r, const char *canon, size_t len)
{
	const struct fwd *f = r->data;
	const struct rf_rule_conf *c = r->conf;

	if (f->id != 0 && c != NULL && c->nsuffixes == 1 &&
	    strlen(c->suffixes[0]) == len &&
	    memcmp(c->suffixes[0], canon, len) == 0)
		return f->id;
	return rf_forward_zone_id(canon, len);
}

static uint32_t
out_ttl(uint32_t ttl, uint32_t age)
{
	if (age == UINT32_MAX)
		return 30; /* RFC 8767 §4: stale answers carry TTL 30 */
	return ttl > age ? ttl - age : 0;
}

static void
add(struct rf_query *q, uint16_t type, uint32_t ttl, const char *content,
    size_t content_len, int32_t id, uint8_t auth)
{
	struct rf_rr rr;
	size_t i;

	/* Typed answers overlap: a referral comes back for every type, a
	 * recursive upstream's CNAME with the A and the AAAA answer. */
	for (i = 0; i < q->nrrs; i++)
		if (q->rrs[i].type == type &&
		    q->rrs[i].content_len == content_len &&
		    memcmp(q->rrs[i].content, content, content_len) == 0)
			return;
	rr.name = q->qname;
	rr.name_len = (uint32_t)q->qname_len;
	rr.content = rf_query_strdup(q, content, content_len);
	rr.content_len = (uint32_t)content_len;
	rr.ttl = ttl;
	rr.zone_id = id;
	rr.type = type;
	rr.auth = auth;
	rr.scope = 0;
	rf_query_add(q, &rr);
}

/* Turn the answers into the query's records. */
static void
build(struct rf_rule *r, struct rf_query *q, struct fwdq *st)
{
	const char *suffix = suffix_of(r, q);
	bool is_suffix = suffix != NULL && strlen(suffix) == q->canon_len &&
	    memcmp(suffix, q->canon, q->canon_len) == 0;
	bool exists = false, any = false;
	int32_t id = -1;
	size_t i, k;

	/* The zone id: that of the apex the records belong to. */
	for (i = 0; i < st->n; i++) {
		const struct rf_answer *a = st->answers[i];
		const struct rf_arr *soa = rf_answer_soa(a);

		for (k = 0; k < a->nrrs; k++)
			if (a->rrs[k].type == RF_T_SOA &&
			    a->rrs[k].kind == RF_ARR_ANSWER)
				id = zone_id(r, q->canon, q->canon_len);
		if (id == -1 && soa != NULL)
			id = zone_id(r, rf_answer_str(a, soa->owner),
			    soa->owner_len);
	}
	if (id == -1 || is_suffix)
		id = zone_id(r, suffix ? suffix : q->canon,
		    suffix ? strlen(suffix) : q->canon_len);

	for (i = 0; i < st->n; i++) {
		const struct rf_answer *a = st->answers[i];

		if (a->rcode == 0)
			exists = true;
		for (k = 0; k < a->nrrs; k++) {
			const struct rf_arr *x = &a->rrs[k];

			if (x->kind == RF_ARR_SOA)
				continue;
			if (q->qtype == RF_T_SOA && x->type != RF_T_SOA)
				continue;
			any = true;
			add(q, x->type, out_ttl(x->ttl, st->ages[i]),
			    rf_answer_str(a, x->content), x->content_len, id,
			    x->kind == RF_ARR_REFERRAL ? 0 : 1);
		}
	}
	/* a configured suffix that is not a real apex acts as one */
	if (q->qtype == RF_T_SOA && !any && is_suffix && st->n == 1 &&
	    st->answers[0]->rcode == 0) {
		const struct rf_answer *a = st->answers[0];
		const struct rf_arr *soa = rf_answer_soa(a);

		if (soa != NULL)
			add(q, RF_T_SOA, out_ttl(soa->ttl, st->ages[0]),
			    rf_answer_str(a, soa->content), soa->content_len,
			    id, 1);
		return;
	}
	if (!any && exists && q->qtype == RF_T_ANY) {
		struct rf_rr rr = {
			.name = q->qname,
			.name_len = (uint32_t)q->qname_len,
			.content = "",
			.zone_id = id,
			.type = RF_T_ENT,
			.auth = 1,
		};

		rf_query_add(q, &rr);
	}
}

static void
release(struct rf_rule *r, struct fwdq *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		if (st->waits[i] != NULL) {
			rf_cache_cancel(r->env->cache, st->waits[i]);
			st->waits[i] = NULL;
		}
		rf_answer_unref(st->answers[i]);
		st->answers[i] = NULL;
	}
}

static void
on_answer(void *arg, struct rf_answer *a, uint32_t age)
{
	struct fslot *slot = arg;
	struct fwdq *st = slot->st;
	struct rf_rule *r = st->r;
	struct rf_query *q = st->q;

	st->waits[slot->i] = NULL;
	st->pending--;
	if (a->status < 0) {
		/* all or nothing: stop waiting for the others */
		release(r, st);
		rf_query_resume(q, a->status);
		return;
	}
	st->answers[slot->i] = rf_answer_ref(a);
	st->ages[slot->i] = age;
	if (st->pending > 0)
		return;
	build(r, q, st);
	release(r, st);
	rf_query_resume(q, RF_RULE_DONE);
}

static bool
is_wildcard(const struct rf_query *q)
{
	return q->canon_len >= 1 && q->canon[0] == '*' &&
	    (q->canon_len == 1 || q->canon[1] == '.');
}

static int
fwd_query(struct rf_rule *r, struct rf_query *q)
{
	struct fwd *f = r->data;
	struct fwdq *st;
	const char *suffix;
	size_t i;
	int rc;

	suffix = suffix_of(r, q);
	if (suffix == NULL)
		return RF_RULE_NEXT;
	if (is_wildcard(q))
		return RF_RULE_DONE;
	st = rf_arena_alloc(&q->arena, sizeof(*st));
	memset(st, 0, sizeof(*st));
	st->q = q;
	st->r = r;
	q->rule_state = st;
	if (q->qtype == RF_T_ANY) {
		for (i = 0; i < f->ntypes; i++)
			st->types[st->n++] = f->types[i];
		/* the SOA comes along at a suffix (pdns's zone cache fetches
		 * it as an ANY of the apex) */
		if (strlen(suffix) == q->canon_len)
			st->types[st->n++] = RF_T_SOA;
	} else {
		st->types[st->n++] = q->qtype;
	}
	for (i = 0; i < st->n; i++) {
		struct rf_answer *hit = NULL;
		uint32_t age = 0;

		st->slots[i].st = st;
		st->slots[i].i = i;
		rc = rf_cache_get(r->env->cache, f->up, q->canon, q->canon_len,
		    st->types[i], on_answer, &st->slots[i], &hit, &age,
		    &st->waits[i]);
		if (rc < 0) {
			release(r, st);
			return -EIO;
		}
		if (rc == 1) {
			if (hit->status < 0) {
				int status = hit->status;

				rf_answer_unref(hit);
				release(r, st);
				return status;
			}
			st->answers[i] = hit;
			st->ages[i] = age;
		} else {
			st->pending++;
		}
	}
	if (st->pending > 0)
		return RF_RULE_ASYNC;
	build(r, q, st);
	release(r, st);
	return RF_RULE_DONE;
}

static void
fwd_cancel(struct rf_rule *r, struct rf_query *q)
{
	struct fwdq *st = q->rule_state;

	if (st != NULL)
		release(r, st);
}

static int
fwd_init(struct rf_rule *r, const struct rf_conf_node *block,
    struct rf_env *env, struct rf_diag *diag)
{
	const struct rf_rule_conf *c = r->conf;
	const struct rf_conf_node *src = c->source_node;
	struct fwd *f = rf_xcalloc(1, sizeof(*f));
	const char *upname = src->nargs > 0 ? src->args[0] : NULL;
	int errors = 0;
	size_t i, k;

	r->data = f;
	if (src->nargs > 1 || src->block) {
		rf_diag_add(diag, src->file, src->line,
		    "'forward' takes one upstream name");
		errors++;
	}
	for (i = 0; i < env->nupstreams; i++)
		if (upname == NULL ? strcmp(env->upstreams[i]->name,
		    "system") == 0 : strcmp(env->upstreams[i]->name,
		    upname) == 0)
			f->up = env->upstreams[i];
	if (f->up == NULL) {
		rf_diag_add(diag, src->file, src->line,
		    "no upstream named '%s'", upname ? upname : "system");
		errors++;
	}
	memcpy(f->types, default_types, sizeof(default_types));
	f->ntypes = RF_ARRAY_LEN(default_types);
	for (i = 0; i < block->nchildren; i++) {
		const struct rf_conf_node *n = &block->children[i];
		long v;

		if (rf_config_rule_key(n->key) || n == src)
			continue;
		if (strcmp(n->key, "any-types") == 0) {
			if (rf_conf_nargs(n, 1, MAX_TYPES, diag) < 0) {
				errors++;
				continue;
			}
			f->ntypes = 0;
			for (k = 0; k < n->nargs; k++) {
				uint16_t t;

				if (rf_rrtype_parse(n->args[k],
				    strlen(n->args[k]), &t) < 0 ||
				    t == RF_T_ANY || t == RF_T_AXFR ||
				    t == RF_T_IXFR || t == RF_T_OPT) {
					rf_diag_add(diag, n->file, n->line,
					    "'%s' is not a record type",
					    n->args[k]);
					errors++;
					continue;
				}
				f->types[f->ntypes++] = t;
			}
		} else if (strcmp(n->key, "id") == 0) {
			if (rf_conf_nargs(n, 1, 1, diag) < 0 ||
			    rf_conf_int(n, 0, 1, INT32_MAX, &v, diag) < 0) {
				errors++;
				continue;
			}
			if (c->nsuffixes != 1) {
				rf_diag_add(diag, n->file, n->line,
				    "'id' needs exactly one 'name' suffix in "
				    "the rule");
				errors++;
				continue;
			}
			f->id = (int32_t)v;
		} else {
			rf_conf_unknown(n, "in a forward rule (known: name, "
			    "name-regex, client, forward, any-types, id)",
			    diag);
			errors++;
		}
	}
	return errors ? -1 : 0;
}

static void
fwd_free(struct rf_rule *r)
{
	free(r->data);
}

/* getAllDomains: the finite suffixes (never the root: pdns would then be
 * authoritative for everything it is asked, which a zone cache cannot
 * list), with the serial of a cached SOA or 0 — never waiting. */
static void
fwd_zones(struct rf_rule *r, rf_zone_emit_fn emit, void *ctx)
{
	const struct rf_rule_conf *c = r->conf;
	const struct fwd *f = r->data;
	size_t i;

	for (i = 0; c != NULL && i < c->nsuffixes; i++) {
		const char *sfx = c->suffixes[i];
		size_t len = strlen(sfx);
		const struct rf_answer *a;
		uint32_t serial = 0;
		size_t k;

		if (len == 0)
			continue;
		a = rf_cache_peek(r->env->cache, f->up->name, sfx, len,
		    RF_T_SOA);
		for (k = 0; a != NULL && k < a->nrrs; k++) {
			const char *s = rf_answer_str(a, a->rrs[k].content);
			const char *p = s;
			int field;

			if (a->rrs[k].type != RF_T_SOA)
				continue;
			for (field = 0; field < 2 && p != NULL; field++) {
				p = strchr(p, ' ');
				if (p != NULL)
					p++;
			}
			if (p != NULL)
				serial = (uint32_t)strtoul(p, NULL, 10);
		}
		emit(ctx, sfx, len, zone_id(r, sfx, len), serial);
	}
}

const struct rf_rule_ops rf_rule_forward = {
	.name = "forward",
	.init = fwd_init,
	.query = fwd_query,
	.cancel = fwd_cancel,
	.free = fwd_free,
	.zones = fwd_zones,
};
