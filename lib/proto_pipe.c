/*
 * PIPE request parser and answer writer.
 *
 * pdns splits our answer lines on TABs and collapses runs of them, so an
 * empty field cannot be written and a TAB or newline inside content would
 * shift or split the line (§1.2).  Content from zone files never holds
 * them; the writer still replaces any it is handed, because one bad line
 * desynchronises the stream for good.
 */
#include "lib/proto_pipe.h"

#include <string.h>

#include "lib/rrtype.h"
#include "lib/util.h"

#define MAX_FIELDS 10

static size_t
split(const char *line, size_t len, struct rf_slice *f, size_t max)
{
	size_t n = 0, start = 0, i;

	for (i = 0; i <= len; i++) {
		if (i == len || line[i] == '\t') {
			if (n == max)
				return max + 1;
			f[n].p = line + start;
			f[n].len = i - start;
			n++;
			start = i + 1;
		}
	}
	return n;
}

static int
is_word(const struct rf_slice *s, const char *w)
{
	size_t len = strlen(w);

	return s->len == len && memcmp(s->p, w, len) == 0;
}

static enum rf_pipe_kind
bad(struct rf_pipe_req *req, const char *why)
{
	req->kind = RF_PIPE_BAD;
	req->error = why;
	return RF_PIPE_BAD;
}

static int
parse_id(const struct rf_slice *s, int64_t *out)
{
	int64_t v;

	if (rf_parse_i64(s->p, s->len, &v) < 0 || v < -1 || v > INT32_MAX)
		return -1;
	*out = v;
	return 0;
}

enum rf_pipe_kind
rf_pipe_parse(const char *line, size_t len, int abi, struct rf_pipe_req *req)
{
	struct rf_slice f[MAX_FIELDS + 1];
	size_t n, want, i;

	memset(req, 0, sizeof(*req));
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return bad(req, "empty line");
	if (len >= 3 && memcmp(line, "CMD", 3) == 0 &&
	    (len == 3 || line[3] == '\t')) {
		/* The command is everything after the first TAB, verbatim
		 * (TABs and empty fields included); its answer always ends
		 * with END, which is all pdnsutil waits for. */
		req->cmd = true;
		if (abi < 5)
			return bad(req, "CMD needs ABI 5");
		req->text.p = len > 4 ? line + 4 : line + len;
		req->text.len = len > 4 ? len - 4 : 0;
		req->kind = RF_PIPE_CMD;
		return req->kind;
	}
	n = split(line, len, f, MAX_FIELDS);
	/* a broken SOA question still gets the END pdns's getSOA reads to */
	req->soa = is_word(&f[0], "Q") && (n > MAX_FIELDS || n >= 4) &&
	    is_word(&f[3], "SOA");
	if (n > MAX_FIELDS)
		return bad(req, "too many fields");
	for (i = 0; i < n; i++)
		if (f[i].len == 0)
			return bad(req, "empty field");

	if (is_word(&f[0], "HELO")) {
		int64_t abi_asked;

		/* pdns sends any integer: below 2 it speaks ABI 1, above 5
		 * ABI 5 */
		if (n != 2 || rf_parse_i64(f[1].p, f[1].len, &abi_asked) < 0)
			return bad(req, "HELO needs an ABI version");
		req->abi = abi_asked > RF_PIPE_ABI_MAX ? RF_PIPE_ABI_MAX :
		    abi_asked < 1 ? 1 : (int)abi_asked;
		req->kind = RF_PIPE_HELO;
		return req->kind;
	}
	if (is_word(&f[0], "Q")) {
		want = abi <= 1 ? 6 : abi == 2 ? 7 : 8;
		if (n != want)
			return bad(req, abi <= 1 ? "Q needs 6 fields with ABI 1" :
			    abi == 2 ? "Q needs 7 fields with ABI 2" :
			    "Q needs 8 fields with ABI 3 and later");
		req->qname = f[1];
		req->qclass = f[2];
		req->qtype = f[3];
		if (parse_id(&f[4], &req->zone_id) < 0)
			return bad(req, "bad zone id");
		req->remote = f[5];
		if (n > 6)
			req->local = f[6];
		if (n > 7)
			req->real_remote = f[7];
		req->kind = RF_PIPE_Q;
		return req->kind;
	}
	if (is_word(&f[0], "AXFR")) {
		if (n != 2 && n != 3)
			return bad(req, "AXFR needs a zone id");
		if (parse_id(&f[1], &req->zone_id) < 0)
			return bad(req, "bad zone id");
		if (n == 3)
			req->zone = f[2];
		req->kind = RF_PIPE_AXFR;
		return req->kind;
	}
	return bad(req, "unknown request");
}

/* Content with any TAB, CR or LF turned into a space. */
static void
add_content(struct rf_buf *out, const char *s, size_t len)
{
	size_t i;

	if (memchr(s, '\t', len) == NULL && memchr(s, '\n', len) == NULL &&
	    memchr(s, '\r', len) == NULL) {
		rf_buf_add(out, s, len);
		return;
	}
	for (i = 0; i < len; i++)
		rf_buf_addc(out, (s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r') ? ' ' : s[i]);
}

void
rf_pipe_write_rr(struct rf_buf *out, int abi, const struct rf_rr *rr)
{
	char tb[16];
	const char *sp;

	if (abi >= 3) {
		rf_buf_add(out, "DATA\t", 5);
		rf_buf_addu(out, rr->scope);
		rf_buf_add(out, rr->auth ? "\t1\t" : "\t0\t", 3);
	} else {
		rf_buf_add(out, "DATA\t", 5);
	}
	if (rr->name_len == 0)
		rf_buf_addc(out, '.');
	else
		rf_buf_add(out, rr->name, rr->name_len);
	rf_buf_add(out, "\tIN\t", 4);
	rf_buf_adds(out, rf_rrtype_str(rr->type, tb));
	rf_buf_addc(out, '\t');
	rf_buf_addu(out, rr->ttl);
	rf_buf_addc(out, '\t');
	rf_buf_addi(out, rr->zone_id);
	rf_buf_addc(out, '\t');
	/* MX and SRV: pdns takes exactly the two fields after the id, so
	 * the priority must be a field of its own (§1.7). */
	if (RF_RRT_PRIO_FIELD(rr->type) &&
	    (sp = memchr(rr->content, ' ', rr->content_len)) != NULL) {
		size_t k = (size_t)(sp - rr->content);

		rf_buf_add(out, rr->content, k);
		rf_buf_addc(out, '\t');
		add_content(out, sp + 1, rr->content_len - k - 1);
	} else {
		add_content(out, rr->content, rr->content_len);
	}
	rf_buf_addc(out, '\n');
}

void
rf_pipe_write_fail(struct rf_buf *out, bool soa)
{
	/* pdns reads an SOA question's answer in DNSBackend::getSOA, which
	 * on an error reads on to the END before it gives up: without the
	 * END it waits out pipe-timeout and kills us (or, over a socket,
	 * waits forever). */
	if (soa)
		rf_buf_add(out, "FAIL\nEND\n", 9);
	else
		rf_buf_add(out, "FAIL\n", 5);
}

void
rf_pipe_write_answer(struct rf_buf *out, int abi, const struct rf_query *q)
{
	size_t i;

	if (q->rc < 0) {
		rf_pipe_write_fail(out, q->qtype == RF_T_SOA);
		return;
	}
	for (i = 0; i < q->nrrs; i++) {
		/* pdns 4.7.3 cannot take an empty non-terminal over PIPE, nor
		 * any record with empty content (an empty APL): its DATA line
		 * would lose the field and fail to parse */
		if (q->rrs[i].type == RF_T_ENT || q->rrs[i].content_len == 0)
			continue;
		rf_pipe_write_rr(out, abi, &q->rrs[i]);
	}
	rf_buf_add(out, "END\n", 4);
}
