/*
 * Domain names in refract's canonical text form.
 *
 * pdns hands us names in presentation form, in the client's case, with
 * escapes for odd bytes (pdns-protocols.md §1.2): `\.` for a dot inside a
 * label, `\\`, and decimal `\DDD`.  Zone files use the same syntax plus
 * `\X` for any other character.  Two spellings of one name must compare
 * equal, so every name is first brought into one canonical form:
 *
 *   - ASCII letters lowercased (RFC 4343: DNS names are case-insensitive),
 *   - no trailing dot; the root is the empty string,
 *   - a byte in 0x21..0x7e other than '.' and '\' stands for itself,
 *     '.' and '\' inside a label are written `\.` and `\\`,
 *     every other byte (space included) as `\DDD` — the form pdns itself
 *     prints, so a canonical name can also be written back to pdns.
 *
 * Canonical names are then compared with memcmp.
 */
#ifndef RF_NAME_H
#define RF_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A wire name is at most 255 bytes (RFC 1035 §2.3.4); in text every byte
 * can take four characters. */
#define RF_NAME_WIRE_MAX 255
#define RF_NAME_TEXT_MAX 1024
#define RF_LABEL_MAX	 63

/**
 * Bring the presentation name (in, len) into canonical form.
 * A single trailing dot is accepted and dropped; "." and "" are the root.
 * @param out    receives the canonical text, NUL-terminated; at least
 *               RF_NAME_TEXT_MAX + 1 bytes
 * @param outlen receives its length
 * @return 0, or -1 for an empty label, a bad escape, a label over 63
 *         bytes or a name over 255 bytes on the wire.
 */
int rf_name_canon(const char *in, size_t len, char *out, size_t *outlen);

/** True if the canonical name (s, len) ends with an unescaped dot. */
bool rf_name_has_final_dot(const char *s, size_t len);

/**
 * Length of the first label of a canonical name, in text characters,
 * i.e. the offset of the dot that ends it (or len for the last label).
 */
size_t rf_name_first_label_len(const char *s, size_t len);

/**
 * The parent of a canonical name: sets *off to where the parent starts.
 * @return false for the root (which has no parent).
 */
bool rf_name_parent(const char *s, size_t len, size_t *off);

/** Number of labels of a canonical name (the root has 0). */
unsigned rf_name_labels(const char *s, size_t len);

/** True if canonical name n equals zone z or lies below it. */
bool rf_name_is_sub(const char *n, size_t nlen, const char *z, size_t zlen);

/**
 * Convert a canonical (or any presentation) name to wire form.
 * @param out at least RF_NAME_WIRE_MAX bytes
 * @return the wire length, or -1 if the name is invalid.
 */
int rf_name_to_wire(const char *s, size_t len, uint8_t *out);

/**
 * Append the wire name (labels ending with the root label) to out as a
 * canonical-style presentation name in its original case, with a
 * trailing dot.  Used to print names from upstream packets.
 * @return the number of characters written (at most RF_NAME_TEXT_MAX+1).
 */
size_t rf_name_wire_to_text(const uint8_t *wire, char *out);

#endif
