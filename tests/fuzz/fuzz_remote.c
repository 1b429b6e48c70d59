/*
 * Fuzz harness for the remote backend JSON request handler: arbitrary
 * bytes as pdns input to a session speaking the remote protocol.  Covers
 * json-c parsing with our limits, parameter type checks, every method's
 * reply writer and the JSON string escaping.
 *
 * It also checks the lookup fast path against json-c: for the first line,
 * whenever the fast scanner accepts it, the json-c parse must accept it
 * too and read the same request.
 */
#include <string.h>

#include "fuzz_session.h"
#include "lib/proto_remote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
differential(const char *line, size_t len)
{
	struct rf_remote_req fast, slow;

	if (rf_remote_parse(line, len, &fast) == RF_RM_LOOKUP &&
	    fast.inline_strings) {
		if (rf_remote_parse_slow(line, len, &slow) != RF_RM_LOOKUP ||
		    !same(fast.qname, slow.qname) ||
		    !same(fast.qtype, slow.qtype) ||
		    !same(fast.remote, slow.remote) ||
		    !same(fast.local, slow.local) ||
		    !same(fast.real_remote, slow.real_remote) ||
		    fast.zone_id != slow.zone_id)
			abort();
		rf_remote_req_fini(&slow);
	}
	rf_remote_req_fini(&fast);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);

	differential((const char *)data, nl ? (size_t)(nl - (const char *)data) :
	    size);
	fuzz_session(data, size, RF_PROTO_REMOTE);
	return 0;
}
