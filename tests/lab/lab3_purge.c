// SPDX-License-Identifier: GPL-2.0
/*
 * 70-lab-3 - lab exercise 3 (docs/LAB.md): the ioctl MQLAB_IOC_PURGE,
 * which drops every queued message of the fd's queue and returns how
 * many it dropped; it needs a fd opened for writing (EBADF otherwise)
 * and bound (EBADFD otherwise, as SEND).  Until the uapi header defines
 * MQLAB_IOC_PURGE, this SKIPs: the exercise is not done yet.
 */
#define _GNU_SOURCE

#include "mqlab_kst.h"

FIXTURE(purge) {
	struct mqk k;
};

FIXTURE_SETUP(purge)
{
	mqk_setup(_metadata, &self->k);
}

FIXTURE_TEARDOWN(purge)
{
	mqk_teardown(&self->k);
}

#ifndef MQLAB_IOC_PURGE
TEST_F(purge, not_done)
{
	SKIP(return, "exercise not done yet: no MQLAB_IOC_PURGE in the header");
}
#else
TEST_F(purge, drops_every_message_and_counts_them)
{
	const char *name = mqk_name(_metadata, &self->k, "p");
	int fd = mqk_create(_metadata, name, O_RDWR, 0600, 4, 16);

	ASSERT_EQ(0, mqk_sends(fd, "a", 1));
	ASSERT_EQ(0, mqk_sends(fd, "b", 2));
	ASSERT_EQ(0, mqk_sends(fd, "c", 3));
	EXPECT_EQ(3, mqk_ioctl(fd, MQLAB_IOC_PURGE, NULL));
	EXPECT_EQ(0, mqk_attr(_metadata, fd).curmsgs);
	EXPECT_EQ(0, mqk_ioctl(fd, MQLAB_IOC_PURGE, NULL));
	/* The queue still works. */
	ASSERT_EQ(0, mqk_sends(fd, "d", 0));
	mqk_expect_msg(_metadata, fd, "d");
	close(fd);
}

TEST_F(purge, needs_a_writer_and_a_bound_fd)
{
	const char *name = mqk_name(_metadata, &self->k, "ro");
	int fd = mqk_create(_metadata, name, O_RDWR, 0600, 4, 16);
	int ro = mqk_open_bind(name, O_RDONLY);
	int unbound = mqk_open(O_RDWR);

	ASSERT_LE(0, ro);
	ASSERT_EQ(0, mqk_sends(fd, "kept", 0));
	EXPECT_EQ(-EBADF, mqk_ioctl(ro, MQLAB_IOC_PURGE, NULL));
	EXPECT_EQ(1, mqk_attr(_metadata, fd).curmsgs);
	EXPECT_EQ(-EBADFD, mqk_ioctl(unbound, MQLAB_IOC_PURGE, NULL));
	close(unbound);
	close(ro);
	close(fd);
}
#endif

TEST_HARNESS_MAIN
