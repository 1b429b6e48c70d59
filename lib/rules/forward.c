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
 *
 * The mx-smarthost rule is the same source with one rewrite, for a mail
 * server that simply follows DNS but must send IPv4 mail through its
 * ISP's relay (outbound port 25 blocked) and IPv6 mail directly:
 *
 *   rule mail {
 *       client 192.0.2.25            the mail server
 *       mx-smarthost isp {
 *           relay smtp.isp.example   addresses, or one host name
 *       }
 *   }
 *
 * MX records go out as upstream says; their targets are remembered as
 * mail exchangers for the records' TTL (and their A/AAAA are fetched
 * ahead, so the follow-up question is a cache hit).  For a remembered
 * exchanger the A records are replaced by the relay's IPv4 addresses, TTL
 * the smaller of the two; AAAA stays; an exchanger without A gets none.
 * Only remembered exchangers are rewritten — the other A records the mail
 * server looks up (DNSBLs, web hosts) pass unchanged, and so do pdns's
 * own lookups without a client.  The memory is one per process: shared
 * by every connection of a --listen daemon.
 *
 * RFC 5321 §5.1's implicit MX (a domain without MX is its own exchanger)
 * is not offered: pdns 4.7.3 asks a backend ANY (even with
 * consistent-backends=no) whatever the client asked, so the mail
 * server's MX question for a domain cannot be told from its A question
 * for a web host, and rewriting the latter is what must never happen.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cache.h"
#include "lib/config.h"
#include "lib/log.h"
#include "lib/nameset.h"
#include "lib/net.h"
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
	/* mx-smarthost */
	bool smarthost;
	struct rf_addr relays[16]; /* relay given as IPv4 addresses */
	size_t nrelays;
	char *relay_name;          /* or as a host name (canonical) */
	char *memkey;              /* exchanger memory: "label\0" prefix */
	size_t memkey_len;
	char *merge_key;           /* cache key prefix of merged ANYs, or
				    * NULL when too long to store */
	struct rf_cache_prefix merge; /* merge_key, its length and hash */
};

enum {
	SLOT_DATA,   /* one typed lookup of the name */
	SLOT_RELAY,  /* the smarthost relay's A records */
	SLOT_MERGED, /* a whole ANY from the cache (see store_merged) */
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
	uint16_t types[MAX_TYPES + 1];
	struct rf_cache_wait *waits[MAX_TYPES + 1];
	struct rf_answer *answers[MAX_TYPES + 1];
	uint32_t ages[MAX_TYPES + 1];
	struct fslot slots[MAX_TYPES + 1];
	uint8_t kinds[MAX_TYPES + 1];      /* SLOT_* */
	struct rf_query *q;
	struct rf_rule *r;
	const char *suffix;                /* the rule's suffix for the name */
	size_t suffix_len;
};

/* Set up the next slot; @return its index. */
static size_t
slot_add(struct fwdq *st, uint8_t kind, uint16_t type)
{
	size_t i = st->n++;

	st->kinds[i] = kind;
	st->types[i] = type;
	st->waits[i] = NULL;
	st->answers[i] = NULL;
	st->ages[i] = 0;
	return i;
}

/*
 * The suffix of the rule this name falls under (the longest; "" for a
 * rule matching by regex alone).  A question a filter rewrote (a NAT
 * map's reverse name) is this rule's whatever its new name: it is
 * forwarded as it is.
 */
static const char *
suffix_of(const struct rf_rule *r, const struct rf_query *q, size_t *slen)
{
	const struct rf_rule_conf *c = r->conf;

	*slen = 0;
	if (c == NULL || c->nsuffixes == 0 || q->rewritten)
		return "";
	/* the engine found it when it matched the rule on the name */
	RF_REQUIRE(q->suffix >= 0 && (size_t)q->suffix < c->nsuffixes);
	*slen = c->suffix_lens[q->suffix];
	return c->suffixes[q->suffix];
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

/* Whether the answer has this record already. */
static bool
has_rr(const struct rf_query *q, uint16_t type, const char *content,
    size_t content_len)
{
	size_t i;

	for (i = 0; i < q->nrrs; i++)
		if (q->rrs[i].type == type &&
		    q->rrs[i].content_len == content_len &&
		    memcmp(q->rrs[i].content, content, content_len) == 0)
			return true;
	return false;
}

/* Add a record (content copied) unless the answer has it already. */
static void
add(struct rf_query *q, uint16_t type, uint32_t ttl, const char *content,
    size_t content_len, int32_t id, uint8_t auth)
{
	struct rf_rr rr;

	if (has_rr(q, type, content, content_len))
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

static int smarthost(struct rf_rule *r, struct rf_query *q,
    struct fwdq *st);

/* ---- mx-smarthost: the exchanger memory --------------------------------- */

static size_t
mem_key(const struct fwd *f, const char *canon, size_t len, char *out)
{
	memcpy(out, f->memkey, f->memkey_len);
	memcpy(out + f->memkey_len, canon, len);
	return f->memkey_len + len;
}

static bool
is_exchanger(const struct rf_rule *r, const char *canon, size_t len)
{
	const struct fwd *f = r->data;
	char key[RF_NAME_TEXT_MAX + 300];

	if (!f->smarthost || len > RF_NAME_TEXT_MAX)
		return false;
	return rf_nameset_has(r->env->exchangers, key,
	    mem_key(f, canon, len, key), rf_sched_now(r->env->sched));
}

static void
remember(const struct rf_rule *r, const char *canon, size_t len,
    uint32_t ttl)
{
	const struct fwd *f = r->data;
	char key[RF_NAME_TEXT_MAX + 300];

	rf_nameset_put(r->env->exchangers, key, mem_key(f, canon, len, key),
	    rf_sched_now(r->env->sched) + (uint64_t)ttl * 1000);
}

static void
prefetched(void *arg, struct rf_answer *a, uint32_t age)
{
	(void)arg;
	(void)a;
	(void)age;
}

/* Warm the cache for an exchanger: the mail server asks for its address
 * right after the MX.  Nobody waits for these. */
static void
prefetch(const struct rf_rule *r, const char *canon, size_t len)
{
	const struct fwd *f = r->data;
	static const uint16_t types[] = { RF_T_A, RF_T_AAAA };
	size_t i;

	for (i = 0; i < RF_ARRAY_LEN(types); i++) {
		struct rf_answer *hit = NULL;
		struct rf_cache_wait *w;
		uint32_t age;

		if (rf_cache_get(r->env->cache, f->up, canon, len, types[i],
		    prefetched, NULL, &hit, &age, &w) == 1)
			rf_answer_unref(hit);
	}
}

/* The target name of MX content ("10 mx.example.net."), canonical. */
static int
mx_target(const char *content, size_t len, char *out, size_t *outlen)
{
	const char *sp = memchr(content, ' ', len);

	if (sp == NULL)
		return -1;
	sp++;
	return rf_name_canon(sp, len - (size_t)(sp - content), out, outlen);
}

static int
smarthost(struct rf_rule *r, struct rf_query *q, struct fwdq *st)
{
	const struct fwd *f = r->data;
	uint32_t a_ttl = UINT32_MAX, relay_ttl = UINT32_MAX;
	const struct rf_answer *relay = NULL;
	uint32_t relay_age = 0;
	size_t i, k, nrelay = 0;
	bool had_a = false;
	int32_t zone_id = -1;

	/* learn the exchangers of every MX answered */
	for (i = 0; i < q->nrrs; i++) {
		char target[RF_NAME_TEXT_MAX + 1];
		size_t tlen;

		if (q->rrs[i].type != RF_T_MX)
			continue;
		if (mx_target(q->rrs[i].content, q->rrs[i].content_len,
		    target, &tlen) < 0 || tlen == 0)
			continue; /* "0 ." is a null MX (RFC 7505) */
		remember(r, target, tlen, q->rrs[i].ttl);
		prefetch(r, target, tlen);
	}
	/* the rewrite is for the mail server: not for pdns's own lookups */
	if (!q->has_client || !is_exchanger(r, q->canon, q->canon_len))
		return RF_RULE_DONE;

	/* replace the A records by the relay's IPv4 addresses */
	for (i = 0; i < st->n; i++)
		if (st->kinds[i] == SLOT_RELAY) {
			relay = st->answers[i];
			relay_age = st->ages[i];
		}
	if (f->relay_name != NULL && relay == NULL) {
		/* learned during this very answer: the relay was not asked
		 * for; the next question for this name gets it */
		return RF_RULE_DONE;
	}
	for (i = 0, k = 0; i < q->nrrs; i++) {
		if (q->rrs[i].type == RF_T_A) {
			had_a = true;
			a_ttl = RF_MIN(a_ttl, q->rrs[i].ttl);
			zone_id = q->rrs[i].zone_id;
			continue;
		}
		q->rrs[k++] = q->rrs[i];
	}
	q->nrrs = k;
	if (!had_a)
		return RF_RULE_DONE; /* an exchanger without A gets none */
	for (i = 0; relay != NULL && i < relay->nrrs; i++) {
		const struct rf_arr *x = &relay->rrs[i];

		if (x->kind != RF_ARR_ANSWER || x->type != RF_T_A)
			continue;
		/* counted down in the cache like any answer (30 if stale) */
		relay_ttl = RF_MIN(relay_ttl, out_ttl(x->ttl, relay_age));
	}
	for (i = 0; relay != NULL && i < relay->nrrs; i++) {
		const struct rf_arr *x = &relay->rrs[i];

		if (x->kind != RF_ARR_ANSWER || x->type != RF_T_A)
			continue;
		add(q, RF_T_A, RF_MIN(a_ttl, relay_ttl),
		    rf_answer_str(relay, x->content), x->content_len, zone_id,
		    1);
		nrelay++;
	}
	for (i = 0; i < f->nrelays; i++) {
		char text[64];

		rf_addr_format(&f->relays[i], text, sizeof(text));
		add(q, RF_T_A, a_ttl, text, strlen(text), zone_id, 1);
		nrelay++;
	}
	if (nrelay == 0) {
		rf_warn("mx-smarthost: the relay %s has no IPv4 address",
		    f->relay_name ? f->relay_name : "");
		return -EIO;
	}
	return RF_RULE_DONE;
}

/* Turn the answers into the query's records.  @return RF_RULE_DONE or a
 * negative errno. */
static int
build(struct rf_rule *r, struct rf_query *q, struct fwdq *st)
{
	const char *suffix = st->suffix;
	bool is_suffix = !q->rewritten && st->suffix_len == q->canon_len &&
	    memcmp(suffix, q->canon, q->canon_len) == 0;
	bool exists = false, any = false;
	int32_t id = -1;
	struct rf_rr rr;
	size_t i, k;

	/* The zone id: the one pdns found for the question, or (for the SOA
	 * questions of its zone-finding walk) that of the apex the records
	 * belong to. */
	if (q->zone_id >= 0 && q->qtype != RF_T_SOA && !is_suffix)
		id = q->zone_id;
	for (i = 0; id == -1 && i < st->n; i++) {
		const struct rf_answer *a = st->answers[i];
		const struct rf_arr *soa = rf_answer_soa(a);

		if (st->kinds[i] == SLOT_RELAY)
			continue;
		for (k = 0; k < a->nrrs; k++)
			if (a->rrs[k].type == RF_T_SOA &&
			    a->rrs[k].kind == RF_ARR_ANSWER)
				id = zone_id(r, q->canon, q->canon_len);
		/* the apex above the name; a configured suffix below that
		 * apex answers pdns's SOA walk first, so it is the zone */
		if (id == -1 && soa != NULL)
			id = soa->owner_len >= st->suffix_len ?
			    zone_id(r, rf_answer_str(a, soa->owner),
			    soa->owner_len) : zone_id(r, suffix, st->suffix_len);
	}
	/* outside an SOA answer, the zone pdns already found for it */
	if (id == -1 && q->zone_id >= 0)
		id = q->zone_id;
	if (id == -1 || is_suffix)
		id = zone_id(r, suffix, st->suffix_len);

	rr.name = q->qname;
	rr.name_len = (uint32_t)q->qname_len;
	rr.zone_id = id;
	rr.scope = 0;
	for (i = 0; i < st->n; i++)
		if (st->ages[i] == UINT32_MAX)
			q->stale = true;
	for (i = 0; i < st->n; i++) {
		struct rf_answer *a = st->answers[i];
		/* a merged answer has no duplicates; typed answers overlap */
		bool dedup = st->kinds[i] != SLOT_MERGED, held = false;
		bool asked = false;

		if (st->kinds[i] == SLOT_RELAY)
			continue;
		if (a->rcode == 0)
			exists = true;
		for (k = 0; k < a->nrrs; k++) {
			const struct rf_arr *x = &a->rrs[k];
			const char *c = rf_answer_str(a, x->content);

			if (x->kind == RF_ARR_SOA)
				continue;
			if (q->qtype == RF_T_SOA && x->type != RF_T_SOA)
				continue;
			/* glue only when the type was asked for */
			if (x->kind == RF_ARR_GLUE &&
			    st->kinds[i] == SLOT_DATA && x->type != st->types[i])
				continue;
			any = true;
			if (dedup && has_rr(q, x->type, c, x->content_len))
				continue;
			rr.type = x->type;
			rr.ttl = out_ttl(x->ttl, st->ages[i]);
			/* the content stays in the answer, held by the query
			 * (asked once, for an answer that gives a record) */
			if (!asked) {
				held = rf_query_hold(q, a);
				asked = true;
			}
			rr.content = held ? c :
			    rf_query_strdup(q, c, x->content_len);
			rr.content_len = x->content_len;
			/* glue and a delegation's NS are not authoritative */
			rr.auth = x->kind == RF_ARR_ANSWER ? 1 : 0;
			rf_query_add(q, &rr);
		}
	}
	/* A configured suffix that is not a real apex acts as one: its SOA
	 * (asked as SOA in pdns's walk, or in the ANY with which pdns's
	 * zone cache fetches it) is the enclosing zone's, under its name. */
	if (is_suffix && (q->qtype == RF_T_SOA || q->qtype == RF_T_ANY)) {
		for (i = 0; i < st->n; i++) {
			const struct rf_answer *a = st->answers[i];
			const struct rf_arr *soa = rf_answer_soa(a);
			bool has = false;

			if (!(st->kinds[i] == SLOT_MERGED ||
			    (st->kinds[i] == SLOT_DATA &&
			    st->types[i] == RF_T_SOA)) || a->rcode != 0 ||
			    soa == NULL)
				continue;
			for (k = 0; k < a->nrrs; k++)
				if (a->rrs[k].kind == RF_ARR_ANSWER &&
				    a->rrs[k].type == RF_T_SOA)
					has = true;
			if (!has) {
				add(q, RF_T_SOA, out_ttl(soa->ttl,
				    st->ages[i]), rf_answer_str(a,
				    soa->content), soa->content_len, id, 1);
				any = true;
			}
		}
		if (q->qtype == RF_T_SOA)
			return RF_RULE_DONE;
	}
	if (((struct fwd *)r->data)->smarthost) {
		int rc = smarthost(r, q, st);

		if (rc < 0)
			return rc;
		any = any || q->nrrs > 0;
	}
	if (!any && exists && q->qtype == RF_T_ANY) {
		struct rf_rr ent = {
			.name = q->qname,
			.name_len = (uint32_t)q->qname_len,
			.content = "",
			.zone_id = id,
			.type = RF_T_ENT,
			.auth = 1,
		};

		rf_query_add(q, &ent);
	}
	return RF_RULE_DONE;
}

/*
 * build() for one merged ANY, for a name that is not the suffix, in the
 * zone pdns found (q->zone_id), with no smarthost: its records as they
 * are, an empty non-terminal for a name without any.
 */
static void
serve_merged(struct rf_query *q, struct rf_answer *a, uint32_t age)
{
	struct rf_rr rr;
	bool any = false, held = a->nrrs > 0 && rf_query_hold(q, a);
	size_t k;

	if (age == UINT32_MAX)
		q->stale = true;
	rr.name = q->qname;
	rr.name_len = (uint32_t)q->qname_len;
	rr.zone_id = q->zone_id;
	rr.scope = 0;
	for (k = 0; k < a->nrrs; k++) {
		const struct rf_arr *x = &a->rrs[k];
		const char *c = rf_answer_str(a, x->content);

		if (x->kind == RF_ARR_SOA)
			continue;
		any = true;
		rr.type = x->type;
		rr.ttl = out_ttl(x->ttl, age);
		rr.content = held ? c : rf_query_strdup(q, c, x->content_len);
		rr.content_len = x->content_len;
		rr.auth = x->kind == RF_ARR_ANSWER ? 1 : 0;
		rf_query_add(q, &rr);
	}
	if (!any && a->rcode == 0) {
		rr.type = RF_T_ENT;
		rr.ttl = 0;
		rr.content = "";
		rr.content_len = 0;
		rr.auth = 1;
		rf_query_add(q, &rr);
	}
}

/*
 * Keep the typed answers of an ANY as one merged answer in the cache, for
 * as long as its shortest part lives, so that the next ANY for the name is
 * one lookup (a cache hit costs about what a zone-file answer costs).
 * Stale parts are not merged.
 */
static void
store_merged(struct rf_rule *r, struct rf_query *q, struct fwdq *st)
{
	const struct fwd *f = r->data;
	struct rf_answer *m;
	uint32_t ttl = UINT32_MAX, soa_age = 0;
	const struct rf_answer *soa_from = NULL;
	const struct rf_arr *soa = NULL;
	size_t i, k, j;

	if (f->merge_key == NULL || q->qtype != RF_T_ANY)
		return;
	for (i = 0; i < st->n; i++)
		if (st->kinds[i] == SLOT_MERGED ||
		    (st->kinds[i] == SLOT_DATA && st->ages[i] == UINT32_MAX))
			return;
	m = rf_answer_new();
	m->rcode = 3;
	m->fetched_ms = rf_sched_now(r->env->sched);
	for (i = 0; i < st->n; i++) {
		const struct rf_answer *a = st->answers[i];
		uint32_t age = st->ages[i], rem = rf_answer_ttl(a);

		if (st->kinds[i] != SLOT_DATA)
			continue;
		ttl = RF_MIN(ttl, rem > age ? rem - age : 0);
		if (a->rcode == 0)
			m->rcode = 0;
		for (k = 0; k < a->nrrs; k++) {
			const struct rf_arr *x = &a->rrs[k];
			const char *c = rf_answer_str(a, x->content);

			if (x->kind == RF_ARR_SOA) {
				/* one, last: a hit reads the records before */
				if (soa == NULL) {
					soa = x;
					soa_from = a;
					soa_age = age;
				}
				continue;
			}
			if (x->kind == RF_ARR_GLUE && x->type != st->types[i])
				continue;
			for (j = 0; j < m->nrrs; j++)
				if (m->rrs[j].kind == x->kind &&
				    m->rrs[j].type == x->type &&
				    m->rrs[j].content_len == x->content_len &&
				    memcmp(rf_answer_str(m, m->rrs[j].content),
				    c, x->content_len) == 0)
					break;
			if (j < m->nrrs)
				continue;
			rf_answer_add(m, x->kind, rf_answer_str(a, x->owner),
			    x->owner_len, x->type, x->ttl > age ?
			    x->ttl - age : 0, c, x->content_len);
		}
	}
	if (soa != NULL)
		rf_answer_add(m, RF_ARR_SOA, rf_answer_str(soa_from,
		    soa->owner), soa->owner_len, RF_T_SOA, soa->ttl > soa_age ?
		    soa->ttl - soa_age : 0, rf_answer_str(soa_from,
		    soa->content), soa->content_len);
	if (ttl != UINT32_MAX && ttl > 0)
		rf_cache_put(r->env->cache, &f->merge, q->canon, q->canon_len,
		    RF_T_ANY, m, ttl);
	rf_answer_unref(m);
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
	int rc;

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
	store_merged(r, q, st);
	rc = build(r, q, st);
	release(r, st);
	rf_query_resume(q, rc);
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
	struct rf_answer *merged;
	const char *suffix;
	size_t i, slen;
	uint32_t mage;
	int rc;

	suffix = suffix_of(r, q, &slen);
	if (is_wildcard(q))
		return RF_RULE_DONE;
	merged = NULL;
	if (q->qtype == RF_T_ANY && f->merge_key != NULL)
		merged = rf_cache_find(r->env->cache, &f->merge, q->canon,
		    q->canon_len, RF_T_ANY, &mage);
	/* the common case straight out: the whole ANY of a name below the
	 * suffix (not an apex), in a zone pdns knows, nothing to rewrite */
	if (merged != NULL && q->zone_id >= 0 && slen < q->canon_len &&
	    !f->smarthost) {
		serve_merged(q, merged, mage);
		rf_answer_unref(merged);
		return RF_RULE_DONE;
	}
	/* not cleared as a whole: a slot is set up when it is used */
	st = rf_arena_alloc(&q->arena, sizeof(*st));
	st->n = 0;
	st->pending = 0;
	st->q = q;
	st->r = r;
	st->suffix = suffix;
	st->suffix_len = slen;
	q->rule_state = st;
	if (merged != NULL) {
		/* the whole ANY is in the cache */
		i = slot_add(st, SLOT_MERGED, RF_T_ANY);
		st->answers[i] = merged;
		st->ages[i] = mage;
	} else if (q->qtype == RF_T_ANY) {
		for (i = 0; i < f->ntypes; i++)
			slot_add(st, SLOT_DATA, f->types[i]);
		/* the SOA comes along at a suffix (pdns's zone cache fetches
		 * it as an ANY of the apex) */
		if (!q->rewritten && slen == q->canon_len)
			slot_add(st, SLOT_DATA, RF_T_SOA);
	} else {
		slot_add(st, SLOT_DATA, q->qtype);
	}
	/* an exchanger's A records will be the relay's */
	if (f->smarthost && f->relay_name != NULL &&
	    (q->qtype == RF_T_A || q->qtype == RF_T_ANY) &&
	    is_exchanger(r, q->canon, q->canon_len))
		slot_add(st, SLOT_RELAY, RF_T_A);
	for (i = 0; i < st->n; i++) {
		struct rf_answer *hit = NULL;
		uint32_t age = 0;
		bool relay = st->kinds[i] == SLOT_RELAY;

		if (st->kinds[i] == SLOT_MERGED)
			continue;
		st->slots[i].st = st;
		st->slots[i].i = i;
		rc = rf_cache_get(r->env->cache, f->up,
		    relay ? f->relay_name : q->canon,
		    relay ? strlen(f->relay_name) : q->canon_len,
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
	if (merged == NULL)
		store_merged(r, q, st);
	rc = build(r, q, st);
	release(r, st);
	return rc;
}

static void
fwd_cancel(struct rf_rule *r, struct rf_query *q)
{
	struct fwdq *st = q->rule_state;

	if (st != NULL)
		release(r, st);
}

/* Out of time: serve-stale answers for what has not arrived, if the cache
 * has them for every pending lookup; else fail. */
static int
fwd_deadline(struct rf_rule *r, struct rf_query *q)
{
	struct fwd *f = r->data;
	struct fwdq *st = q->rule_state;
	int rc;
	size_t i;

	if (st == NULL)
		return -ETIMEDOUT;
	for (i = 0; i < st->n; i++) {
		struct rf_answer *a;
		bool relay = st->kinds[i] == SLOT_RELAY;

		if (st->waits[i] == NULL)
			continue;
		a = rf_cache_stale(r->env->cache, f->up,
		    relay ? f->relay_name : q->canon,
		    relay ? strlen(f->relay_name) : q->canon_len,
		    st->types[i]);
		if (a == NULL) {
			release(r, st);
			return -ETIMEDOUT;
		}
		rf_cache_cancel(r->env->cache, st->waits[i]);
		st->waits[i] = NULL;
		st->answers[i] = a;
		st->ages[i] = UINT32_MAX;
	}
	rc = build(r, q, st);
	release(r, st);
	return rc;
}

static int
smarthost_init(struct rf_rule *r, struct fwd *f,
    const struct rf_conf_node *src, struct rf_diag *diag)
{
	const char *label = r->conf->label;
	int errors = 0;
	size_t i, k;

	/* the memory is per process; this rule's part of it by its label
	 * (unique in the config), which a reload keeps even when rules
	 * move; an unnamed rule's by its position ("#N": no label starts
	 * with '#', a comment) */
	if (label[0] != '\0') {
		f->memkey = rf_xstrdup(label);
	} else {
		char pos[24];

		snprintf(pos, sizeof(pos), "#%zu",
		    (size_t)(r->conf - r->env->cfg->rules));
		f->memkey = rf_xstrdup(pos);
	}
	f->memkey_len = strlen(f->memkey) + 1; /* the NUL separates */
	for (i = 0; i < src->nchildren; i++) {
		const struct rf_conf_node *c = &src->children[i];

		if (strcmp(c->key, "relay") == 0) {
			if (rf_conf_noblock(c, diag) < 0 ||
			    rf_conf_nargs(c, 1, 16, diag) < 0) {
				errors++;
				continue;
			}
			for (k = 0; k < c->nargs; k++) {
				struct rf_addr a;
				char canon[RF_NAME_TEXT_MAX + 1];
				size_t len;
				const char *arg = c->args[k];

				if (rf_addr_parse(arg, strlen(arg), &a) == 0) {
					if (a.family != 4) {
						rf_diag_add(diag, c->file,
						    c->line, "'relay': %s is "
						    "not IPv4 (IPv6 mail goes "
						    "direct)", arg);
						errors++;
					} else if (f->nrelays ==
					    RF_ARRAY_LEN(f->relays)) {
						rf_diag_add(diag, c->file,
						    c->line, "'relay': more "
						    "than %zu addresses",
						    RF_ARRAY_LEN(f->relays));
						errors++;
					} else
						f->relays[f->nrelays++] = a;
				} else if (strspn(arg, "0123456789.") ==
				    strlen(arg)) {
					/* digits and dots: a mistyped
					 * address, not a host name */
					rf_diag_add(diag, c->file, c->line,
					    "'relay': %s is not an IPv4 "
					    "address", arg);
					errors++;
				} else if (c->nargs == 1 &&
				    f->relay_name == NULL &&
				    rf_name_canon(arg, strlen(arg), canon,
				    &len) == 0) {
					f->relay_name = rf_xstrndup(canon,
					    len);
				} else {
					rf_diag_add(diag, c->file, c->line,
					    "'relay' takes IPv4 addresses or "
					    "one host name");
					errors++;
				}
			}
		} else {
			rf_conf_unknown(c, "in mx-smarthost (known: relay)",
			    diag);
			errors++;
		}
	}
	if (f->nrelays > 0 && f->relay_name != NULL) {
		rf_diag_add(diag, src->file, src->line,
		    "mx-smarthost: a relay is IPv4 addresses or one host "
		    "name, not both");
		errors++;
	}
	if (f->nrelays == 0 && f->relay_name == NULL && errors == 0) {
		rf_diag_add(diag, src->file, src->line,
		    "mx-smarthost needs a relay");
		errors++;
	}
	return errors ? -1 : 0;
}

/*
 * Merged ANYs are keyed on the upstream set and the types they hold (two
 * rules with different any-types must not share them).  A type list is
 * named in the key by its number in a small table of the lists seen in
 * this process (the key stays short: a cache hit reads fewer bytes), by
 * the list itself once the table is full.
 */
static struct {
	uint16_t types[MAX_TYPES];
	size_t n;
} type_lists[64];
static size_t ntype_lists;

static void
make_merge_key(struct fwd *f)
{
	struct rf_buf b;
	size_t i;

	for (i = 0; i < ntype_lists; i++)
		if (type_lists[i].n == f->ntypes &&
		    memcmp(type_lists[i].types, f->types,
		    f->ntypes * sizeof(f->types[0])) == 0)
			break;
	if (i == ntype_lists && i < RF_ARRAY_LEN(type_lists)) {
		memcpy(type_lists[i].types, f->types,
		    f->ntypes * sizeof(f->types[0]));
		type_lists[i].n = f->ntypes;
		ntype_lists++;
	}
	rf_buf_init(&b);
	rf_buf_adds(&b, f->up->key);
	if (i < ntype_lists) {
		rf_buf_addc(&b, '\001');
		rf_buf_addu(&b, i);
	} else {
		rf_buf_add(&b, "\002", 1);
		for (i = 0; i < f->ntypes; i++) {
			rf_buf_addc(&b, ',');
			rf_buf_addu(&b, f->types[i]);
		}
	}
	if (b.len <= 255) {
		f->merge_key = rf_xstrdup(rf_buf_cstr(&b));
		rf_cache_prefix_init(&f->merge, f->merge_key, b.len);
	}
	rf_buf_fini(&b);
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
	f->smarthost = strcmp(src->key, "mx-smarthost") == 0;
	if (src->nargs > 1 || (src->block && !f->smarthost)) {
		rf_diag_add(diag, src->file, src->line,
		    "'%s' takes one upstream name", src->key);
		errors++;
	}
	if (f->smarthost && smarthost_init(r, f, src, diag) < 0)
		errors++;
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
	r->data = f;
	for (i = 0; i < block->nchildren; i++) {
		const struct rf_conf_node *n = &block->children[i];
		long v;

		if (rf_rule_common_key(n->key) || n == src)
			continue;
		if (strcmp(n->key, "any-types") == 0) {
			if (rf_conf_noblock(n, diag) < 0 ||
			    rf_conf_nargs(n, 1, MAX_TYPES, diag) < 0) {
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
			if (rf_conf_noblock(n, diag) < 0 ||
			    rf_conf_nargs(n, 1, 1, diag) < 0 ||
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
			    "name-regex, client, forward, mx-smarthost, "
			    "any-types, id, ttl, nat-map)", diag);
			errors++;
		}
	}
	if (errors == 0 && f->up != NULL)
		make_merge_key(f);
	return errors ? -1 : 0;
}

static void
fwd_free(struct rf_rule *r)
{
	struct fwd *f = r->data;

	if (f != NULL) {
		free(f->relay_name);
		free(f->memkey);
		free(f->merge_key);
	}
	free(f);
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
		a = rf_cache_peek(r->env->cache, f->up->key, sfx, len,
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
	.deadline = fwd_deadline,
	.free = fwd_free,
	.zones = fwd_zones,
};

const struct rf_rule_ops rf_rule_mx_smarthost = {
	.name = "mx-smarthost",
	.init = fwd_init,
	.query = fwd_query,
	.cancel = fwd_cancel,
	.deadline = fwd_deadline,
	.free = fwd_free,
	.zones = fwd_zones,
};
