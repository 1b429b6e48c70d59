/*
 * rf_nameset: names remembered until a time, bounded in number.
 *
 * Used by the MX smarthost rule to remember which names are mail
 * exchangers (the targets of MX records it answered, for those records'
 * TTL).  One set per process, kept across reloads.
 */
#ifndef RF_NAMESET_H
#define RF_NAMESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rf_nameset;

struct rf_nameset *rf_nameset_new(size_t max_entries);
void rf_nameset_free(struct rf_nameset *s);
/** Remember key until expires_ms (a later time extends it). */
void rf_nameset_put(struct rf_nameset *s, const char *key, size_t len,
    uint64_t expires_ms);
/** Is key remembered at now_ms? */
bool rf_nameset_has(const struct rf_nameset *s, const char *key, size_t len,
    uint64_t now_ms);
size_t rf_nameset_count(const struct rf_nameset *s);

#endif
