/*
 * RFC 1035 master-file reader.
 *
 * Reads a zone file (with $ORIGIN, $TTL, $INCLUDE, $GENERATE, `@`,
 * relative names, omitted owner/TTL/class, parentheses across lines,
 * `;` comments, quoted strings with escapes) and hands every record to a
 * callback in the content form pdns parses:
 *
 *   - tokens joined by single spaces,
 *   - domain names inside the rdata made absolute, with a trailing dot,
 *     in the spelling of the file (case kept),
 *   - numbers checked, SOA timers with BIND units (1h) written in seconds,
 *   - character-strings (TXT, SPF, HINFO, NAPTR, CAA value, ...) always
 *     quoted, raw control bytes inside them written as \DDD so that a
 *     PIPE line never carries a TAB or newline,
 *   - MX/SRV priority left as the first token (the PIPE writer splits it).
 *
 * The rdata shape of each type comes from lib/rrtype.h.  Types pdns does
 * not know are accepted only in RFC 3597 form (`TYPE65280 \# 2 abcd`).
 * pdns rejects `\#` data for a type it knows, so such data is converted
 * to the type's presentation form (by lib/dnswire.c, as for upstream
 * answers: `A \# 4 c0000201` gives 192.0.2.1); data that is not a valid
 * record of the type is reported.
 *
 * Legal presentation forms pdns 4.7.3 refuses are rewritten: DNSSEC
 * algorithm mnemonics (DS, CDS, DLV, DNSKEY, CDNSKEY, KEY, RKEY, RRSIG,
 * CERT: `RSASHA256` gives 8) and CERT type mnemonics (`PKIX` gives 1)
 * become numbers, and an IPSECKEY with gateway type 0 is written without
 * the RFC's `.` gateway (`10 0 2 . key` gives `10 0 2 key`; both spellings
 * are read).  Values of these types that pdns cannot take at all are
 * reported: over 255 in an 8-bit field, CERT type 0, an IPSECKEY
 * algorithm other than 0-2 or gateway type over 3.
 *
 * Content may be empty (an APL with no items): that is legal and is
 * passed on; a PIPE answer cannot carry it (lib/proto_pipe.c skips it).
 *
 * The reader does no filesystem access beyond reading the file and its
 * $INCLUDEs.  Every problem is reported as "file:line: message" through
 * rf_diag and the reader carries on with the next record.
 */
#ifndef RF_ZONEFILE_H
#define RF_ZONEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

/** One record, valid only during the callback. */
struct rf_zf_rr {
	const char *owner;   /* canonical name (lib/name.h), NUL-terminated */
	size_t owner_len;
	uint16_t type;
	uint32_t ttl;
	const char *content; /* content form as above, NUL-terminated */
	size_t content_len;
	const char *file;    /* the file being read (an $INCLUDE's own path) */
	unsigned line;       /* line where the record starts */
};

/**
 * Receives each record.  Returning a negative value stops the reader
 * (used for fatal conditions such as a record limit); the callback
 * records its own diagnostics (it has file and line in rr).
 */
typedef int (*rf_zf_emit_fn)(void *arg, const struct rf_zf_rr *rr);

struct rf_zf_opts {
	/* Canonical origin of the zone (no trailing dot; "" for the root).
	 * Required. */
	const char *origin;
	/* TTL for records with no TTL before any $TTL or explicit TTL.
	 * 0 means 3600. */
	uint32_t default_ttl;
	/* Maximum $INCLUDE nesting; 0 means 8. */
	unsigned max_include_depth;
	/* Maximum number of records one $GENERATE may produce; 0 = 65536. */
	uint32_t max_generate;
};

/**
 * Read the zone file at path.  $INCLUDE paths are relative to the
 * directory of the file that contains them.
 * @return the number of errors added to diag (0 = clean), or -1 if the
 *         callback stopped the reader.
 */
int rf_zf_load_file(const char *path, const struct rf_zf_opts *opts,
    rf_zf_emit_fn emit, void *arg, struct rf_diag *diag);

/**
 * Same for text already in memory (len bytes, need not be NUL-terminated).
 * name is used in diagnostics; $INCLUDE paths are relative to the
 * directory part of name.
 */
int rf_zf_load_mem(const char *name, const char *text, size_t len,
    const struct rf_zf_opts *opts, rf_zf_emit_fn emit, void *arg,
    struct rf_diag *diag);

/**
 * Parse a TTL value with optional BIND units (s, m, h, d, w; any case,
 * combinable as in 1h30m).  Used by the zone reader and the config.
 * @return 0 and sets *out, or -1.
 */
int rf_zf_parse_ttl(const char *s, size_t len, uint32_t *out);

/** The largest TTL (RFC 2181 §8: the top bit of a TTL is never set). */
#define RF_TTL_MAX 2147483647u

#endif
