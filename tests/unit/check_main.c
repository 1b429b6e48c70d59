/*
 * One runner for every unit suite.  `check_refract NAME` runs one suite
 * (this is how ctest calls it); with no argument every suite runs.
 * Fork mode is kept so a crash fails only its own test.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#define RF_SUITE(name) Suite *name##_suite(void);
#include "suites.h"
#undef RF_SUITE

struct entry {
	const char *name;
	Suite *(*make)(void);
};

static const struct entry suites[] = {
#define RF_SUITE(name) { #name, name##_suite },
#include "suites.h"
#undef RF_SUITE
};

int
main(int argc, char **argv)
{
	SRunner *sr = NULL;
	size_t i;
	int failed;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (argc > 1 && strcmp(argv[1], suites[i].name) != 0)
			continue;
		if (sr == NULL)
			sr = srunner_create(suites[i].make());
		else
			srunner_add_suite(sr, suites[i].make());
	}
	if (sr == NULL)
		return 2;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
