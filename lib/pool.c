/*
 * A size-class pool over a bump allocator (see pool.h).
 */
#include "lib/pool.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/util.h"

#if defined(__SANITIZE_ADDRESS__)
#define RF_POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RF_POOL_ASAN 1
#endif
#endif

#ifdef RF_POOL_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define NCLASSES (RF_POOL_MAX / RF_POOL_STEP)

struct block {
	struct block *next;
	_Alignas(16) char mem[];
};

struct free_obj {
	struct free_obj *next;
};

struct rf_pool {
	char *cur, *end;                /* the bump region of blocks */
	struct block *blocks;
	size_t nblocks;
	struct free_obj *free[NCLASSES]; /* class i: (i + 1) * STEP bytes */
	size_t live;                    /* objects not freed, malloc'd too */
	size_t large;                   /* bytes of those malloc'd */
	bool released;
};

struct rf_pool *
rf_pool_new(void)
{
	return rf_xcalloc(1, sizeof(struct rf_pool));
}

static void
destroy(struct rf_pool *p)
{
	struct block *b, *next;

	for (b = p->blocks; b != NULL; b = next) {
		next = b->next;
		/* the allocator may read its own bytes around it */
		UNPOISON(b, RF_POOL_BLOCK);
		free(b);
	}
	free(p);
}

void
rf_pool_release(struct rf_pool *p)
{
	if (p == NULL)
		return;
	p->released = true;
	if (p->live == 0)
		destroy(p);
}

static size_t
class_of(size_t n)
{
	return n == 0 ? 0 : (n - 1) / RF_POOL_STEP;
}

void *
rf_pool_alloc(struct rf_pool *p, size_t n)
{
	size_t cls = class_of(n), size = (cls + 1) * RF_POOL_STEP;
	struct free_obj *o;
	char *obj;

	p->live++;
	if (n > RF_POOL_MAX) {
		p->large += n;
		return rf_xmalloc(n);
	}
	o = p->free[cls];
	if (o != NULL) {        /* never under ASan: nothing is reused */
		p->free[cls] = o->next;
		return o;
	}
	if ((size_t)(p->end - p->cur) < size) {
		struct block *b = rf_xmalloc(RF_POOL_BLOCK);

		b->next = p->blocks;
		p->blocks = b;
		p->nblocks++;
		p->cur = b->mem;
		p->end = (char *)b + RF_POOL_BLOCK;
		POISON(p->cur, (size_t)(p->end - p->cur));
	}
	obj = p->cur;
	p->cur += size;
	UNPOISON(obj, n);
	return obj;
}

void
rf_pool_free(struct rf_pool *p, void *obj, size_t n)
{
	size_t cls = class_of(n);
	struct free_obj *o = obj;

	if (obj == NULL)
		return;
	if (n > RF_POOL_MAX) {
		p->large -= n;
		free(obj);
	} else if (rf_pool_reuses()) {
		o->next = p->free[cls];
		p->free[cls] = o;
	} else {
		/* quarantined for good: any later access is reported */
		POISON(o, (cls + 1) * RF_POOL_STEP);
	}
	if (--p->live == 0 && p->released)
		destroy(p);
}

bool
rf_pool_reuses(void)
{
#ifdef RF_POOL_ASAN
	return false;
#else
	return true;
#endif
}

size_t
rf_pool_bytes(const struct rf_pool *p)
{
	return p->nblocks * RF_POOL_BLOCK + p->large;
}
