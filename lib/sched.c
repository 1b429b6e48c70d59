/*
 * Timer heap and deferred-call queue.
 */
#include "lib/sched.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

void
rf_sched_init(struct rf_sched *s)
{
	memset(s, 0, sizeof(*s));
}

void
rf_sched_fini(struct rf_sched *s)
{
	size_t i;

	for (i = 0; i < s->nheap; i++)
		s->heap[i]->slot = (size_t)-1;
	free(s->heap);
	free(s->defer);
	memset(s, 0, sizeof(*s));
}

void
rf_sched_manual_clock(struct rf_sched *s, uint64_t start_ms)
{
	s->manual = true;
	s->manual_now = start_ms;
}

void
rf_sched_advance(struct rf_sched *s, uint64_t ms)
{
	s->manual_now += ms;
}

uint64_t
rf_sched_now(const struct rf_sched *s)
{
	return s->manual ? s->manual_now : rf_now_ms();
}

void
rf_timer_init(struct rf_timer *t)
{
	memset(t, 0, sizeof(*t));
	t->slot = (size_t)-1;
}

static void
heap_set(struct rf_sched *s, size_t i, struct rf_timer *t)
{
	s->heap[i] = t;
	t->slot = i;
}

static void
heap_up(struct rf_sched *s, size_t i)
{
	struct rf_timer *t = s->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (s->heap[parent]->when <= t->when)
			break;
		heap_set(s, i, s->heap[parent]);
		i = parent;
	}
	heap_set(s, i, t);
}

static void
heap_down(struct rf_sched *s, size_t i)
{
	struct rf_timer *t = s->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= s->nheap)
			break;
		if (c + 1 < s->nheap && s->heap[c + 1]->when < s->heap[c]->when)
			c++;
		if (t->when <= s->heap[c]->when)
			break;
		heap_set(s, i, s->heap[c]);
		i = c;
	}
	heap_set(s, i, t);
}

void
rf_timer_stop(struct rf_sched *s, struct rf_timer *t)
{
	size_t i = t->slot;
	struct rf_timer *last;

	if (i == (size_t)-1)
		return;
	t->slot = (size_t)-1;
	last = s->heap[--s->nheap];
	if (i == s->nheap)
		return;
	heap_set(s, i, last);
	heap_down(s, i);
	heap_up(s, last->slot);
}

void
rf_timer_start(struct rf_sched *s, struct rf_timer *t, uint64_t ms,
    rf_sched_fn cb, void *arg)
{
	rf_timer_stop(s, t);
	t->when = rf_sched_now(s) + ms;
	t->cb = cb;
	t->arg = arg;
	rf_grow(&s->heap, &s->heap_cap, s->nheap + 1, sizeof(*s->heap));
	s->heap[s->nheap] = t;
	t->slot = s->nheap++;
	heap_up(s, t->slot);
}

void
rf_sched_defer(struct rf_sched *s, rf_sched_fn cb, void *arg)
{
	rf_grow(&s->defer, &s->defer_cap, s->ndefer + 1, sizeof(*s->defer));
	s->defer[s->ndefer].cb = cb;
	s->defer[s->ndefer].arg = arg;
	s->ndefer++;
}

int64_t
rf_sched_timeout(const struct rf_sched *s)
{
	uint64_t now;

	if (s->ndefer > 0)
		return 0;
	if (s->nheap == 0)
		return -1;
	now = rf_sched_now(s);
	return s->heap[0]->when <= now ? 0 :
	    (int64_t)(s->heap[0]->when - now);
}

size_t
rf_sched_run(struct rf_sched *s)
{
	size_t ran = 0, n = s->ndefer, i;
	uint64_t now;

	if (n > 0) {
		/* take the batch: calls deferred while it runs go after it */
		struct rf_deferred *batch = s->defer;

		s->defer = NULL;
		s->ndefer = s->defer_cap = 0;
		for (i = 0; i < n; i++)
			batch[i].cb(batch[i].arg);
		free(batch);
		ran += n;
	}
	now = rf_sched_now(s);
	while (s->nheap > 0 && s->heap[0]->when <= now) {
		struct rf_timer *t = s->heap[0];

		rf_timer_stop(s, t);
		t->cb(t->arg);
		ran++;
	}
	return ran;
}
