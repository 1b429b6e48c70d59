/*
 * Fuzz harness for the remote backend JSON request handler: arbitrary
 * bytes as pdns input to a session speaking the remote protocol.  Covers
 * json-c parsing with our limits, parameter type checks, every method's
 * reply writer and the JSON string escaping.
 */
#include "fuzz_session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_session(data, size, RF_PROTO_REMOTE);
	return 0;
}
