/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Included last in each test program, just before TEST_HARNESS_MAIN:
 * fixtures run in declaration order, so this test runs after all the
 * others and fails when any queue a test made is still there (every
 * test must unlink what it creates).
 */
#ifndef MQLAB_KST_LAST_H
#define MQLAB_KST_LAST_H

#include "mqlab_kst.h"

FIXTURE(zz_cleanup) {
	struct mqk k;
};

FIXTURE_SETUP(zz_cleanup)
{
	mqk_setup(_metadata, &self->k);
}

FIXTURE_TEARDOWN(zz_cleanup)
{
	mqk_teardown(&self->k);
}

TEST_F(zz_cleanup, no_queue_left_behind)
{
	char names[1024];
	int n = mqk_proc_leftovers(names, sizeof(names));

	ASSERT_EQ(0, n) TH_LOG("left behind: %s", names);
}

#endif /* MQLAB_KST_LAST_H */
