/*
 * rf_diag: a list of "file:line: message" diagnostics.
 *
 * Config and zone-file loading report every problem they find instead of
 * stopping at the first, so that `refract check` shows them all at once.
 */
#ifndef RF_DIAG_H
#define RF_DIAG_H

#include <stddef.h>

#include "lib/util.h"

struct rf_diag {
	char **msgs;   /* owned, each "file:line: message" */
	size_t count;
	size_t cap;
	size_t max;    /* stop recording after this many (0 = 1000) */
	size_t dropped;
};

void rf_diag_init(struct rf_diag *d);
void rf_diag_fini(struct rf_diag *d);
/**
 * Record one error.  file may be NULL (then no "file:line: " prefix is
 * written); line 0 writes "file: ".
 */
void rf_diag_add(struct rf_diag *d, const char *file, unsigned line,
    const char *fmt, ...) RF_PRINTF(4, 5);
/** Move every message of src to the end of dst; src becomes empty. */
void rf_diag_move(struct rf_diag *dst, struct rf_diag *src);

#endif
