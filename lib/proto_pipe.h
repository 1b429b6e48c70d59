/*
 * The PowerDNS PIPE backend protocol, ABI 1 to 5
 * (pdns-protocols.md §1): request parsing and answer writing.
 *
 * Requests are single lines with TAB-separated fields:
 *
 *   HELO <abi>
 *   Q <qname> IN <qtype> <zone-id> <remote> [<local> [<real-remote>]]
 *   AXFR <zone-id> [<zone>]          (the zone name from ABI 4)
 *   CMD <text>                       (ABI 5)
 *
 * The number of Q fields is fixed by the ABI negotiated in HELO (6 for
 * ABI 1, 7 for 2, 8 from 3).  Answers are DATA lines then END, or FAIL;
 * a CMD answer is free text ending in a line "END".
 */
#ifndef RF_PROTO_PIPE_H
#define RF_PROTO_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/query.h"

/* ABI spoken when no HELO was seen (replay default) and the highest one. */
#define RF_PIPE_ABI_MAX 5

enum rf_pipe_kind {
	RF_PIPE_BAD,
	RF_PIPE_HELO,
	RF_PIPE_Q,
	RF_PIPE_AXFR,
	RF_PIPE_CMD,
};

struct rf_slice {
	const char *p;
	size_t len;
};

/** A parsed request; slices point into the line. */
struct rf_pipe_req {
	enum rf_pipe_kind kind;
	const char *error;       /* RF_PIPE_BAD: why */
	int abi;                 /* HELO: the version asked for (capped at 5) */
	struct rf_slice qname, qclass, qtype, remote, local, real_remote;
	struct rf_slice zone;    /* AXFR with ABI >= 4 (may be empty) */
	int64_t zone_id;         /* Q and AXFR */
	struct rf_slice text;    /* CMD */
	bool soa;                /* a Q for SOA (also when RF_PIPE_BAD) */
	bool cmd;                /* a CMD (also when RF_PIPE_BAD) */
};

/**
 * Parse one request line (without its newline; a trailing \r is
 * ignored).  abi is the version negotiated so far.
 * @return req->kind.
 */
enum rf_pipe_kind rf_pipe_parse(const char *line, size_t len, int abi,
    struct rf_pipe_req *req);

/** Append one DATA line for rr in the layout of abi. */
void rf_pipe_write_rr(struct rf_buf *out, int abi, const struct rf_rr *rr);
/**
 * A failed lookup: FAIL, followed by END for an SOA question (pdns's
 * getSOA reads up to the END after an error; every other lookup stops at
 * the FAIL).
 */
void rf_pipe_write_fail(struct rf_buf *out, bool soa);
/** The complete answer to a lookup: DATA lines and END, or FAIL. */
void rf_pipe_write_answer(struct rf_buf *out, int abi,
    const struct rf_query *q);

#endif
