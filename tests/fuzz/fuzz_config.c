/*
 * libFuzzer harness for the config: arbitrary bytes as refract.conf, read
 * (lib/conf.c), given their meaning (lib/config.c) and built into zones,
 * upstreams and rules (lib/engine.c and lib/rules/, with scripted
 * upstreams: no network).  Besides "no crash, no leak, no UB": a config
 * that is refused says why (at least one message).
 *
 * The config is a file in a directory of its own, so its relative paths
 * (zone files, $INCLUDEs, zone-image) find nothing.  Inputs that could
 * name a path outside it ("/x", "../x", "./x") are skipped: /dev/zero
 * as a zone file would read forever.  A '/' after a letter or digit
 * stays allowed, for CIDR prefixes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/config.h"
#include "lib/diag.h"
#include "lib/engine.h"
#include "lib/log.h"
#include "lib/sched.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/fuzz-config.XXXXXX";
static char path[64];

static void
cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

static int
may_leave_dir(const uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		uint8_t c;

		if (data[i] != '/')
			continue;
		if (i == 0)
			return 1;
		c = data[i - 1];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z')))
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rf_options o;
	struct rf_engine eng;
	struct rf_sched sched;
	struct rf_diag diag;
	struct rf_gen *g;
	FILE *f;

	if (size > 65536 || may_leave_dir(data, size))
		return 0;
	if (path[0] == '\0') {
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(path, sizeof(path), "%s/refract.conf", dir);
		atexit(cleanup);
		/* a warning for every odd config would drown the fuzzer */
		rf_log_set_level(0);
	}
	f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();

	rf_sched_init(&sched);
	rf_sched_manual_clock(&sched, 1000);
	rf_engine_init(&eng, &sched, NULL);
	eng.fake_upstreams = true;
	memset(&o, 0, sizeof(o));
	o.config_path = path;
	rf_diag_init(&diag);
	g = rf_gen_build(&eng, &o, &diag);
	if (g == NULL && diag.count == 0 && diag.dropped == 0) {
		fprintf(stderr, "fuzz_config: refused without a message\n");
		abort();
	}
	if (g != NULL)
		rf_engine_set_gen(&eng, g); /* the engine owns it now */
	rf_diag_fini(&diag);
	rf_engine_fini(&eng);
	rf_sched_fini(&sched);
	return 0;
}
