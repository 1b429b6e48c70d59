/*
 * rf_answer: an upstream answer, parsed and kept the way the cache and the
 * rules need it.  Reference counted; immutable once built.
 *
 * What is kept of the packet:
 *   - answer-section records owned by the question name (never records of
 *     other owners: a recursive upstream's CNAME chain is followed by pdns
 *     itself, one name at a time),
 *   - NS records in the authority section owned by the question name (a
 *     referral at exactly this name: a delegation),
 *   - the first SOA in the authority section, whatever its owner (it gives
 *     the negative TTL, RFC 2308 §5, and tells which zone the name is in),
 *   - in a referral, A and AAAA records of the additional section owned by
 *     the question name: the glue an authoritative upstream gives for a
 *     name server below its delegation, which pdns asks for by name.
 */
#ifndef RF_ANSWER_H
#define RF_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

struct rf_pool;

enum {
	RF_ARR_ANSWER = 1,   /* answer section, owned by the question name */
	RF_ARR_REFERRAL = 2, /* authority NS owned by the question name */
	RF_ARR_SOA = 3,      /* the authority SOA (owner may differ) */
	RF_ARR_GLUE = 4,     /* in a referral: an additional A/AAAA owned by
			      * the question name (glue below the cut) */
};

struct rf_arr {
	uint32_t ttl;
	uint16_t type;
	uint8_t kind;         /* RF_ARR_* */
	uint32_t owner;       /* offset into strings: canonical owner */
	uint32_t owner_len;
	uint32_t content;     /* offset into strings: pdns content form */
	uint32_t content_len;
};

struct rf_answer {
	int refs;
	int status;           /* 0, or a negative errno (no data usable) */
	uint64_t fetched_ms;  /* sched clock when it arrived */
	uint32_t latency_ms;  /* how long upstream took */
	uint32_t head;        /* packed: bytes of the allocation before the
			       * header (rf_answer_pack_after) */
	uint8_t rcode;        /* NOERROR or NXDOMAIN when status is 0 */
	bool aa;
	bool packed;          /* one allocation (rf_answer_pack): read-only */
	struct rf_pool *pool; /* packed: where the allocation is from, or
			       * NULL (malloc) */
	struct rf_arr *rrs;   /* owned */
	size_t nrrs, rrs_cap;
	struct rf_buf strings;
};

/** A new answer with one reference: status 0, NOERROR, no records. */
struct rf_answer *rf_answer_new(void);
/** A failed answer (status < 0). */
struct rf_answer *rf_answer_failure(int status);

static inline struct rf_answer *
rf_answer_ref(struct rf_answer *a)
{
	a->refs++;
	return a;
}

void rf_answer_unref(struct rf_answer *a);

/**
 * A read-only copy of a in one allocation (header, records, strings
 * together: fewer cache lines to touch when it is read many times).
 */
struct rf_answer *rf_answer_pack(const struct rf_answer *a);

/**
 * rf_answer_pack, with head bytes for the caller in front of the answer in
 * the same allocation (*headp points to them, 16-byte aligned).  They live
 * as long as the answer: until its last reference goes.  The allocation
 * comes from pool, unless it is NULL (malloc).
 */
struct rf_answer *rf_answer_pack_after(const struct rf_answer *a,
    size_t head, void **headp, struct rf_pool *pool);

/** Add a record; owner is canonical, content in pdns content form. */
void rf_answer_add(struct rf_answer *a, uint8_t kind, const char *owner,
    size_t owner_len, uint16_t type, uint32_t ttl, const char *content,
    size_t content_len);

static inline const char *
rf_answer_str(const struct rf_answer *a, uint32_t off)
{
	return a->strings.data + off;
}

/** The authority SOA, or NULL. */
const struct rf_arr *rf_answer_soa(const struct rf_answer *a);

/**
 * Seconds this answer may be cached: the smallest TTL of its records, or
 * for a negative answer min(SOA TTL, SOA MINIMUM) (RFC 2308 §5); 0 when
 * it must not be cached (a failure, or a negative answer without SOA).
 */
uint32_t rf_answer_ttl(const struct rf_answer *a);

#endif
