/*
 * rf_buf: the one growable byte buffer of the project.
 *
 * Used for connection input and output, rendered answers and error texts.
 * The bytes are not NUL-terminated unless rf_buf_cstr() is called.  A
 * buffer embedded in a struct pairs rf_buf_init() with rf_buf_fini().
 */
#ifndef RF_BUF_H
#define RF_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

struct rf_buf {
	char *data;  /* owned; NULL while cap == 0 */
	size_t len;  /* bytes in use */
	size_t cap;  /* bytes allocated */
	size_t off;  /* consumed prefix (for input/output queues) */
};

void rf_buf_init(struct rf_buf *b);
/** Free the storage; the buffer may be reused after rf_buf_init(). */
void rf_buf_fini(struct rf_buf *b);
/** Forget the contents, keep the storage. */
void rf_buf_reset(struct rf_buf *b);
/** Make room for n more bytes; returns a pointer to the free space. */
char *rf_buf_reserve(struct rf_buf *b, size_t n);
void rf_buf_add(struct rf_buf *b, const void *p, size_t n);
void rf_buf_addc_slow(struct rf_buf *b, char c);
/** Append one byte (the common case inline: answers are built of them). */
static inline void
rf_buf_addc(struct rf_buf *b, char c)
{
	if (b->len + 1 < b->cap)
		b->data[b->len++] = c;
	else
		rf_buf_addc_slow(b, c);
}
void rf_buf_adds(struct rf_buf *b, const char *s);
void rf_buf_addu(struct rf_buf *b, uint64_t v);
void rf_buf_addi(struct rf_buf *b, int64_t v);
void rf_buf_printf(struct rf_buf *b, const char *fmt, ...) RF_PRINTF(2, 3);
void rf_buf_vprintf(struct rf_buf *b, const char *fmt, va_list ap)
    RF_PRINTF(2, 0);
/** Unconsumed bytes start here; there are rf_buf_pending() of them. */
static inline const char *
rf_buf_head(const struct rf_buf *b)
{
	/* NULL + 0 is undefined behaviour: an empty buffer gives "" */
	return b->data != NULL ? b->data + b->off : "";
}
static inline size_t
rf_buf_pending(const struct rf_buf *b)
{
	return b->len - b->off;
}
/** Mark n bytes at the head as consumed; compacts when everything is. */
void rf_buf_consume(struct rf_buf *b, size_t n);
/** Move unconsumed bytes to the front of the storage. */
void rf_buf_compact(struct rf_buf *b);
/** NUL-terminate (not counted in len) and return the data. */
const char *rf_buf_cstr(struct rf_buf *b);

#endif
