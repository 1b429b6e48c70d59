/*
 * refract replay: run a transcript of pdns requests through the library
 * and print what refract would answer, or compare with the answers the
 * transcript holds.  See README.md, "Transcripts".
 */
#ifndef RF_REPLAY_H
#define RF_REPLAY_H

#include <stdbool.h>

#include "lib/engine.h"

struct rf_replay_opts {
	const char *path; /* "-" for stdin */
	int abi;          /* ABI before any HELO (default 5) */
	bool check;       /* compare with >> lines instead of printing */
};

/** @return the process exit status. */
int rf_replay_run(struct rf_engine *eng, const struct rf_replay_opts *o);

#endif
