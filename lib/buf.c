/*
 * Growable byte buffer.  Growth doubles; the consumed prefix is dropped
 * lazily so that a connection that reads many small lines does not move
 * memory for every one.
 */
#include "lib/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
rf_buf_init(struct rf_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
rf_buf_fini(struct rf_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void
rf_buf_reset(struct rf_buf *b)
{
	b->len = 0;
	b->off = 0;
}

char *
rf_buf_reserve(struct rf_buf *b, size_t n)
{
	if (b->cap - b->len < n + 1) {
		if (b->off > 0 && b->off >= b->len / 2)
			rf_buf_compact(b);
		if (b->cap - b->len < n + 1)
			rf_grow(&b->data, &b->cap, b->len + n + 1, 1);
	}
	return b->data + b->len;
}

void
rf_buf_add(struct rf_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	memcpy(rf_buf_reserve(b, n), p, n);
	b->len += n;
}

void
rf_buf_addc_slow(struct rf_buf *b, char c)
{
	*rf_buf_reserve(b, 1) = c;
	b->len++;
}

void
rf_buf_adds(struct rf_buf *b, const char *s)
{
	rf_buf_add(b, s, strlen(s));
}

void
rf_buf_addu(struct rf_buf *b, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	rf_buf_add(b, tmp + i, sizeof(tmp) - i);
}

void
rf_buf_addi(struct rf_buf *b, int64_t v)
{
	if (v < 0) {
		rf_buf_addc(b, '-');
		rf_buf_addu(b, (uint64_t)0 - (uint64_t)v);
	} else {
		rf_buf_addu(b, (uint64_t)v);
	}
}

void
rf_buf_vprintf(struct rf_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(rf_buf_reserve(b, 64), 64 + 1, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n > 64)
		vsnprintf(rf_buf_reserve(b, (size_t)n), (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
rf_buf_printf(struct rf_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rf_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
rf_buf_consume(struct rf_buf *b, size_t n)
{
	RF_REQUIRE(n <= b->len - b->off);
	b->off += n;
	if (b->off == b->len) {
		b->off = 0;
		b->len = 0;
	}
}

void
rf_buf_compact(struct rf_buf *b)
{
	if (b->off == 0)
		return;
	memmove(b->data, b->data + b->off, b->len - b->off);
	b->len -= b->off;
	b->off = 0;
}

const char *
rf_buf_cstr(struct rf_buf *b)
{
	rf_buf_reserve(b, 0);
	b->data[b->len] = '\0';
	return b->data;
}
