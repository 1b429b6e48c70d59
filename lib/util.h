/*
 * Small helpers shared by every module: allocation that aborts on
 * exhaustion, and a few macros.
 *
 * Allocation failure is not recoverable in refract: pdns relaunches a pipe
 * coprocess and the unix connector reconnects, so a clean abort with a
 * message is better than a code path nobody can test (see STYLE.md 2.4).
 */
#ifndef RF_UTIL_H
#define RF_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define RF_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define RF_MIN(a, b)	((a) < (b) ? (a) : (b))
#define RF_MAX(a, b)	((a) > (b) ? (a) : (b))

#if defined(__GNUC__)
#define RF_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define RF_NORETURN	__attribute__((noreturn))
#define RF_UNUSED	__attribute__((unused))
#else
#define RF_PRINTF(f, a)
#define RF_NORETURN
#define RF_UNUSED
#endif

/** Internal invariant; always on, aborts with file and line. */
#define RF_REQUIRE(x)                                                   \
	do {                                                            \
		if (!(x))                                               \
			rf_abort_msg(__FILE__, __LINE__, #x);           \
	} while (0)

RF_NORETURN void rf_abort_msg(const char *file, int line, const char *what);

/** malloc/calloc/realloc/strdup that abort on exhaustion; never NULL. */
void *rf_xmalloc(size_t n);
void *rf_xcalloc(size_t n, size_t size);
void *rf_xrealloc(void *p, size_t n);
/** realloc for an array of n elements of size bytes, checking overflow. */
void *rf_xreallocarray(void *p, size_t n, size_t size);
char *rf_xstrdup(const char *s);
/** Copy len bytes of s into a new NUL-terminated string. */
char *rf_xstrndup(const char *s, size_t len);

/**
 * Grow a dynamic array so that it holds at least need elements.
 * @param arr  pointer to the array pointer
 * @param cap  pointer to its capacity in elements
 * @param need wanted capacity
 * @param size element size
 */
void rf_grow(void *arr, size_t *cap, size_t need, size_t size);

/** 64-bit FNV-1a style hash mixed for table use.  Stable: zone images and
 *  forwarded zone ids depend on it. */
uint32_t rf_hash(const void *data, size_t len);
/** A faster hash, 8 bytes at a time, for in-memory tables only. */
uint32_t rf_hash_fast(const void *data, size_t len);

/**
 * Parse an unsigned decimal integer from (s, len) entirely.
 * @return 0 on success, -1 if not all digits, empty, or above max.
 */
int rf_parse_u32(const char *s, size_t len, uint32_t max, uint32_t *out);
/** Same for a signed value with an optional leading '-'. */
int rf_parse_i64(const char *s, size_t len, int64_t *out);

/** Monotonic clock in milliseconds. */
uint64_t rf_now_ms(void);

#endif
