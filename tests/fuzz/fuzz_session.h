/*
 * Shared by the session harnesses: a small zone and a driver that feeds
 * the input to a fresh session in two pieces (so framing across reads is
 * exercised) and checks the output is made of whole lines.
 */
#ifndef RF_FUZZ_SESSION_H
#define RF_FUZZ_SESSION_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/engine.h"
#include "lib/log.h"
#include "lib/rrtype.h"
#include "lib/session.h"
#include "lib/zone.h"

static struct rf_engine eng;
static int ready;

static void
add(struct rf_zdb_builder *b, const char *owner, uint16_t type,
    const char *content, struct rf_diag *d)
{
	rf_zdb_builder_add(b, owner, strlen(owner), type, 60, content,
	    strlen(content), "fuzz", 1, d);
}

static void
setup(void)
{
	struct rf_zdb_builder *b = rf_zdb_builder_new();
	struct rf_gen *g = calloc(1, sizeof(*g));
	struct rf_diag d;

	rf_diag_init(&d);
	rf_zdb_builder_zone(b, "example.com", 1, "fuzz", &d);
	add(b, "example.com", RF_T_SOA, "ns. h. 1 2 3 4 5", &d);
	add(b, "example.com", RF_T_MX, "10 mail.example.com.", &d);
	add(b, "www.example.com", RF_T_A, "192.0.2.1", &d);
	add(b, "_s._udp.example.com", RF_T_SRV, "1 2 3 x.example.com.", &d);
	add(b, "sub.example.com", RF_T_NS, "ns.sub.example.com.", &d);
	add(b, "ns.sub.example.com", RF_T_A, "192.0.2.2", &d);
	add(b, "*.w.example.com", RF_T_TXT, "\"x\"", &d);
	g->refs = 1;
	g->zdb = rf_zdb_builder_finish(b, &d);
	if (g->zdb == NULL)
		abort();
	g->env.zdb = g->zdb;
	g->rules = calloc(1, sizeof(*g->rules));
	g->rules[0].ops = &rf_rule_zones;
	g->rules[0].env = &g->env;
	g->nrules = 1;
	rf_diag_fini(&d);
	rf_engine_init(&eng, NULL, NULL);
	rf_engine_set_gen(&eng, g);
	/* warnings for every bad line would drown the fuzzer */
	rf_log_set_level(0);
	ready = 1;
}

static void
fuzz_session(const uint8_t *data, size_t size, enum rf_proto proto)
{
	struct rf_session s;
	struct rf_buf out;

	if (!ready)
		setup();
	rf_buf_init(&out);
	rf_session_init(&s, &eng, &out);
	s.proto = proto;
	rf_session_feed(&s, (const char *)data, size / 2);
	rf_session_feed(&s, (const char *)data + size / 2, size - size / 2);
	if (out.len > 0 && out.data[out.len - 1] != '\n')
		abort();
	rf_session_fini(&s);
	rf_buf_fini(&out);
}

#endif
