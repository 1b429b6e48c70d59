/*
 * rf_pool: memory for many small objects that are read together, kept
 * together.
 *
 * Objects are carved in allocation order out of 64 KB blocks.  A freed
 * object goes on the free list of its size class (multiples of 32 bytes)
 * and is handed out again to the next object of that class.  So a pool's
 * objects stay in a few contiguous blocks instead of lying among every
 * other allocation of the process: the answer cache keeps its merged
 * answers in one, and a run of hits walks a few hundred KB instead of the
 * whole heap (where the upstream answers they were built from lie).
 *
 * Blocks go back to the system only with the pool; they hold at most the
 * peak of live objects of each class.  Objects larger than RF_POOL_MAX
 * come from malloc.
 *
 * Under AddressSanitizer only the n bytes asked for are addressable, and
 * a freed object stays poisoned and is never handed out again (until the
 * pool goes), so an overrun or a use after free is reported as it would
 * be with malloc.
 *
 * The owner lets go with rf_pool_release(); the pool itself goes when its
 * last object is freed, so objects may outlive their owner (an answer a
 * query still holds when the cache is destroyed).
 */
#ifndef RF_POOL_H
#define RF_POOL_H

#include <stdbool.h>
#include <stddef.h>

#define RF_POOL_BLOCK 65536
#define RF_POOL_STEP 32
#define RF_POOL_MAX 2048

struct rf_pool;

struct rf_pool *rf_pool_new(void);
/** The owner's release: the pool goes now, or with its last object. */
void rf_pool_release(struct rf_pool *p);
/** n bytes aligned to 16 (as malloc's above RF_POOL_MAX); never NULL. */
void *rf_pool_alloc(struct rf_pool *p, size_t n);
/** Free obj, allocated with the same n; NULL is ignored. */
void rf_pool_free(struct rf_pool *p, void *obj, size_t n);
/** Bytes held: the blocks (at their peak), and the live objects above
 *  RF_POOL_MAX. */
size_t rf_pool_bytes(const struct rf_pool *p);
/** Whether a freed object is handed out again (not under ASan). */
bool rf_pool_reuses(void);

#endif
