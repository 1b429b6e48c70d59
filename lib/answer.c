/*
 * Upstream answers.
 */
#include "lib/answer.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pool.h"
#include "lib/rrtype.h"
#include "lib/util.h"

/* a packed answer's header, records after it aligned for them */
#define HDR ((sizeof(struct rf_answer) + _Alignof(struct rf_arr) - 1) & \
    ~(_Alignof(struct rf_arr) - 1))

struct rf_answer *
rf_answer_new(void)
{
	struct rf_answer *a = rf_xcalloc(1, sizeof(*a));

	a->refs = 1;
	rf_buf_init(&a->strings);
	rf_buf_addc(&a->strings, '\0');
	return a;
}

struct rf_answer *
rf_answer_failure(int status)
{
	struct rf_answer *a = rf_answer_new();

	a->status = status;
	return a;
}

void
rf_answer_unref(struct rf_answer *a)
{
	if (a == NULL || --a->refs > 0)
		return;
	if (!a->packed) {
		free(a->rrs);
		rf_buf_fini(&a->strings);
	}
	if (a->pool != NULL)
		rf_pool_free(a->pool, (char *)a - a->head, a->head + HDR +
		    a->rrs_cap * sizeof(*a->rrs) + a->strings.cap);
	else
		free((char *)a - a->head);
}

struct rf_answer *
rf_answer_pack(const struct rf_answer *a)
{
	return rf_answer_pack_after(a, 0, NULL, NULL);
}

struct rf_answer *
rf_answer_pack_after(const struct rf_answer *a, size_t head, void **headp,
    struct rf_pool *pool)
{
	size_t rrs = a->nrrs * sizeof(*a->rrs), size;
	char *start, *block;
	struct rf_answer *p;

	head = (head + 15) & ~(size_t)15;
	size = head + HDR + rrs + a->strings.len;
	start = pool != NULL ? rf_pool_alloc(pool, size) : rf_xmalloc(size);
	block = start + head;
	p = (struct rf_answer *)(void *)block;
	if (headp != NULL)
		*headp = start;
	*p = *a;
	p->refs = 1;
	p->packed = true;
	p->head = (uint32_t)head;
	p->pool = pool;
	p->rrs = (struct rf_arr *)(void *)(block + HDR);
	p->rrs_cap = a->nrrs;
	if (rrs > 0)
		memcpy(p->rrs, a->rrs, rrs);
	p->strings.data = block + HDR + rrs;
	p->strings.cap = a->strings.len;
	p->strings.off = 0;
	memcpy(p->strings.data, a->strings.data, a->strings.len);
	return p;
}

static uint32_t
add_str(struct rf_answer *a, const char *s, size_t len)
{
	uint32_t off = (uint32_t)a->strings.len;

	rf_buf_add(&a->strings, s, len);
	rf_buf_addc(&a->strings, '\0');
	return off;
}

void
rf_answer_add(struct rf_answer *a, uint8_t kind, const char *owner,
    size_t owner_len, uint16_t type, uint32_t ttl, const char *content,
    size_t content_len)
{
	struct rf_arr *r;

	assert(!a->packed);  /* packed answers are read-only */
	rf_grow(&a->rrs, &a->rrs_cap, a->nrrs + 1, sizeof(*a->rrs));
	r = &a->rrs[a->nrrs++];
	r->kind = kind;
	r->type = type;
	r->ttl = ttl;
	/* records come grouped by owner: one copy of the name per group */
	if (a->nrrs > 1 && r[-1].owner_len == owner_len &&
	    memcmp(a->strings.data + r[-1].owner, owner, owner_len) == 0)
		r->owner = r[-1].owner;
	else
		r->owner = add_str(a, owner, owner_len);
	r->owner_len = (uint32_t)owner_len;
	r->content = add_str(a, content, content_len);
	r->content_len = (uint32_t)content_len;
}

const struct rf_arr *
rf_answer_soa(const struct rf_answer *a)
{
	size_t i;

	for (i = 0; i < a->nrrs; i++)
		if (a->rrs[i].kind == RF_ARR_SOA)
			return &a->rrs[i];
	return NULL;
}

/* The MINIMUM field: the 7th of the SOA content. */
static uint32_t
soa_minimum(const char *s, size_t len)
{
	size_t i = len, end;
	uint32_t v;

	while (i > 0 && s[i - 1] == ' ')
		i--;
	end = i;
	while (i > 0 && s[i - 1] != ' ')
		i--;
	if (rf_parse_u32(s + i, end - i, UINT32_MAX, &v) < 0)
		return 0;
	return v;
}

uint32_t
rf_answer_ttl(const struct rf_answer *a)
{
	const struct rf_arr *soa;
	uint32_t ttl = UINT32_MAX;
	size_t i;
	bool any = false;

	if (a->status < 0)
		return 0;
	for (i = 0; i < a->nrrs; i++) {
		if (a->rrs[i].kind == RF_ARR_SOA)
			continue;
		any = true;
		ttl = RF_MIN(ttl, a->rrs[i].ttl);
	}
	if (any && a->rcode == 0)
		return ttl;
	/* NXDOMAIN or NODATA: RFC 2308 §5; records that come with it (a
	 * CNAME to a name that does not exist) keep their own TTLs too */
	soa = rf_answer_soa(a);
	if (soa == NULL)
		return 0;
	return RF_MIN(any ? ttl : UINT32_MAX, RF_MIN(soa->ttl,
	    soa_minimum(rf_answer_str(a, soa->content), soa->content_len)));
}
