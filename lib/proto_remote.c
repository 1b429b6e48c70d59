/*
 * Remote backend JSON: request parsing with json-c (bounded depth, one
 * document per line, nothing after it) and a hand-written reply writer.
 * json-c is used in this file only.
 */
#include "lib/proto_remote.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/rrtype.h"
#include "lib/util.h"

#define JSON_MAX_DEPTH 16

static struct json_tokener *tokener;

static enum rf_remote_method bad(struct rf_remote_req *req,
    const char *fmt, ...) RF_PRINTF(2, 3);

static enum rf_remote_method
bad(struct rf_remote_req *req, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(req->error, sizeof(req->error), fmt, ap);
	va_end(ap);
	req->method = RF_RM_BAD;
	return RF_RM_BAD;
}

static const struct {
	const char *name;
	enum rf_remote_method method;
} methods[] = {
	{ "lookup", RF_RM_LOOKUP },
	{ "initialize", RF_RM_INITIALIZE },
	{ "list", RF_RM_LIST },
	{ "getAllDomains", RF_RM_GET_ALL_DOMAINS },
	{ "getDomainInfo", RF_RM_GET_DOMAIN_INFO },
	{ "getAllDomainMetadata", RF_RM_GET_ALL_DOMAIN_METADATA },
	{ "getDomainMetadata", RF_RM_GET_DOMAIN_METADATA },
	{ "directBackendCmd", RF_RM_DIRECT_BACKEND_CMD },
};

/*
 * Read a string parameter.  A missing key gives def (NULL = required).
 */
static int
get_str(struct json_object *params, const char *key, const char *def,
    char **out, struct rf_remote_req *req)
{
	struct json_object *v;

	if (!json_object_object_get_ex(params, key, &v) || v == NULL ||
	    json_object_is_type(v, json_type_null)) {
		if (def == NULL) {
			bad(req, "missing parameter '%s'", key);
			return -1;
		}
		*out = rf_xstrdup(def);
		return 0;
	}
	if (json_object_is_type(v, json_type_string)) {
		const char *str = json_object_get_string(v);
		size_t len = (size_t)json_object_get_string_len(v);

		/* "\u0000" would cut the string short for C: another
		 * question than the one asked */
		if (memchr(str, '\0', len) != NULL) {
			bad(req, "parameter '%s' contains a NUL byte", key);
			return -1;
		}
		*out = rf_xstrndup(str, len);
		return 0;
	}
	bad(req, "parameter '%s' is not a string", key);
	return -1;
}

/* An integer parameter: a JSON number or a numeric string. */
static int
get_int(struct json_object *params, const char *key, int64_t *out,
    struct rf_remote_req *req)
{
	struct json_object *v;

	if (!json_object_object_get_ex(params, key, &v) || v == NULL)
		return 1; /* absent */
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return 0;
	}
	if (json_object_is_type(v, json_type_double)) {
		double d = json_object_get_double(v);

		if (d == (double)(int64_t)d) {
			*out = (int64_t)d;
			return 0;
		}
	}
	if (json_object_is_type(v, json_type_string) &&
	    rf_parse_i64(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v), out) == 0)
		return 0;
	bad(req, "parameter '%s' is not an integer", key);
	return -1;
}

/* ---- the lookup fast path ------------------------------------------------ */

struct scan {
	const char *p, *end;
};

static void
ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

static bool
expect(struct scan *s, char c)
{
	ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return true;
	}
	return false;
}

/* A string without escapes or control bytes (anything else: slow path). */
static bool
plain_string(struct scan *s, const char **str, size_t *len)
{
	const char *q;

	if (!expect(s, '"'))
		return false;
	for (q = s->p; q < s->end && *q != '"'; q++)
		if (*q == '\\' || (unsigned char)*q < 0x20)
			return false;
	if (q == s->end)
		return false;
	*str = s->p;
	*len = (size_t)(q - s->p);
	s->p = q + 1;
	return true;
}

static bool
is_key(const char *k, size_t klen, const char *want)
{
	return klen == strlen(want) && memcmp(k, want, klen) == 0;
}

static bool
keep(struct rf_remote_req *req, size_t *used, char **dst, const char *v,
    size_t vlen)
{
	if (*used + vlen + 1 > sizeof(req->sbuf))
		return false;
	*dst = req->sbuf + *used;
	memcpy(*dst, v, vlen);
	(*dst)[vlen] = '\0';
	*used += vlen + 1;
	return true;
}

/* @return true if the line was a plain lookup and req is filled. */
static bool
parse_fast(const char *line, size_t len, struct rf_remote_req *req)
{
	struct scan s = { line, line + len };
	const char *k, *v;
	size_t klen, vlen, used = 0;
	bool lookup = false, params = false;

	if (!expect(&s, '{'))
		return false;
	do {
		if (!plain_string(&s, &k, &klen) || !expect(&s, ':'))
			return false;
		if (is_key(k, klen, "method")) {
			if (!plain_string(&s, &v, &vlen) ||
			    !is_key(v, vlen, "lookup"))
				return false;
			lookup = true;
		} else if (is_key(k, klen, "parameters") && !params) {
			params = true;
			if (!expect(&s, '{'))
				return false;
			if (expect(&s, '}'))
				return false; /* no parameters: slow path */
			do {
				char **dst = NULL;

				if (!plain_string(&s, &k, &klen) ||
				    !expect(&s, ':'))
					return false;
				ws(&s);
				if (s.p < s.end && *s.p == '"') {
					if (!plain_string(&s, &v, &vlen))
						return false;
					if (is_key(k, klen, "qname"))
						dst = &req->qname;
					else if (is_key(k, klen, "qtype"))
						dst = &req->qtype;
					else if (is_key(k, klen, "remote"))
						dst = &req->remote;
					else if (is_key(k, klen, "local"))
						dst = &req->local;
					else if (is_key(k, klen, "real-remote"))
						dst = &req->real_remote;
					else if (is_key(k, klen, "zone-id") ||
					    is_key(k, klen, "zone_id"))
						return false;
					if (dst != NULL && (*dst != NULL ||
					    !keep(req, &used, dst, v, vlen)))
						return false;
				} else {
					const char *d = s.p;
					int64_t n;

					if (d < s.end && *d == '-')
						d++;
					while (d < s.end && *d >= '0' &&
					    *d <= '9')
						d++;
					if (!(is_key(k, klen, "zone-id") ||
					    is_key(k, klen, "zone_id")) ||
					    rf_parse_i64(s.p, (size_t)(d - s.p),
					    &n) < 0 || req->zone_id != -1)
						return false;
					req->zone_id = n;
					s.p = d;
				}
			} while (expect(&s, ','));
			if (!expect(&s, '}'))
				return false;
		} else {
			return false;
		}
	} while (expect(&s, ','));
	if (!expect(&s, '}'))
		return false;
	ws(&s);
	if (s.p != s.end || !lookup || !params || req->qname == NULL ||
	    req->qtype == NULL)
		return false;
	if (req->remote == NULL)
		req->remote = req->sbuf + sizeof(req->sbuf) - 1;
	if (req->local == NULL)
		req->local = req->sbuf + sizeof(req->sbuf) - 1;
	if (req->real_remote == NULL)
		req->real_remote = req->sbuf + sizeof(req->sbuf) - 1;
	req->sbuf[sizeof(req->sbuf) - 1] = '\0';
	req->method = RF_RM_LOOKUP;
	req->inline_strings = true;
	return true;
}

enum rf_remote_method
rf_remote_parse(const char *line, size_t len, struct rf_remote_req *req)
{
	memset(req, 0, offsetof(struct rf_remote_req, sbuf));
	req->zone_id = -1;
	if (parse_fast(line, len, req))
		return RF_RM_LOOKUP;
	return rf_remote_parse_slow(line, len, req);
}

enum rf_remote_method
rf_remote_parse_slow(const char *line, size_t len, struct rf_remote_req *req)
{
	struct json_object *doc, *params = NULL, *m;
	enum json_tokener_error jerr;
	const char *name;
	size_t i, end;

	memset(req, 0, offsetof(struct rf_remote_req, sbuf));
	req->zone_id = -1;
	if (len > (size_t)INT32_MAX)
		return bad(req, "request too long");
	if (tokener == NULL)
		tokener = json_tokener_new_ex(JSON_MAX_DEPTH);
	json_tokener_reset(tokener);
	doc = json_tokener_parse_ex(tokener, line, (int)len);
	jerr = json_tokener_get_error(tokener);
	if (doc == NULL) {
		if (jerr == json_tokener_continue)
			return bad(req, "incomplete JSON");
		return bad(req, "invalid JSON: %s",
		    json_tokener_error_desc(jerr));
	}
	req->json = doc;
	/* only whitespace may follow the document */
	end = json_tokener_get_parse_end(tokener);
	for (i = end; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return bad(req, "text after the JSON document");
	if (!json_object_is_type(doc, json_type_object))
		return bad(req, "request is not a JSON object");
	if (!json_object_object_get_ex(doc, "method", &m) ||
	    !json_object_is_type(m, json_type_string))
		return bad(req, "request has no string 'method'");
	name = json_object_get_string(m);
	req->method_name = rf_xstrdup(name);
	if (json_object_object_get_ex(doc, "parameters", &params) &&
	    params != NULL && !json_object_is_type(params, json_type_object))
		return bad(req, "'parameters' is not an object");
	if (params == NULL) {
		params = json_object_new_object();
		json_object_object_add(doc, "parameters", params);
	}
	req->method = RF_RM_UNKNOWN;
	for (i = 0; i < RF_ARRAY_LEN(methods); i++)
		if (strcmp(methods[i].name, name) == 0)
			req->method = methods[i].method;

	switch (req->method) {
	case RF_RM_INITIALIZE: {
		int64_t t = 0;

		/* Any keys are fine; only the timeout matters.  pdns sends
		 * every value as a string. */
		if (get_int(params, "timeout", &t, req) == 0 && t > 0 &&
		    t < 86400000)
			req->timeout_ms = (long)t;
		req->method = RF_RM_INITIALIZE;
		req->error[0] = '\0';
		break;
	}
	case RF_RM_LOOKUP:
		if (get_str(params, "qname", NULL, &req->qname, req) < 0 ||
		    get_str(params, "qtype", NULL, &req->qtype, req) < 0 ||
		    get_str(params, "remote", "", &req->remote, req) < 0 ||
		    get_str(params, "local", "", &req->local, req) < 0 ||
		    get_str(params, "real-remote", "", &req->real_remote,
		    req) < 0)
			return RF_RM_BAD;
		/* pdns sends zone-id; its docs say zone_id */
		if (get_int(params, "zone-id", &req->zone_id, req) == 1 &&
		    get_int(params, "zone_id", &req->zone_id, req) == 1)
			req->zone_id = -1;
		if (req->method == RF_RM_BAD)
			return RF_RM_BAD;
		break;
	case RF_RM_LIST:
		if (get_str(params, "zonename", "", &req->zone, req) < 0)
			return RF_RM_BAD;
		if (get_int(params, "domain_id", &req->zone_id, req) == 1 &&
		    get_int(params, "domain-id", &req->zone_id, req) == 1)
			req->zone_id = -1;
		if (req->method == RF_RM_BAD)
			return RF_RM_BAD;
		break;
	case RF_RM_GET_ALL_DOMAINS:
		if (json_object_object_get_ex(params, "include_disabled", &m))
			req->include_disabled = json_object_get_boolean(m);
		break;
	case RF_RM_GET_DOMAIN_INFO:
	case RF_RM_GET_ALL_DOMAIN_METADATA:
		if (get_str(params, "name", NULL, &req->zone, req) < 0)
			return RF_RM_BAD;
		break;
	case RF_RM_GET_DOMAIN_METADATA:
		if (get_str(params, "name", NULL, &req->zone, req) < 0 ||
		    get_str(params, "kind", NULL, &req->kind, req) < 0)
			return RF_RM_BAD;
		break;
	case RF_RM_DIRECT_BACKEND_CMD:
		if (get_str(params, "query", NULL, &req->cmd, req) < 0)
			return RF_RM_BAD;
		break;
	default:
		break;
	}
	return req->method;
}

void
rf_remote_req_fini(struct rf_remote_req *req)
{
	if (req->inline_strings) {
		memset(req, 0, offsetof(struct rf_remote_req, sbuf));
		return;
	}
	free(req->method_name);
	free(req->qname);
	free(req->qtype);
	free(req->remote);
	free(req->local);
	free(req->real_remote);
	free(req->zone);
	free(req->kind);
	free(req->cmd);
	if (req->json != NULL)
		json_object_put(req->json);
	memset(req, 0, offsetof(struct rf_remote_req, sbuf));
}

/* ---- writer ------------------------------------------------------------- */

void
rf_json_str(struct rf_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	rf_buf_addc(out, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		rf_buf_add(out, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':
			rf_buf_add(out, "\\\"", 2);
			break;
		case '\\':
			rf_buf_add(out, "\\\\", 2);
			break;
		case '\n':
			rf_buf_add(out, "\\n", 2);
			break;
		case '\t':
			rf_buf_add(out, "\\t", 2);
			break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4],
				hex[c & 15] };

			rf_buf_add(out, u, 6);
			break;
		}
		}
	}
	rf_buf_add(out, s + run, len - run);
	rf_buf_addc(out, '"');
}

/* A name with its trailing dot ("" is the root, "."). */
static void
json_name(struct rf_buf *out, const char *name, size_t len)
{
	rf_buf_addc(out, '"');
	if (len > 0) {
		struct rf_buf tmp;

		/* names are canonical text: only '\' needs escaping */
		if (memchr(name, '\\', len) == NULL && memchr(name, '"',
		    len) == NULL) {
			rf_buf_add(out, name, len);
		} else {
			rf_buf_init(&tmp);
			rf_json_str(&tmp, name, len);
			rf_buf_add(out, tmp.data + 1, tmp.len - 2);
			rf_buf_fini(&tmp);
		}
	}
	rf_buf_add(out, ".\"", 2);
}

void
rf_remote_write_rr(struct rf_buf *out, const struct rf_rr *rr)
{
	char tb[16];

	rf_buf_add(out, "{\"qtype\":\"", 10);
	rf_buf_adds(out, rr->type == RF_T_ENT ? "ENT" :
	    rf_rrtype_str(rr->type, tb));
	rf_buf_add(out, "\",\"qname\":", 10);
	json_name(out, rr->name, rr->name_len);
	rf_buf_add(out, ",\"content\":", 11);
	rf_json_str(out, rr->content, rr->content_len);
	rf_buf_add(out, ",\"ttl\":", 7);
	rf_buf_addu(out, rr->ttl);
	rf_buf_add(out, ",\"domain_id\":", 13);
	rf_buf_addi(out, rr->zone_id);
	/* a missing auth counts as 1 for pdns (§2.5): every byte saved is a
	 * read(2) less for pdns over the pipe connector */
	if (!rr->auth)
		rf_buf_add(out, ",\"auth\":0", 9);
	if (rr->scope != 0) {
		rf_buf_add(out, ",\"scopeMask\":", 13);
		rf_buf_addu(out, rr->scope);
	}
	rf_buf_addc(out, '}');
}

void
rf_remote_write_failure(struct rf_buf *out, const char *why)
{
	/* no "result": pdns SERVFAILs this request instead of caching an
	 * empty answer */
	rf_buf_add(out, "{\"log\":[", 8);
	rf_json_str(out, why, strlen(why));
	rf_buf_add(out, "]}\n", 3);
}

void
rf_remote_write_answer(struct rf_buf *out, const struct rf_query *q)
{
	size_t i;

	if (q->rc < 0) {
		rf_remote_write_failure(out, "refract: lookup failed");
		return;
	}
	rf_buf_add(out, "{\"result\":[", 11);
	for (i = 0; i < q->nrrs; i++) {
		if (i > 0)
			rf_buf_addc(out, ',');
		rf_remote_write_rr(out, &q->rrs[i]);
	}
	rf_buf_add(out, "]}\n", 3);
}

void
rf_remote_write_bool(struct rf_buf *out, int value)
{
	if (value)
		rf_buf_add(out, "{\"result\":true}\n", 16);
	else
		rf_buf_add(out, "{\"result\":false}\n", 17);
}

/* ---- comparing (replay --check) ------------------------------------------ */

static struct json_object *
parse_whole(const char *s, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	struct json_object *o;
	size_t i;

	if (len > (size_t)INT32_MAX) {
		json_tokener_free(tok);
		return NULL;
	}
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (o != NULL) {
		for (i = json_tokener_get_parse_end(tok); i < len; i++) {
			if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
				json_object_put(o);
				o = NULL;
				break;
			}
		}
	}
	json_tokener_free(tok);
	return o;
}

/* What pdns reads the same: "auth": 1 on a record is its default. */
static void
normalise(struct json_object *o)
{
	struct json_object *res, *auth;
	size_t i, n;

	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_del(o, "log");
	if (!json_object_object_get_ex(o, "result", &res) ||
	    !json_object_is_type(res, json_type_array))
		return;
	n = json_object_array_length(res);
	for (i = 0; i < n; i++) {
		struct json_object *rr = json_object_array_get_idx(res, i);

		if (json_object_is_type(rr, json_type_object) &&
		    json_object_object_get_ex(rr, "auth", &auth) &&
		    json_object_is_type(auth, json_type_int) &&
		    json_object_get_int64(auth) == 1)
			json_object_object_del(rr, "auth");
	}
}

int
rf_remote_reply_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	struct json_object *x = parse_whole(a, alen);
	struct json_object *y = parse_whole(b, blen);
	int eq = -1;

	if (x != NULL && y != NULL) {
		normalise(x);
		normalise(y);
		eq = json_object_equal(x, y) ? 1 : 0;
	}
	json_object_put(x);
	json_object_put(y);
	return eq;
}
