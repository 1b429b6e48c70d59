/*
 * Bump allocator with an inline first chunk; later chunks double.
 */
#include "lib/arena.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

struct rf_arena_chunk {
	struct rf_arena_chunk *next;
	size_t size;
	_Alignas(16) char mem[];
};

void
rf_arena_init(struct rf_arena *a)
{
	a->cur = a->inline_mem;
	a->end = a->inline_mem + sizeof(a->inline_mem);
	a->chunks = NULL;
}

void
rf_arena_reset(struct rf_arena *a)
{
	struct rf_arena_chunk *c = a->chunks, *next;

	for (; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	rf_arena_init(a);
}

void
rf_arena_fini(struct rf_arena *a)
{
	rf_arena_reset(a);
}

void *
rf_arena_alloc(struct rf_arena *a, size_t n)
{
	struct rf_arena_chunk *c;
	size_t size;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (n == 0)
		n = 16;
	if ((size_t)(a->end - a->cur) >= n) {
		p = a->cur;
		a->cur += n;
		return p;
	}
	size = a->chunks ? a->chunks->size * 2 : 4096;
	if (size < n)
		size = n;
	c = rf_xmalloc(sizeof(*c) + size);
	c->next = a->chunks;
	c->size = size;
	a->chunks = c;
	a->cur = c->mem + n;
	a->end = c->mem + size;
	return c->mem;
}

char *
rf_arena_strndup(struct rf_arena *a, const char *s, size_t len)
{
	char *p = rf_arena_alloc(a, len + 1);

	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
