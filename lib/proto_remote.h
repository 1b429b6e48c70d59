/*
 * The PowerDNS remote backend JSON protocol (pdns-protocols.md §2), as
 * spoken over the pipe and unix connectors: one JSON request per line,
 * one JSON reply per line.
 *
 * Replies are written by a small hand-written writer, compactly (no
 * spaces): over the remote pipe connector pdns reads a reply one byte per
 * read(2), so every byte costs pdns a system call.
 *
 * Types follow what pdns reads (§2.5): ttl, domain_id, auth, scopeMask,
 * id and serial are JSON numbers; names carry a trailing dot; MX/SRV
 * priority is inside content; kind is lowercase.
 *
 * A lookup that fails gets a reply WITHOUT "result": pdns answers that
 * query SERVFAIL and rebuilds the connector (a reconnect over unix, a
 * respawn over the pipe connector).  {"result":false} would mean "no
 * records", which pdns caches as NXDOMAIN — never used for a failure.
 */
#ifndef RF_PROTO_REMOTE_H
#define RF_PROTO_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/query.h"

enum rf_remote_method {
	RF_RM_BAD,          /* not a request we can read */
	RF_RM_UNKNOWN,      /* a method refract does not implement */
	RF_RM_INITIALIZE,
	RF_RM_LOOKUP,
	RF_RM_LIST,
	RF_RM_GET_ALL_DOMAINS,
	RF_RM_GET_DOMAIN_INFO,
	RF_RM_GET_ALL_DOMAIN_METADATA,
	RF_RM_GET_DOMAIN_METADATA,
	RF_RM_DIRECT_BACKEND_CMD,
};

/** A parsed request.  Strings are copies owned by the request. */
struct rf_remote_req {
	enum rf_remote_method method;
	char error[160];     /* RF_RM_BAD: why */
	char *method_name;   /* as sent (for logs) */
	/* lookup */
	char *qname, *qtype, *remote, *local, *real_remote;
	int64_t zone_id;     /* lookup zone-id/zone_id, list domain_id */
	/* list (zonename), getDomainInfo and metadata (name) */
	char *zone;
	/* getDomainMetadata */
	char *kind;
	/* directBackendCmd */
	char *cmd;
	/* initialize: the timeout pdns announces, ms (0 = none given) */
	long timeout_ms;
	/* getAllDomains: include_disabled */
	int include_disabled;
	void *json;          /* the parsed document */
	/* the fast path keeps the strings here instead of allocating */
	bool inline_strings;
	char sbuf[1100];
};

/**
 * Parse one request line (len bytes, no newline).  pdns's `lookup`
 * requests — a flat object of strings and integers, keys sorted — are
 * read by a small scanner without allocating; anything it does not
 * recognise exactly goes through json-c, which gives the same result for
 * what both accept (a fuzz harness checks this).  Anything but one JSON
 * object with a string "method" (and an object "parameters" when given)
 * is RF_RM_BAD with a reason; wrong parameter types for a known method
 * are RF_RM_BAD too.
 * @return req->method.  Free with rf_remote_req_fini in every case.
 */
enum rf_remote_method rf_remote_parse(const char *line, size_t len,
    struct rf_remote_req *req);
void rf_remote_req_fini(struct rf_remote_req *req);
/** rf_remote_parse without the fast path (for the differential fuzz). */
enum rf_remote_method rf_remote_parse_slow(const char *line, size_t len,
    struct rf_remote_req *req);

/**
 * Compare two replies as JSON values (object members in any order,
 * numbers by value), as pdns reads them: a top-level "log" member (pdns
 * only logs it) and "auth": 1 on a record (pdns's default) make no
 * difference.  Used by replay --check.
 * @return 1 if equal, 0 if not, -1 if either is not valid JSON.
 */
int rf_remote_reply_equal(const char *a, size_t alen, const char *b,
    size_t blen);

/* ---- writing replies ---------------------------------------------------- */

/** Append s as a JSON string (quotes and escapes). */
void rf_json_str(struct rf_buf *out, const char *s, size_t len);
/** Append one lookup/list record object. */
void rf_remote_write_rr(struct rf_buf *out, const struct rf_rr *rr);
/** The reply to a lookup: {"result":[...]} or, for a failure, a reply
 *  without "result" carrying the reason in "log". */
void rf_remote_write_answer(struct rf_buf *out, const struct rf_query *q);
/** {"result":true}, {"result":false}, and a failure reply. */
void rf_remote_write_bool(struct rf_buf *out, int value);
void rf_remote_write_failure(struct rf_buf *out, const char *why);

#endif
