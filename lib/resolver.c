/*
 * The upstream wrapper shared by every implementation.
 */
#include "lib/resolver.h"

#include <stdio.h>
#include <stdlib.h>

#include "lib/buf.h"
#include "lib/util.h"

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
	free(u->key);
	free(u);
}

char *
rf_upstream_key(const struct rf_upstream_conf *c)
{
	struct rf_buf b;
	char *key;
	size_t i;

	rf_buf_init(&b);
	rf_buf_adds(&b, c->name);
	for (i = 0; i < c->nservers; i++) {
		rf_buf_addc(&b, '\n');
		rf_buf_adds(&b, c->servers[i]);
	}
	rf_buf_adds(&b, c->recursion ? "\nrd" : "\nnord");
	key = rf_xmalloc(256);
	/* short (a cache key holds at most 255 bytes of it) */
	snprintf(key, 256, "%.200s\037%08x", c->name,
	    (unsigned)rf_hash(b.data, b.len));
	rf_buf_fini(&b);
	return key;
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
