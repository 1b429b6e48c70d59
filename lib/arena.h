/*
 * rf_arena: a bump allocator for per-query memory.
 *
 * A query's copies of its question, the state its rules keep and the
 * records they produce all live in the query's arena and are freed
 * together when the answer has been written (Unbound's regional, Knot's
 * request pool).  The first chunk is embedded, so a simple query does
 * not touch malloc at all.
 */
#ifndef RF_ARENA_H
#define RF_ARENA_H

#include <stddef.h>

#define RF_ARENA_INLINE 3072

struct rf_arena_chunk;

struct rf_arena {
	char *cur;                     /* next free byte */
	char *end;                     /* end of the current chunk */
	struct rf_arena_chunk *chunks; /* owned, most recent first */
	_Alignas(16) char inline_mem[RF_ARENA_INLINE];
};

void rf_arena_init(struct rf_arena *a);
/** Free every chunk; the arena is empty and reusable afterwards. */
void rf_arena_reset(struct rf_arena *a);
void rf_arena_fini(struct rf_arena *a);
/** n bytes aligned to 16, valid until reset; never NULL. */
void *rf_arena_alloc(struct rf_arena *a, size_t n);
/** A NUL-terminated copy of (s, len). */
char *rf_arena_strndup(struct rf_arena *a, const char *s, size_t len);

#endif
