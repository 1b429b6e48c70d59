/*
 * Domain name canonicalisation and label arithmetic on canonical text.
 */
#include "lib/name.h"

#include <string.h>

static const char digits[] = "0123456789";

/* Write one label byte in canonical text form. */
static size_t
put_byte(char *out, unsigned char c, bool lower)
{
	if (lower && c >= 'A' && c <= 'Z')
		c = (unsigned char)(c - 'A' + 'a');
	if (c == '.' || c == '\\') {
		out[0] = '\\';
		out[1] = (char)c;
		return 2;
	}
	if (c > 0x20 && c < 0x7f) {
		out[0] = (char)c;
		return 1;
	}
	out[0] = '\\';
	out[1] = digits[c / 100];
	out[2] = digits[(c / 10) % 10];
	out[3] = digits[c % 10];
	return 4;
}

int
rf_name_canon(const char *in, size_t len, char *out, size_t *outlen)
{
	size_t i = 0, o = 0, label = 0, wire = 1;

	if (len == 1 && in[0] == '.')
		len = 0;
	while (i < len) {
		unsigned char c = (unsigned char)in[i];

		if (c == '.') {
			if (label == 0)
				return -1;
			wire += label + 1;
			label = 0;
			i++;
			if (i == len)
				break; /* one trailing dot */
			out[o++] = '.';
			continue;
		}
		if (c == '\\') {
			if (i + 1 >= len)
				return -1;
			if (in[i + 1] >= '0' && in[i + 1] <= '9') {
				unsigned v;

				if (i + 4 > len)
					return -1;
				if (in[i + 2] < '0' || in[i + 2] > '9' ||
				    in[i + 3] < '0' || in[i + 3] > '9')
					return -1;
				v = (unsigned)(in[i + 1] - '0') * 100 +
				    (unsigned)(in[i + 2] - '0') * 10 +
				    (unsigned)(in[i + 3] - '0');
				if (v > 255)
					return -1;
				c = (unsigned char)v;
				i += 4;
			} else {
				c = (unsigned char)in[i + 1];
				i += 2;
			}
		} else {
			i++;
		}
		/* Check the wire length as bytes arrive, not at the end:
		 * the text written so far is at most 4 characters per wire
		 * byte, so out never passes RF_NAME_TEXT_MAX. */
		if (++label > RF_LABEL_MAX || wire + label + 1 > RF_NAME_WIRE_MAX)
			return -1;
		o += put_byte(out + o, c, true);
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

bool
rf_name_has_final_dot(const char *s, size_t len)
{
	size_t bs = 0;

	if (len == 0 || s[len - 1] != '.')
		return false;
	/* Count the backslashes before the dot: odd means escaped. */
	while (bs + 1 < len && s[len - 2 - bs] == '\\')
		bs++;
	return (bs % 2) == 0;
}

size_t
rf_name_first_label_len(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		if (s[i] == '\\') {
			i += (i + 1 < len && s[i + 1] >= '0' &&
			    s[i + 1] <= '9') ? 4 : 2;
			continue;
		}
		if (s[i] == '.')
			return i;
		i++;
	}
	return len;
}

bool
rf_name_parent(const char *s, size_t len, size_t *off)
{
	size_t l;

	if (len == 0)
		return false;
	l = rf_name_first_label_len(s, len);
	*off = l < len ? l + 1 : len;
	return true;
}

unsigned
rf_name_labels(const char *s, size_t len)
{
	unsigned n = 0;
	size_t off;

	while (len > 0) {
		rf_name_parent(s, len, &off);
		s += off;
		len -= off;
		n++;
	}
	return n;
}

bool
rf_name_is_sub(const char *n, size_t nlen, const char *z, size_t zlen)
{
	size_t dot, bs = 0;

	if (zlen == 0)
		return true;
	if (nlen < zlen || memcmp(n + nlen - zlen, z, zlen) != 0)
		return false;
	if (nlen == zlen)
		return true;
	/* the text before z must end in a label separator: a dot that an
	 * odd run of backslashes does not escape ("a\\.z" is, "a\.z" is
	 * not) */
	dot = nlen - zlen - 1;
	if (n[dot] != '.')
		return false;
	while (bs < dot && n[dot - 1 - bs] == '\\')
		bs++;
	return bs % 2 == 0;
}

int
rf_name_to_wire(const char *s, size_t len, uint8_t *out)
{
	char canon[RF_NAME_TEXT_MAX + 1];
	size_t clen, i = 0, o = 0;

	/* Canonicalising first validates the name and leaves only the two
	 * escape forms `\.`/`\\` and `\DDD` to decode here. */
	if (rf_name_canon(s, len, canon, &clen) < 0)
		return -1;
	while (i < clen) {
		size_t lpos = o++;

		while (i < clen && canon[i] != '.') {
			unsigned char c = (unsigned char)canon[i];

			if (c == '\\' && canon[i + 1] >= '0' &&
			    canon[i + 1] <= '9') {
				c = (unsigned char)((canon[i + 1] - '0') * 100 +
				    (canon[i + 2] - '0') * 10 +
				    (canon[i + 3] - '0'));
				i += 4;
			} else if (c == '\\') {
				c = (unsigned char)canon[i + 1];
				i += 2;
			} else {
				i++;
			}
			out[o++] = c;
		}
		out[lpos] = (uint8_t)(o - lpos - 1);
		if (i < clen)
			i++; /* the dot */
	}
	out[o++] = 0;
	return (int)o;
}

size_t
rf_name_wire_to_text(const uint8_t *wire, char *out)
{
	size_t o = 0, i = 0;

	if (wire[0] == 0) {
		out[0] = '.';
		out[1] = '\0';
		return 1;
	}
	while (wire[i] != 0) {
		unsigned n = wire[i++], k;

		for (k = 0; k < n; k++)
			o += put_byte(out + o, wire[i + k], false);
		i += n;
		out[o++] = '.';
	}
	out[o] = '\0';
	return o;
}
