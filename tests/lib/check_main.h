/* SPDX-License-Identifier: MIT */
/*
 * check_main.h - the one Check runner of libmqdev's test programs
 * (tests/lib and tests/unit): a table of cases grouped into test cases
 * by name, each case in its own forked child, TAP on stdout.
 *
 * A program that needs the device names its path in .device: when that
 * is not accessible every case is reported as "ok N - tcase:name # SKIP
 * path: reason" and the program exits 0.
 */
#ifndef MQLAB_TESTS_CHECK_MAIN_H
#define MQLAB_TESTS_CHECK_MAIN_H

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * A table of these is local to main(): Check's test names (TTest *) are
 * variables, no constant initializers.
 */
struct test_case {
	const char *tcase;	/* consecutive cases of one name share it */
	const TTest *test;
};

struct check_suite {
	const char *name;
	const struct test_case *cases;
	size_t ncases;
	void (*setup)(void);	/* checked fixture of every tcase, or NULL */
	void (*teardown)(void);
	int timeout;		/* seconds, per case */
	const char *device;	/* skip all without R/W access, or NULL */
};

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Every case as a TAP SKIP with @why; the TAP plan first. */
static inline void check_skip_all(const struct check_suite *cs,
				  const char *why)
{
	size_t i;

	printf("1..%zu\n", cs->ncases);
	for (i = 0; i < cs->ncases; i++)
		printf("ok %zu - %s:%s # SKIP %s: %s\n", i + 1,
		       cs->cases[i].tcase, cs->cases[i].test->name,
		       cs->device, why);
}

/* Run @cs, TAP on stdout; the exit status for main(). */
static inline int check_main(const struct check_suite *cs)
{
	const char *cur = NULL;
	TCase *tc = NULL;
	SRunner *sr;
	Suite *s;
	size_t i;
	int failed;

	if (cs->device && access(cs->device, R_OK | W_OK)) {
		check_skip_all(cs, strerror(errno));
		return EXIT_SUCCESS;
	}
	s = suite_create(cs->name);
	for (i = 0; i < cs->ncases; i++) {
		if (!cur || strcmp(cur, cs->cases[i].tcase)) {
			cur = cs->cases[i].tcase;
			tc = tcase_create(cur);
			if (cs->setup || cs->teardown)
				tcase_add_checked_fixture(tc, cs->setup,
							  cs->teardown);
			tcase_set_timeout(tc, cs->timeout);
			suite_add_tcase(s, tc);
		}
		tcase_add_test(tc, cs->cases[i].test);
	}
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* MQLAB_TESTS_CHECK_MAIN_H */
