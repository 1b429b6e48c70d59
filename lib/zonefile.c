/*
 * Zone file reader: RFC 1035 §5 master files plus the BIND directives
 * operators use ($TTL, $GENERATE).
 *
 * Speed comes from touching every byte once and allocating nothing per
 * record.  A file is read into memory whole and cut into tokens that point
 * into that text (quoted strings keep their escapes; they are only
 * rewritten when the content is built).  The token array, the content
 * buffer and the name buffers belong to the loader and are reused for
 * every record, every $INCLUDE and every $GENERATE step.
 *
 * Errors are reported against the line where the record starts, and the
 * whole record is dropped: the tokenizer always reads to the end of the
 * record first, so recovery is simply "go on with the next one".
 *
 * The content written for pdns must never carry a TAB, CR or newline (the
 * PIPE protocol splits on them), so every token copied into it goes
 * through put_text(), which writes control bytes as \DDD.
 */
#include "lib/zonefile.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/dnswire.h"
#include "lib/name.h"
#include "lib/rrtype.h"
#include "lib/util.h"

/*
 * Longest name text handed to rf_name_canon.  A valid name is at most 255
 * wire bytes of at most 4 characters each, so this rejects nothing valid.
 * rf_name_canon checks the 255-byte limit only at the end and can write
 * up to 4 characters per input byte before that, so its output buffer is
 * sized for the worst case rather than RF_NAME_TEXT_MAX.
 */
#define ZF_NAME_IN_MAX 2048
#define ZF_CANON_BUF   (4 * ZF_NAME_IN_MAX + 1)
/* A record's rdata is at most 65535 bytes; no sane record has more
 * tokens than this, and the cap bounds memory for a lost parenthesis. */
#define ZF_TOK_MAX (1u << 17)
/* Refuse files larger than this rather than try to allocate them (a
 * /proc file can claim any size). */
#define ZF_FILE_MAX ((size_t)1 << 31)
#define ZF_PATH_MAX 4096
/* Tokens quoted in diagnostics are cut to this many bytes. */
#define ZF_SHOW_MAX      64
#define ZF_SHOW_BUF      (4 * ZF_SHOW_MAX + 8)
#define ZF_GEN_WIDTH_MAX 255

/* Types with fields the zone reader treats specially (zf_shape()). */
enum {
	ZF_T_KEY = 25,
	ZF_T_CERT = 37,
	ZF_T_IPSECKEY = 45,
	ZF_T_RKEY = 57,
	ZF_T_CDS = 59,
	ZF_T_CDNSKEY = 60,
	ZF_T_DLV = 32769,
};

struct zf_tok {
	const char *p; /* into the file text, or into the $GENERATE buffer */
	size_t len;
	bool quoted; /* was "..."; p/len exclude the quotes */
};

/* One file being read; each $INCLUDE level has its own. */
struct zf_file {
	const char *name; /* for diagnostics and rr->file */
	const char *text;
	size_t len;
	size_t pos;
	unsigned line;     /* line of text[pos] */
	unsigned rec_line; /* line where the current record starts */
	unsigned depth;
	/* Origin and previous owner are per file: RFC 1035 §5.1 says the
	 * origin of the including file does not change, and BIND starts an
	 * included file without a current owner. */
	char origin[RF_NAME_TEXT_MAX + 1];
	size_t origin_len;
	char owner[RF_NAME_TEXT_MAX + 1];
	size_t owner_len;
	bool has_owner;
};

struct zf_loader {
	rf_zf_emit_fn emit;
	void *arg;
	struct rf_diag *diag;
	uint32_t default_ttl;
	unsigned max_depth;
	uint32_t max_generate;
	bool stopped; /* the callback asked to stop */
	bool bad;     /* the current record has been reported */
	/* TTL defaults are global to the load, as in BIND. */
	bool has_dollar_ttl;
	uint32_t dollar_ttl;
	bool has_last_ttl;
	uint32_t last_ttl;
	struct zf_tok *toks;
	size_t ntok;
	size_t tokcap;
	struct zf_tok *gtoks; /* rdata of one $GENERATE step */
	size_t gtokcap;
	struct rf_buf content;
	struct rf_buf gen;
	struct rf_buf wire; /* decoded RFC 3597 rdata */
	/* $INCLUDE paths, kept until the end of the load so that every
	 * rr->file pointer stays unique and valid for the whole load. */
	char **paths;
	size_t npaths;
	size_t pathcap;
	char join[ZF_NAME_IN_MAX + 1];
	char canon[ZF_CANON_BUF];
	char gowner[RF_NAME_TEXT_MAX + 1];
};

enum {
	CH_TOK = 0,
	CH_SPACE,
	CH_NL,
	CH_SEMI,
	CH_LPAR,
	CH_RPAR,
	CH_QUOTE,
	CH_ESC,
};

/* clang-format off */
static const uint8_t ch_class[256] = {
	[' '] = CH_SPACE, ['\t'] = CH_SPACE, ['\r'] = CH_SPACE,
	['\n'] = CH_NL, [';'] = CH_SEMI, ['('] = CH_LPAR, [')'] = CH_RPAR,
	['"'] = CH_QUOTE, ['\\'] = CH_ESC,
};
/* clang-format on */

static void rec_error(struct zf_loader *ld, const struct zf_file *f,
    const char *fmt, ...) RF_PRINTF(3, 4);
static void run_file(struct zf_loader *ld, struct zf_file *f);

/* ---- small helpers ------------------------------------------------------ */

static bool
is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static size_t
fmt_ddd(char *out, unsigned char c)
{
	out[0] = '\\';
	out[1] = (char)('0' + c / 100);
	out[2] = (char)('0' + (c / 10) % 10);
	out[3] = (char)('0' + c % 10);
	return 4;
}

static void
put_ddd(struct rf_buf *b, unsigned char c)
{
	char d[4];

	rf_buf_add(b, d, fmt_ddd(d, c));
}

/* ASCII case-insensitive comparison of a token with a literal. */
static bool
tok_is(const struct zf_tok *t, const char *lit)
{
	size_t i;

	if (t->quoted)
		return false;
	for (i = 0; i < t->len; i++) {
		unsigned char a = (unsigned char)t->p[i];
		unsigned char b = (unsigned char)lit[i];

		if (b == '\0')
			return false;
		if (a >= 'a' && a <= 'z')
			a = (unsigned char)(a - 'a' + 'A');
		if (b >= 'a' && b <= 'z')
			b = (unsigned char)(b - 'a' + 'A');
		if (a != b)
			return false;
	}
	return lit[i] == '\0';
}

/* A printable, bounded rendering of bytes for a diagnostic. */
static const char *
show_bytes(const char *p, size_t len, bool quoted, char *out)
{
	size_t i, o = 0, n = RF_MIN(len, ZF_SHOW_MAX);

	if (quoted)
		out[o++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c >= 0x7f)
			o += fmt_ddd(out + o, c);
		else
			out[o++] = (char)c;
	}
	if (quoted)
		out[o++] = '"';
	if (n < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

static const char *
show(const struct zf_tok *t, char *out)
{
	return show_bytes(t->p, t->len, t->quoted, out);
}

/* Report the first problem of the current record; later ones are noise. */
static void
rec_error(struct zf_loader *ld, const struct zf_file *f, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (ld->bad)
		return;
	ld->bad = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rf_diag_add(ld->diag, f->name, f->rec_line, "%s", msg);
}

/*
 * Copy token text into the content so that it survives the PIPE line:
 * control bytes (and, outside quotes, spaces) become \DDD, also after a
 * backslash, where `\<TAB>` means the same byte as `\009`.  Other escapes
 * are kept as written.  In quotes a bare '"' (possible only in an
 * unquoted token being quoted) is escaped.
 */
static void
put_text(struct rf_buf *b, const char *p, size_t len, bool in_quotes)
{
	size_t i = 0, start = 0;

	while (i < len) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\\') {
			unsigned char d;

			if (i + 1 == len) {
				/* A lone final backslash would escape whatever
				 * follows it in the content. */
				rf_buf_add(b, p + start, i - start);
				rf_buf_add(b, "\\\\", 2);
				start = ++i;
				continue;
			}
			d = (unsigned char)p[i + 1];
			if (is_ctl(d) || (d == ' ' && !in_quotes)) {
				rf_buf_add(b, p + start, i - start);
				put_ddd(b, d);
				i += 2;
				start = i;
				continue;
			}
			i += 2;
			continue;
		}
		if (is_ctl(c) || (c == ' ' && !in_quotes)) {
			rf_buf_add(b, p + start, i - start);
			put_ddd(b, c);
			start = ++i;
			continue;
		}
		if (c == '"' && in_quotes) {
			rf_buf_add(b, p + start, i - start);
			rf_buf_add(b, "\\\"", 2);
			start = ++i;
			continue;
		}
		i++;
	}
	rf_buf_add(b, p + start, i - start);
}

static void
put_sep(struct rf_buf *b)
{
	if (b->len > 0)
		rf_buf_addc(b, ' ');
}

/* ---- names -------------------------------------------------------------- */

static int
canon(struct zf_loader *ld, const char *p, size_t len, char *out,
    size_t *outlen)
{
	size_t clen;

	if (len > ZF_NAME_IN_MAX ||
	    rf_name_canon(p, len, ld->canon, &clen) < 0 ||
	    clen > RF_NAME_TEXT_MAX)
		return -1;
	memcpy(out, ld->canon, clen + 1);
	*outlen = clen;
	return 0;
}

/* True if the text ends in a backslash that escapes nothing. */
static bool
lone_final_backslash(const char *p, size_t len)
{
	size_t bs = 0;

	while (bs < len && p[len - 1 - bs] == '\\')
		bs++;
	return (bs % 2) == 1;
}

/*
 * Resolve a presentation name against the file's origin into canonical
 * form (out: RF_NAME_TEXT_MAX + 1 bytes).  `@` is the origin, a name with
 * a final dot is absolute, anything else is relative.
 */
static int
resolve_name(struct zf_loader *ld, const struct zf_file *f, const char *p,
    size_t len, char *out, size_t *outlen)
{
	if (len == 0 || lone_final_backslash(p, len))
		return -1;
	if (len == 1 && p[0] == '@') {
		memcpy(out, f->origin, f->origin_len + 1);
		*outlen = f->origin_len;
		return 0;
	}
	if (rf_name_has_final_dot(p, len) || f->origin_len == 0)
		return canon(ld, p, len, out, outlen);
	if (len + 1 + f->origin_len > ZF_NAME_IN_MAX)
		return -1;
	memcpy(ld->join, p, len);
	ld->join[len] = '.';
	memcpy(ld->join + len + 1, f->origin, f->origin_len);
	return canon(ld, ld->join, len + 1 + f->origin_len, out, outlen);
}

/* A domain name in the rdata: absolute, trailing dot, file's spelling. */
static int
put_name(struct zf_loader *ld, const struct zf_file *f, const struct zf_tok *t)
{
	struct rf_buf *b = &ld->content;
	char tmp[RF_NAME_TEXT_MAX + 1], sh[ZF_SHOW_BUF];
	size_t tmplen;

	if (t->quoted || resolve_name(ld, f, t->p, t->len, tmp, &tmplen) < 0) {
		rec_error(ld, f, "bad name '%s'", show(t, sh));
		return -1;
	}
	put_sep(b);
	if (t->len == 1 && t->p[0] == '@') {
		/* The root origin gives ".". */
		rf_buf_add(b, f->origin, f->origin_len);
		rf_buf_addc(b, '.');
		return 0;
	}
	put_text(b, t->p, t->len, false);
	if (!rf_name_has_final_dot(t->p, t->len)) {
		rf_buf_addc(b, '.');
		if (f->origin_len > 0) {
			rf_buf_add(b, f->origin, f->origin_len);
			rf_buf_addc(b, '.');
		}
	}
	return 0;
}

/* ---- TTL ---------------------------------------------------------------- */

int
rf_zf_parse_ttl(const char *s, size_t len, uint32_t *out)
{
	uint64_t total = 0;
	size_t i = 0;
	bool units = false;

	if (len == 0)
		return -1;
	while (i < len) {
		uint64_t n = 0, mult;
		size_t digits = 0;

		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (++digits > 10)
				return -1;
			n = n * 10 + (uint64_t)(s[i] - '0');
			i++;
		}
		if (digits == 0)
			return -1;
		if (i == len) {
			/* A bare number is seconds, but only on its own:
			 * BIND rejects "1h30" too, as it is ambiguous. */
			if (units)
				return -1;
			total = n;
			break;
		}
		switch (s[i]) {
		case 's':
		case 'S':
			mult = 1;
			break;
		case 'm':
		case 'M':
			mult = 60;
			break;
		case 'h':
		case 'H':
			mult = 3600;
			break;
		case 'd':
		case 'D':
			mult = 86400;
			break;
		case 'w':
		case 'W':
			mult = 604800;
			break;
		default:
			return -1;
		}
		/* n < 10^10 and mult < 10^6: no overflow before the check. */
		total += n * mult;
		if (total > UINT32_MAX)
			return -1;
		units = true;
		i++;
	}
	if (total > UINT32_MAX)
		return -1;
	*out = (uint32_t)total;
	return 0;
}

/* ---- tokenizer ---------------------------------------------------------- */

static void
push_tok(struct zf_loader *ld, const struct zf_file *f, const char *p,
    size_t len, bool quoted)
{
	struct zf_tok *t;

	if (ld->ntok >= ZF_TOK_MAX) {
		rec_error(ld, f, "record has too many fields");
		return;
	}
	if (ld->ntok == ld->tokcap)
		rf_grow(&ld->toks, &ld->tokcap, ld->ntok + 1,
		    sizeof(*ld->toks));
	t = &ld->toks[ld->ntok++];
	t->p = p;
	t->len = len;
	t->quoted = quoted;
}

/*
 * Cut the next record (one line, or several while parentheses are open)
 * into ld->toks.  Blank and comment-only lines are skipped.  Problems are
 * reported and leave ld->bad set; the record is still read to its end so
 * that the caller can go on with the next one.
 * @return false at the end of the text.
 */
static bool
next_record(struct zf_loader *ld, struct zf_file *f, bool *omitted)
{
	const char *t = f->text;
	size_t n = f->len, i = f->pos;
	unsigned depth;

	for (;;) {
		if (i >= n) {
			f->pos = i;
			return false;
		}
		ld->ntok = 0;
		ld->bad = false;
		depth = 0;
		f->rec_line = f->line;
		*omitted = ch_class[(unsigned char)t[i]] == CH_SPACE;
		while (i < n) {
			const char *nl;
			size_t start;

			switch (ch_class[(unsigned char)t[i]]) {
			case CH_SPACE:
				i++;
				continue;
			case CH_NL:
				f->line++;
				i++;
				if (depth == 0)
					goto end;
				continue;
			case CH_SEMI:
				nl = memchr(t + i, '\n', n - i);
				i = nl != NULL ? (size_t)(nl - t) : n;
				continue;
			case CH_LPAR:
				depth++;
				i++;
				continue;
			case CH_RPAR:
				if (depth == 0)
					rec_error(ld, f,
					    "unexpected closing parenthesis");
				else
					depth--;
				i++;
				continue;
			case CH_QUOTE:
				/* A string ends at its line: a stray quote
				 * must not swallow the rest of the file. */
				start = ++i;
				while (i < n && t[i] != '"' && t[i] != '\n') {
					if (t[i] == '\\' && i + 1 < n &&
					    t[i + 1] != '\n')
						i += 2;
					else
						i++;
				}
				if (i < n && t[i] == '"') {
					push_tok(ld, f, t + start, i - start,
					    true);
					i++;
				} else {
					rec_error(ld, f,
					    "unterminated quoted string");
				}
				continue;
			default:
				/* A quote inside a word is an ordinary byte,
				 * as in BIND. */
				start = i;
				for (;;) {
					while (i < n &&
					    ch_class[(unsigned char)t[i]] ==
						CH_TOK)
						i++;
					if (i < n && t[i] == '"') {
						i++;
						continue;
					}
					if (i < n && t[i] == '\\') {
						if (i + 1 < n &&
						    t[i + 1] != '\n') {
							i += 2;
							continue;
						}
						rec_error(ld, f,
						    "backslash at end of line");
						i++;
					}
					break;
				}
				push_tok(ld, f, t + start, i - start, false);
				continue;
			}
		}
		if (depth > 0)
			rec_error(ld, f, "missing closing parenthesis");
end:
		if (ld->ntok > 0) {
			f->pos = i;
			return true;
		}
	}
}

/* ---- rdata -------------------------------------------------------------- */

static int
put_number(struct zf_loader *ld, const struct zf_file *f,
    const struct zf_tok *t, uint32_t max, uint32_t *val)
{
	char sh[ZF_SHOW_BUF];
	unsigned bits = 32;

	if (t->quoted || rf_parse_u32(t->p, t->len, max, val) < 0) {
		if (max == UINT8_MAX)
			bits = 8;
		else if (max == UINT16_MAX)
			bits = 16;
		rec_error(ld, f, "bad %u-bit number '%s'", bits, show(t, sh));
		return -1;
	}
	put_sep(&ld->content);
	rf_buf_addu(&ld->content, *val);
	return 0;
}

static int
put_time(struct zf_loader *ld, const struct zf_file *f, const struct zf_tok *t)
{
	char sh[ZF_SHOW_BUF];
	uint32_t v;

	if (t->quoted || rf_zf_parse_ttl(t->p, t->len, &v) < 0) {
		rec_error(ld, f, "bad time value '%s'", show(t, sh));
		return -1;
	}
	put_sep(&ld->content);
	rf_buf_addu(&ld->content, v);
	return 0;
}

static int
put_addr(struct zf_loader *ld, const struct zf_file *f, const struct zf_tok *t,
    int af)
{
	char tmp[64], out[INET6_ADDRSTRLEN], sh[ZF_SHOW_BUF];
	unsigned char addr[16];

	/* inet_pton wants a C string: refuse what would be cut short. */
	if (t->quoted || t->len >= sizeof(tmp) ||
	    memchr(t->p, '\0', t->len) != NULL)
		goto bad;
	memcpy(tmp, t->p, t->len);
	tmp[t->len] = '\0';
	if (inet_pton(af, tmp, addr) != 1 ||
	    inet_ntop(af, addr, out, sizeof(out)) == NULL)
		goto bad;
	put_sep(&ld->content);
	rf_buf_adds(&ld->content, out);
	return 0;
bad:
	rec_error(ld, f, "bad IPv%c address '%s'", af == AF_INET ? '4' : '6',
	    show(t, sh));
	return -1;
}

/* One character-string, always quoted for pdns. */
static void
put_qstring(struct zf_loader *ld, const struct zf_tok *t)
{
	put_sep(&ld->content);
	rf_buf_addc(&ld->content, '"');
	put_text(&ld->content, t->p, t->len, true);
	rf_buf_addc(&ld->content, '"');
}

/* A token pdns parses itself (base64, hex, SVCB parameters...). */
static void
put_plain(struct zf_loader *ld, const struct zf_tok *t)
{
	if (t->quoted) {
		put_qstring(ld, t);
		return;
	}
	put_sep(&ld->content);
	put_text(&ld->content, t->p, t->len, false);
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * RFC 3597 §5 generic rdata, `\# len hex...`.  pdns 4.7.3 takes it only
 * for types it does not know.  For a type it knows, the bytes are decoded
 * and rendered by lib/dnswire.c, the code that renders upstream answers,
 * so that pdns gets the presentation form it parses; bytes that are not a
 * valid record of the type are reported.  Unknown types keep the generic
 * form (dnswire writes it the same way: lowercase hex, `\# 0` if empty).
 */
static int
put_rfc3597(struct zf_loader *ld, const struct zf_file *f, uint16_t type,
    const struct zf_tok *toks, size_t n)
{
	struct rf_buf *b = &ld->content;
	struct rf_wire_rr rr;
	char sh[ZF_SHOW_BUF], tname[16];
	uint32_t rdlen;
	size_t i, k, digits = 0;
	uint8_t *d;

	if (n < 2) {
		rec_error(ld, f, "missing \\# length");
		return -1;
	}
	if (toks[1].quoted ||
	    rf_parse_u32(toks[1].p, toks[1].len, UINT16_MAX, &rdlen) < 0) {
		rec_error(ld, f, "bad \\# length '%s'", show(&toks[1], sh));
		return -1;
	}
	for (k = 2; k < n; k++) {
		if (toks[k].quoted)
			goto badhex;
		for (i = 0; i < toks[k].len; i++)
			if (hexval((unsigned char)toks[k].p[i]) < 0)
				goto badhex;
		digits += toks[k].len;
	}
	if (digits % 2 != 0) {
		rec_error(ld, f, "odd number of hex digits in \\# data");
		return -1;
	}
	if (digits / 2 != rdlen) {
		rec_error(ld, f,
		    "\\# length %" PRIu32 " does not match %zu "
		    "bytes of data",
		    rdlen, digits / 2);
		return -1;
	}
	rf_buf_reset(&ld->wire);
	d = (uint8_t *)rf_buf_reserve(&ld->wire, rdlen);
	digits = 0;
	for (k = 2; k < n; k++) {
		for (i = 0; i < toks[k].len; i++, digits++) {
			int v = hexval((unsigned char)toks[k].p[i]);

			if (digits % 2 == 0)
				d[digits / 2] = (uint8_t)(v << 4);
			else
				d[digits / 2] |= (uint8_t)v;
		}
	}
	memset(&rr, 0, sizeof(rr));
	rr.type = type;
	rr.rclass = 1;
	rr.rdata = d;
	rr.rdlen = (uint16_t)rdlen;
	/* The content is empty here (build_content reset it), so dnswire's
	 * text is the whole content and needs no separator. */
	if (rf_wire_rdata_to_text(NULL, &rr, b) < 0) {
		rec_error(ld, f, "\\# data is not a valid %s record",
		    rf_rrtype_str(type, tname));
		return -1;
	}
	/* dnswire falls back to the generic form for a type in the table
	 * that it has no layout for; pdns would refuse that. */
	if (rf_rrtype_by_num(type) != NULL && b->len >= 2 &&
	    b->data[0] == '\\' && b->data[1] == '#') {
		rec_error(ld, f,
		    "cannot use \\# data for %s; use its presentation form",
		    rf_rrtype_str(type, tname));
		return -1;
	}
	return 0;
badhex:
	rec_error(ld, f, "bad hex data '%s'", show(&toks[k], sh));
	return -1;
}

/* ---- fields pdns wants as numbers --------------------------------------- */

struct zf_mnemonic {
	const char *name;
	uint16_t value;
};

/*
 * DNSSEC algorithm mnemonics: RFC 4034 Appendix A.1 and the IANA "DNS
 * Security Algorithm Numbers" registry, plus the spellings BIND writes
 * for 6, 7 and 12.  RFC 4034 §2.2, §3.2 and §5.3 (and RFC 4398 §2.2 for
 * CERT) allow them in the algorithm field, but pdns 4.7.3 reads that
 * field as a number only ("expected digits").
 */
/* clang-format off */
static const struct zf_mnemonic dnssec_algs[] = {
	{ "RSAMD5", 1 }, { "DH", 2 }, { "DSA", 3 }, { "RSASHA1", 5 },
	{ "DSA-NSEC3-SHA1", 6 }, { "RSASHA1-NSEC3-SHA1", 7 },
	{ "RSASHA256", 8 }, { "RSASHA512", 10 }, { "ECC-GOST", 12 },
	{ "ECDSAP256SHA256", 13 }, { "ECDSAP384SHA384", 14 },
	{ "ED25519", 15 }, { "ED448", 16 }, { "INDIRECT", 252 },
	{ "PRIVATEDNS", 253 }, { "PRIVATEOID", 254 },
	{ "NSEC3DSA", 6 }, { "NSEC3RSASHA1", 7 }, { "ECCGOST", 12 },
	{ NULL, 0 },
};

/* RFC 4398 §2.1 certificate types; §2.2 allows them as mnemonics. */
static const struct zf_mnemonic cert_types[] = {
	{ "PKIX", 1 }, { "SPKI", 2 }, { "PGP", 3 }, { "IPKIX", 4 },
	{ "ISPKI", 5 }, { "IPGP", 6 }, { "ACPKIX", 7 }, { "IACPKIX", 8 },
	{ "URI", 253 }, { "OID", 254 },
	{ NULL, 0 },
};
/* clang-format on */

/*
 * A mnemonic from table, written as its number.  A token that starts
 * with a digit (or is quoted) is left to put_number().
 * @return 0 if written, 1 if the token is for put_number(), -1 on error.
 */
static int
put_mnemonic(struct zf_loader *ld, const struct zf_file *f,
    const struct zf_tok *t, char letter, uint32_t *val)
{
	const struct zf_mnemonic *table =
	    letter == 'a' ? dnssec_algs : cert_types;
	char sh[ZF_SHOW_BUF];
	size_t i;

	if (t->quoted || (t->len > 0 && t->p[0] >= '0' && t->p[0] <= '9'))
		return 1;
	for (i = 0; table[i].name != NULL; i++) {
		if (tok_is(t, table[i].name)) {
			*val = table[i].value;
			put_sep(&ld->content);
			rf_buf_addu(&ld->content, *val);
			return 0;
		}
	}
	rec_error(ld, f, "unknown %s '%s'",
	    letter == 'a' ? "algorithm" : "CERT type", show(t, sh));
	return -1;
}

/*
 * IPSECKEY (RFC 4025 §3.1): after precedence, gateway type and algorithm
 * (nums[0..2]) the shape of the rest depends on the last two, in the form
 * pdns 4.7.3 reads (IPSECKEYRecordContent).  Gateway type 0 (no gateway)
 * has no field at all in pdns, which refuses the RFC's "." placeholder as
 * trailing data, so `d` drops a "." there.  A key follows for algorithms
 * 1 (DSA) and 2 (RSA) only; pdns refuses a key after algorithm 0 (RFC
 * 4025 §2.4: no key) and knows no other algorithm.
 * @return the shape of the rest, or NULL (reported).
 */
static const char *
ipseckey_rest(struct zf_loader *ld, const struct zf_file *f,
    const uint32_t *nums)
{
	/* Each starts with the 'g' it replaces (see build_content). */
	static const char *const rest[4][2] = {
		{ "gd", "gd+" }, /* no gateway */
		{ "g4", "g4+" }, /* IPv4 address */
		{ "g6", "g6+" }, /* IPv6 address */
		{ "gn", "gn+" }, /* domain name */
	};

	/* RFC 4025 §2.3: the other gateway types are reserved. */
	if (nums[1] > 3) {
		rec_error(ld, f, "unsupported IPSECKEY gateway type %" PRIu32,
		    nums[1]);
		return NULL;
	}
	if (nums[2] > 2) {
		rec_error(ld, f, "unsupported IPSECKEY algorithm %" PRIu32,
		    nums[2]);
		return NULL;
	}
	return rest[nums[1]][nums[2] != 0];
}

/* The largest value of a number field of the shape. */
static uint32_t
shape_max(char letter)
{
	switch (letter) {
	case 'a':
	case 'b':
		return UINT8_MAX;
	case 'c':
	case 'u':
		return UINT16_MAX;
	default:
		return UINT32_MAX;
	}
}

/*
 * The shape the reader uses for a type: the table's (lib/rrtype.h), or
 * for a few types a stricter one with letters of its own:
 *   b  unsigned 8-bit number      a  DNSSEC algorithm, 8 bits or mnemonic
 *   c  CERT type, 16 bits (not 0) or mnemonic
 *   g  the IPSECKEY gateway and key: go on with ipseckey_rest()
 *   d  an optional "." that is dropped
 * These are fields pdns 4.7.3 reads as 8-bit numbers, or as numbers
 * where the RFCs also allow mnemonics; checking and converting them here
 * turns a SERVFAIL at query time into content pdns parses, or into an
 * error at load time.
 */
static const char *
zf_shape(const struct rf_rrtype *rt)
{
	/* The types below 64 in the switch, as a bit mask: one test lets
	 * every other record through. */
	static const uint64_t own = UINT64_C(1) << RF_T_DS |
	    UINT64_C(1) << ZF_T_CDS | UINT64_C(1) << RF_T_DNSKEY |
	    UINT64_C(1) << ZF_T_CDNSKEY | UINT64_C(1) << ZF_T_KEY |
	    UINT64_C(1) << ZF_T_RKEY | UINT64_C(1) << RF_T_RRSIG |
	    UINT64_C(1) << ZF_T_CERT | UINT64_C(1) << ZF_T_IPSECKEY;

	if (rt->type < 64 ? (own >> rt->type & 1) == 0 : rt->type != ZF_T_DLV)
		return rt->shape;
	switch (rt->type) {
	case RF_T_DS:
	case ZF_T_CDS:
	case ZF_T_DLV:
		return "uab+";
	case RF_T_DNSKEY:
	case ZF_T_CDNSKEY:
	case ZF_T_KEY:
	case ZF_T_RKEY:
		return "uba+";
	case RF_T_RRSIG:
		return "sabUssun+";
	case ZF_T_CERT:
		return "cua+";
	case ZF_T_IPSECKEY:
		return "bbbg";
	default:
		return rt->shape;
	}
}

/*
 * Build ld->content for rdata toks[0..n) of the given type, following
 * the type's shape (lib/rrtype.h, zf_shape()).
 */
static int
build_content(struct zf_loader *ld, const struct zf_file *f, uint16_t type,
    const struct zf_tok *toks, size_t n)
{
	const struct rf_rrtype *rt = rf_rrtype_by_num(type);
	uint32_t nums[8] = { 0 };
	char tname[16];
	const char *s;
	size_t k = 0;

	rf_buf_reset(&ld->content);
	if (rt != NULL && rt->shape == NULL) {
		rec_error(ld, f, "type %s cannot appear in a zone file",
		    rt->name);
		return -1;
	}
	if (n > 0 && !toks[0].quoted && toks[0].len == 2 &&
	    toks[0].p[0] == '\\' && toks[0].p[1] == '#')
		return put_rfc3597(ld, f, type, toks, n);
	if (rt == NULL) {
		rec_error(ld, f, "unknown type %s needs \\# data",
		    rf_rrtype_str(type, tname));
		return -1;
	}
	for (s = zf_shape(rt); *s != '\0'; s++) {
		uint32_t *num;
		int rc;

		if (k >= n) {
			if (*s == '*' || *s == 'd')
				continue;
			/* An IPSECKEY may end before its gateway. */
			if (*s != 'g')
				goto few;
		}
		switch (*s) {
		case 'n':
			if (put_name(ld, f, &toks[k]) < 0)
				return -1;
			break;
		case 'a':
		case 'c':
		case 'b':
		case 'u':
		case 'U':
			/* Numbers are kept for the fields that later ones
			 * depend on (the IPSECKEY gateway).  One call site
			 * each keeps these functions inlined here, on the
			 * path of every MX, SRV and SOA. */
			num = &nums[k < 8 ? k : 7];
			rc = *s == 'a' || *s == 'c'
			    ? put_mnemonic(ld, f, &toks[k], *s, num)
			    : 1;
			if (rc > 0)
				rc = put_number(ld, f, &toks[k], shape_max(*s),
				    num);
			if (rc < 0)
				return -1;
			/* RFC 4398 §2.1; pdns refuses it too. */
			if (*s == 'c' && *num == 0) {
				rec_error(ld, f, "CERT type 0 is reserved");
				return -1;
			}
			break;
		case 'T':
			if (put_time(ld, f, &toks[k]) < 0)
				return -1;
			break;
		case '4':
		case '6':
			if (put_addr(ld, f, &toks[k],
				*s == '4' ? AF_INET : AF_INET6) < 0)
				return -1;
			break;
		case 'q':
			put_qstring(ld, &toks[k]);
			break;
		case 'Q':
			while (k < n)
				put_qstring(ld, &toks[k++]);
			continue;
		case 'g':
			/* The rest starts with this 'g', which the loop then
			 * steps over. */
			s = ipseckey_rest(ld, f, nums);
			if (s == NULL)
				return -1;
			continue;
		case 'd':
			if (tok_is(&toks[k], "."))
				k++;
			continue;
		case '*':
		case '+':
			while (k < n)
				put_plain(ld, &toks[k++]);
			continue;
		default: /* 's' and anything the table adds later */
			put_plain(ld, &toks[k]);
			break;
		}
		k++;
	}
	if (k < n) {
		rec_error(ld, f, "too many fields for %s", rt->name);
		return -1;
	}
	return 0;
few:
	rec_error(ld, f, "too few fields for %s", rt->name);
	return -1;
}

/* ---- records ------------------------------------------------------------ */

/* Classes other than IN, which pdns does not serve from a backend. */
static bool
other_class(const struct zf_tok *t)
{
	uint32_t v;

	if (tok_is(t, "CH") || tok_is(t, "CHAOS") || tok_is(t, "HS") ||
	    tok_is(t, "HESIOD") || tok_is(t, "CS") || tok_is(t, "NONE"))
		return true;
	return t->len > 5 && strncasecmp(t->p, "CLASS", 5) == 0 &&
	    rf_parse_u32(t->p + 5, t->len - 5, UINT16_MAX, &v) == 0;
}

struct zf_head {
	uint16_t type;
	uint32_t ttl;
};

/*
 * Read `[ttl] [class] type` (TTL and class in either order) from
 * toks[*idx..n) and work out the TTL.  A TTL starts with a digit, which
 * no type mnemonic does.
 */
static int
parse_head(struct zf_loader *ld, const struct zf_file *f,
    const struct zf_tok *toks, size_t n, size_t *idx, struct zf_head *h)
{
	char sh[ZF_SHOW_BUF];
	bool has_ttl = false, has_class = false;
	size_t i = *idx;
	uint32_t ttl = 0;

	while (i < n && !toks[i].quoted) {
		const struct zf_tok *t = &toks[i];

		if (!has_ttl && t->p[0] >= '0' && t->p[0] <= '9') {
			if (rf_zf_parse_ttl(t->p, t->len, &ttl) < 0) {
				rec_error(ld, f, "bad TTL '%s'", show(t, sh));
				return -1;
			}
			if (ttl > RF_TTL_MAX) {
				rec_error(ld, f, "TTL '%s' is above %u "
				    "(RFC 2181 §8)", show(t, sh), RF_TTL_MAX);
				return -1;
			}
			has_ttl = true;
			i++;
			continue;
		}
		if (has_class)
			break;
		if (tok_is(t, "IN") || tok_is(t, "CLASS1")) {
			has_class = true;
			i++;
			continue;
		}
		if (other_class(t)) {
			rec_error(ld, f, "unsupported class '%s'", show(t, sh));
			return -1;
		}
		break;
	}
	if (i >= n) {
		rec_error(ld, f, "missing type");
		return -1;
	}
	if (toks[i].quoted ||
	    rf_rrtype_parse(toks[i].p, toks[i].len, &h->type) < 0) {
		rec_error(ld, f, "unknown type '%s'", show(&toks[i], sh));
		return -1;
	}
	if (has_ttl) {
		ld->has_last_ttl = true;
		ld->last_ttl = ttl;
	} else if (ld->has_dollar_ttl) {
		ttl = ld->dollar_ttl;
	} else if (ld->has_last_ttl) {
		ttl = ld->last_ttl;
	} else {
		ttl = ld->default_ttl;
	}
	h->ttl = ttl;
	*idx = i + 1;
	return 0;
}

static void
emit_rr(struct zf_loader *ld, const struct zf_file *f, const char *owner,
    size_t owner_len, const struct zf_head *h)
{
	struct rf_zf_rr rr;

	if (ld->emit == NULL)
		return;
	rr.owner = owner;
	rr.owner_len = owner_len;
	rr.type = h->type;
	rr.ttl = h->ttl;
	rr.content = rf_buf_cstr(&ld->content);
	rr.content_len = ld->content.len;
	rr.file = f->name;
	rr.line = f->rec_line;
	if (ld->emit(ld->arg, &rr) < 0)
		ld->stopped = true;
}

static void
do_record(struct zf_loader *ld, struct zf_file *f, bool omitted)
{
	char sh[ZF_SHOW_BUF];
	struct zf_head h;
	size_t idx = 0;

	if (omitted) {
		if (!f->has_owner) {
			rec_error(ld, f, "no previous owner name");
			return;
		}
	} else {
		const struct zf_tok *t = &ld->toks[0];

		/* A bad owner also ends "same owner as before": the lines
		 * that follow would otherwise land on an older name. */
		f->has_owner = !t->quoted &&
		    resolve_name(ld, f, t->p, t->len, f->owner,
			&f->owner_len) == 0;
		if (!f->has_owner) {
			rec_error(ld, f, "bad owner name '%s'", show(t, sh));
			return;
		}
		idx = 1;
	}
	if (parse_head(ld, f, ld->toks, ld->ntok, &idx, &h) < 0)
		return;
	if (build_content(ld, f, h.type, ld->toks + idx, ld->ntok - idx) < 0)
		return;
	emit_rr(ld, f, f->owner, f->owner_len, &h);
}

/* ---- files -------------------------------------------------------------- */

/*
 * Read a whole regular file.  Opening non-blocking and insisting on a
 * regular file keeps an $INCLUDE of a FIFO or device from hanging.
 * @return 0, or a negative errno (-EINVAL: not a regular file).
 */
static int
read_whole(const char *path, char **out, size_t *outlen)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0, cap;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto out;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size >= ZF_FILE_MAX) {
		rc = -EFBIG;
		goto out;
	}
	/* One byte more than the size, so that EOF is seen without a
	 * second allocation; files in /proc report 0 and grow below. */
	cap = (size_t)st.st_size + 1;
	if (cap < 4096)
		cap = 4096;
	data = rf_xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (len == cap) {
			if (cap >= ZF_FILE_MAX) {
				rc = -EFBIG;
				goto out;
			}
			cap *= 2;
			data = rf_xrealloc(data, cap);
		}
		r = read(fd, data + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	*out = data;
	*outlen = len;
	data = NULL;
out:
	free(data);
	close(fd);
	return rc;
}

static void
file_init(struct zf_file *f, const char *name, const char *text, size_t len,
    const char *origin, size_t origin_len, unsigned depth)
{
	f->name = name;
	f->text = text;
	f->len = len;
	f->pos = 0;
	f->line = 1;
	f->rec_line = 1;
	f->depth = depth;
	memcpy(f->origin, origin, origin_len + 1);
	f->origin_len = origin_len;
	f->owner[0] = '\0';
	f->owner_len = 0;
	f->has_owner = false;
}

/*
 * Read and run the file at path.  parent is the file with the $INCLUDE,
 * whose line gets the error if the file cannot be read; NULL for the
 * top-level file, whose error is "path: message".
 */
static void
load_path(struct zf_loader *ld, const char *path, const char *origin,
    size_t origin_len, unsigned depth, const struct zf_file *parent)
{
	struct zf_file *f;
	char *text = NULL, sh[ZF_SHOW_BUF];
	size_t len = 0;
	int rc;

	rc = read_whole(path, &text, &len);
	if (rc < 0) {
		const char *why =
		    rc == -EINVAL ? "not a regular file" : strerror(-rc);

		if (parent != NULL)
			rec_error(ld, parent, "cannot open '%s': %s",
			    show_bytes(path, strlen(path), false, sh), why);
		else
			rf_diag_add(ld->diag, path, 0, "cannot open: %s", why);
		return;
	}
	/* On the heap: a caller may allow deep nesting, and each level
	 * would otherwise put two name buffers on the stack. */
	f = rf_xmalloc(sizeof(*f));
	file_init(f, path, text, len, origin, origin_len, depth);
	run_file(ld, f);
	free(f);
	free(text);
}

/*
 * Decode a file name token (\X and \DDD escapes) into out, which has
 * room for t->len + 1 bytes: decoding never makes the text longer.
 */
static int
unescape_path(const struct zf_tok *t, char *out, size_t *outlen)
{
	size_t i = 0, o = 0;

	while (i < t->len) {
		unsigned char c = (unsigned char)t->p[i++];

		if (c == '\\' && i < t->len) {
			if (i + 2 < t->len && t->p[i] >= '0' &&
			    t->p[i] <= '9' && t->p[i + 1] >= '0' &&
			    t->p[i + 1] <= '9' && t->p[i + 2] >= '0' &&
			    t->p[i + 2] <= '9') {
				unsigned v = (unsigned)(t->p[i] - '0') * 100 +
				    (unsigned)(t->p[i + 1] - '0') * 10 +
				    (unsigned)(t->p[i + 2] - '0');

				if (v > 255)
					return -1;
				c = (unsigned char)v;
				i += 3;
			} else {
				c = (unsigned char)t->p[i++];
			}
		}
		if (c == '\0')
			return -1;
		out[o++] = (char)c;
	}
	if (o == 0 || o > ZF_PATH_MAX)
		return -1;
	out[o] = '\0';
	*outlen = o;
	return 0;
}

static void
do_include(struct zf_loader *ld, struct zf_file *f)
{
	char origin[RF_NAME_TEXT_MAX + 1], sh[ZF_SHOW_BUF];
	const struct zf_tok *t = ld->toks;
	size_t origin_len, rel_len, dir_len = 0;
	const char *slash;
	char *path;

	if (ld->ntok < 2 || ld->ntok > 3) {
		rec_error(ld, f,
		    "$INCLUDE takes a file name and an optional origin");
		return;
	}
	if (ld->ntok == 3) {
		if (t[2].quoted ||
		    resolve_name(ld, f, t[2].p, t[2].len, origin, &origin_len) <
			0) {
			rec_error(ld, f, "bad origin '%s'", show(&t[2], sh));
			return;
		}
	} else {
		memcpy(origin, f->origin, f->origin_len + 1);
		origin_len = f->origin_len;
	}
	/* The name is decoded after the directory part of the including
	 * file, unless it turns out to be absolute. */
	slash = strrchr(f->name, '/');
	if (slash != NULL)
		dir_len = (size_t)(slash - f->name) + 1;
	path = rf_xmalloc(dir_len + t[1].len + 1);
	if (unescape_path(&t[1], path + dir_len, &rel_len) < 0) {
		free(path);
		rec_error(ld, f, "bad file name '%s'", show(&t[1], sh));
		return;
	}
	if (path[dir_len] == '/')
		memmove(path, path + dir_len, rel_len + 1);
	else
		memcpy(path, f->name, dir_len);
	/* This cap is also what stops a file that includes itself. */
	if (f->depth >= ld->max_depth) {
		free(path);
		rec_error(ld, f, "$INCLUDE nesting too deep (max %u)",
		    ld->max_depth);
		return;
	}
	rf_grow(&ld->paths, &ld->pathcap, ld->npaths + 1, sizeof(*ld->paths));
	ld->paths[ld->npaths++] = path;
	load_path(ld, path, origin, origin_len, f->depth + 1, f);
}

static void
do_origin(struct zf_loader *ld, struct zf_file *f)
{
	char origin[RF_NAME_TEXT_MAX + 1], sh[ZF_SHOW_BUF];
	const struct zf_tok *t = &ld->toks[1];
	size_t len;

	if (ld->ntok != 2) {
		rec_error(ld, f, "$ORIGIN takes one name");
		return;
	}
	if (t->quoted || resolve_name(ld, f, t->p, t->len, origin, &len) < 0) {
		rec_error(ld, f, "bad origin '%s'", show(t, sh));
		return;
	}
	memcpy(f->origin, origin, len + 1);
	f->origin_len = len;
}

static void
do_ttl(struct zf_loader *ld, struct zf_file *f)
{
	const struct zf_tok *t = &ld->toks[1];
	char sh[ZF_SHOW_BUF];
	uint32_t v;

	if (ld->ntok != 2) {
		rec_error(ld, f, "$TTL takes one value");
		return;
	}
	if (t->quoted || rf_zf_parse_ttl(t->p, t->len, &v) < 0) {
		rec_error(ld, f, "bad TTL '%s'", show(t, sh));
		return;
	}
	if (v > RF_TTL_MAX) {
		rec_error(ld, f, "$TTL '%s' is above %u (RFC 2181 §8)",
		    show(t, sh), RF_TTL_MAX);
		return;
	}
	ld->has_dollar_ttl = true;
	ld->dollar_ttl = v;
}

/* ---- $GENERATE ---------------------------------------------------------- */

/* Parse the inside of ${offset[,width[,base]]}. */
static int
gen_modifier(const char *p, size_t len, int64_t *offset, uint32_t *width,
    char *base)
{
	const char *end = p + len, *c1, *c2;

	*width = 0;
	*base = 'd';
	c1 = memchr(p, ',', len);
	if (c1 == NULL)
		c1 = end;
	if (c1 > p && p[0] == '+') {
		if (c1 - p < 2 || p[1] == '-' ||
		    rf_parse_i64(p + 1, (size_t)(c1 - p - 1), offset) < 0)
			return -1;
	} else if (rf_parse_i64(p, (size_t)(c1 - p), offset) < 0) {
		return -1;
	}
	if (c1 == end)
		return 0;
	p = c1 + 1;
	c2 = memchr(p, ',', (size_t)(end - p));
	if (c2 == NULL)
		c2 = end;
	if (rf_parse_u32(p, (size_t)(c2 - p), ZF_GEN_WIDTH_MAX, width) < 0)
		return -1;
	if (c2 == end)
		return 0;
	p = c2 + 1;
	if (end - p != 1 ||
	    (p[0] != 'd' && p[0] != 'o' && p[0] != 'x' && p[0] != 'X'))
		return -1;
	*base = p[0];
	return 0;
}

/*
 * Append template (p, len) with every `$` replaced by v to ld->gen.
 * `$$` and `\$` are a literal dollar; other escapes are kept as written
 * so that the result is parsed like any token.
 */
static int
gen_expand(struct zf_loader *ld, const struct zf_file *f, const char *p,
    size_t len, uint32_t v)
{
	struct rf_buf *b = &ld->gen;
	char num[ZF_GEN_WIDTH_MAX + 32], sh[ZF_SHOW_BUF];
	size_t i = 0;

	while (i < len) {
		int64_t offset = 0, val;
		uint32_t width = 0;
		char base = 'd';
		int nlen;

		if (p[i] == '\\') {
			if (i + 1 < len && p[i + 1] == '$') {
				rf_buf_addc(b, '$');
			} else {
				rf_buf_add(b, p + i,
				    RF_MIN((size_t)2, len - i));
			}
			i += 2;
			continue;
		}
		if (p[i] != '$') {
			rf_buf_addc(b, p[i++]);
			continue;
		}
		if (i + 1 < len && p[i + 1] == '$') {
			rf_buf_addc(b, '$');
			i += 2;
			continue;
		}
		if (i + 1 < len && p[i + 1] == '{') {
			const char *end = memchr(p + i + 2, '}', len - i - 2);

			if (end == NULL ||
			    gen_modifier(p + i + 2, (size_t)(end - (p + i + 2)),
				&offset, &width, &base) < 0) {
				size_t mlen = end != NULL
				    ? (size_t)(end - (p + i)) + 1
				    : len - i;

				rec_error(ld, f, "bad $GENERATE modifier '%s'",
				    show_bytes(p + i, mlen, false, sh));
				return -1;
			}
			i = (size_t)(end - p) + 1;
		} else {
			i++;
		}
		val = (int64_t)v + offset;
		if (val < 0) {
			rec_error(ld, f,
			    "$GENERATE value %" PRId64 " is negative", val);
			return -1;
		}
		switch (base) {
		case 'o':
			nlen = snprintf(num, sizeof(num), "%0*" PRIo64,
			    (int)width, (uint64_t)val);
			break;
		case 'x':
			nlen = snprintf(num, sizeof(num), "%0*" PRIx64,
			    (int)width, (uint64_t)val);
			break;
		case 'X':
			nlen = snprintf(num, sizeof(num), "%0*" PRIX64,
			    (int)width, (uint64_t)val);
			break;
		default:
			nlen = snprintf(num, sizeof(num), "%0*" PRIu64,
			    (int)width, (uint64_t)val);
			break;
		}
		if (nlen > 0)
			rf_buf_add(b, num,
			    RF_MIN((size_t)nlen, sizeof(num) - 1));
	}
	return 0;
}

static int
gen_range(const struct zf_tok *t, uint32_t *start, uint32_t *stop,
    uint32_t *step)
{
	const char *dash, *slash, *end = t->p + t->len;

	if (t->quoted)
		return -1;
	dash = memchr(t->p, '-', t->len);
	if (dash == NULL)
		return -1;
	slash = memchr(dash, '/', (size_t)(end - dash));
	*step = 1;
	if (rf_parse_u32(t->p, (size_t)(dash - t->p), UINT32_MAX, start) < 0)
		return -1;
	if (slash == NULL)
		slash = end;
	else if (rf_parse_u32(slash + 1, (size_t)(end - slash - 1), UINT32_MAX,
		     step) < 0 ||
	    *step == 0)
		return -1;
	if (rf_parse_u32(dash + 1, (size_t)(slash - dash - 1), UINT32_MAX,
		stop) < 0 ||
	    *start > *stop)
		return -1;
	return 0;
}

/*
 * $GENERATE start-stop[/step] lhs [ttl] [class] type rhs...
 * Every step is an ordinary record; the first bad one stops the
 * directive so that one mistake is reported once, not 65536 times.
 */
static void
do_generate(struct zf_loader *ld, struct zf_file *f)
{
	const struct zf_tok *toks = ld->toks, *lhs = &ld->toks[2];
	uint32_t start, stop, step;
	char sh[ZF_SHOW_BUF];
	struct zf_head h;
	size_t idx = 3, nrhs, j, olen;
	uint64_t v, count;

	if (ld->ntok < 5) {
		rec_error(ld, f, "$GENERATE takes a range, lhs, type and rhs");
		return;
	}
	if (gen_range(&toks[1], &start, &stop, &step) < 0) {
		rec_error(ld, f, "bad $GENERATE range '%s'",
		    show(&toks[1], sh));
		return;
	}
	count = ((uint64_t)stop - start) / step + 1;
	if (count > ld->max_generate) {
		rec_error(ld, f,
		    "$GENERATE range too large (%" PRIu64
		    " records, max %" PRIu32 ")",
		    count, ld->max_generate);
		return;
	}
	if (lhs->quoted) {
		rec_error(ld, f, "bad owner name '%s'", show(lhs, sh));
		return;
	}
	if (parse_head(ld, f, toks, ld->ntok, &idx, &h) < 0)
		return;
	if (idx >= ld->ntok) {
		rec_error(ld, f, "$GENERATE takes a range, lhs, type and rhs");
		return;
	}
	nrhs = ld->ntok - idx;
	rf_grow(&ld->gtoks, &ld->gtokcap, nrhs, sizeof(*ld->gtoks));
	for (v = start; v <= stop && !ld->stopped; v += step) {
		rf_buf_reset(&ld->gen);
		if (gen_expand(ld, f, lhs->p, lhs->len, (uint32_t)v) < 0)
			return;
		if (resolve_name(ld, f, ld->gen.data, ld->gen.len, ld->gowner,
			&olen) < 0) {
			rec_error(ld, f, "bad owner name '%s'",
			    show_bytes(ld->gen.data, ld->gen.len, false, sh));
			return;
		}
		/* Expand every rhs token first and point at them after:
		 * the buffer may move while it grows. */
		rf_buf_reset(&ld->gen);
		rf_buf_reserve(&ld->gen, 1);
		for (j = 0; j < nrhs; j++) {
			ld->gtoks[j].len = ld->gen.len;
			ld->gtoks[j].quoted = toks[idx + j].quoted;
			if (gen_expand(ld, f, toks[idx + j].p,
				toks[idx + j].len, (uint32_t)v) < 0)
				return;
		}
		for (j = 0; j < nrhs; j++) {
			size_t off = ld->gtoks[j].len;
			size_t end =
			    j + 1 < nrhs ? ld->gtoks[j + 1].len : ld->gen.len;

			ld->gtoks[j].p = ld->gen.data + off;
			ld->gtoks[j].len = end - off;
		}
		if (build_content(ld, f, h.type, ld->gtoks, nrhs) < 0)
			return;
		emit_rr(ld, f, ld->gowner, olen, &h);
	}
}

/* ---- driver ------------------------------------------------------------- */

static void
do_directive(struct zf_loader *ld, struct zf_file *f)
{
	const struct zf_tok *t = &ld->toks[0];
	char sh[ZF_SHOW_BUF];

	if (tok_is(t, "$ORIGIN"))
		do_origin(ld, f);
	else if (tok_is(t, "$TTL"))
		do_ttl(ld, f);
	else if (tok_is(t, "$INCLUDE"))
		do_include(ld, f);
	else if (tok_is(t, "$GENERATE"))
		do_generate(ld, f);
	else
		rec_error(ld, f, "unknown directive '%s'", show(t, sh));
}

static void
run_file(struct zf_loader *ld, struct zf_file *f)
{
	bool omitted;

	while (!ld->stopped && next_record(ld, f, &omitted)) {
		if (ld->bad)
			continue;
		if (!omitted && !ld->toks[0].quoted && ld->toks[0].p[0] == '$')
			do_directive(ld, f);
		else
			do_record(ld, f, omitted);
	}
}

static struct zf_loader *
loader_new(const struct rf_zf_opts *opts, rf_zf_emit_fn emit, void *arg,
    struct rf_diag *diag)
{
	struct zf_loader *ld = rf_xcalloc(1, sizeof(*ld));

	ld->emit = emit;
	ld->arg = arg;
	ld->diag = diag;
	ld->default_ttl = opts->default_ttl ? opts->default_ttl : 3600;
	ld->max_depth = opts->max_include_depth ? opts->max_include_depth : 8;
	ld->max_generate = opts->max_generate ? opts->max_generate : 65536;
	rf_buf_init(&ld->content);
	rf_buf_init(&ld->gen);
	rf_buf_init(&ld->wire);
	return ld;
}

/* @return the result for the caller, and frees the loader. */
static int
loader_free(struct zf_loader *ld, size_t before)
{
	int rc = ld->stopped
	    ? -1
	    : (int)(ld->diag->count + ld->diag->dropped - before);
	size_t i;

	for (i = 0; i < ld->npaths; i++)
		free(ld->paths[i]);
	free(ld->paths);
	free(ld->toks);
	free(ld->gtoks);
	rf_buf_fini(&ld->content);
	rf_buf_fini(&ld->gen);
	rf_buf_fini(&ld->wire);
	free(ld);
	return rc;
}

/* The caller promises a canonical origin; check it rather than trust it,
 * since every relative name is built on it. */
static int
origin_canon(struct zf_loader *ld, const struct rf_zf_opts *opts,
    const char *name, char *out, size_t *outlen)
{
	char sh[ZF_SHOW_BUF];

	RF_REQUIRE(opts->origin != NULL);
	if (canon(ld, opts->origin, strlen(opts->origin), out, outlen) < 0) {
		rf_diag_add(ld->diag, name, 0, "bad origin '%s'",
		    show_bytes(opts->origin, strlen(opts->origin), false, sh));
		return -1;
	}
	return 0;
}

int
rf_zf_load_file(const char *path, const struct rf_zf_opts *opts,
    rf_zf_emit_fn emit, void *arg, struct rf_diag *diag)
{
	size_t before = diag->count + diag->dropped, olen;
	struct zf_loader *ld = loader_new(opts, emit, arg, diag);
	char origin[RF_NAME_TEXT_MAX + 1];

	if (origin_canon(ld, opts, path, origin, &olen) == 0)
		load_path(ld, path, origin, olen, 0, NULL);
	return loader_free(ld, before);
}

int
rf_zf_load_mem(const char *name, const char *text, size_t len,
    const struct rf_zf_opts *opts, rf_zf_emit_fn emit, void *arg,
    struct rf_diag *diag)
{
	size_t before = diag->count + diag->dropped, olen;
	struct zf_loader *ld = loader_new(opts, emit, arg, diag);
	char origin[RF_NAME_TEXT_MAX + 1];
	struct zf_file f;

	if (origin_canon(ld, opts, name, origin, &olen) == 0) {
		file_init(&f, name, text, len, origin, olen, 0);
		run_file(ld, &f);
	}
	return loader_free(ld, before);
}
