/*
 * Framing, protocol dispatch and in-order answer delivery.
 *
 * Every request that cannot be answered at once becomes an entry in the
 * FIFO; an answer that is ready while an earlier one is still pending is
 * rendered into its entry's own buffer and moved to the output when it
 * reaches the head.  pdns talks lock-step, so in practice the FIFO holds
 * at most one entry and the fast path writes straight into the output.
 */
#include "lib/session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/proto_pipe.h"
#include "lib/proto_remote.h"
#include "lib/rrtype.h"
#include "lib/zone.h"

static const char helo_banner[] = "OK\trefract\n";

/*
 * Bad requests are logged, but a peer that sends nothing else must not
 * flood the log: the first 20 of a conversation, then one in 1000.
 */
static bool
may_warn(struct rf_session *s)
{
	s->nwarnings++;
	if (s->nwarnings == 20)
		rf_warn("further bad requests of this connection are logged "
		    "one in 1000");
	return s->nwarnings < 20 || s->nwarnings % 1000 == 0;
}

void
rf_session_init(struct rf_session *s, struct rf_engine *eng,
    struct rf_buf *out)
{
	memset(s, 0, sizeof(*s));
	s->eng = eng;
	s->out = out;
	s->abi = RF_PIPE_ABI_MAX;
	rf_buf_init(&s->in);
	rf_buf_init(&s->held);
}

void
rf_session_fini(struct rf_session *s)
{
	struct rf_query *q, *next;

	for (q = s->head; q != NULL; q = next) {
		next = q->next;
		if (q->reload && !q->complete && s->eng->reload_cancel != NULL)
			s->eng->reload_cancel(s->eng, q);
		else if (!q->complete)
			rf_engine_cancel(q);
		rf_query_free(q);
	}
	s->head = s->tail = NULL;
	s->pending = 0;
	rf_buf_fini(&s->in);
	rf_buf_fini(&s->held);
}

static void
push(struct rf_session *s, struct rf_query *q)
{
	q->owner = s;
	q->next = NULL;
	if (s->tail != NULL)
		s->tail->next = q;
	else
		s->head = q;
	s->tail = q;
	s->pending++;
}

/* Move every finished answer at the head of the FIFO to the output. */
static void
flush(struct rf_session *s)
{
	while (s->head != NULL && s->head->complete) {
		struct rf_query *q = s->head;

		rf_buf_add(s->out, rf_buf_head(&q->reply),
		    rf_buf_pending(&q->reply));
		s->head = q->next;
		if (s->head == NULL)
			s->tail = NULL;
		s->pending--;
		rf_query_free(q);
	}
}

/* A reply that needs no lookup: straight to the output unless earlier
 * answers are still pending. */
static struct rf_buf *
direct_reply(struct rf_session *s)
{
	struct rf_query *q;

	if (s->head == NULL)
		return s->out;
	q = rf_query_new();
	q->complete = true;
	push(s, q);
	return &q->reply;
}

static void
count_answer(struct rf_session *s, const struct rf_query *q)
{
	if (q->rc < 0)
		s->eng->stats.failed++;
	else if (q->nrrs > 0)
		s->eng->stats.answered++;
	else
		s->eng->stats.empty++;
}

static void
render(struct rf_session *s, struct rf_buf *out, struct rf_query *q)
{
	if (q->proto == RF_PROTO_REMOTE) {
		rf_remote_write_answer(out, q);
		return;
	}
	/* PIPE ABI 1-2 has no scope field: a client-dependent answer would
	 * be cached by pdns and given to everybody */
	if (q->client_dependent && q->abi < 3 && q->rc == 0 &&
	    !q->gen->cfg.pdns_caches_off) {
		if (!s->warned_scope)
			rf_err("pipe ABI %d cannot mark client-dependent answers "
			    "(no scope field): failing them; use "
			    "pipe-abi-version=3 or later, or say "
			    "pdns-caches-off yes when pdns runs with "
			    "cache-ttl=0 and query-cache-ttl=0", q->abi);
		s->warned_scope = true;
		q->rc = -EPERM;
	}
	rf_pipe_write_answer(out, q->abi, q);
}

/* Engine callback: the lookup is complete.  Outside rf_session_feed
 * (an asynchronous completion) the driver is told that output is ready. */
static void
lookup_done(struct rf_query *q)
{
	struct rf_session *s = q->owner;

	if (s->head == q) {
		/* fast path: render straight into the output */
		render(s, s->out, q);
		count_answer(s, q);
		s->head = q->next;
		if (s->head == NULL)
			s->tail = NULL;
		s->pending--;
		rf_query_free(q);
		flush(s);
	} else {
		render(s, &q->reply, q);
		count_answer(s, q);
	}
	if (!s->feeding && s->notify != NULL)
		s->notify(s->notify_arg);
}

/* ---- the reload command (answered when the reload is over) ------------- */

static bool
is_reload(const char *cmd, size_t len)
{
	while (len > 0 && (*cmd == ' ' || *cmd == '\t')) {
		cmd++;
		len--;
	}
	while (len > 0 && (cmd[len - 1] == ' ' || cmd[len - 1] == '\t'))
		len--;
	return len == 6 && memcmp(cmd, "reload", 6) == 0;
}

static void
write_cmd_answer(struct rf_buf *out, int proto, const char *text,
    size_t len)
{
	if (proto == RF_PROTO_REMOTE) {
		rf_buf_add(out, "{\"result\":", 10);
		rf_json_str(out, text, len);
		rf_buf_add(out, "}\n", 2);
	} else {
		rf_buf_add(out, text, len);
		/* only a line that is exactly END ends a CMD answer */
		rf_buf_add(out, "\nEND\n", 5);
	}
}

static void
reload_done(void *arg, bool ok, const char *text)
{
	struct rf_query *q = arg;
	struct rf_session *s = q->owner;
	struct rf_buf msg;

	rf_buf_init(&msg);
	if (!ok)
		rf_buf_adds(&msg, "reload failed; the previous configuration "
		    "stays in force:\n");
	rf_buf_adds(&msg, text);
	while (msg.len > 0 && msg.data[msg.len - 1] == '\n')
		msg.len--;
	write_cmd_answer(&q->reply, q->proto, rf_buf_head(&msg),
	    rf_buf_pending(&msg));
	rf_buf_fini(&msg);
	q->complete = true;
	flush(s);
	if (!s->feeding && s->notify != NULL)
		s->notify(s->notify_arg);
}

/* `reload`: the answer waits for the end of the reload. */
static void
start_reload(struct rf_session *s, int proto)
{
	struct rf_query *q = rf_query_new();

	q->reload = true;
	q->proto = proto;
	push(s, q);
	if (s->eng->reload == NULL) {
		static const char text[] = "reload is not possible here (replay)";

		write_cmd_answer(&q->reply, proto, text, sizeof(text) - 1);
		q->complete = true;
		flush(s);
		return;
	}
	s->eng->reload(s->eng, reload_done, q);
}

static void
pipe_fail_soa(struct rf_session *s, const char *why, const char *line,
    size_t len, bool soa)
{
	s->eng->stats.bad_requests++;
	if (may_warn(s))
		rf_warn("pipe: %s: '%.*s'", why, (int)RF_MIN(len, 200), line);
	rf_pipe_write_fail(direct_reply(s), soa);
}

static void
pipe_fail(struct rf_session *s, const char *why, const char *line,
    size_t len)
{
	pipe_fail_soa(s, why, line, len, false);
}

static void
pipe_query(struct rf_session *s, const struct rf_pipe_req *req,
    const char *line, size_t len)
{
	struct rf_query *q = rf_query_new();
	bool soa = req->qtype.len == 3 && memcmp(req->qtype.p, "SOA", 3) == 0;
	uint16_t qtype;

	if (rf_query_set_name(q, req->qname.p, req->qname.len) < 0) {
		rf_query_free(q);
		pipe_fail_soa(s, "not a valid domain name", line, len, soa);
		return;
	}
	if (rf_rrtype_parse(req->qtype.p, req->qtype.len, &qtype) < 0) {
		rf_query_free(q);
		pipe_fail(s, "unknown query type", line, len);
		return;
	}
	s->eng->stats.queries++;
	q->qtype = qtype;
	q->zone_id = (int32_t)req->zone_id;
	q->remote = rf_query_strdup(q, req->remote.p, req->remote.len);
	q->local = rf_query_strdup(q, req->local.p, req->local.len);
	q->real_remote = rf_query_strdup(q, req->real_remote.p,
	    req->real_remote.len);
	q->abi = s->abi;
	q->proto = RF_PROTO_PIPE;
	q->deadline_ms = rf_engine_deadline(s->eng, 0);
	push(s, q);
	if (!(req->qclass.len == 2 && memcmp(req->qclass.p, "IN", 2) == 0)) {
		/* only class IN data exists here */
		q->complete = true;
		lookup_done(q);
		return;
	}
	q->done = lookup_done;
	/* may complete (and free q) before it returns */
	rf_engine_query(s->eng, q);
}

/* Record i of zone z as it is listed (AXFR): under its own name. */
static void
listed_rr(const struct rf_zdb *db, const struct rf_zzone *z, uint32_t i,
    struct rf_rr *rr)
{
	const struct rf_zrec *r = &db->recs[z->first_rec + i];
	const struct rf_zname *n = &db->names[r->name];

	rr->name = rf_zdb_name_text(db, n);
	rr->name_len = n->text_len;
	rr->content = rf_zdb_rec_content(db, r);
	rr->content_len = r->content_len;
	rr->ttl = r->ttl;
	rr->zone_id = z->id;
	rr->type = r->type;
	rr->auth = (r->flags & RF_ZREC_AUTH) ? 1 : 0;
	rr->scope = 0;
}

static void
pipe_axfr(struct rf_session *s, const struct rf_pipe_req *req,
    const char *line, size_t len)
{
	const struct rf_zdb *db = s->eng->gen->zdb;
	const struct rf_zzone *z;
	const struct rf_zname *apex;
	struct rf_buf *out;
	uint32_t zi, i;

	zi = rf_zdb_zone_by_id(db, (int32_t)req->zone_id);
	if (zi == RF_ZNONE) {
		pipe_fail(s, "AXFR for an unknown zone id", line, len);
		return;
	}
	z = &db->zones[zi];
	apex = &db->names[z->apex];
	if (req->zone.len > 0) {
		char canon[RF_NAME_TEXT_MAX + 1];
		size_t clen;

		if (rf_name_canon(req->zone.p, req->zone.len, canon, &clen) <
		    0 || clen != apex->text_len ||
		    memcmp(canon, rf_zdb_name_text(db, apex), clen) != 0) {
			pipe_fail(s, "AXFR zone name does not match the id",
			    line, len);
			return;
		}
	}
	s->eng->stats.axfr++;
	out = direct_reply(s);
	for (i = 0; i < z->nrecs; i++) {
		struct rf_rr rr;

		listed_rr(db, z, i, &rr);
		/* as for a Q (rf_pipe_write_answer): no DATA line pdns
		 * cannot parse */
		if (rr.type == RF_T_ENT || rr.content_len == 0)
			continue;
		rf_pipe_write_rr(out, s->abi, &rr);
	}
	rf_buf_add(out, "END\n", 4);
}

static void
pipe_line(struct rf_session *s, const char *line, size_t len)
{
	struct rf_pipe_req req;
	struct rf_buf *out;

	switch (rf_pipe_parse(line, len, s->abi, &req)) {
	case RF_PIPE_BAD:
		if (req.cmd) {
			/* a CMD answer is text up to END; FAIL means nothing
			 * there */
			s->eng->stats.bad_requests++;
			out = direct_reply(s);
			rf_buf_printf(out, "error: %s\nEND\n", req.error);
			break;
		}
		pipe_fail_soa(s, req.error, line, len, req.soa);
		break;
	case RF_PIPE_HELO:
		s->abi = req.abi;
		rf_buf_add(direct_reply(s), helo_banner,
		    sizeof(helo_banner) - 1);
		break;
	case RF_PIPE_Q:
		pipe_query(s, &req, line, len);
		break;
	case RF_PIPE_AXFR:
		pipe_axfr(s, &req, line, len);
		break;
	case RF_PIPE_CMD:
		s->eng->stats.commands++;
		if (is_reload(req.text.p, req.text.len)) {
			start_reload(s, RF_PROTO_PIPE);
			break;
		}
		out = direct_reply(s);
		rf_engine_command(s->eng, req.text.p, req.text.len, out);
		/* only a line that is exactly END ends a CMD answer */
		rf_buf_add(out, "\nEND\n", 5);
		break;
	}
}

/* ---- remote backend JSON -------------------------------------------- */

static void
remote_fail(struct rf_session *s, const char *why, const char *line,
    size_t len)
{
	char msg[256];

	s->eng->stats.bad_requests++;
	if (may_warn(s))
		rf_warn("remote: %s: '%.*s'", why, (int)RF_MIN(len, 200),
		    line);
	snprintf(msg, sizeof(msg), "refract: %s", why);
	rf_remote_write_failure(direct_reply(s), msg);
}

static void
remote_lookup(struct rf_session *s, const struct rf_remote_req *req,
    const char *line, size_t len)
{
	struct rf_query *q = rf_query_new();
	uint16_t qtype;

	if (rf_query_set_name(q, req->qname, strlen(req->qname)) < 0) {
		rf_query_free(q);
		remote_fail(s, "not a valid domain name", line, len);
		return;
	}
	if (rf_rrtype_parse(req->qtype, strlen(req->qtype), &qtype) < 0) {
		rf_query_free(q);
		remote_fail(s, "unknown query type", line, len);
		return;
	}
	if (req->zone_id < -1 || req->zone_id > INT32_MAX) {
		rf_query_free(q);
		remote_fail(s, "bad zone id", line, len);
		return;
	}
	s->eng->stats.queries++;
	q->qtype = qtype;
	q->zone_id = (int32_t)req->zone_id;
	q->remote = rf_query_strdup(q, req->remote, strlen(req->remote));
	q->local = rf_query_strdup(q, req->local, strlen(req->local));
	q->real_remote = rf_query_strdup(q, req->real_remote,
	    strlen(req->real_remote));
	q->proto = RF_PROTO_REMOTE;
	q->deadline_ms = rf_engine_deadline(s->eng, s->timeout_ms);
	push(s, q);
	q->done = lookup_done;
	rf_engine_query(s->eng, q);
}

static void
write_domain_info(struct rf_buf *out, const char *name, size_t len,
    int32_t id, uint32_t serial)
{
	rf_buf_add(out, "{\"id\":", 6);
	rf_buf_addi(out, id);
	rf_buf_add(out, ",\"zone\":", 8);
	rf_json_str(out, name, len);
	/* canonical names have no trailing dot: add it inside the quotes */
	out->len--;
	rf_buf_add(out, ".\"", 2);
	rf_buf_add(out, ",\"kind\":\"native\",\"serial\":", 26);
	rf_buf_addu(out, serial);
	rf_buf_addc(out, '}');
}

struct list_ctx {
	struct rf_buf *out;
	size_t n;
	/* getDomainInfo: the zone looked for */
	const char *want;
	size_t want_len;
	bool found;
};

static void
emit_domain(void *arg, const char *name, size_t len, int32_t id,
    uint32_t serial)
{
	struct list_ctx *c = arg;

	if (c->want != NULL) {
		if (c->found || len != c->want_len ||
		    memcmp(name, c->want, len) != 0)
			return;
		c->found = true;
		rf_buf_add(c->out, "{\"result\":", 10);
		write_domain_info(c->out, name, len, id, serial);
		rf_buf_add(c->out, "}\n", 2);
		return;
	}
	if (c->n++ > 0)
		rf_buf_addc(c->out, ',');
	write_domain_info(c->out, name, len, id, serial);
}

/* The zone whose apex is exactly this name, or RF_ZNONE. */
static uint32_t
zone_named(const struct rf_zdb *db, const char *name)
{
	char canon[RF_NAME_TEXT_MAX + 1];
	size_t len;
	uint32_t zi;

	if (rf_name_canon(name, strlen(name), canon, &len) < 0)
		return RF_ZNONE;
	zi = rf_zdb_zone_for(db, canon, len);
	if (zi == RF_ZNONE || db->names[db->zones[zi].apex].text_len != len)
		return RF_ZNONE;
	return zi;
}

static void
remote_list(struct rf_session *s, const struct rf_remote_req *req,
    const char *line, size_t len)
{
	const struct rf_zdb *db = s->eng->gen->zdb;
	const struct rf_zzone *z;
	struct rf_buf *out;
	uint32_t zi, i;

	zi = req->zone_id >= 0 && req->zone_id <= INT32_MAX ?
	    rf_zdb_zone_by_id(db, (int32_t)req->zone_id) : RF_ZNONE;
	if (zi == RF_ZNONE && req->zone[0] != '\0')
		zi = zone_named(db, req->zone);
	if (zi == RF_ZNONE) {
		/* pdns aborts the transfer: "backend signals error" */
		if (may_warn(s))
			rf_warn("remote: list of an unknown zone: '%.*s'",
			    (int)RF_MIN(len, 200), line);
		rf_remote_write_bool(direct_reply(s), 0);
		return;
	}
	s->eng->stats.axfr++;
	z = &db->zones[zi];
	out = direct_reply(s);
	rf_buf_add(out, "{\"result\":[", 11);
	for (i = 0; i < z->nrecs; i++) {
		struct rf_rr rr;

		listed_rr(db, z, i, &rr);

		if (i > 0)
			rf_buf_addc(out, ',');
		rf_remote_write_rr(out, &rr);
	}
	rf_buf_add(out, "]}\n", 3);
}

static void
remote_line(struct rf_session *s, const char *line, size_t len)
{
	struct rf_remote_req req;
	struct rf_buf *out;

	switch (rf_remote_parse(line, len, &req)) {
	case RF_RM_BAD:
		remote_fail(s, req.error, line, len);
		break;
	case RF_RM_UNKNOWN:
		/* pdns reads false as "not supported" and goes on */
		rf_debug("remote: method '%s' not implemented",
		    req.method_name);
		rf_remote_write_bool(direct_reply(s), 0);
		break;
	case RF_RM_INITIALIZE:
		s->timeout_ms = req.timeout_ms;
		rf_remote_write_bool(direct_reply(s), 1);
		break;
	case RF_RM_LOOKUP:
		remote_lookup(s, &req, line, len);
		break;
	case RF_RM_LIST:
		remote_list(s, &req, line, len);
		break;
	case RF_RM_GET_ALL_DOMAINS: {
		/* never waits on anything: pdns exits when it fails at start */
		struct list_ctx c = { .out = direct_reply(s) };

		rf_buf_add(c.out, "{\"result\":[", 11);
		rf_engine_zones(s->eng, emit_domain, &c);
		rf_buf_add(c.out, "]}\n", 3);
		break;
	}
	case RF_RM_GET_DOMAIN_INFO: {
		char canon[RF_NAME_TEXT_MAX + 1];
		struct list_ctx c = { .out = direct_reply(s) };

		if (rf_name_canon(req.zone, strlen(req.zone), canon,
		    &c.want_len) == 0) {
			c.want = canon;
			rf_engine_zones(s->eng, emit_domain, &c);
		}
		/* false: "not authoritative" (pdns refuses a NOTIFY etc.) */
		if (!c.found)
			rf_remote_write_bool(c.out, 0);
		break;
	}
	case RF_RM_GET_ALL_DOMAIN_METADATA:
		rf_buf_adds(direct_reply(s), "{\"result\":{}}\n");
		break;
	case RF_RM_GET_DOMAIN_METADATA:
		rf_buf_adds(direct_reply(s), "{\"result\":[]}\n");
		break;
	case RF_RM_DIRECT_BACKEND_CMD: {
		struct rf_buf text;

		s->eng->stats.commands++;
		if (is_reload(req.cmd, strlen(req.cmd))) {
			start_reload(s, RF_PROTO_REMOTE);
			break;
		}
		rf_buf_init(&text);
		rf_engine_command(s->eng, req.cmd, strlen(req.cmd), &text);
		out = direct_reply(s);
		rf_buf_add(out, "{\"result\":", 10);
		rf_json_str(out, text.data ? text.data : "", text.len);
		rf_buf_add(out, "}\n", 2);
		rf_buf_fini(&text);
		break;
	}
	}
	rf_remote_req_fini(&req);
}

void
rf_session_line(struct rf_session *s, const char *line, size_t len)
{
	bool was = s->feeding;

	s->feeding = true;
	if (s->proto == RF_PROTO_UNKNOWN) {
		size_t i = 0;

		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		s->proto = i < len && line[i] == '{' ? RF_PROTO_REMOTE :
		    RF_PROTO_PIPE;
	}
	if (s->proto == RF_PROTO_REMOTE)
		remote_line(s, line, len);
	else
		pipe_line(s, line, len);
	s->feeding = was;
}

static void
long_line(struct rf_session *s)
{
	s->eng->stats.long_lines++;
	if (may_warn(s))
		rf_warn("request line over %u bytes skipped",
		    (unsigned)RF_SESSION_LINE_MAX);
	s->eng->stats.bad_requests++;
	if (s->proto == RF_PROTO_REMOTE)
		rf_remote_write_failure(direct_reply(s),
		    "refract: request line too long");
	else
		rf_buf_add(direct_reply(s), "FAIL\n", 5);
}

static bool
over_cap(const struct rf_session *s)
{
	return s->out_cap > 0 && rf_buf_pending(s->out) >= s->out_cap;
}

/*
 * Frame and handle lines.  Stops before a line when the output is over
 * its cap, so that one read full of requests cannot pile up answers
 * without bound.
 * @return the bytes consumed (all of them unless stopped).
 */
static size_t
feed_lines(struct rf_session *s, const char *data, size_t len)
{
	size_t used = 0;

	while (used < len) {
		const char *p = data + used;
		size_t left = len - used;
		const char *nl = memchr(p, '\n', left);
		size_t take = nl ? (size_t)(nl - p) : left;

		if (nl != NULL && !s->discarding && over_cap(s))
			return used;
		if (s->discarding) {
			if (nl == NULL)
				return len;
			s->discarding = false;
			long_line(s);
		} else if (nl != NULL && rf_buf_pending(&s->in) == 0 &&
		    take <= RF_SESSION_LINE_MAX) {
			/* the whole line is in data: no copy */
			rf_session_line(s, p, take);
		} else if (nl != NULL && rf_buf_pending(&s->in) == 0) {
			/* whole but too long (input held back while the
			 * output was over its cap comes in one piece) */
			long_line(s);
		} else if (rf_buf_pending(&s->in) + take >
		    RF_SESSION_LINE_MAX) {
			rf_buf_reset(&s->in);
			if (nl != NULL) {
				long_line(s);
			} else {
				s->discarding = true;
				return len;
			}
		} else if (nl != NULL) {
			rf_buf_add(&s->in, p, take);
			rf_session_line(s, rf_buf_head(&s->in),
			    rf_buf_pending(&s->in));
			rf_buf_reset(&s->in);
		} else {
			rf_buf_add(&s->in, p, take);
			return len;
		}
		used += take + 1;
	}
	return used;
}

/* The protocol of a connection is known from its first byte: '{' is
 * remote JSON, anything else PIPE (pdns sends HELO first). */
static void
detect(struct rf_session *s, const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' ||
		    data[i] == '\n')
			continue;
		s->proto = data[i] == '{' ? RF_PROTO_REMOTE : RF_PROTO_PIPE;
		return;
	}
}

void
rf_session_feed(struct rf_session *s, const char *data, size_t len)
{
	size_t used;

	if (s->proto == RF_PROTO_UNKNOWN)
		detect(s, data, len);
	if (rf_buf_pending(&s->held) > 0) {
		rf_buf_add(&s->held, data, len);
		return;
	}
	used = feed_lines(s, data, len);
	if (used < len)
		rf_buf_add(&s->held, data + used, len - used);
}

void
rf_session_resume(struct rf_session *s)
{
	struct rf_buf tmp;
	size_t used;

	if (rf_buf_pending(&s->held) == 0 || over_cap(s))
		return;
	tmp = s->held;
	rf_buf_init(&s->held);
	used = feed_lines(s, rf_buf_head(&tmp), rf_buf_pending(&tmp));
	if (used < rf_buf_pending(&tmp))
		rf_buf_add(&s->held, rf_buf_head(&tmp) + used,
		    rf_buf_pending(&tmp) - used);
	rf_buf_fini(&tmp);
}
