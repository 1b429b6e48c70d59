/*
 * Config file semantics.  Each block is checked by a function that knows
 * its keys; anything else is reported as unknown, with its position.
 */
#include "lib/config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/name.h"
#include "lib/util.h"

/* Join dir of base with rel unless rel is absolute. */
static char *
resolve_path(const char *base, const char *rel)
{
	const char *slash;
	struct rf_buf b;
	char *out;

	if (rel[0] == '/' || base == NULL || (slash = strrchr(base, '/')) ==
	    NULL)
		return rf_xstrdup(rel);
	rf_buf_init(&b);
	rf_buf_add(&b, base, (size_t)(slash - base) + 1);
	rf_buf_adds(&b, rel);
	out = rf_xstrdup(rf_buf_cstr(&b));
	rf_buf_fini(&b);
	return out;
}

static struct rf_zone_conf *
new_zone(struct rf_config *cfg)
{
	struct rf_zone_conf *z;

	cfg->zones = rf_xreallocarray(cfg->zones, cfg->nzones + 1,
	    sizeof(*cfg->zones));
	z = &cfg->zones[cfg->nzones++];
	memset(z, 0, sizeof(*z));
	z->id = (int32_t)cfg->nzones; /* 1-based position by default */
	return z;
}

static int
set_origin(struct rf_zone_conf *z, const char *text, const char *file,
    unsigned line, struct rf_diag *diag)
{
	char canon[RF_NAME_TEXT_MAX + 1];
	size_t len;

	if (rf_name_canon(text, strlen(text), canon, &len) < 0) {
		rf_diag_add(diag, file, line, "'%s' is not a valid zone name",
		    text);
		return -1;
	}
	z->origin = rf_xstrndup(canon, len);
	return 0;
}

static int
zone_block(struct rf_config *cfg, const struct rf_conf_node *n,
    struct rf_diag *diag)
{
	struct rf_zone_conf *z;
	int errors = 0;
	size_t i;

	if (n->block ? rf_conf_nargs(n, 1, 1, diag) < 0 :
	    rf_conf_nargs(n, 2, 2, diag) < 0)
		return -1;
	z = new_zone(cfg);
	z->src_file = n->file;
	z->src_line = n->line;
	if (set_origin(z, n->args[0], n->file, n->line, diag) < 0)
		errors++;
	if (!n->block) {
		z->file = resolve_path(cfg->path, n->args[1]);
		return errors ? -1 : 0;
	}
	for (i = 0; i < n->nchildren; i++) {
		const struct rf_conf_node *c = &n->children[i];
		long v;

		if (c->block) {
			rf_diag_add(diag, c->file, c->line,
			    "'%s' does not take a block", c->key);
			errors++;
		} else if (strcmp(c->key, "file") == 0) {
			if (rf_conf_nargs(c, 1, 1, diag) < 0) {
				errors++;
				continue;
			}
			free(z->file);
			z->file = resolve_path(cfg->path, c->args[0]);
		} else if (strcmp(c->key, "id") == 0) {
			if (rf_conf_nargs(c, 1, 1, diag) < 0 ||
			    rf_conf_int(c, 0, 1, INT32_MAX, &v, diag) < 0) {
				errors++;
				continue;
			}
			z->id = (int32_t)v;
		} else {
			rf_conf_unknown(c, "in a zone block (known: file, id)",
			    diag);
			errors++;
		}
	}
	if (z->file == NULL) {
		rf_diag_add(diag, n->file, n->line, "zone '%s' has no file",
		    n->args[0]);
		errors++;
	}
	return errors ? -1 : 0;
}

static int
zone_arg(struct rf_config *cfg, const char *arg, struct rf_diag *diag)
{
	const char *eq = strchr(arg, '=');
	struct rf_zone_conf *z;
	char *origin;
	int rc = 0;

	if (eq == NULL || eq == arg || eq[1] == '\0') {
		rf_diag_add(diag, "--zone", 0,
		    "'%s' is not ORIGIN=FILE", arg);
		return -1;
	}
	z = new_zone(cfg);
	z->src_file = "--zone";
	origin = rf_xstrndup(arg, (size_t)(eq - arg));
	if (set_origin(z, origin, "--zone", 0, diag) < 0)
		rc = -1;
	free(origin);
	z->file = rf_xstrdup(eq + 1);
	return rc;
}

static int
listen_block(struct rf_config *cfg, const struct rf_conf_node *n,
    struct rf_diag *diag)
{
	struct rf_listen_conf *l = &cfg->listen;
	int errors = 0;
	size_t i;

	if (rf_conf_nargs(n, 1, 1, diag) < 0)
		return -1;
	if (l->path != NULL) {
		rf_diag_add(diag, n->file, n->line, "a second 'listen'");
		return -1;
	}
	l->path = resolve_path(cfg->path, n->args[0]);
	for (i = 0; i < n->nchildren; i++) {
		const struct rf_conf_node *c = &n->children[i];
		long v;

		if (strcmp(c->key, "mode") == 0) {
			if (rf_conf_nargs(c, 1, 1, diag) < 0 ||
			    rf_conf_int(c, 0, 0, 0777, &v, diag) < 0) {
				errors++;
				continue;
			}
			l->mode = (unsigned)v;
		} else if (strcmp(c->key, "owner") == 0 ||
		    strcmp(c->key, "group") == 0) {
			char **dst = c->key[0] == 'o' ? &l->owner : &l->group;

			if (rf_conf_nargs(c, 1, 1, diag) < 0) {
				errors++;
				continue;
			}
			free(*dst);
			*dst = rf_xstrdup(c->args[0]);
		} else if (strcmp(c->key, "max-connections") == 0) {
			if (rf_conf_nargs(c, 1, 1, diag) < 0 ||
			    rf_conf_int(c, 0, 1, 65536, &v, diag) < 0) {
				errors++;
				continue;
			}
			l->max_connections = v;
		} else {
			rf_conf_unknown(c, "in a listen block (known: mode, "
			    "owner, group, max-connections)", diag);
			errors++;
		}
	}
	return errors ? -1 : 0;
}

/* A zone named twice, or two zones with one id, is an error wherever
 * they were configured. */
static int
check_zones(struct rf_config *cfg, struct rf_diag *diag)
{
	size_t i, k;
	int errors = 0;

	for (i = 0; i < cfg->nzones; i++) {
		struct rf_zone_conf *a = &cfg->zones[i];

		for (k = 0; k < i; k++) {
			struct rf_zone_conf *b = &cfg->zones[k];

			if (a->origin && b->origin &&
			    strcmp(a->origin, b->origin) == 0) {
				rf_diag_add(diag, a->src_file, a->src_line,
				    "zone '%s' is already configured at "
				    "%s%s%u", a->origin[0] ? a->origin : ".",
				    b->src_file, b->src_line ? ":" : "",
				    b->src_line);
				errors++;
			} else if (a->id == b->id) {
				rf_diag_add(diag, a->src_file, a->src_line,
				    "zone id %d is already used by '%s'",
				    (int)a->id,
				    b->origin && b->origin[0] ? b->origin :
				    ".");
				errors++;
			}
		}
	}
	return errors ? -1 : 0;
}

int
rf_config_load(struct rf_config *cfg, const struct rf_options *opts,
    struct rf_diag *diag)
{
	int errors = 0;
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->listen.mode = 0660;
	cfg->listen.max_connections = 256;
	if (opts->config_path != NULL) {
		cfg->path = rf_xstrdup(opts->config_path);
		if (rf_conf_parse_file(cfg->path, &cfg->tree, diag) < 0)
			errors++;
	} else {
		rf_conf_parse_mem("(none)", "", 0, &cfg->tree, diag);
	}
	for (i = 0; i < cfg->tree.root.nchildren; i++) {
		const struct rf_conf_node *n = &cfg->tree.root.children[i];

		if (strcmp(n->key, "zone") == 0) {
			if (zone_block(cfg, n, diag) < 0)
				errors++;
		} else if (strcmp(n->key, "listen") == 0) {
			if (listen_block(cfg, n, diag) < 0)
				errors++;
		} else if (strcmp(n->key, "zone-image") == 0) {
			if (rf_conf_nargs(n, 1, 1, diag) < 0 || n->block) {
				errors++;
				continue;
			}
			free(cfg->zone_image);
			cfg->zone_image = resolve_path(cfg->path, n->args[0]);
			cfg->zone_image_file = n->file;
			cfg->zone_image_line = n->line;
		} else {
			rf_conf_unknown(n, "at top level (known: zone, "
			    "zone-image, listen)", diag);
			errors++;
		}
	}
	for (i = 0; i < opts->nzones; i++)
		if (zone_arg(cfg, opts->zones[i], diag) < 0)
			errors++;
	if (opts->listen != NULL) {
		free(cfg->listen.path);
		cfg->listen.path = rf_xstrdup(opts->listen);
	}

	if (check_zones(cfg, diag) < 0)
		errors++;
	return errors ? -1 : 0;
}

void
rf_config_fini(struct rf_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nzones; i++) {
		free(cfg->zones[i].origin);
		free(cfg->zones[i].file);
	}
	free(cfg->zones);
	free(cfg->path);
	free(cfg->zone_image);
	free(cfg->listen.path);
	free(cfg->listen.owner);
	free(cfg->listen.group);
	rf_conf_tree_fini(&cfg->tree);
	memset(cfg, 0, sizeof(*cfg));
}
