/*
 * Fuzz harness for the PIPE protocol: arbitrary bytes as pdns input to a
 * session over a small zone.  Covers line framing, the request parser,
 * name canonicalisation, the zone lookups and the answer writer.
 */
#include "fuzz_session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_session(data, size, RF_PROTO_PIPE);
	return 0;
}
