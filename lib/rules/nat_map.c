/*
 * The nat-map filter: split-brain DNS for a destination NAT.
 *
 * Clients inside (by group) should reach a service at the internal
 * address the firewall maps its public address to.  For a client in a
 * group, every A and AAAA record inside a mapped public range becomes the
 * internal address; everybody else gets the public answer.
 *
 *   nat-map {
 *       group office {
 *           clients 10.0.0.0/8 192.168.0.0/16
 *           map 203.0.113.10 10.0.0.10        one address
 *           map 203.0.113.0/28 10.1.2.0/28    a range, prefix-preserving
 *           map 2001:db8:1::/64 fd00:1::/64
 *       }
 *       ptr yes                             reverse questions too
 *   }
 *
 * Ranges map host part to host part and must have equal lengths; the
 * most specific range containing an address wins.  With `ptr yes` a
 * reverse question (in-addr.arpa / ip6.arpa) for an internal address,
 * from a client of the group, is asked as the reverse name of the public
 * address, so the internal address gets the public address's name.
 *
 * The client is the one the rule sees (the ECS subnet through a trusted
 * resolver, else pdns's remote).  Lookups without a client get the public
 * answer.  Every answer of a rule with this filter carries a scope, so
 * pdns never serves an inside answer to an outside client from its caches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/name.h"
#include "lib/net.h"
#include "lib/rrtype.h"
#include "lib/rule.h"
#include "lib/util.h"

struct nat_entry {
	struct rf_net ext, in;
};

struct nat_group {
	char *name;
	struct rf_net *clients;
	size_t nclients;
	struct nat_entry *maps; /* most specific first */
	size_t nmaps;
};

struct nat {
	struct nat_group *groups;
	size_t ngroups;
	bool ptr;
};

static int
cmp_entry(const void *a, const void *b)
{
	const struct nat_entry *x = a, *y = b;

	return (int)y->ext.prefix - (int)x->ext.prefix;
}

static int
parse_net(const struct rf_conf_node *n, const char *s, struct rf_net *out,
    struct rf_diag *diag)
{
	if (rf_net_parse(s, strlen(s), out) < 0) {
		rf_diag_add(diag, n->file, n->line,
		    "'%s' is not an address or network (host bits set?)", s);
		return -1;
	}
	return 0;
}

static int
group_init(struct nat_group *g, const struct rf_conf_node *n,
    struct rf_diag *diag)
{
	int errors = 0;
	size_t i, k;

	g->name = rf_xstrdup(n->args[0]);
	for (i = 0; i < n->nchildren; i++) {
		const struct rf_conf_node *c = &n->children[i];

		if (strcmp(c->key, "clients") == 0) {
			if (rf_conf_noblock(c, diag) < 0 ||
			    rf_conf_nargs(c, 1, -1, diag) < 0) {
				errors++;
				continue;
			}
			for (k = 0; k < c->nargs; k++) {
				struct rf_net net;

				if (parse_net(c, c->args[k], &net, diag) < 0) {
					errors++;
					continue;
				}
				g->clients = rf_xreallocarray(g->clients,
				    g->nclients + 1, sizeof(*g->clients));
				g->clients[g->nclients++] = net;
			}
		} else if (strcmp(c->key, "map") == 0) {
			struct nat_entry e;

			if (rf_conf_noblock(c, diag) < 0 ||
			    rf_conf_nargs(c, 2, 2, diag) < 0 ||
			    parse_net(c, c->args[0], &e.ext, diag) < 0 ||
			    parse_net(c, c->args[1], &e.in, diag) < 0) {
				errors++;
				continue;
			}
			if (e.ext.addr.family != e.in.addr.family ||
			    e.ext.prefix != e.in.prefix) {
				rf_diag_add(diag, c->file, c->line,
				    "'map': '%s' and '%s' must be of one "
				    "family and one length", c->args[0],
				    c->args[1]);
				errors++;
				continue;
			}
			g->maps = rf_xreallocarray(g->maps, g->nmaps + 1,
			    sizeof(*g->maps));
			g->maps[g->nmaps++] = e;
		} else {
			rf_conf_unknown(c, "in a nat-map group (known: "
			    "clients, map)", diag);
			errors++;
		}
	}
	if (g->nclients == 0 || g->nmaps == 0) {
		rf_diag_add(diag, n->file, n->line,
		    "nat-map group '%s' needs clients and at least one map",
		    g->name);
		errors++;
	}
	if (g->nmaps > 0)
		qsort(g->maps, g->nmaps, sizeof(*g->maps), cmp_entry);
	return errors ? -1 : 0;
}

static int
nat_init(struct rf_filter *f, const struct rf_conf_node *n,
    struct rf_env *env, struct rf_diag *diag)
{
	struct nat *nat = rf_xcalloc(1, sizeof(*nat));
	int errors = 0;
	size_t i;

	(void)env;
	f->data = nat;
	if (!n->block || n->nargs != 0) {
		rf_diag_add(diag, n->file, n->line,
		    "'nat-map' takes a block of groups");
		return -1;
	}
	for (i = 0; i < n->nchildren; i++) {
		const struct rf_conf_node *c = &n->children[i];

		if (strcmp(c->key, "group") == 0) {
			struct nat_group *g;

			if (rf_conf_nargs(c, 1, 1, diag) < 0 || !c->block) {
				if (!c->block)
					rf_diag_add(diag, c->file, c->line,
					    "'group' needs a block");
				errors++;
				continue;
			}
			nat->groups = rf_xreallocarray(nat->groups,
			    nat->ngroups + 1, sizeof(*nat->groups));
			g = &nat->groups[nat->ngroups++];
			memset(g, 0, sizeof(*g));
			if (group_init(g, c, diag) < 0)
				errors++;
		} else if (strcmp(c->key, "ptr") == 0) {
			if (rf_conf_noblock(c, diag) < 0 ||
			    rf_conf_nargs(c, 1, 1, diag) < 0 ||
			    rf_conf_bool(c, 0, &nat->ptr, diag) < 0)
				errors++;
		} else {
			rf_conf_unknown(c, "in nat-map (known: group, ptr)",
			    diag);
			errors++;
		}
	}
	if (nat->ngroups == 0 && errors == 0) {
		rf_diag_add(diag, n->file, n->line, "nat-map without a group");
		errors++;
	}
	return errors ? -1 : 0;
}

static void
nat_free(struct rf_filter *f)
{
	struct nat *nat = f->data;
	size_t i;

	if (nat == NULL)
		return;
	for (i = 0; i < nat->ngroups; i++) {
		free(nat->groups[i].name);
		free(nat->groups[i].clients);
		free(nat->groups[i].maps);
	}
	free(nat->groups);
	free(nat);
}

static const struct nat_group *
group_of(const struct nat *nat, const struct rf_query *q)
{
	size_t i;

	if (!q->has_client)
		return NULL;
	for (i = 0; i < nat->ngroups; i++)
		if (rf_nets_contain_subnet(nat->groups[i].clients,
		    nat->groups[i].nclients, &q->client, q->client_bits))
			return &nat->groups[i];
	return NULL;
}

/* The address moved from one network to the other, host part kept. */
static struct rf_addr
translate(const struct rf_addr *a, const struct rf_net *from,
    const struct rf_net *to)
{
	struct rf_addr out = *a;
	unsigned i, len = a->family == 4 ? 4 : 16;

	(void)from;
	for (i = 0; i < len; i++) {
		unsigned bit0 = i * 8;
		uint8_t mask;

		if (bit0 + 8 <= to->prefix)
			mask = 0xff;
		else if (bit0 >= to->prefix)
			mask = 0;
		else
			mask = (uint8_t)(0xff << (8 - (to->prefix - bit0)));
		out.bytes[i] = (uint8_t)((to->addr.bytes[i] & mask) |
		    (a->bytes[i] & (uint8_t)~mask));
	}
	return out;
}

static void
nat_after(struct rf_filter *f, struct rf_query *q)
{
	const struct nat_group *g = group_of(f->data, q);
	size_t i, k;

	if (g == NULL)
		return;
	for (i = 0; i < q->nrrs; i++) {
		struct rf_rr *rr = &q->rrs[i];
		struct rf_addr a, out;
		char text[64];

		if (rr->type != RF_T_A && rr->type != RF_T_AAAA)
			continue;
		if (rf_addr_parse(rr->content, rr->content_len, &a) < 0)
			continue;
		for (k = 0; k < g->nmaps; k++)
			if (rf_net_contains(&g->maps[k].ext, &a))
				break;
		if (k == g->nmaps)
			continue;
		out = translate(&a, &g->maps[k].ext, &g->maps[k].in);
		rf_addr_format(&out, text, sizeof(text));
		rr->content = rf_query_strdup(q, text, strlen(text));
		rr->content_len = (uint32_t)strlen(text);
	}
}

/* The address a full reverse name stands for (RFC 1035 §3.5, RFC 3596
 * §2.5), or -1. */
static int
reverse_addr(const char *name, size_t len, struct rf_addr *a)
{
	static const char v4[] = ".in-addr.arpa", v6[] = ".ip6.arpa";
	unsigned labels[32], n = 0, i;
	size_t off = 0, lim;

	memset(a, 0, sizeof(*a));
	if (len > sizeof(v4) - 1 &&
	    memcmp(name + len - (sizeof(v4) - 1), v4, sizeof(v4) - 1) == 0) {
		lim = len - (sizeof(v4) - 1);
		while (off < lim && n < 4) {
			uint32_t v;
			size_t l = rf_name_first_label_len(name + off,
			    lim - off);

			if (rf_parse_u32(name + off, l, 255, &v) < 0)
				return -1;
			labels[n++] = v;
			off += l + 1;
		}
		if (n != 4 || off < lim)
			return -1;
		a->family = 4;
		for (i = 0; i < 4; i++)
			a->bytes[i] = (uint8_t)labels[3 - i];
		return 0;
	}
	if (len > sizeof(v6) - 1 &&
	    memcmp(name + len - (sizeof(v6) - 1), v6, sizeof(v6) - 1) == 0) {
		lim = len - (sizeof(v6) - 1);
		/* 32 nibbles: "x." each */
		if (lim != 63)
			return -1;
		for (i = 0; i < 32; i++) {
			char c = name[i * 2];
			unsigned v;

			if (i < 31 && name[i * 2 + 1] != '.')
				return -1;
			if (c >= '0' && c <= '9')
				v = (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v = (unsigned)(c - 'a' + 10);
			else
				return -1;
			/* the first label is the last nibble */
			if ((31 - i) % 2 == 0)
				a->bytes[(31 - i) / 2] |= (uint8_t)(v << 4);
			else
				a->bytes[(31 - i) / 2] |= (uint8_t)v;
		}
		a->family = 6;
		return 0;
	}
	return -1;
}

static void
reverse_name(const struct rf_addr *a, char *out, size_t cap, size_t *len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	int i;

	if (a->family == 4) {
		o = (size_t)snprintf(out, cap, "%u.%u.%u.%u.in-addr.arpa",
		    a->bytes[3], a->bytes[2], a->bytes[1], a->bytes[0]);
	} else {
		for (i = 15; i >= 0; i--) {
			out[o++] = hex[a->bytes[i] & 15];
			out[o++] = '.';
			out[o++] = hex[a->bytes[i] >> 4];
			out[o++] = '.';
		}
		memcpy(out + o, "ip6.arpa", 9);
		o += 8;
	}
	*len = o;
}

static void
nat_before(struct rf_filter *f, struct rf_query *q)
{
	const struct nat *nat = f->data;
	const struct nat_group *g;
	struct rf_addr a, pub;
	size_t k;

	if (!nat->ptr || (q->qtype != RF_T_PTR && q->qtype != RF_T_ANY))
		return;
	g = group_of(nat, q);
	if (g == NULL || reverse_addr(q->canon, q->canon_len, &a) < 0)
		return;
	for (k = 0; k < g->nmaps; k++)
		if (rf_net_contains(&g->maps[k].in, &a))
			break;
	if (k == g->nmaps)
		return;
	pub = translate(&a, &g->maps[k].in, &g->maps[k].ext);
	reverse_name(&pub, q->canon, sizeof(q->canon), &q->canon_len);
	/* the public reverse name lives in another zone than pdns thinks */
	q->zone_id = -1;
	q->rewritten = true;
}

const struct rf_filter_ops rf_filter_nat_map = {
	.name = "nat-map",
	.client_dependent = true,
	.init = nat_init,
	.before = nat_before,
	.after = nat_after,
	.free = nat_free,
};
