/*
 * Config file semantics.  Each block is checked by a function that knows
 * its keys; anything else is reported as unknown, with its position.
 */
#include "lib/config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/name.h"
#include "lib/rule.h"
#include "lib/zonefile.h"
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

/* A statement without a block and with min to max arguments. */
static int
leaf(const struct rf_conf_node *n, size_t min, long max,
    struct rf_diag *diag)
{
	if (rf_conf_noblock(n, diag) < 0)
		return -1;
	return rf_conf_nargs(n, min, max, diag);
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

		if (strcmp(c->key, "file") == 0) {
			if (leaf(c, 1, 1, diag) < 0) {
				errors++;
				continue;
			}
			free(z->file);
			z->file = resolve_path(cfg->path, c->args[0]);
		} else if (strcmp(c->key, "id") == 0) {
			if (leaf(c, 1, 1, diag) < 0 ||
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

/*
 * Argument 0 as permission bits, in octal as chmod(1) reads them: "660"
 * and "0660" are both rw-rw----.
 */
static int
parse_mode(const struct rf_conf_node *n, unsigned *out, struct rf_diag *diag)
{
	const char *s = n->args[0];
	unsigned long v;
	char *end;

	if (s[0] < '0' || s[0] > '7' || strspn(s, "01234567") != strlen(s))
		goto bad;
	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno != 0 || *end != '\0' || v > 0777)
		goto bad;
	*out = (unsigned)v;
	return 0;
bad:
	rf_diag_add(diag, n->file, n->line,
	    "'%s': '%s' is not octal permission bits from 0 to 0777", n->key,
	    s);
	return -1;
}

/*
 * The uid of an owner or the gid of a group statement: a name from the
 * user or group database, else a number.  Looked up when the config is
 * read, so that `refract check` and a reload report it with its line.
 */
static int
lookup_id(const struct rf_conf_node *c, struct rf_listen_conf *l,
    struct rf_diag *diag)
{
	const char *s = c->args[0];
	bool owner = strcmp(c->key, "owner") == 0;
	uint32_t v;

	if (owner) {
		struct passwd *pw = getpwnam(s);

		if (pw != NULL) {
			l->uid = pw->pw_uid;
			return 0;
		}
	} else {
		struct group *gr = getgrnam(s);

		if (gr != NULL) {
			l->gid = gr->gr_gid;
			return 0;
		}
	}
	/* a number, short of (uid_t)-1 and (gid_t)-1, which mean "none" */
	if (rf_parse_u32(s, strlen(s), UINT32_MAX - 1, &v) < 0) {
		rf_diag_add(diag, c->file, c->line,
		    "'%s': no %s '%s' (a name or a number)", c->key,
		    owner ? "user" : "group", s);
		return -1;
	}
	if (owner)
		l->uid = (uid_t)v;
	else
		l->gid = (gid_t)v;
	return 0;
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
			if (leaf(c, 1, 1, diag) < 0 ||
			    parse_mode(c, &l->mode, diag) < 0) {
				errors++;
				continue;
			}
		} else if (strcmp(c->key, "owner") == 0 ||
		    strcmp(c->key, "group") == 0) {
			char **dst = c->key[0] == 'o' ? &l->owner : &l->group;

			if (leaf(c, 1, 1, diag) < 0 ||
			    lookup_id(c, l, diag) < 0) {
				errors++;
				continue;
			}
			free(*dst);
			*dst = rf_xstrdup(c->args[0]);
		} else if (strcmp(c->key, "max-connections") == 0) {
			if (leaf(c, 1, 1, diag) < 0 ||
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

/*
 * An upstream server: IPv4 or IPv6 alone (port 53), IPv4:PORT or
 * [IPv6]:PORT, the port from 1 to 65535.  *out gets it as c-ares reads it
 * (ares_set_servers_ports_csv: a bare IPv6 address has no port, one with
 * a port is in brackets).
 */
static int
parse_server(const struct rf_conf_node *c, const char *s, char **out,
    struct rf_diag *diag)
{
	const char *host = s, *port = NULL, *p;
	struct rf_addr a;
	struct rf_buf b;
	size_t hlen = strlen(s);
	int family = 0; /* the family the notation requires */
	uint32_t v = 0;

	if (s[0] == '[') {
		p = strchr(s, ']');
		if (p == NULL || (p[1] != '\0' && p[1] != ':'))
			goto bad;
		host = s + 1;
		hlen = (size_t)(p - host);
		if (p[1] == ':')
			port = p + 2;
		family = 6;
	} else if ((p = strchr(s, ':')) != NULL && strchr(p + 1, ':') ==
	    NULL) {
		/* one colon: IPv4:PORT (IPv6 has at least two) */
		hlen = (size_t)(p - s);
		port = p + 1;
		family = 4;
	}
	/* inet_pton reads no %scope; rf_addr_parse would drop it */
	if (memchr(host, '%', hlen) != NULL ||
	    rf_addr_parse(host, hlen, &a) < 0 ||
	    (family != 0 && a.family != family))
		goto bad;
	if (port != NULL && (rf_parse_u32(port, strlen(port), 65535, &v) < 0 ||
	    v == 0))
		goto bad_port;
	rf_buf_init(&b);
	if (port != NULL && a.family == 6)
		rf_buf_addc(&b, '[');
	rf_buf_add(&b, host, hlen);
	if (port != NULL) {
		char num[16];

		snprintf(num, sizeof(num), "%s:%u", a.family == 6 ? "]" : "",
		    (unsigned)v);
		rf_buf_adds(&b, num);
	}
	*out = rf_xstrdup(rf_buf_cstr(&b));
	rf_buf_fini(&b);
	return 0;
bad_port:
	rf_diag_add(diag, c->file, c->line,
	    "'%s': port '%s' in '%s' is not from 1 to 65535", c->key, port, s);
	return -1;
bad:
	if (strchr(s, '#') != NULL)
		rf_diag_add(diag, c->file, c->line,
		    "'%s': '%s': a port is written ADDR:PORT or "
		    "[IPv6]:PORT, not ADDR#PORT", c->key, s);
	else
		rf_diag_add(diag, c->file, c->line,
		    "'%s': '%s' is not ADDR, IPv4:PORT or [IPv6]:PORT", c->key,
		    s);
	return -1;
}

/* Argument 0 as a duration in milliseconds (bare numbers too) that is
 * not zero. */
static int
duration_nonzero(const struct rf_conf_node *n, unsigned long *out,
    struct rf_diag *diag)
{
	unsigned long v;

	if (rf_conf_duration_ms(n, 0, 1, &v, diag) < 0)
		return -1;
	if (v == 0) {
		rf_diag_add(diag, n->file, n->line,
		    "'%s': '%s' must be at least 1ms", n->key, n->args[0]);
		return -1;
	}
	*out = v;
	return 0;
}

static int
upstream_block(struct rf_config *cfg, const struct rf_conf_node *n,
    struct rf_diag *diag)
{
	struct rf_upstream_conf *u;
	int errors = 0;
	size_t i, k;

	if (rf_conf_nargs(n, 1, 1, diag) < 0)
		return -1;
	for (i = 0; i < cfg->nupstreams; i++) {
		if (strcmp(cfg->upstreams[i].name, n->args[0]) == 0) {
			rf_diag_add(diag, n->file, n->line,
			    "upstream '%s' is already defined at %s:%u",
			    n->args[0], cfg->upstreams[i].file,
			    cfg->upstreams[i].line);
			return -1;
		}
	}
	cfg->upstreams = rf_xreallocarray(cfg->upstreams, cfg->nupstreams + 1,
	    sizeof(*cfg->upstreams));
	u = &cfg->upstreams[cfg->nupstreams++];
	memset(u, 0, sizeof(*u));
	u->name = rf_xstrdup(n->args[0]);
	u->timeout_ms = 500;
	u->tries = 2;
	u->recursion = true;
	u->file = n->file;
	u->line = n->line;
	for (i = 0; i < n->nchildren; i++) {
		const struct rf_conf_node *c = &n->children[i];
		long v;

		if (strcmp(c->key, "server") == 0) {
			if (leaf(c, 1, -1, diag) < 0) {
				errors++;
				continue;
			}
			for (k = 0; k < c->nargs; k++) {
				char *srv;

				if (parse_server(c, c->args[k], &srv,
				    diag) < 0) {
					errors++;
					continue;
				}
				u->servers = rf_xreallocarray(u->servers,
				    u->nservers + 1, sizeof(*u->servers));
				u->servers[u->nservers++] = srv;
			}
		} else if (strcmp(c->key, "timeout") == 0) {
			if (leaf(c, 1, 1, diag) < 0 ||
			    duration_nonzero(c, &u->timeout_ms, diag) < 0) {
				errors++;
				continue;
			}
		} else if (strcmp(c->key, "tries") == 0) {
			if (leaf(c, 1, 1, diag) < 0 ||
			    rf_conf_int(c, 0, 1, 10, &v, diag) < 0) {
				errors++;
				continue;
			}
			u->tries = (int)v;
		} else if (strcmp(c->key, "recursion") == 0) {
			if (leaf(c, 1, 1, diag) < 0 ||
			    rf_conf_bool(c, 0, &u->recursion, diag) < 0)
				errors++;
		} else {
			rf_conf_unknown(c, "in an upstream block (known: "
			    "server, timeout, tries, recursion)", diag);
			errors++;
		}
	}
	return errors ? -1 : 0;
}

static int
add_nets(const struct rf_conf_node *c, struct rf_net **nets, size_t *n,
    struct rf_diag *diag)
{
	size_t k;
	int errors = 0;

	if (leaf(c, 1, -1, diag) < 0)
		return -1;
	for (k = 0; k < c->nargs; k++) {
		struct rf_net net;

		if (rf_net_parse(c->args[k], strlen(c->args[k]), &net) < 0) {
			rf_diag_add(diag, c->file, c->line,
			    "'%s' is not an address or network", c->args[k]);
			errors++;
			continue;
		}
		*nets = rf_xreallocarray(*nets, *n + 1, sizeof(**nets));
		(*nets)[(*n)++] = net;
	}
	return errors ? -1 : 0;
}

/* Keys of a rule block that the config reads; the rest belong to the
 * rule's source. */
int
rf_config_rule_key(const char *key)
{
	return strcmp(key, "name") == 0 || strcmp(key, "name-regex") == 0 ||
	    strcmp(key, "client") == 0;
}

/*
 * The zones source has no keys of its own and no arguments (forward and
 * mx-smarthost check theirs in lib/rules/forward.c): everything in its
 * rule is a match key, a filter (which checks itself) or a mistake.
 */
static int
zones_rule_keys(const struct rf_conf_node *rule,
    const struct rf_conf_node *src, struct rf_diag *diag)
{
	int errors = 0;
	size_t i;

	if (leaf(src, 0, 0, diag) < 0)
		errors++;
	for (i = 0; i < rule->nchildren; i++) {
		const struct rf_conf_node *c = &rule->children[i];

		if (c == src || rf_rule_common_key(c->key) ||
		    rf_rule_find(c->key) != NULL)
			continue;
		rf_conf_unknown(c, "in a zones rule (known: name, name-regex, "
		    "client, zones, ttl, nat-map)", diag);
		errors++;
	}
	return errors ? -1 : 0;
}

static int
rule_block(struct rf_config *cfg, const struct rf_conf_node *n,
    struct rf_diag *diag)
{
	struct rf_rule_conf *r;
	int errors = 0;
	size_t i, k;

	if (rf_conf_nargs(n, 0, 1, diag) < 0)
		return -1;
	if (!n->block) {
		rf_diag_add(diag, n->file, n->line, "'rule' needs a block");
		return -1;
	}
	/* a label names one rule (logs, the smarthost's memory) */
	for (i = 0; n->nargs > 0 && i < cfg->nrules; i++) {
		if (strcmp(cfg->rules[i].label, n->args[0]) == 0) {
			rf_diag_add(diag, n->file, n->line,
			    "rule '%s' is already defined at %s:%u",
			    n->args[0], cfg->rules[i].node->file,
			    cfg->rules[i].node->line);
			return -1;
		}
	}
	cfg->rules = rf_xreallocarray(cfg->rules, cfg->nrules + 1,
	    sizeof(*cfg->rules));
	r = &cfg->rules[cfg->nrules++];
	memset(r, 0, sizeof(*r));
	r->node = n;
	r->label = rf_xstrdup(n->nargs ? n->args[0] : "");
	for (i = 0; i < n->nchildren; i++) {
		const struct rf_conf_node *c = &n->children[i];

		if (strcmp(c->key, "name") == 0) {
			if (leaf(c, 1, -1, diag) < 0) {
				errors++;
				continue;
			}
			for (k = 0; k < c->nargs; k++) {
				char canon[RF_NAME_TEXT_MAX + 1];
				size_t len;

				if (rf_name_canon(c->args[k],
				    strlen(c->args[k]), canon, &len) < 0) {
					rf_diag_add(diag, c->file, c->line,
					    "'%s' is not a valid name",
					    c->args[k]);
					errors++;
					continue;
				}
				r->suffixes = rf_xreallocarray(r->suffixes,
				    r->nsuffixes + 1, sizeof(*r->suffixes));
				r->suffix_lens = rf_xreallocarray(
				    r->suffix_lens, r->nsuffixes + 1,
				    sizeof(*r->suffix_lens));
				r->suffix_lens[r->nsuffixes] = len;
				r->suffixes[r->nsuffixes++] =
				    rf_xstrndup(canon, len);
			}
		} else if (strcmp(c->key, "name-regex") == 0) {
			regex_t *re;
			int rc;

			if (leaf(c, 1, 1, diag) < 0) {
				errors++;
				continue;
			}
			r->regexes = rf_xreallocarray(r->regexes,
			    r->nregexes + 1, sizeof(regex_t));
			r->regex_src = rf_xreallocarray(r->regex_src,
			    r->nregexes + 1, sizeof(*r->regex_src));
			re = (regex_t *)r->regexes + r->nregexes;
			rc = regcomp(re, c->args[0],
			    REG_EXTENDED | REG_ICASE | REG_NOSUB);
			if (rc != 0) {
				char msg[128];

				regerror(rc, re, msg, sizeof(msg));
				rf_diag_add(diag, c->file, c->line,
				    "bad regular expression '%s': %s",
				    c->args[0], msg);
				errors++;
				continue;
			}
			r->regex_src[r->nregexes++] = rf_xstrdup(c->args[0]);
		} else if (strcmp(c->key, "client") == 0) {
			if (add_nets(c, &r->clients, &r->nclients, diag) < 0)
				errors++;
		} else if (strcmp(c->key, "zones") == 0 ||
		    strcmp(c->key, "forward") == 0 ||
		    strcmp(c->key, "mx-smarthost") == 0) {
			if (r->source != NULL) {
				rf_diag_add(diag, c->file, c->line,
				    "a rule has one source; this one already "
				    "has '%s'", r->source);
				errors++;
				continue;
			}
			r->source = rf_xstrdup(c->key);
			r->source_node = c;
		}
		/* other keys: checked by the source */
	}
	if (r->source == NULL && errors == 0) {
		rf_diag_add(diag, n->file, n->line,
		    "rule without a source (zones, forward or mx-smarthost)");
		errors++;
	}
	if (r->source != NULL && strcmp(r->source, "zones") == 0 &&
	    zones_rule_keys(n, r->source_node, diag) < 0)
		errors++;
	return errors ? -1 : 0;
}

static int
cache_block(struct rf_config *cfg, const struct rf_conf_node *n,
    struct rf_diag *diag)
{
	int errors = 0;
	size_t i;

	if (rf_conf_nargs(n, 0, 0, diag) < 0)
		return -1;
	for (i = 0; i < n->nchildren; i++) {
		const struct rf_conf_node *c = &n->children[i];
		long v;

		if (strcmp(c->key, "size") == 0) {
			if (leaf(c, 1, 1, diag) < 0 ||
			    rf_conf_int(c, 0, 1, 100000000, &v, diag) < 0) {
				errors++;
				continue;
			}
			cfg->cache.max_entries = (size_t)v;
		} else if (strcmp(c->key, "max-ttl") == 0 ||
		    strcmp(c->key, "serve-stale") == 0) {
			uint32_t ttl;

			if (leaf(c, 1, 1, diag) < 0)
				goto bad;
			if (strcmp(c->args[0], "no") == 0 ||
			    strcmp(c->args[0], "off") == 0)
				ttl = 0;
			else if (rf_zf_parse_ttl(c->args[0],
			    strlen(c->args[0]), &ttl) < 0) {
				rf_diag_add(diag, c->file, c->line,
				    "'%s': '%s' is not a time (e.g. 300, 1h, "
				    "1d)", c->key, c->args[0]);
				goto bad;
			}
			if (c->key[0] == 'm' && (ttl == 0 || ttl > RF_TTL_MAX)) {
				/* 0 would mean the default, a day */
				rf_diag_add(diag, c->file, c->line,
				    "'max-ttl': '%s' is not between 1s and "
				    "%us", c->args[0], RF_TTL_MAX);
				goto bad;
			}
			if (c->key[0] == 'm')
				cfg->cache.max_ttl = ttl;
			else
				cfg->cache.stale_ttl = ttl;
			continue;
bad:
			errors++;
		} else {
			rf_conf_unknown(c, "in the cache block (known: size, "
			    "max-ttl, serve-stale)", diag);
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
	cfg->listen.uid = (uid_t)-1;
	cfg->listen.gid = (gid_t)-1;
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
		} else if (strcmp(n->key, "upstream") == 0) {
			if (upstream_block(cfg, n, diag) < 0)
				errors++;
		} else if (strcmp(n->key, "rule") == 0) {
			if (rule_block(cfg, n, diag) < 0)
				errors++;
		} else if (strcmp(n->key, "trusted-resolvers") == 0) {
			if (add_nets(n, &cfg->trusted, &cfg->ntrusted,
			    diag) < 0)
				errors++;
		} else if (strcmp(n->key, "cache") == 0) {
			if (cache_block(cfg, n, diag) < 0)
				errors++;
		} else if (strcmp(n->key, "deadline") == 0) {
			if (leaf(n, 1, 1, diag) < 0 ||
			    duration_nonzero(n, &cfg->deadline_ms, diag) < 0)
				errors++;
		} else if (strcmp(n->key, "pdns-caches-off") == 0) {
			if (leaf(n, 1, 1, diag) < 0 ||
			    rf_conf_bool(n, 0, &cfg->pdns_caches_off, diag) < 0)
				errors++;
		} else if (strcmp(n->key, "zone-image") == 0) {
			if (leaf(n, 1, 1, diag) < 0) {
				errors++;
				continue;
			}
			free(cfg->zone_image);
			cfg->zone_image = resolve_path(cfg->path, n->args[0]);
			cfg->zone_image_file = n->file;
			cfg->zone_image_line = n->line;
		} else {
			rf_conf_unknown(n, "at top level (known: zone, "
			    "zone-image, listen, upstream, rule, "
			    "trusted-resolvers, cache, deadline, "
			    "pdns-caches-off)", diag);
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
	for (i = 0; i < cfg->nupstreams; i++) {
		size_t k;

		for (k = 0; k < cfg->upstreams[i].nservers; k++)
			free(cfg->upstreams[i].servers[k]);
		free(cfg->upstreams[i].servers);
		free(cfg->upstreams[i].name);
	}
	free(cfg->upstreams);
	for (i = 0; i < cfg->nrules; i++) {
		struct rf_rule_conf *r = &cfg->rules[i];
		size_t k;

		for (k = 0; k < r->nsuffixes; k++)
			free(r->suffixes[k]);
		free(r->suffixes);
		free(r->suffix_lens);
		for (k = 0; k < r->nregexes; k++) {
			regfree((regex_t *)r->regexes + k);
			free(r->regex_src[k]);
		}
		free(r->regexes);
		free(r->regex_src);
		free(r->clients);
		free(r->source);
		free(r->label);
	}
	free(cfg->rules);
	free(cfg->trusted);
	free(cfg->zone_image);
	free(cfg->listen.path);
	free(cfg->listen.owner);
	free(cfg->listen.group);
	rf_conf_tree_fini(&cfg->tree);
	memset(cfg, 0, sizeof(*cfg));
}
