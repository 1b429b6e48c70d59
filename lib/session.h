/*
 * rf_session: one pdns conversation, independent of how its bytes travel.
 *
 * The driver (coprocess/conn.c for stdio and sockets, coprocess/replay.c
 * for transcripts) feeds raw input bytes in and finds the answers in the
 * output buffer it handed over.  The session frames lines, recognises
 * the protocol, parses requests, runs lookups through the engine and
 * writes the answers strictly in request order — even when a later
 * question completes before an earlier one that waits on upstream.
 *
 * The protocol is recognised from the first line: one starting with '{'
 * is remote-backend JSON, anything else PIPE.
 *
 * With out_cap set, no further request is taken while that much output
 * waits: the rest of the input is held until rf_session_resume.
 *
 * Lines are capped at RF_SESSION_LINE_MAX bytes.  A longer line is
 * skipped up to its newline and answered as a failure (PIPE FAIL; for
 * JSON a reply without "result").
 */
#ifndef RF_SESSION_H
#define RF_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/engine.h"

#define RF_SESSION_LINE_MAX (1u << 20)

enum rf_proto {
	RF_PROTO_UNKNOWN,
	RF_PROTO_PIPE,
	RF_PROTO_REMOTE,
};

struct rf_session {
	struct rf_engine *eng;   /* borrowed */
	struct rf_buf *out;      /* borrowed: where answers are appended */
	enum rf_proto proto;
	int abi;                 /* PIPE ABI in use */
	long timeout_ms;         /* remote: the timeout pdns announced */
	struct rf_buf in;        /* the partial line */
	struct rf_buf held;      /* input not taken while over out_cap */
	size_t out_cap;          /* 0: no cap on pending output */
	bool discarding;         /* inside an over-long line */
	struct rf_query *head, *tail; /* requests not yet written, in order */
	size_t pending;          /* length of that FIFO */
	bool feeding;            /* inside rf_session_line */
	bool warned_scope;       /* logged the ABI 1-2 scope problem */
	unsigned long nwarnings; /* bad requests seen (log rate limit) */
	/* Called when answers were appended to out outside rf_session_feed
	 * (an asynchronous completion).  May be NULL. */
	void (*notify)(void *arg);
	void *notify_arg;
};

/** out must outlive the session. */
void rf_session_init(struct rf_session *s, struct rf_engine *eng,
    struct rf_buf *out);
/** Cancel what is still running and free everything. */
void rf_session_fini(struct rf_session *s);

/**
 * Take len input bytes.  Complete lines are handled at once; answers that
 * are ready go to s->out before this returns.
 */
void rf_session_feed(struct rf_session *s, const char *data, size_t len);

/**
 * Take held input again once the output is below out_cap (the driver
 * calls this after writing).
 */
void rf_session_resume(struct rf_session *s);

/** True while input is held because the output is over its cap. */
static inline bool
rf_session_holding(const struct rf_session *s)
{
	return rf_buf_pending(&s->held) > 0;
}

/**
 * Handle exactly one request line (no newline).  rf_session_feed calls
 * this for each line; replay calls it directly.
 */
void rf_session_line(struct rf_session *s, const char *line, size_t len);

/** Requests received whose answers are not written yet. */
static inline size_t
rf_session_waiting(const struct rf_session *s)
{
	return s->pending;
}

#endif
