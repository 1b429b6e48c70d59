/*
 * The engine: generations and the rule chain.
 */
#include "lib/engine.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/name.h"
#include "lib/log.h"
#include "lib/nameset.h"
#include "lib/util.h"
#include "lib/zimage.h"
#include "lib/zone.h"

static void
gen_free(struct rf_gen *g)
{
	size_t i;

	for (i = 0; i < g->nrules; i++) {
		struct rf_rule *r = &g->rules[i];
		size_t k;

		for (k = 0; k < r->nfilters; k++)
			if (r->filters[k].ops->free != NULL)
				r->filters[k].ops->free(&r->filters[k]);
		free(r->filters);
		if (r->ops->free != NULL)
			r->ops->free(r);
	}
	free(g->rules);
	for (i = 0; i < g->nupstreams; i++)
		rf_upstream_unref(g->upstreams[i]);
	free(g->upstreams);
	rf_zdb_free(g->zdb);
	rf_config_fini(&g->cfg);
	free(g);
}

static int
load_zones(struct rf_gen *g, const struct rf_options *opts,
    struct rf_diag *diag)
{
	struct rf_zdb_builder *zb;
	int errors = 0;
	size_t i;

	if (opts->image_fd > 0 && !opts->parse_zones) {
		char why[512];

		g->zdb = rf_zimage_open_fd(opts->image_fd, g->cfg.zones,
		    g->cfg.nzones, false, why, sizeof(why));
		if (g->zdb != NULL) {
			g->from_image = true;
			return 0;
		}
		rf_diag_add(diag, NULL, 0, "the fresh zone image: %s", why);
		return -1;
	}
	if (g->cfg.zone_image != NULL && !opts->parse_zones) {
		char why[512];

		g->zdb = rf_zimage_open(g->cfg.zone_image, g->cfg.zones,
		    g->cfg.nzones, why, sizeof(why));
		if (g->zdb != NULL) {
			g->from_image = true;
			return 0;
		}
		rf_warn("zone image %s not used (%s): reading the zone files "
		    "instead; run `refract compile`", g->cfg.zone_image, why);
	}
	zb = rf_zdb_builder_new();
	for (i = 0; i < g->cfg.nzones; i++) {
		const struct rf_zone_conf *z = &g->cfg.zones[i];
		size_t k;

		if (z->origin == NULL || z->file == NULL)
			continue;
		/* a zone whose name or id clashes with an earlier one was
		 * reported by the config check already */
		for (k = 0; k < i; k++)
			if (g->cfg.zones[k].id == z->id ||
			    (g->cfg.zones[k].origin != NULL &&
			    strcmp(g->cfg.zones[k].origin, z->origin) == 0))
				break;
		if (k < i)
			continue;
		if (rf_zdb_builder_load(zb, z->origin, z->id, z->file, diag))
			errors++;
	}
	g->zdb = rf_zdb_builder_finish(zb, diag);
	if (g->zdb == NULL)
		errors++;
	return errors ? -1 : 0;
}

static struct rf_upstream *
make_upstream(struct rf_engine *e, const struct rf_upstream_conf *c,
    struct rf_diag *diag)
{
	if (e->fake_upstreams || e->io.watch == NULL)
		return rf_upstream_fake_new(c->name, e->sched);
	return rf_upstream_ares_new(c, e->sched, &e->io, diag);
}

static int
make_upstreams(struct rf_engine *e, struct rf_gen *g, struct rf_diag *diag)
{
	struct rf_upstream_conf system_conf;
	bool need_system = false, have_system = false;
	int errors = 0;
	size_t i;

	for (i = 0; i < g->cfg.nrules; i++) {
		const struct rf_rule_conf *r = &g->cfg.rules[i];

		if (r->source != NULL && strcmp(r->source, "forward") == 0 &&
		    r->source_node->nargs == 0)
			need_system = true;
	}
	g->upstreams = rf_xcalloc(g->cfg.nupstreams + 1,
	    sizeof(*g->upstreams));
	for (i = 0; i < g->cfg.nupstreams; i++) {
		struct rf_upstream *u = make_upstream(e, &g->cfg.upstreams[i],
		    diag);

		if (u == NULL) {
			errors++;
			continue;
		}
		if (strcmp(u->name, "system") == 0)
			have_system = true;
		g->upstreams[g->nupstreams++] = u;
	}
	if (need_system && !have_system) {
		/* `forward` without a name: the system's resolv.conf */
		memset(&system_conf, 0, sizeof(system_conf));
		system_conf.name = (char *)(uintptr_t)"system";
		system_conf.timeout_ms = 500;
		system_conf.tries = 2;
		system_conf.recursion = true;
		system_conf.file = g->cfg.path;
		g->upstreams[g->nupstreams] = make_upstream(e, &system_conf,
		    diag);
		if (g->upstreams[g->nupstreams] == NULL)
			errors++;
		else
			g->nupstreams++;
	}
	return errors ? -1 : 0;
}

/* The filters of a rule, in the order the block lists them. */
static int
make_filters(struct rf_rule *r, const struct rf_conf_node *block,
    struct rf_env *env, struct rf_diag *diag)
{
	int errors = 0;
	size_t i;

	for (i = 0; i < block->nchildren; i++) {
		const struct rf_conf_node *n = &block->children[i];
		const struct rf_filter_ops *ops = rf_filter_find(n->key);
		struct rf_filter *f;

		if (ops == NULL)
			continue;
		r->filters = rf_xreallocarray(r->filters, r->nfilters + 1,
		    sizeof(*r->filters));
		f = &r->filters[r->nfilters++];
		memset(f, 0, sizeof(*f));
		f->ops = ops;
		f->env = env;
		if (ops->client_dependent)
			r->client_dependent = true;
		if (ops->init(f, n, env, diag) < 0)
			errors++;
	}
	return errors ? -1 : 0;
}

/*
 * pdns takes a zone id to name one zone (getAllDomains, the SOA walk, the
 * zone id of later lookups): a forward rule's suffix must not get the id
 * of a zone file or of another rule's suffix.
 */
struct idcheck {
	struct {
		const char *name; /* borrowed from the generation */
		size_t len;
		int32_t id;
	} *seen;
	size_t n;
	const struct rf_conf_node *node; /* the rule emitting; NULL: zones */
	struct rf_diag *diag;
	int errors;
};

static void
idcheck_emit(void *ctx, const char *canon, size_t len, int32_t id,
    uint32_t serial)
{
	struct idcheck *c = ctx;
	size_t i;

	(void)serial;
	for (i = 0; i < c->n; i++) {
		if (c->seen[i].id != id)
			continue;
		if (c->seen[i].len == len &&
		    memcmp(c->seen[i].name, canon, len) == 0)
			return;
		RF_REQUIRE(c->node != NULL); /* zone files: rf_config_load */
		rf_diag_add(c->diag, c->node->file, c->node->line,
		    "zone id %ld of '%.*s' is already used by '%.*s'",
		    (long)id, (int)len, canon, (int)c->seen[i].len,
		    c->seen[i].name);
		c->errors++;
		return;
	}
	c->seen = rf_xreallocarray(c->seen, c->n + 1, sizeof(*c->seen));
	c->seen[c->n].name = canon;
	c->seen[c->n].len = len;
	c->seen[c->n].id = id;
	c->n++;
}

static int
check_zone_ids(struct rf_gen *g, struct rf_diag *diag)
{
	const struct rf_zdb *db = g->zdb;
	struct idcheck c = { .diag = diag };
	uint32_t i;
	size_t k;

	for (i = 0; i < db->nzones; i++) {
		const struct rf_zzone *z = &db->zones[db->zone_ids[i]];
		const struct rf_zname *apex = &db->names[z->apex];

		idcheck_emit(&c, rf_zdb_name_text(db, apex), apex->text_len,
		    z->id, 0);
	}
	for (k = 0; k < g->nrules; k++) {
		if (g->rules[k].ops->zones == NULL || g->rules[k].conf == NULL)
			continue;
		c.node = g->rules[k].conf->node;
		g->rules[k].ops->zones(&g->rules[k], idcheck_emit, &c);
	}
	free(c.seen);
	return c.errors ? -1 : 0;
}

/*
 * The rule chain: the configured rules in order.  Zone files answer first
 * for their own names unless a rule names `zones` explicitly (to put
 * filters on zone data, or to order it after other rules); without zone
 * files nothing is put first.
 */
static int
make_rules(struct rf_gen *g, struct rf_diag *diag)
{
	bool zones_named = false;
	int errors = 0;
	size_t i, n = 0;

	for (i = 0; i < g->cfg.nrules; i++)
		if (g->cfg.rules[i].source != NULL &&
		    strcmp(g->cfg.rules[i].source, "zones") == 0)
			zones_named = true;
	g->rules = rf_xcalloc(g->cfg.nrules + 1, sizeof(*g->rules));
	if (!zones_named && g->zdb->nzones > 0) {
		g->rules[n].ops = &rf_rule_zones;
		g->rules[n].env = &g->env;
		n++;
	}
	for (i = 0; i < g->cfg.nrules; i++) {
		const struct rf_rule_conf *rc = &g->cfg.rules[i];
		struct rf_rule *r = &g->rules[n];

		if (rc->source == NULL)
			continue;
		r->ops = rf_rule_find(rc->source);
		RF_REQUIRE(r->ops != NULL);
		r->env = &g->env;
		r->conf = rc;
		r->client_dependent = rc->nclients > 0;
		n++;
		if (r->ops->init != NULL &&
		    r->ops->init(r, rc->node, &g->env, diag) < 0)
			errors++;
		if (make_filters(r, rc->node, &g->env, diag) < 0)
			errors++;
	}
	g->nrules = n;
	if (errors == 0 && check_zone_ids(g, diag) < 0)
		errors++;
	for (i = 0; i < n; i++)
		if (g->rules[i].client_dependent ||
		    g->rules[i].ops == &rf_rule_mx_smarthost)
			g->needs_client = true;
	return errors ? -1 : 0;
}

struct rf_gen *
rf_gen_build(struct rf_engine *e, const struct rf_options *opts,
    struct rf_diag *diag)
{
	struct rf_gen *g = rf_xcalloc(1, sizeof(*g));
	int errors = 0;

	g->refs = 1;
	if (rf_config_load(&g->cfg, opts, diag) < 0)
		errors++;
	/* the zones of a broken config may lack a file or an origin: read
	 * them (and check an image against them) once the config is right */
	if (errors == 0 && load_zones(g, opts, diag) < 0)
		errors++;
	if (e->cache == NULL)
		e->cache = rf_cache_new(&g->cfg.cache, e->sched);
	if (e->exchangers == NULL)
		e->exchangers = rf_nameset_new(0);
	if (make_upstreams(e, g, diag) < 0)
		errors++;
	g->env.zdb = g->zdb;
	g->env.sched = e->sched;
	g->env.cache = e->cache;
	g->env.exchangers = e->exchangers;
	g->env.upstreams = g->upstreams;
	g->env.nupstreams = g->nupstreams;
	g->env.cfg = &g->cfg;
	if (errors == 0 && make_rules(g, diag) < 0)
		errors++;
	if (errors) {
		gen_free(g);
		return NULL;
	}
	return g;
}

struct rf_gen *
rf_gen_ref(struct rf_gen *g)
{
	g->refs++;
	return g;
}

void
rf_gen_unref(struct rf_gen *g)
{
	if (g != NULL && --g->refs == 0)
		gen_free(g);
}

void
rf_engine_init(struct rf_engine *e, struct rf_sched *sched,
    const struct rf_io *io)
{
	memset(e, 0, sizeof(*e));
	e->sched = sched;
	e->started_ms = sched ? rf_sched_now(sched) : rf_now_ms();
	if (io != NULL)
		e->io = *io;
}

void
rf_engine_fini(struct rf_engine *e)
{
	rf_gen_unref(e->gen);
	e->gen = NULL;
	rf_cache_free(e->cache);
	e->cache = NULL;
	rf_nameset_free(e->exchangers);
	e->exchangers = NULL;
}

void
rf_engine_set_gen(struct rf_engine *e, struct rf_gen *g)
{
	rf_gen_unref(e->gen);
	e->gen = g;
	if (e->cache != NULL)
		rf_cache_set_conf(e->cache, &g->cfg.cache);
}

uint32_t
rf_engine_deadline(const struct rf_engine *e, long timeout_ms)
{
	unsigned long d = e->gen->cfg.deadline_ms;

	if (timeout_ms > 0) {
		/* stay below what pdns waits, with room for the reply */
		unsigned long cap = (unsigned long)timeout_ms * 3 / 4;

		if (d == 0 || d > cap)
			d = cap;
	}
	if (d == 0)
		d = RF_DEADLINE_PIPE_MS;
	return (uint32_t)RF_MIN(d, 3600000UL);
}

static void
finish(struct rf_query *q, int rc)
{
	size_t i;

	if (q->eng != NULL)
		rf_timer_stop(q->eng->sched, &q->deadline);
	/* the answering rule's filters, in order */
	if (rc >= 0 && q->gen != NULL && q->rule < q->gen->nrules) {
		const struct rf_rule *r = &q->gen->rules[q->rule];

		for (i = 0; i < r->nfilters; i++)
			r->filters[i].ops->after(&r->filters[i], q);
	}
	/* An answer that depends on who asked must not be cached by pdns
	 * for everybody: a non-zero scope keeps it out of the packet and
	 * query caches (pdns-protocols.md §1.7, §4). */
	if (q->client_dependent)
		for (i = 0; i < q->nrrs; i++)
			q->rrs[i].scope = q->client_bits ? q->client_bits :
			    (q->client.family == 6 ? 128 : 32);
	q->async = false;
	q->complete = true;
	q->rc = rc < 0 ? rc : 0;
	if (q->done != NULL)
		q->done(q);
}

static void
deadline_passed(void *arg)
{
	struct rf_query *q = arg;
	struct rf_rule *r = &q->gen->rules[q->rule];
	int rc = -ETIMEDOUT;

	q->eng->stats.deadlines++;
	rf_warn("lookup of '%s' (type %u) ran out of time after %u ms",
	    q->qname_len ? q->qname : ".", (unsigned)q->qtype,
	    (unsigned)q->deadline_ms);
	q->async = false;
	if (r->ops->deadline != NULL)
		rc = r->ops->deadline(r, q);
	else if (r->ops->cancel != NULL)
		r->ops->cancel(r, q);
	/* what arrived so far is not the answer */
	if (rc < 0)
		q->nrrs = 0;
	finish(q, rc);
}

/* Who asked: the EDNS client subnet if the query came through a resolver
 * we trust, else the remote address; nobody for pdns's own lookups. */
static void
find_client(const struct rf_gen *g, struct rf_query *q)
{
	struct rf_addr remote;
	struct rf_net ecs;

	q->has_client = false;
	q->client_bits = 0;
	/* nothing looks at it: spare parsing the address */
	if (!g->needs_client)
		return;
	if (rf_addr_parse(q->remote, strlen(q->remote), &remote) < 0 ||
	    rf_addr_is_any(&remote))
		return;
	q->client = remote;
	q->has_client = true;
	if (g->cfg.ntrusted > 0 && q->real_remote[0] != '\0' &&
	    rf_nets_contain(g->cfg.trusted, g->cfg.ntrusted, &remote)) {
		const char *rr = q->real_remote;
		size_t len = strlen(rr);
		const char *slash = memchr(rr, '/', len);

		/* the subnet's address; a malformed one is ignored */
		if (slash != NULL && rf_net_parse(rr, len, &ecs) == 0) {
			q->client = ecs.addr;
			q->client_bits = ecs.prefix;
		}
	}
}

/* Undo a filter's question rewrite when its rule passes the question on. */
static void
restore_question(struct rf_query *q)
{
	if (!q->rewritten)
		return; /* only a filter's before hook changes the question */
	if (rf_name_canon(q->qname, q->qname_len, q->canon, &q->canon_len) <
	    0)
		q->canon_len = 0; /* was valid when the query was parsed */
	q->zone_id = q->asked_zone_id;
	q->rewritten = false;
}

/* Offer the query to the matching rules from q->rule on. */
static void
run(struct rf_query *q)
{
	struct rf_gen *g = q->gen;

	while (q->rule < g->nrules) {
		struct rf_rule *r = &g->rules[q->rule];
		size_t i;
		int rc;

		if (r->client_dependent && rf_rule_matches_name(r, q))
			q->client_dependent = true;
		if (!rf_rule_matches(r, q)) {
			q->rule++;
			continue;
		}
		for (i = 0; i < r->nfilters; i++)
			if (r->filters[i].ops->before != NULL)
				r->filters[i].ops->before(&r->filters[i], q);
		rc = r->ops->query(r, q);
		if (rc == RF_RULE_NEXT) {
			restore_question(q);
			q->rule++;
			q->rule_state = NULL;
			continue;
		}
		if (rc == RF_RULE_ASYNC) {
			q->async = true;
			if (q->deadline_ms > 0 && !rf_timer_active(&q->deadline))
				rf_timer_start(q->eng->sched, &q->deadline,
				    q->deadline_ms, deadline_passed, q);
			return;
		}
		finish(q, rc);
		return;
	}
	finish(q, RF_RULE_DONE);
}

void
rf_engine_query(struct rf_engine *e, struct rf_query *q)
{
	q->gen = rf_gen_ref(e->gen);
	q->eng = e;
	q->rule = 0;
	q->asked_zone_id = q->zone_id;
	if (q->deadline_ms == 0)
		q->deadline_ms = rf_engine_deadline(e, 0);
	find_client(q->gen, q);
	run(q);
}

void
rf_query_resume(struct rf_query *q, int rc)
{
	RF_REQUIRE(q->async && !q->complete);
	q->async = false;
	if (rc == RF_RULE_NEXT) {
		q->rule++;
		q->rule_state = NULL;
		run(q);
		return;
	}
	RF_REQUIRE(rc != RF_RULE_ASYNC);
	finish(q, rc);
}

void
rf_engine_cancel(struct rf_query *q)
{
	if (q->async && q->gen != NULL) {
		struct rf_rule *r = &q->gen->rules[q->rule];

		if (r->ops->cancel != NULL)
			r->ops->cancel(r, q);
		q->async = false;
	}
	if (q->eng != NULL)
		rf_timer_stop(q->eng->sched, &q->deadline);
	q->done = NULL;
}

struct zones_ctx {
	rf_zone_emit_fn emit;
	void *ctx;
};

void
rf_engine_zones(struct rf_engine *e, rf_zone_emit_fn emit, void *ctx)
{
	const struct rf_gen *g = e->gen;
	const struct rf_zdb *db = g->zdb;
	uint32_t i;
	size_t k;

	for (i = 0; i < db->nzones; i++) {
		const struct rf_zzone *z = &db->zones[db->zone_ids[i]];
		const struct rf_zname *apex = &db->names[z->apex];

		emit(ctx, rf_zdb_name_text(db, apex), apex->text_len, z->id,
		    z->serial);
	}
	for (k = 0; k < g->nrules; k++)
		if (g->rules[k].ops->zones != NULL)
			g->rules[k].ops->zones(&g->rules[k], emit, ctx);
}

static const char help_text[] =
    "refract backend commands:\n"
    "  help     this text\n"
    "  version  the refract version\n"
    "  stats    query, error, upstream and cache counters\n"
    "  zones    the loaded zones: id, name, serial, records\n"
    "  reload   read the config and zone files again (answers when done)";

/* Upstream and cache counters, after the basic ones. */
static void
stats_more(struct rf_engine *e, struct rf_buf *out)
{
	const struct rf_gen *g = e->gen;
	struct rf_upstream_stats t;
	size_t i;

	rf_buf_printf(out, "\ndeadlines %llu",
	    (unsigned long long)e->stats.deadlines);
	if (g->nupstreams == 0)
		return;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < g->nupstreams; i++) {
		const struct rf_upstream_stats *u = &g->upstreams[i]->stats;

		t.queries += u->queries;
		t.answers += u->answers;
		t.timeouts += u->timeouts;
		t.failures += u->failures;
		t.latency_ms += u->latency_ms;
		t.latency_max_ms = RF_MAX(t.latency_max_ms, u->latency_max_ms);
	}
	rf_buf_printf(out, "\nupstream-queries %llu\nupstream-answers %llu"
	    "\nupstream-timeouts %llu\nupstream-failures %llu"
	    "\nupstream-latency-avg-ms %llu\nupstream-latency-max-ms %llu",
	    (unsigned long long)t.queries, (unsigned long long)t.answers,
	    (unsigned long long)t.timeouts, (unsigned long long)t.failures,
	    (unsigned long long)(t.answers ? t.latency_ms / t.answers : 0),
	    (unsigned long long)t.latency_max_ms);
	if (e->cache != NULL) {
		const struct rf_cache_stats *c = rf_cache_stats(e->cache);

		rf_buf_printf(out, "\ncache-hits %llu\ncache-misses %llu"
		    "\ncache-coalesced %llu\ncache-stale %llu"
		    "\ncache-evictions %llu\ncache-entries %llu"
		    "\ncache-merged-bytes %llu",
		    (unsigned long long)c->hits, (unsigned long long)c->misses,
		    (unsigned long long)c->coalesced,
		    (unsigned long long)c->stale,
		    (unsigned long long)c->evictions,
		    (unsigned long long)c->entries,
		    (unsigned long long)c->merged_bytes);
	}
}

void
rf_engine_command(struct rf_engine *e, const char *cmd, size_t len,
    struct rf_buf *out)
{
	const struct rf_stats *s = &e->stats;
	size_t wlen = 0;

	while (len > 0 && (cmd[0] == ' ' || cmd[0] == '\t')) {
		cmd++;
		len--;
	}
	while (len > 0 && (cmd[len - 1] == ' ' || cmd[len - 1] == '\t'))
		len--;
	while (wlen < len && cmd[wlen] != ' ')
		wlen++;
#define IS(word) (wlen == sizeof(word) - 1 && memcmp(cmd, word, wlen) == 0)
	if (IS("help")) {
		rf_buf_adds(out, help_text);
	} else if (IS("version")) {
		rf_buf_adds(out, "refract " RF_VERSION);
	} else if (IS("stats")) {
		rf_buf_printf(out,
		    "queries %llu\nanswered %llu\nempty %llu\nfailed %llu\n"
		    "bad-requests %llu\naxfr %llu\ncommands %llu\n"
		    "long-lines %llu\nuptime-seconds %llu",
		    (unsigned long long)s->queries,
		    (unsigned long long)s->answered,
		    (unsigned long long)s->empty,
		    (unsigned long long)s->failed,
		    (unsigned long long)s->bad_requests,
		    (unsigned long long)s->axfr,
		    (unsigned long long)s->commands,
		    (unsigned long long)s->long_lines,
		    (unsigned long long)(((e->sched ? rf_sched_now(e->sched) :
		    rf_now_ms()) - e->started_ms) / 1000));
		stats_more(e, out);
	} else if (IS("zones")) {
		const struct rf_zdb *db = e->gen->zdb;
		uint32_t i;

		for (i = 0; i < db->nzones; i++) {
			const struct rf_zzone *z = &db->zones[db->zone_ids[i]];
			const struct rf_zname *apex = &db->names[z->apex];

			if (i > 0)
				rf_buf_addc(out, '\n');
			rf_buf_printf(out, "%d %s. serial %u records %u",
			    (int)z->id,
			    apex->text_len ? rf_zdb_name_text(db, apex) : "",
			    (unsigned)z->serial, (unsigned)z->nrecs);
		}
		if (db->nzones == 0)
			rf_buf_adds(out, "no zones loaded");
	} else {
		rf_buf_printf(out, "unknown command '%.*s' (try 'help')",
		    (int)RF_MIN(len, 100), cmd);
	}
#undef IS
}
