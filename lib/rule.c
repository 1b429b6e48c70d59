/*
 * Registry of rule types, looked up by the config keyword.
 */
#include "lib/rule.h"

#include <string.h>

#include "lib/util.h"

static const struct rf_rule_ops *const registry[] = {
	&rf_rule_zones,
};

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
	return "zones";
}
