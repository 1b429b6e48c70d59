/*
 * Registry of rule types, looked up by the config keyword.
 */
#include "lib/rule.h"

#include <regex.h>
#include <string.h>

#include "lib/config.h"
#include "lib/name.h"
#include "lib/net.h"
#include "lib/util.h"

static const struct rf_rule_ops *const registry[] = {
	&rf_rule_zones,
	&rf_rule_forward,
	&rf_rule_mx_smarthost,
};

static const struct rf_filter_ops *const filters[] = {
	&rf_filter_ttl,
	&rf_filter_nat_map,
};

const struct rf_filter_ops *
rf_filter_find(const char *name)
{
	size_t i;

	for (i = 0; i < RF_ARRAY_LEN(filters); i++)
		if (strcmp(filters[i]->name, name) == 0)
			return filters[i];
	return NULL;
}

bool
rf_rule_common_key(const char *key)
{
	return rf_config_rule_key(key) || rf_filter_find(key) != NULL;
}

const struct rf_rule_ops *
rf_rule_find(const char *name)
{
	size_t i;

	for (i = 0; i < RF_ARRAY_LEN(registry); i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

const char *
rf_rule_names(void)
{
	return "zones, forward, mx-smarthost";
}

bool
rf_rule_matches(const struct rf_rule *r, struct rf_query *q)
{
	const struct rf_rule_conf *c = r->conf;

	if (!rf_rule_matches_name(r, q))
		return false;
	if (c != NULL && c->nclients > 0 && q->has_client &&
	    !rf_nets_contain_subnet(c->clients, c->nclients, &q->client,
	    q->client_bits))
		return false;
	return true;
}

bool
rf_rule_matches_name(const struct rf_rule *r, struct rf_query *q)
{
	const struct rf_rule_conf *c = r->conf;
	size_t i;

	q->suffix = -1;
	if (c == NULL)
		return true;
	if (c->nsuffixes > 0) {
		for (i = 0; i < c->nsuffixes; i++)
			if (rf_name_is_sub(q->canon, q->canon_len,
			    c->suffixes[i], c->suffix_lens[i]) &&
			    (q->suffix < 0 || c->suffix_lens[i] >
			    c->suffix_lens[q->suffix]))
				q->suffix = (int)i;
		if (q->suffix < 0)
			return false;
	}
	if (c->nregexes > 0) {
		for (i = 0; i < c->nregexes; i++)
			if (regexec((const regex_t *)c->regexes + i, q->canon,
			    0, NULL, 0) == 0)
				break;
		if (i == c->nregexes)
			return false;
	}
	return true;
}

int32_t
rf_forward_zone_id(const char *canon, size_t len)
{
	/* above the ids configured zones get by position, below 2^31 */
	return (int32_t)(0x40000000u | (rf_hash(canon, len) & 0x3fffffffu));
}
