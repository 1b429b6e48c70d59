/*
 * The upstream wrapper shared by every implementation.
 */
#include "lib/resolver.h"

#include <stdlib.h>

struct rf_upstream *
rf_upstream_ref(struct rf_upstream *u)
{
	u->refs++;
	return u;
}

void
rf_upstream_unref(struct rf_upstream *u)
{
	if (u == NULL || --u->refs > 0)
		return;
	u->ops->free(u);
	free(u->name);
	free(u);
}

void *
rf_upstream_send(struct rf_upstream *u, const char *canon, size_t len,
    uint16_t type, rf_resolve_cb cb, void *arg)
{
	return u->ops->send(u, canon, len, type, cb, arg);
}

void
rf_upstream_cancel(struct rf_upstream *u, void *req)
{
	u->ops->cancel(u, req);
}
