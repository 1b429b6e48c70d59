/*
 * The engine: generations and the rule chain.
 */
#include "lib/engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/util.h"
#include "lib/zimage.h"
#include "lib/zone.h"

static void
gen_free(struct rf_gen *g)
{
	size_t i;

	for (i = 0; i < g->nrules; i++)
		if (g->rules[i].ops->free != NULL)
			g->rules[i].ops->free(&g->rules[i]);
	free(g->rules);
	rf_zdb_free(g->zdb);
	rf_config_fini(&g->cfg);
	free(g);
}

struct rf_gen *
rf_gen_build(const struct rf_options *opts, struct rf_diag *diag)
{
	struct rf_gen *g = rf_xcalloc(1, sizeof(*g));
	struct rf_zdb_builder *zb;
	int errors = 0;
	size_t i;

	g->refs = 1;
	if (rf_config_load(&g->cfg, opts, diag) < 0)
		errors++;
	if (errors == 0 && g->cfg.zone_image != NULL && !opts->parse_zones) {
		char why[512];

		g->zdb = rf_zimage_open(g->cfg.zone_image, g->cfg.zones,
		    g->cfg.nzones, why, sizeof(why));
		if (g->zdb != NULL)
			g->from_image = true;
		else
			rf_warn("zone image %s not used (%s): reading the zone "
			    "files instead; run `refract compile`",
			    g->cfg.zone_image, why);
	}
	if (g->zdb == NULL) {
		zb = rf_zdb_builder_new();
		for (i = 0; i < g->cfg.nzones; i++) {
			const struct rf_zone_conf *z = &g->cfg.zones[i];
			size_t k;

			if (z->origin == NULL || z->file == NULL)
				continue;
			/* a zone whose name or id clashes with an earlier one
			 * was reported by the config check already */
			for (k = 0; k < i; k++)
				if (g->cfg.zones[k].id == z->id ||
				    (g->cfg.zones[k].origin != NULL &&
				    strcmp(g->cfg.zones[k].origin, z->origin) ==
				    0))
					break;
			if (k < i)
				continue;
			if (rf_zdb_builder_load(zb, z->origin, z->id, z->file,
			    diag))
				errors++;
		}
		g->zdb = rf_zdb_builder_finish(zb, diag);
		if (g->zdb == NULL)
			errors++;
	}
	g->env.zdb = g->zdb;

	/* The rule chain.  Until rules are configurable it is the zone
	 * data alone. */
	g->rules = rf_xcalloc(1, sizeof(*g->rules));
	g->rules[0].ops = &rf_rule_zones;
	g->rules[0].env = &g->env;
	g->nrules = 1;
	for (i = 0; i < g->nrules; i++) {
		struct rf_rule *r = &g->rules[i];

		if (r->ops->init != NULL &&
		    r->ops->init(r, NULL, &g->env, diag) < 0)
			errors++;
	}
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
rf_engine_init(struct rf_engine *e)
{
	memset(e, 0, sizeof(*e));
	e->started_ms = rf_now_ms();
}

void
rf_engine_fini(struct rf_engine *e)
{
	rf_gen_unref(e->gen);
	e->gen = NULL;
}

void
rf_engine_set_gen(struct rf_engine *e, struct rf_gen *g)
{
	rf_gen_unref(e->gen);
	e->gen = g;
}

static void
finish(struct rf_query *q, int rc)
{
	q->async = false;
	q->complete = true;
	q->rc = rc < 0 ? rc : 0;
	if (q->done != NULL)
		q->done(q);
}

/* Offer the query to the rules from q->rule on. */
static void
run(struct rf_query *q)
{
	struct rf_gen *g = q->gen;

	while (q->rule < g->nrules) {
		struct rf_rule *r = &g->rules[q->rule];
		int rc = r->ops->query(r, q);

		if (rc == RF_RULE_NEXT) {
			q->rule++;
			q->rule_state = NULL;
			continue;
		}
		if (rc == RF_RULE_ASYNC) {
			q->async = true;
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
	q->rule = 0;
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
	q->done = NULL;
}

static const char help_text[] =
    "refract backend commands:\n"
    "  help     this text\n"
    "  version  the refract version\n"
    "  stats    query and error counters\n"
    "  zones    the loaded zones: id, name, serial, records";

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
		    (unsigned long long)((rf_now_ms() - e->started_ms) /
		    1000));
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
