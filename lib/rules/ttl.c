/*
 * The ttl filter: set, floor or cap the TTLs of what a rule answers.
 *
 *   ttl set 60            every TTL becomes 60
 *   ttl floor 30 cap 300  TTLs below 30 become 30, above 300 become 300
 *
 * Values take BIND units (1h).  Only what is sent to pdns changes:
 * refract's cache keeps the upstream TTLs, so a long cap does not make
 * refract serve data longer than upstream allows.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/rrtype.h"
#include "lib/rule.h"
#include "lib/util.h"
#include "lib/zonefile.h"

struct ttl {
	bool has_set, has_floor, has_cap;
	uint32_t set, floor, cap;
};

static int
ttl_init(struct rf_filter *f, const struct rf_conf_node *n,
    struct rf_env *env, struct rf_diag *diag)
{
	struct ttl *t = rf_xcalloc(1, sizeof(*t));
	size_t i;

	(void)env;
	f->data = t;
	if (n->nargs == 0 || n->nargs % 2 != 0 || n->block) {
		rf_diag_add(diag, n->file, n->line,
		    "'ttl' takes set N, or floor N and/or cap N");
		return -1;
	}
	for (i = 0; i < n->nargs; i += 2) {
		uint32_t v;

		if (rf_zf_parse_ttl(n->args[i + 1], strlen(n->args[i + 1]),
		    &v) < 0) {
			rf_diag_add(diag, n->file, n->line,
			    "'ttl': '%s' is not a TTL (e.g. 60, 5m, 1h)",
			    n->args[i + 1]);
			return -1;
		}
		if (v > RF_TTL_MAX) {
			rf_diag_add(diag, n->file, n->line,
			    "'ttl': '%s' is above %u (RFC 2181 §8)",
			    n->args[i + 1], RF_TTL_MAX);
			return -1;
		}
		if (strcmp(n->args[i], "set") == 0) {
			t->has_set = true;
			t->set = v;
		} else if (strcmp(n->args[i], "floor") == 0) {
			t->has_floor = true;
			t->floor = v;
		} else if (strcmp(n->args[i], "cap") == 0) {
			t->has_cap = true;
			t->cap = v;
		} else {
			rf_diag_add(diag, n->file, n->line,
			    "'ttl': '%s' is not set, floor or cap", n->args[i]);
			return -1;
		}
	}
	if (t->has_set && (t->has_floor || t->has_cap)) {
		rf_diag_add(diag, n->file, n->line,
		    "'ttl': set cannot be combined with floor or cap");
		return -1;
	}
	if (t->has_floor && t->has_cap && t->floor > t->cap) {
		rf_diag_add(diag, n->file, n->line,
		    "'ttl': the floor is above the cap");
		return -1;
	}
	return 0;
}

static void
ttl_after(struct rf_filter *f, struct rf_query *q)
{
	const struct ttl *t = f->data;
	size_t i;

	for (i = 0; i < q->nrrs; i++) {
		struct rf_rr *rr = &q->rrs[i];

		if (rr->type == RF_T_ENT)
			continue;
		/* a stale answer keeps its short TTL, so that pdns and the
		 * client ask again soon (only a cap may lower it) */
		if (t->has_set && !q->stale)
			rr->ttl = t->set;
		if (t->has_floor && !q->stale && rr->ttl < t->floor)
			rr->ttl = t->floor;
		if (t->has_cap && rr->ttl > t->cap)
			rr->ttl = t->cap;
	}
}

static void
ttl_free(struct rf_filter *f)
{
	free(f->data);
}

const struct rf_filter_ops rf_filter_ttl = {
	.name = "ttl",
	.init = ttl_init,
	.after = ttl_after,
	.free = ttl_free,
};
