/*
 * libFuzzer harness for the zone file reader (lib/zonefile.c).
 *
 * The input is a zone file read with a fixed origin.  Besides "no crash,
 * no leak, no UB", every emitted record is checked against the promises
 * of lib/zonefile.h that the rest of refract relies on: the lengths match
 * the strings, the owner is canonical, and the content can go on a PIPE
 * line (no control bytes, so no TAB, CR or newline).  A broken promise
 * aborts, which the fuzzer reports like a crash.
 *
 * The name puts the zone in a directory that does not exist, so relative
 * $INCLUDEs fail at once instead of reading whatever lies in the fuzzer's
 * working directory; the small caps keep each run fast.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/name.h"
#include "lib/zonefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
broken(const char *what, const struct rf_zf_rr *rr)
{
	fprintf(stderr, "fuzz_zonefile: %s (line %u)\n", what, rr->line);
	abort();
}

static int
check_rr(void *arg, const struct rf_zf_rr *rr)
{
	char canon[RF_NAME_TEXT_MAX + 1];
	size_t i, clen;

	(void)arg;
	if (strlen(rr->owner) != rr->owner_len)
		broken("owner_len does not match owner", rr);
	if (strlen(rr->content) != rr->content_len)
		broken("content_len does not match content", rr);
	if (rr->owner_len > RF_NAME_TEXT_MAX ||
	    rf_name_canon(rr->owner, rr->owner_len, canon, &clen) < 0 ||
	    clen != rr->owner_len || memcmp(canon, rr->owner, clen) != 0)
		broken("owner is not canonical", rr);
	for (i = 0; i < rr->content_len; i++) {
		unsigned char c = (unsigned char)rr->content[i];

		if (c < 0x20 || c == 0x7f)
			broken("control byte in content", rr);
	}
	if (rr->file == NULL || rr->line == 0)
		broken("no file or line", rr);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rf_zf_opts opts;
	struct rf_diag diag;

	memset(&opts, 0, sizeof(opts));
	opts.origin = "example.com";
	opts.max_include_depth = 2;
	opts.max_generate = 512;
	rf_diag_init(&diag);
	rf_zf_load_mem("/nonexistent-refract-fuzz/fuzz.zone",
	    (const char *)data, size, &opts, check_rr, NULL, &diag);
	rf_diag_fini(&diag);
	return 0;
}
