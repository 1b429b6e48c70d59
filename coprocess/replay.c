/*
 * Transcript replay.
 *
 * A transcript is a text file of requests as pdns sends them, one per
 * line, in any of three spellings so that real conversations paste in
 * unchanged:
 *
 *   Q	www.example.com	IN	ANY	1	127.0.0.1	...   literal TABs
 *   Q\twww.example.com\tIN\tANY\t1\t127.0.0.1         \t for TAB
 *   << 'Q\twww.example.com\tIN\tANY\t-1\t...'          the reference's
 *   >> 'DATA\t0\t1\twww.example.com\tIN\tA\t300\t1\t192.0.2.1'   form
 *
 * `<<` lines are requests and `>>` lines the answers expected for the
 * request before them (Python repr strings, as printed by the reference's
 * logging backend, or JSON for the remote protocol: `<< {"method": ...}`).
 * JSON answers are compared as JSON values, without their "log" member.
 * A word before `<<`/`>>` (e.g. `pid=12015`) names a conversation: each
 * name gets its own session, as each pdns process would.  Unnamed lines
 * form two conversations, one for lines starting with `{` or `[` (JSON)
 * and one for the rest (PIPE), so one transcript can hold both.  `#`
 * starts a comment line; text after a closing quote is ignored.
 *
 * Lines starting with `#@` script the world around refract (the
 * upstreams named in the config are scripted in replay, never asked over
 * the network, and the clock only moves when told):
 *
 *   #@ record UPSTREAM www.example.com. 300 A 192.0.2.1   (zone-file form)
 *   #@ fail UPSTREAM NAME TYPE|* servfail|refused|timeout|garbage
 *   #@ delay UPSTREAM 20ms        answers come after this much clock time
 *   #@ clear UPSTREAM             forget its records and failures
 *   #@ clock +30s                 move the clock (TTLs, deadlines, delays)
 *
 * After each request and each clock move, everything that is due runs;
 * answers that complete then are printed (or checked) at that point.
 *
 * Without --check the answers are printed exactly as refract would send
 * them.  With --check they are compared with the `>>` lines; the HELO
 * banner text is not compared (pdns ignores it).
 */
#include "coprocess/replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/proto_remote.h"
#include "lib/resolver.h"
#include "lib/rrtype.h"
#include "lib/sched.h"
#include "lib/session.h"

struct rsess {
	char *key;
	struct rf_session session;
	struct rf_buf out;   /* answers not yet printed or checked */
	unsigned req_line;   /* transcript line of the last request */
};

struct replay {
	struct rf_engine *eng;
	const struct rf_replay_opts *o;
	struct rsess **sess; /* each allocated once: sessions point into it */
	size_t nsess;
	unsigned line;
	unsigned requests, checked, diffs;
	struct rf_buf payload; /* the current line's, reused line after line */
};

static struct rsess *
session_for(struct replay *r, const char *key, size_t len)
{
	size_t i;
	struct rsess *s;

	for (i = 0; i < r->nsess; i++)
		if (strlen(r->sess[i]->key) == len &&
		    memcmp(r->sess[i]->key, key, len) == 0)
			return r->sess[i];
	r->sess = rf_xreallocarray(r->sess, r->nsess + 1, sizeof(*r->sess));
	s = rf_xcalloc(1, sizeof(*s));
	r->sess[r->nsess++] = s;
	s->key = rf_xstrndup(key, len);
	rf_buf_init(&s->out);
	rf_session_init(&s->session, r->eng, &s->out);
	s->session.abi = r->o->abi;
	return s;
}

/* Decode a Python repr string starting at p (a quote).  Sets *end past
 * the closing quote. */
static int
decode_repr(const char *p, const char *lim, struct rf_buf *out,
    const char **end)
{
	char quote = *p++;

	while (p < lim && *p != quote) {
		char c = *p++;

		if (c != '\\') {
			rf_buf_addc(out, c);
			continue;
		}
		if (p >= lim)
			return -1;
		c = *p++;
		switch (c) {
		case 't':
			rf_buf_addc(out, '\t');
			break;
		case 'n':
			rf_buf_addc(out, '\n');
			break;
		case 'r':
			rf_buf_addc(out, '\r');
			break;
		case '0':
			rf_buf_addc(out, '\0');
			break;
		case 'x': {
			unsigned v;
			char hex[3];

			if (lim - p < 2)
				return -1;
			hex[0] = p[0];
			hex[1] = p[1];
			hex[2] = '\0';
			if (sscanf(hex, "%2x", &v) != 1)
				return -1;
			rf_buf_addc(out, (char)v);
			p += 2;
			break;
		}
		default:
			/* \\ \' \" and anything else stand for themselves */
			rf_buf_addc(out, c);
			break;
		}
	}
	if (p >= lim)
		return -1;
	*end = p + 1;
	return 0;
}

/* Raw request text: "\t" stands for a TAB. */
static void
decode_raw(const char *p, const char *lim, struct rf_buf *out)
{
	while (p < lim) {
		if (p + 1 < lim && p[0] == '\\' && p[1] == 't') {
			rf_buf_addc(out, '\t');
			p += 2;
		} else {
			rf_buf_addc(out, *p++);
		}
	}
}

/* Payload of a << or >> line: a repr string, JSON, or raw text. */
static int
decode_payload(const char *p, const char *lim, struct rf_buf *out)
{
	while (p < lim && (*p == ' ' || *p == '\t'))
		p++;
	if (p < lim && (*p == '\'' || *p == '"')) {
		const char *end;

		return decode_repr(p, lim, out, &end);
	}
	while (lim > p && (lim[-1] == ' ' || lim[-1] == '\t'))
		lim--;
	if (p < lim && *p == '{')
		rf_buf_add(out, p, (size_t)(lim - p)); /* JSON, verbatim */
	else
		decode_raw(p, lim, out);
	return 0;
}

static void
emit_quoted(FILE *f, const char *p, size_t len)
{
	size_t i;

	fputc('\'', f);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\t')
			fputs("\\t", f);
		else if (c == '\\' || c == '\'')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('\'', f);
}

static void
diff(struct replay *r, const char *what, const char *exp, size_t elen,
    const char *got, size_t glen)
{
	r->diffs++;
	fprintf(stderr, "%s:%u: %s\n  expected ", r->o->path, r->line, what);
	if (exp != NULL)
		emit_quoted(stderr, exp, elen);
	else
		fputs("nothing", stderr);
	fputs("\n  got      ", stderr);
	if (got != NULL)
		emit_quoted(stderr, got, glen);
	else
		fputs("nothing", stderr);
	fputc('\n', stderr);
}

/* Next produced answer line of s (without newline), or NULL. */
static const char *
next_line(struct rsess *s, size_t *len)
{
	const char *p = rf_buf_head(&s->out), *nl;

	if (rf_buf_pending(&s->out) == 0)
		return NULL;
	nl = memchr(p, '\n', rf_buf_pending(&s->out));
	*len = nl ? (size_t)(nl - p) : rf_buf_pending(&s->out);
	return p;
}

static void
take_line(struct rsess *s, size_t len)
{
	rf_buf_consume(&s->out, RF_MIN(len + 1, rf_buf_pending(&s->out)));
}

/* --check: answers left over when the next request (or the end) comes. */
static void
check_leftover(struct replay *r, struct rsess *s)
{
	const char *got;
	size_t len;

	while ((got = next_line(s, &len)) != NULL) {
		diff(r, "answer line not in the transcript", NULL, 0, got,
		    len);
		take_line(s, len);
	}
}

static void
expect(struct replay *r, struct rsess *s, const char *exp, size_t elen)
{
	const char *got;
	size_t glen;

	r->checked++;
	got = next_line(s, &glen);
	if (got == NULL) {
		diff(r, "answer missing", exp, elen, NULL, 0);
		return;
	}
	if (elen > 0 && exp[0] == '{') {
		/* JSON replies compare as values; "log" is not compared */
		if (rf_remote_reply_equal(exp, elen, got, glen) != 1)
			diff(r, "answer differs", exp, elen, got, glen);
	} else if (!(elen >= 3 && glen >= 3 && memcmp(exp, "OK\t", 3) == 0 &&
	    memcmp(got, "OK\t", 3) == 0) &&
	    (elen != glen || memcmp(exp, got, elen) != 0)) {
		/* pdns ignores the HELO banner text, so only its OK counts */
		diff(r, "answer differs", exp, elen, got, glen);
	}
	take_line(s, glen);
}

static void
print_out(struct rsess *s)
{
	size_t n = rf_buf_pending(&s->out);

	if (n > 0 && fwrite(rf_buf_head(&s->out), 1, n, stdout) != n)
		rf_log_errno(RF_LOG_ERR, "stdout");
	rf_buf_consume(&s->out, n);
}

/* Run what is due: deferred completions and timers, until quiet. */
static void
settle(struct replay *r)
{
	int rounds = 0;

	while (rf_sched_timeout(r->eng->sched) == 0 && rounds++ < 100000)
		rf_sched_run(r->eng->sched);
}

static void
emit_all(struct replay *r)
{
	size_t i;

	if (r->o->check)
		return;
	for (i = 0; i < r->nsess; i++)
		print_out(r->sess[i]);
}

static int
parse_ms(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v, mult;

	/* digits only, and at most ten years: the clock is 64-bit ms */
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (strcmp(end, "ms") == 0)
		mult = 1;
	else if (strcmp(end, "s") == 0 || *end == '\0')
		mult = 1000;
	else if (strcmp(end, "m") == 0)
		mult = 60000;
	else if (strcmp(end, "h") == 0)
		mult = 3600000;
	else
		return -1;
	if (v > 315360000000ULL / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static struct rf_upstream *
fake_named(struct replay *r, const char *name, size_t len)
{
	const struct rf_gen *g = r->eng->gen;
	size_t i;

	for (i = 0; i < g->nupstreams; i++)
		if (strlen(g->upstreams[i]->name) == len &&
		    memcmp(g->upstreams[i]->name, name, len) == 0)
			return g->upstreams[i];
	return NULL;
}

static void
directive_error(struct replay *r, const char *what)
{
	fprintf(stderr, "%s:%u: %s\n", r->o->path, r->line, what);
	r->diffs++;
}

/* A `#@` line: script the upstreams or the clock. */
static void
directive(struct replay *r, const char *p, const char *lim)
{
	char line[4096], *words[5], *save = NULL, *rest;
	struct rf_upstream *u;
	size_t n = 0, len = (size_t)(lim - p);
	char err[512];
	uint64_t ms;

	if (len >= sizeof(line)) {
		directive_error(r, "directive too long");
		return;
	}
	memcpy(line, p, len);
	line[len] = '\0';
	rest = line;
	while (n < 2 && (words[n] = strtok_r(n ? NULL : line, " \t",
	    &save)) != NULL)
		n++;
	rest = save;
	if (n == 2 && strcmp(words[0], "clock") == 0 && words[1][0] == '+' &&
	    parse_ms(words[1] + 1, &ms) == 0) {
		rf_sched_advance(r->eng->sched, ms);
		settle(r);
		emit_all(r);
		return;
	}
	if (n >= 1 && strcmp(words[0], "clock") == 0) {
		directive_error(r, "clock needs +DURATION (e.g. +30s, +1500ms; "
		    "at most ten years)");
		return;
	}
	if (n < 2) {
		directive_error(r, "directive needs a verb and an upstream");
		return;
	}
	u = fake_named(r, words[1], strlen(words[1]));
	if (u == NULL) {
		directive_error(r, "no upstream of that name in the config");
		return;
	}
	if (strcmp(words[0], "record") == 0) {
		if (rest == NULL || rf_fake_add(u, rest, err, sizeof(err)) <
		    0)
			directive_error(r, rest ? err : "record needs data");
	} else if (strcmp(words[0], "delay") == 0) {
		if (rest == NULL || parse_ms(rest, &ms) < 0)
			directive_error(r, "delay needs a duration (20ms)");
		else
			rf_fake_delay(u, ms);
	} else if (strcmp(words[0], "clear") == 0) {
		rf_fake_clear(u);
	} else if (strcmp(words[0], "fail") == 0) {
		char canon[RF_NAME_TEXT_MAX + 1];
		char *name, *type, *how;
		size_t clen;
		uint16_t t = 0;

		name = rest ? strtok_r(NULL, " \t", &save) : NULL;
		type = name ? strtok_r(NULL, " \t", &save) : NULL;
		how = type ? strtok_r(NULL, " \t", &save) : NULL;
		if (how == NULL || rf_name_canon(name, strlen(name), canon,
		    &clen) < 0 || (strcmp(type, "*") != 0 &&
		    rf_rrtype_parse(type, strlen(type), &t) < 0) ||
		    rf_fake_fail(u, canon, t, how) < 0)
			directive_error(r, "fail needs NAME TYPE|* "
			    "servfail|refused|timeout|garbage");
	} else {
		directive_error(r, "unknown directive (record, fail, delay, "
		    "clear, clock)");
	}
}

static void
handle_line(struct replay *r, const char *p, const char *lim)
{
	const char *q = p, *key = "";
	size_t keylen = 0;
	struct rf_buf *payload = &r->payload;
	struct rsess *s;
	int dir = 0; /* 0 raw request, 1 '<<', 2 '>>' */

	while (p < lim && (*p == ' ' || *p == '\t'))
		p++;
	if (lim - p >= 2 && p[0] == '#' && p[1] == '@') {
		p += 2;
		while (p < lim && (*p == ' ' || *p == '\t'))
			p++;
		directive(r, p, lim);
		return;
	}
	if (p == lim || *p == '#')
		return;
	/* optional conversation name: "word << ..." */
	q = p;
	while (q < lim && *q != ' ' && *q != '\t')
		q++;
	if (q - p == 2 && (memcmp(p, "<<", 2) == 0 ||
	    memcmp(p, ">>", 2) == 0)) {
		dir = p[0] == '<' ? 1 : 2;
		p = q;
	} else {
		const char *w = q;

		while (w < lim && (*w == ' ' || *w == '\t'))
			w++;
		if (lim - w >= 3 && (memcmp(w, "<< ", 3) == 0 ||
		    memcmp(w, ">> ", 3) == 0)) {
			key = p;
			keylen = (size_t)(q - p);
			dir = w[0] == '<' ? 1 : 2;
			p = w + 2;
		}
	}
	rf_buf_reset(payload);
	if (dir == 0 && p < lim && *p == '{')
		rf_buf_add(payload, p, (size_t)(lim - p));
	else if (dir == 0)
		decode_raw(p, lim, payload);
	else if (decode_payload(p, lim, payload) < 0) {
		fprintf(stderr, "%s:%u: unterminated quoted string\n",
		    r->o->path, r->line);
		r->diffs++;
		return;
	}
	/* the unnamed conversation is two: PIPE lines and JSON lines (a
	 * session keeps the protocol of its first line) */
	if (keylen == 0 && rf_buf_pending(payload) > 0 &&
	    (rf_buf_head(payload)[0] == '{' ||
	    rf_buf_head(payload)[0] == '[')) {
		key = "{";
		keylen = 1;
	}
	s = session_for(r, key, keylen);
	if (dir == 2) {
		if (r->o->check)
			expect(r, s, rf_buf_head(payload),
			    rf_buf_pending(payload));
	} else {
		if (r->o->check)
			check_leftover(r, s);
		r->requests++;
		s->req_line = r->line;
		rf_session_line(&s->session, payload->data ? payload->data : "",
		    payload->len);
		settle(r);
		emit_all(r);
	}
}

int
rf_replay_run(struct rf_engine *eng, const struct rf_replay_opts *o)
{
	struct replay r;
	FILE *f = strcmp(o->path, "-") == 0 ? stdin : fopen(o->path, "rb");
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t n;

	if (f == NULL) {
		rf_log_errno(RF_LOG_ERR, "%s", o->path);
		return 2;
	}
	memset(&r, 0, sizeof(r));
	r.eng = eng;
	r.o = o;
	/* line by line: a transcript may be far bigger than memory wants */
	while ((n = getline(&line, &cap, f)) >= 0) {
		const char *lim = line + n;

		r.line++;
		if (lim > line && lim[-1] == '\n')
			lim--;
		if (lim > line && lim[-1] == '\r')
			lim--;
		handle_line(&r, line, lim);
	}
	if (ferror(f))
		rf_log_errno(RF_LOG_ERR, "%s", o->path);
	free(line);
	rf_buf_fini(&r.payload);
	if (f != stdin)
		fclose(f);
	r.line++;
	for (i = 0; i < r.nsess; i++) {
		struct rsess *s = r.sess[i];

		if (o->check)
			check_leftover(&r, s);
		else
			print_out(s);
		rf_session_fini(&s->session);
		rf_buf_fini(&s->out);
		free(s->key);
		free(s);
	}
	free(r.sess);
	fflush(stdout);
	if (o->check) {
		if (r.diffs > 0) {
			fprintf(stderr, "%s: %u difference%s\n", o->path,
			    r.diffs, r.diffs == 1 ? "" : "s");
			return 1;
		}
		rf_info("%s: %u requests, %u answer lines checked, no "
		    "differences", o->path, r.requests, r.checked);
	}
	return 0;
}
