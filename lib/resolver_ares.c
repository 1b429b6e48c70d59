/*
 * The c-ares upstream (c-ares 1.18, driven by refract's own loop).
 *
 * c-ares is told about our loop through ARES_OPT_SOCK_STATE_CB: every
 * socket it opens is watched through rf_io, readiness is handed back with
 * ares_process_fd, and a timer on the scheduler follows ares_timeout().
 * Queries are built by refract (lib/dnswire.c) and sent with ares_send,
 * which sets the id and handles retries, server rotation and the TCP
 * retry of truncated answers.  Answers are parsed by refract's own
 * bounded reader, never by c-ares.
 *
 * c-ares 1.18 cannot cancel one query: a cancelled request is marked and
 * its late callback only frees it.  ares_send may call back before it
 * returns; such an answer is handed over on the next loop turn.
 */
#include <ares.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/dnswire.h"
#include "lib/log.h"
#include "lib/name.h"
#include "lib/resolver.h"
#include "lib/rrtype.h"
#include "lib/util.h"

struct aup {
	ares_channel ch;
	struct rf_upstream *u;
	struct rf_io io;
	struct rf_timer timer;
	bool rd;
	bool destroying;
	int processing;          /* inside ares_process_fd: c-ares may not
				  * be destroyed from its own callbacks */
};

struct areq {
	struct aup *a;
	struct rf_upstream *u;   /* a reference while in flight */
	rf_resolve_cb cb;
	void *arg;
	bool cancelled;
	bool sending;            /* inside ares_send */
	struct rf_answer *early; /* answered inside ares_send */
	uint64_t sent_ms;
	uint16_t type;
	size_t qlen;
	char qname[RF_NAME_TEXT_MAX + 1]; /* canonical */
};

static int library_users;

static void arm_timer(struct aup *a);

static void
on_fd(int fd, int events, void *arg)
{
	struct aup *a = arg;

	a->processing++;
	ares_process_fd(a->ch, (events & RF_EV_READ) ? fd : ARES_SOCKET_BAD,
	    (events & RF_EV_WRITE) ? fd : ARES_SOCKET_BAD);
	a->processing--;
	arm_timer(a);
}

static void
sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct aup *a = data;
	int ev = (readable ? RF_EV_READ : 0) | (writable ? RF_EV_WRITE : 0);

	a->io.watch(a->io.ctx, fd, ev, on_fd, a);
}

static void
on_timer(void *arg)
{
	struct aup *a = arg;

	a->processing++;
	ares_process_fd(a->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	a->processing--;
	arm_timer(a);
}

static void
arm_timer(struct aup *a)
{
	struct timeval tv, *tvp;

	if (a->destroying)
		return;
	tvp = ares_timeout(a->ch, NULL, &tv);
	if (tvp == NULL) {
		rf_timer_stop(a->u->sched, &a->timer);
		return;
	}
	rf_timer_start(a->u->sched, &a->timer,
	    (uint64_t)tvp->tv_sec * 1000 + (uint64_t)tvp->tv_usec / 1000 + 1,
	    on_timer, a);
}

static int
status_errno(int status)
{
	switch (status) {
	case ARES_ETIMEOUT:
		return -ETIMEDOUT;
	case ARES_ECONNREFUSED:
		return -ECONNREFUSED;
	case ARES_EREFUSED:
		return -EACCES;
	case ARES_EBADRESP:
	case ARES_EFORMERR:
		return -EPROTO;
	case ARES_EDESTRUCTION:
	case ARES_ECANCELLED:
		return -ECANCELED;
	default:
		return -EIO;
	}
}

/* Keep what the answer says about the question name (see answer.h). */
static struct rf_answer *
parse(const struct areq *r, const unsigned char *pkt, int len)
{
	struct rf_wire_msg m;
	struct rf_wire_rr rr;
	struct rf_answer *ans;
	struct rf_buf content;
	char canon[RF_NAME_TEXT_MAX + 1];
	size_t clen;
	bool have_soa = false, referral = false;
	int rc;

	if (pkt == NULL || len <= 0 ||
	    rf_wire_parse(pkt, (size_t)len, &m) < 0)
		return rf_answer_failure(-EPROTO);
	/* c-ares matched the id and question; check the question anyway */
	if (m.qdcount != 1 || m.qtype != r->type ||
	    rf_name_canon(m.qname, m.qname_len, canon, &clen) < 0 ||
	    clen != r->qlen || memcmp(canon, r->qname, clen) != 0)
		return rf_answer_failure(-EPROTO);
	if (m.rcode != 0 && m.rcode != 3)
		return rf_answer_failure(m.rcode == 5 ? -EACCES : -EIO);
	ans = rf_answer_new();
	ans->rcode = m.rcode;
	ans->aa = (m.flags & RF_WIRE_AA) != 0;
	rf_buf_init(&content);
	while ((rc = rf_wire_next(&m, &rr)) == 1) {
		uint8_t kind;
		bool owner_is_q;

		if (rr.rclass != 1)
			continue;
		/* a referral: no answer, not authoritative, NS in the
		 * authority section.  Servers that add their own NS to a
		 * positive or authoritative answer (NSD, Knot, BIND with
		 * minimal-responses off) give no delegation: those NS are
		 * left out. */
		if (rr.section == RF_SEC_AUTHORITY && rr.type == RF_T_NS) {
			if (m.ancount > 0 || ans->aa || m.rcode != 0)
				continue;
			referral = true;
		}
		if (rr.section == RF_SEC_ADDITIONAL &&
		    (!referral || m.ancount > 0 ||
		    (rr.type != RF_T_A && rr.type != RF_T_AAAA)))
			continue;
		if (rf_name_canon(rr.name, rr.name_len, canon, &clen) < 0) {
			rc = -1;
			break;
		}
		owner_is_q = clen == r->qlen && memcmp(canon, r->qname,
		    clen) == 0;
		if (rr.section == RF_SEC_ANSWER && owner_is_q)
			kind = RF_ARR_ANSWER;
		else if (rr.section == RF_SEC_ADDITIONAL && owner_is_q)
			kind = RF_ARR_GLUE;
		else if (rr.section == RF_SEC_AUTHORITY && rr.type == RF_T_NS &&
		    owner_is_q)
			kind = RF_ARR_REFERRAL;
		else if (rr.section == RF_SEC_AUTHORITY && rr.type == RF_T_SOA &&
		    !have_soa)
			kind = RF_ARR_SOA;
		else
			continue;
		rf_buf_reset(&content);
		if (rf_wire_rdata_to_text(&m, &rr, &content) < 0) {
			rc = -1;
			break;
		}
		if (kind == RF_ARR_SOA)
			have_soa = true;
		/* RFC 2181 §8: a TTL with the top bit set counts as 0 */
		rf_answer_add(ans, kind, canon, clen, rr.type,
		    rr.ttl > 0x7fffffffu ? 0 : rr.ttl, rf_buf_head(&content),
		    rf_buf_pending(&content));
	}
	rf_buf_fini(&content);
	if (rc < 0) {
		rf_answer_unref(ans);
		return rf_answer_failure(-EPROTO);
	}
	return ans;
}

static void
account(struct rf_upstream *u, const struct rf_answer *ans)
{
	if (ans->status == 0) {
		u->stats.answers++;
		u->stats.latency_ms += ans->latency_ms;
		if (ans->latency_ms > u->stats.latency_max_ms)
			u->stats.latency_max_ms = ans->latency_ms;
	} else if (ans->status == -ETIMEDOUT) {
		u->stats.timeouts++;
	} else if (ans->status != -ECANCELED) {
		u->stats.failures++;
	}
}

static void
unref_later(void *arg)
{
	rf_upstream_unref(arg);
}

static void
finish(struct areq *r, struct rf_answer *ans)
{
	struct rf_upstream *u = r->u;
	bool inside = r->a->processing > 0;

	if (!r->cancelled)
		r->cb(r->arg, ans);
	else
		rf_answer_unref(ans);
	free(r);
	/* after a reload this may be the last reference: destroying the
	 * channel inside ares_process_fd would free what c-ares is still
	 * working on */
	if (inside)
		rf_sched_defer(u->sched, unref_later, u);
	else
		rf_upstream_unref(u);
}

static void
deliver_early(void *arg)
{
	struct areq *r = arg;

	finish(r, r->early);
}

static void
on_answer(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct areq *r = arg;
	struct rf_answer *ans;

	(void)timeouts;
	if (status == ARES_SUCCESS)
		ans = parse(r, abuf, alen);
	else
		ans = rf_answer_failure(status_errno(status));
	ans->fetched_ms = rf_sched_now(r->u->sched);
	ans->latency_ms = (uint32_t)(ans->fetched_ms - r->sent_ms);
	account(r->u, ans);
	if (ans->status != 0 && ans->status != -ECANCELED)
		rf_debug("upstream %s: %s type %u: %s", r->u->name,
		    r->qlen ? r->qname : ".", (unsigned)r->type,
		    strerror(-ans->status));
	if (r->sending) {
		/* no callback from inside send: next loop turn */
		r->early = ans;
		rf_sched_defer(r->u->sched, deliver_early, r);
		return;
	}
	finish(r, ans);
}

static void *
ares_up_send(struct rf_upstream *u, const char *canon, size_t len,
    uint16_t type, rf_resolve_cb cb, void *arg)
{
	struct aup *a = u->data;
	struct areq *r;
	uint8_t q[RF_NAME_WIRE_MAX + 64];
	int qlen;

	if (len > RF_NAME_TEXT_MAX)
		return NULL;
	qlen = rf_wire_write_query(q, sizeof(q), 0, canon, len, type, a->rd,
	    1232);
	if (qlen < 0)
		return NULL;
	r = rf_xcalloc(1, sizeof(*r));
	r->a = a;
	r->u = rf_upstream_ref(u);
	r->cb = cb;
	r->arg = arg;
	r->type = type;
	r->qlen = len;
	memcpy(r->qname, canon, len);
	r->sent_ms = rf_sched_now(u->sched);
	u->stats.queries++;
	r->sending = true;
	ares_send(a->ch, q, qlen, on_answer, r);
	/* r may already sit in the deferred queue; it is not freed yet */
	r->sending = false;
	arm_timer(a);
	return r;
}

static void
ares_up_cancel(struct rf_upstream *u, void *req)
{
	struct areq *r = req;

	(void)u;
	r->cancelled = true;
}

static void
ares_up_free(struct rf_upstream *u)
{
	struct aup *a = u->data;

	a->destroying = true;
	rf_timer_stop(u->sched, &a->timer);
	/* no request can be in flight: each holds a reference */
	ares_destroy(a->ch);
	free(a);
	if (--library_users == 0)
		ares_library_cleanup();
}

static const struct rf_upstream_ops ares_ops = {
	.kind = "c-ares",
	.send = ares_up_send,
	.cancel = ares_up_cancel,
	.free = ares_up_free,
};

struct rf_upstream *
rf_upstream_ares_new(const struct rf_upstream_conf *c, struct rf_sched *sched,
    const struct rf_io *io, struct rf_diag *diag)
{
	struct ares_options opt;
	struct rf_upstream *u;
	struct aup *a;
	int rc, mask;

	if (library_users++ == 0 &&
	    (rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		library_users--;
		rf_diag_add(diag, c->file, c->line, "c-ares: %s",
		    ares_strerror(rc));
		return NULL;
	}
	u = rf_xcalloc(1, sizeof(*u));
	a = rf_xcalloc(1, sizeof(*a));
	u->ops = &ares_ops;
	u->refs = 1;
	u->name = rf_xstrdup(c->name);
	u->key = rf_upstream_key(c);
	u->sched = sched;
	u->data = a;
	a->u = u;
	a->io = *io;
	a->rd = c->recursion;
	rf_timer_init(&a->timer);
	memset(&opt, 0, sizeof(opt));
	opt.sock_state_cb = sock_state;
	opt.sock_state_cb_data = a;
	opt.timeout = (int)c->timeout_ms;
	opt.tries = c->tries;
	/* ARES_FLAG_NOCHECKRESP is not set: on SERVFAIL or REFUSED c-ares
	 * tries the set's other servers and then reports the failure. */
	opt.flags = ARES_FLAG_NOSEARCH;
	mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
	    ARES_OPT_FLAGS;
	rc = ares_init_options(&a->ch, &opt, mask);
	if (rc != ARES_SUCCESS) {
		rf_diag_add(diag, c->file, c->line, "upstream %s: c-ares: %s",
		    c->name, ares_strerror(rc));
		goto fail;
	}
	if (c->nservers > 0) {
		struct rf_buf csv;
		size_t i;

		rf_buf_init(&csv);
		for (i = 0; i < c->nservers; i++) {
			if (i > 0)
				rf_buf_addc(&csv, ',');
			rf_buf_adds(&csv, c->servers[i]);
		}
		rc = ares_set_servers_ports_csv(a->ch, rf_buf_cstr(&csv));
		rf_buf_fini(&csv);
		if (rc != ARES_SUCCESS) {
			rf_diag_add(diag, c->file, c->line,
			    "upstream %s: bad server list: %s", c->name,
			    ares_strerror(rc));
			ares_destroy(a->ch);
			goto fail;
		}
	}
	return u;
fail:
	free(a);
	free(u->name);
	free(u);
	if (--library_users == 0)
		ares_library_cleanup();
	return NULL;
}
