/*
 * floor: the zero-work backend, i.e. what an infinitely fast backend could
 * do behind pdns on a given transport.  It answers every request line by
 * looking the exact line up in a table of replies rendered in advance (by
 * `refract replay` over every request the benchmark can produce) and
 * writing the stored bytes back.  A line not in the table gets the empty
 * answer ("END" / {"result":false}; "initialize" gets {"result":true}) and
 * is counted as a miss.
 *
 *   floor pipe  TABLE COUNTERS        PIPE protocol on stdin/stdout
 *   floor rpipe TABLE COUNTERS        remote JSON, one line each, on stdio
 *   floor unix  TABLE COUNTERS PATH   remote JSON on a unix socket, any
 *                                     number of connections, one poll loop
 *
 * TABLE is a flat file of records: u32 keylen, u32 vallen (little endian),
 * key bytes (the request line without its LF), value bytes (the complete
 * reply, LF included).  It is mapped read-only and indexed at start.
 * COUNTERS is a file of at least 16 bytes, mapped shared: two u64,
 * requests answered and misses, added to atomically so that every floor
 * process of a run counts into the same place.
 *
 * Build: cc -O2 -o floor floor.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const unsigned char *tab;
static size_t tablen;
static uint64_t *idx;   /* offsets of records + 1; 0 = empty */
static size_t idxmask;
static uint64_t *counters;
static int json;

static const char EMPTY_PIPE[] = "END\n";
static const char EMPTY_JSON[] = "{\"result\":false}\n";
static const char TRUE_JSON[] = "{\"result\":true}\n";

static uint64_t
hash(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--) {
		h ^= *p++;
		h *= 1099511628211ULL;
	}
	return h;
}

static uint32_t
rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void *
map_file(const char *path, size_t *len, int writable)
{
	int fd = open(path, writable ? O_RDWR : O_RDONLY);
	struct stat st;
	void *p;

	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	*len = (size_t)st.st_size;
	if (*len == 0) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, *len, writable ? PROT_READ | PROT_WRITE : PROT_READ,
	    MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "floor: mmap %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return p;
}

static void
load(const char *table, const char *ctrs)
{
	size_t off, n = 0, cap, clen;

	tab = map_file(table, &tablen, 0);
	for (off = 0; off + 8 <= tablen; n++)
		off += 8 + (size_t)rd32(tab + off) + rd32(tab + off + 4);
	for (cap = 1024; cap < 2 * n; cap <<= 1)
		;
	idx = calloc(cap, sizeof(*idx));
	if (idx == NULL) {
		fprintf(stderr, "floor: out of memory\n");
		exit(1);
	}
	idxmask = cap - 1;
	for (off = 0; off + 8 <= tablen;) {
		uint32_t kl = rd32(tab + off), vl = rd32(tab + off + 4);
		size_t h = (size_t)hash(tab + off + 8, kl) & idxmask;

		while (idx[h] != 0)
			h = (h + 1) & idxmask;
		idx[h] = off + 1;
		off += 8 + (size_t)kl + vl;
	}
	counters = map_file(ctrs, &clen, 1);
	if (clen < 16) {
		fprintf(stderr, "floor: %s: too short\n", ctrs);
		exit(1);
	}
}

/* The reply for one request line (without LF). */
static const char *
answer(const char *line, size_t n, size_t *rlen)
{
	size_t h = (size_t)hash((const unsigned char *)line, n) & idxmask;

	__atomic_fetch_add(&counters[0], 1, __ATOMIC_RELAXED);
	for (; idx[h] != 0; h = (h + 1) & idxmask) {
		const unsigned char *r = tab + idx[h] - 1;

		if (rd32(r) == n && memcmp(r + 8, line, n) == 0) {
			*rlen = rd32(r + 4);
			return (const char *)r + 8 + n;
		}
	}
	__atomic_fetch_add(&counters[1], 1, __ATOMIC_RELAXED);
	if (!json) {
		*rlen = sizeof(EMPTY_PIPE) - 1;
		return EMPTY_PIPE;
	}
	if (n > 22 && memcmp(line, "{\"method\": \"initialize\"", 23) == 0) {
		*rlen = sizeof(TRUE_JSON) - 1;
		return TRUE_JSON;
	}
	*rlen = sizeof(EMPTY_JSON) - 1;
	return EMPTY_JSON;
}

struct conn {
	int fd;
	char *in;
	size_t inlen, incap;
	char *out;
	size_t outlen, outoff, outcap;
};

static void
addout(struct conn *c, const char *p, size_t n)
{
	if (c->outlen + n > c->outcap) {
		while (c->outlen + n > c->outcap)
			c->outcap = c->outcap ? 2 * c->outcap : 65536;
		c->out = realloc(c->out, c->outcap);
		if (c->out == NULL)
			exit(1);
	}
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
}

/* Read what is there; answer every complete line.  -1 on EOF/error. */
static int
on_readable(struct conn *c)
{
	ssize_t r;
	size_t start = 0, i;

	if (c->incap - c->inlen < 65536) {
		c->incap = c->incap ? 2 * c->incap : 131072;
		c->in = realloc(c->in, c->incap);
		if (c->in == NULL)
			exit(1);
	}
	r = read(c->fd, c->in + c->inlen, c->incap - c->inlen);
	if (r == 0)
		return -1;
	if (r < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	i = c->inlen;
	c->inlen += (size_t)r;
	for (; i < c->inlen; i++) {
		if (c->in[i] == '\n') {
			size_t n = i - start, rl;
			const char *rep;

			if (n > 0 && c->in[start + n - 1] == '\r')
				n--;
			rep = answer(c->in + start, n, &rl);
			addout(c, rep, rl);
			start = i + 1;
		}
	}
	if (start > 0) {
		memmove(c->in, c->in + start, c->inlen - start);
		c->inlen -= start;
	}
	return 0;
}

/* Write what is pending.  -1 on error. */
static int
flush_out(struct conn *c, int wfd)
{
	while (c->outoff < c->outlen) {
		ssize_t w = write(wfd, c->out + c->outoff,
		    c->outlen - c->outoff);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -1;
		}
		c->outoff += (size_t)w;
	}
	c->outoff = c->outlen = 0;
	return 0;
}

static int
serve_stdio(void)
{
	struct conn c = { .fd = 0 };

	/* blocking I/O: one request at a time, exactly like lock-step pdns */
	for (;;) {
		if (on_readable(&c) < 0)
			return 0;
		if (flush_out(&c, 1) < 0)
			return 0;
	}
}

static int
serve_unix(const char *path)
{
	struct sockaddr_un sun;
	struct pollfd *pfd = NULL;
	struct conn **conns = NULL;
	size_t n = 1, cap = 0, i;
	int lfd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "floor: socket path too long\n");
		return 1;
	}
	strcpy(sun.sun_path, path);
	unlink(path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(lfd, 128) < 0) {
		fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		if (n + 1 > cap) {
			cap = cap ? 2 * cap : 64;
			pfd = realloc(pfd, cap * sizeof(*pfd));
			conns = realloc(conns, cap * sizeof(*conns));
			if (pfd == NULL || conns == NULL)
				exit(1);
		}
		pfd[0].fd = lfd;
		pfd[0].events = POLLIN;
		for (i = 1; i < n; i++) {
			pfd[i].fd = conns[i]->fd;
			pfd[i].events = conns[i]->outlen > conns[i]->outoff ?
			    POLLOUT : POLLIN;
		}
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		for (i = n; i-- > 1;) {
			struct conn *c = conns[i];
			int bad = 0;

			if (pfd[i].revents == 0)
				continue;
			if (pfd[i].revents & POLLIN)
				bad = on_readable(c) < 0;
			if (!bad && c->outlen > c->outoff)
				bad = flush_out(c, c->fd) < 0;
			else if (!bad && (pfd[i].revents & (POLLERR | POLLHUP)))
				bad = 1;
			if (bad) {
				close(c->fd);
				free(c->in);
				free(c->out);
				free(c);
				conns[i] = conns[n - 1];
				n--;
			}
		}
		if (pfd[0].revents & POLLIN) {
			int fd;

			while (n + 1 <= cap && (fd = accept4(lfd, NULL, NULL,
			    SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
				struct conn *c = calloc(1, sizeof(*c));

				if (c == NULL)
					exit(1);
				c->fd = fd;
				conns[n++] = c;
			}
		}
	}
}

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 4 && strcmp(argv[1], "pipe") == 0) {
		load(argv[2], argv[3]);
		return serve_stdio();
	}
	if (argc >= 4 && strcmp(argv[1], "rpipe") == 0) {
		json = 1;
		load(argv[2], argv[3]);
		return serve_stdio();
	}
	if (argc >= 5 && strcmp(argv[1], "unix") == 0) {
		json = 1;
		load(argv[2], argv[3]);
		return serve_unix(argv[4]);
	}
	fprintf(stderr, "usage: floor pipe|rpipe TABLE COUNTERS\n"
	    "       floor unix TABLE COUNTERS SOCKET\n");
	return 2;
}
