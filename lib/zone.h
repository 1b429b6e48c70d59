/*
 * Zone data: every loaded zone in a few flat arrays addressed by 32-bit
 * indices and offsets, never by pointers, so that one set can later be
 * written to a file and mapped read-only by many processes.
 *
 *   strings   one heap of bytes: canonical owner names, record contents
 *   recs      records, each zone's records contiguous and in file order
 *             (the AXFR order; the SOA is moved first)
 *   names     one entry per (zone, owner name), including empty
 *             non-terminals, with the flags the answer logic needs
 *   byname    record indices grouped by name: name n owns
 *             byname[n.first .. n.first + n.count)
 *   hash      open-addressed table over names, keyed by the canonical
 *             owner text (all zones in one table; a name present in two
 *             zones, e.g. a delegation point and the child apex, has two
 *             entries)
 *   zones     one entry per zone: apex name, id, SOA record, record range
 *
 * Lookups never allocate.  A built set is immutable; reload builds a new
 * one and swaps it in.
 */
#ifndef RF_ZONE_H
#define RF_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"
#include "lib/name.h"

#define RF_ZNONE UINT32_MAX

/* rf_zrec.flags */
#define RF_ZREC_AUTH 0x1 /* authoritative data (not a cut's NS, not glue) */

struct rf_zrec {
	uint32_t name;        /* index into names */
	uint32_t content;     /* offset into strings */
	uint32_t content_len;
	uint32_t ttl;
	uint16_t type;
	uint16_t flags;
};

/* rf_zname.flags */
#define RF_ZNAME_APEX  0x1 /* the zone apex */
#define RF_ZNAME_CUT   0x2 /* a delegation point (NS below the apex) */
#define RF_ZNAME_BELOW 0x4 /* below a delegation point (glue) */
#define RF_ZNAME_ENT   0x8 /* empty non-terminal: no records, has children */

struct rf_zname {
	uint32_t text;     /* offset into strings of the canonical name */
	uint32_t text_len;
	uint32_t hash;     /* rf_hash of the text */
	uint32_t zone;     /* index into zones */
	uint32_t first;    /* into byname */
	uint32_t count;
	uint32_t flags;
};

struct rf_zzone {
	uint32_t apex;      /* index into names */
	int32_t id;         /* the zone id pdns sees */
	uint32_t soa;       /* index into recs */
	uint32_t first_rec; /* recs[first_rec .. first_rec + nrecs) */
	uint32_t nrecs;
	uint32_t serial;
	uint32_t file;      /* offset into strings of the zone file path */
	uint32_t file_len;
};

/* A file the zone data came from, as it was when it was read: a compiled
 * image is stale when any of them changed. */
struct rf_zsource {
	uint32_t path;     /* offset into strings */
	uint32_t path_len;
	uint64_t size;
	int64_t mtime_sec;
	int64_t mtime_nsec;
	uint64_t ino;
};

struct rf_zdb {
	const char *strings;
	const struct rf_zrec *recs;
	const struct rf_zname *names;
	const uint32_t *byname;
	const uint32_t *hash;   /* name index + 1; 0 = empty slot */
	const struct rf_zzone *zones;
	const uint32_t *zone_ids; /* zone indices sorted by id */
	const struct rf_zsource *sources; /* files the data was read from */
	uint64_t strings_len;
	uint32_t nrecs, nnames, nzones, nsources;
	uint32_t hash_mask;     /* table size - 1 (a power of two) */
	/* bit n: some zone's apex is n characters long; rf_zdb_zone_for
	 * looks up only ancestors that long (rf_zdb_index_apexes) */
	uint8_t apex_lens[(RF_NAME_TEXT_MAX + 8) / 8];
	void *owned;            /* allocation(s) behind the arrays */
	void (*release)(struct rf_zdb *);
};

/* ---- building ---------------------------------------------------------- */

struct rf_zdb_builder;

struct rf_zdb_builder *rf_zdb_builder_new(void);
void rf_zdb_builder_free(struct rf_zdb_builder *b);

/**
 * Start a zone.  origin is canonical (lib/name.h).  Records added next
 * belong to it until the next rf_zdb_builder_zone().  file is kept for
 * listing and messages.
 * @return 0, or -1 (diag filled) if the origin or id is already used.
 */
int rf_zdb_builder_zone(struct rf_zdb_builder *b, const char *origin,
    int32_t id, const char *file, struct rf_diag *diag);

/**
 * Add one record to the current zone.  owner is canonical; content is in
 * pdns content form.  file/line are for diagnostics (an owner outside the
 * zone is reported and dropped).
 * @return 0 or -1.
 */
int rf_zdb_builder_add(struct rf_zdb_builder *b, const char *owner,
    size_t owner_len, uint16_t type, uint32_t ttl, const char *content,
    size_t content_len, const char *file, unsigned line,
    struct rf_diag *diag);

/**
 * Load a zone file into the builder as a new zone (rf_zdb_builder_zone
 * plus the zone reader).
 * @return the number of errors added to diag.
 */
int rf_zdb_builder_load(struct rf_zdb_builder *b, const char *origin,
    int32_t id, const char *path, struct rf_diag *diag);

/**
 * Finish: check each zone (one SOA, at the apex; CNAME alone at its
 * name), work out delegations, glue, auth flags and empty non-terminals,
 * and build the index.  The builder is consumed.
 * @return a new set (free with rf_zdb_free), or NULL with diag filled.
 */
struct rf_zdb *rf_zdb_builder_finish(struct rf_zdb_builder *b,
    struct rf_diag *diag);

void rf_zdb_free(struct rf_zdb *db);

/* ---- lookups ------------------------------------------------------------ */

/** Canonical text of a name entry. */
static inline const char *
rf_zdb_name_text(const struct rf_zdb *db, const struct rf_zname *n)
{
	return db->strings + n->text;
}

static inline const char *
rf_zdb_rec_content(const struct rf_zdb *db, const struct rf_zrec *r)
{
	return db->strings + r->content;
}

/**
 * Find the entry for a canonical name in one zone (zone index), or in the
 * deepest zone that has the name when zone is RF_ZNONE.
 * @return the name index, or RF_ZNONE.
 */
uint32_t rf_zdb_find(const struct rf_zdb *db, const char *name, size_t len,
    uint32_t zone);

/** Fill in db->apex_lens from its zones (once the arrays are set). */
void rf_zdb_index_apexes(struct rf_zdb *db);

/**
 * The deepest zone whose apex is the name or an ancestor of it.
 * @return a zone index, or RF_ZNONE when no zone contains the name.
 */
uint32_t rf_zdb_zone_for(const struct rf_zdb *db, const char *name,
    size_t len);

/** The zone index with this pdns zone id, or RF_ZNONE. */
uint32_t rf_zdb_zone_by_id(const struct rf_zdb *db, int32_t id);

/** Total number of records. */
static inline uint32_t
rf_zdb_nrecs(const struct rf_zdb *db)
{
	return db->nrecs;
}

#endif
