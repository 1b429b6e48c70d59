/*
 * The zones rule: answers from the zone files (lib/zone.h).
 *
 * It answers literally: the records owned by exactly the asked name,
 * filtered by type (ANY = all).  pdns does the DNS thinking itself —
 * wildcard synthesis (it asks for `*.x` and gets the `*.x` records back),
 * CNAME chasing, referrals from the NS records and their auth=0 flag —
 * which is why the answer never expands or follows anything.
 *
 * A zone owns its whole suffix: a name below an apex that has no records
 * is answered (empty, so pdns says NXDOMAIN) instead of being passed to a
 * later rule.  Names outside every zone, and zone ids that are not ours,
 * are passed on.
 */
#include <string.h>

#include "lib/rrtype.h"
#include "lib/rule.h"
#include "lib/zone.h"

static int
zones_query(struct rf_rule *r, struct rf_query *q)
{
	const struct rf_zdb *db = r->env->zdb;
	const struct rf_zzone *zone;
	const struct rf_zname *n;
	uint32_t zi, ni, k;

	if (db->nzones == 0)
		return RF_RULE_NEXT;
	if (q->zone_id == -1) {
		zi = rf_zdb_zone_for(db, q->canon, q->canon_len);
		if (zi == RF_ZNONE)
			return RF_RULE_NEXT;
	} else {
		zi = rf_zdb_zone_by_id(db, q->zone_id);
		if (zi == RF_ZNONE)
			return RF_RULE_NEXT;
	}
	zone = &db->zones[zi];
	ni = rf_zdb_find(db, q->canon, q->canon_len, zi);
	if (ni == RF_ZNONE)
		return RF_RULE_DONE;
	n = &db->names[ni];
	if ((n->flags & RF_ZNAME_ENT) && q->qtype == RF_T_ANY) {
		/* Rendered by the remote protocol, skipped by PIPE, which
		 * cannot express empty non-terminals in pdns 4.7.3. */
		struct rf_rr rr = {
			.name = q->qname,
			.name_len = (uint32_t)q->qname_len,
			.content = "",
			.zone_id = zone->id,
			.type = RF_T_ENT,
			.auth = 1,
		};

		rf_query_add(q, &rr);
		return RF_RULE_DONE;
	}
	for (k = 0; k < n->count; k++) {
		const struct rf_zrec *rec = &db->recs[db->byname[n->first + k]];
		struct rf_rr rr;

		if (q->qtype != RF_T_ANY && rec->type != q->qtype)
			continue;
		rr.name = q->qname;
		rr.name_len = (uint32_t)q->qname_len;
		rr.content = rf_zdb_rec_content(db, rec);
		rr.content_len = rec->content_len;
		rr.ttl = rec->ttl;
		rr.zone_id = zone->id;
		rr.type = rec->type;
		rr.auth = (rec->flags & RF_ZREC_AUTH) ? 1 : 0;
		rr.scope = 0;
		rf_query_add(q, &rr);
	}
	return RF_RULE_DONE;
}

const struct rf_rule_ops rf_rule_zones = {
	.name = "zones",
	.query = zones_query,
};
