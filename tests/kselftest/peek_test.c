// SPDX-License-Identifier: GPL-2.0
/*
 * peek_test - /dev/mqueue-lab: MQLAB_IO_PEEK (MQLAB_FEAT_PEEK), a
 * receive that leaves the message queued: every errno, that it consumes
 * nothing (curmsgs, received, blocked senders), and every wake-up: a
 * blocked peeker is woken by a queued message, never by one handed to a
 * blocked receiver, and waits again when the message is taken first.
 */
#define _GNU_SOURCE

#include "mqlab_kst.h"

#define MAXMSG		2
#define MSGSIZE		16
#define PEEK		MQLAB_IO_PEEK
#define PEEK_NB		(MQLAB_IO_PEEK | MQLAB_IO_NONBLOCK)

FIXTURE(peek) {
	struct mqk k;
	const char *name;
	int fd;
};

FIXTURE_SETUP(peek)
{
	mqk_setup(_metadata, &self->k);
	self->name = mqk_name(_metadata, &self->k, "q");
	self->fd = mqk_create(_metadata, self->name, O_RDWR, 0600, MAXMSG,
			      MSGSIZE);
}

FIXTURE_TEARDOWN(peek)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(peek, feature_bit)
{
	ASSERT_FEATURE(self->fd, MQLAB_FEAT_PEEK);
}

/* A peek returns what the receive then gets, and leaves it queued. */
TEST_F(peek, copies_without_removing)
{
	struct mqlab_recv p, r;
	char buf[MSGSIZE];

	ASSERT_EQ(0, mqk_sends(self->fd, "low", 1));
	ASSERT_EQ(0, mqk_sends(self->fd, "high", 7));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf), PEEK_NB, NULL, &p));
	ASSERT_EQ(4, p.len);
	EXPECT_EQ(0, memcmp(buf, "high", 4));
	EXPECT_EQ(7, p.prio);
	EXPECT_EQ(getpid(), (pid_t)p.pid);
	EXPECT_EQ(getuid(), p.uid);
	EXPECT_NE(0, p.timestamp_ns);
	EXPECT_EQ(0, p.pad);
	EXPECT_EQ(2, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).received);

	/* Again: the same message. */
	ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf), PEEK_NB, NULL, &r));
	EXPECT_EQ(p.timestamp_ns, r.timestamp_ns);
	EXPECT_EQ(0, memcmp(buf, "high", 4));

	/* The receive takes exactly that one. */
	ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf), 0, NULL, &r));
	EXPECT_EQ(4, r.len);
	EXPECT_EQ(0, memcmp(buf, "high", 4));
	EXPECT_EQ(p.timestamp_ns, r.timestamp_ns);
	EXPECT_EQ(p.pid, r.pid);
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).received);
	mqk_expect_msg(_metadata, self->fd, "low");
}

TEST_F(peek, zero_length_message)
{
	struct mqlab_recv r;

	ASSERT_EQ(0, mqk_send(self->fd, "", 0, 3, 0, NULL));
	ASSERT_EQ(0, mqk_recv(self->fd, NULL, 0, PEEK_NB, NULL, &r));
	EXPECT_EQ(0, r.len);
	EXPECT_EQ(3, r.prio);
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
}

/* A peek at a full queue moves no blocked sender in. */
TEST_F(peek, does_not_wake_senders)
{
	char buf[MSGSIZE];
	pid_t pid;

	ASSERT_EQ(0, mqk_sends(self->fd, "f0", 0));
	ASSERT_EQ(0, mqk_sends(self->fd, "f1", 0));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_sends(self->fd, "late", 0) == 0);
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, true, 1);
	ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf), PEEK_NB, NULL,
			      NULL));
	mqk_sleep_ms(MQK_GRACE_MS);
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).waiting_senders);
	EXPECT_EQ(MAXMSG, mqk_attr(_metadata, self->fd).curmsgs);
	mqk_expect_msg(_metadata, self->fd, "f0");
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	mqk_expect_msg(_metadata, self->fd, "f1");
	mqk_expect_msg(_metadata, self->fd, "late");
}

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

TEST_F(peek, empty_nonblocking_is_eagain)
{
	char buf[MSGSIZE];

	EXPECT_EQ(-EAGAIN, mqk_recv(self->fd, buf, sizeof(buf), PEEK_NB, NULL,
				    NULL));
}

TEST_F(peek, empty_o_nonblock_fd_is_eagain)
{
	char buf[MSGSIZE];

	ASSERT_EQ(0, mqk_setattr(self->fd, MQLAB_FD_NONBLOCK));
	EXPECT_EQ(-EAGAIN, mqk_recv(self->fd, buf, sizeof(buf), PEEK, NULL,
				    NULL));
}

TEST_F(peek, timeout_is_etimedout)
{
	struct mqlab_timespec ts = mqk_ts(50 * 1000 * 1000);
	char buf[MSGSIZE];

	EXPECT_EQ(-ETIMEDOUT, mqk_recv(self->fd, buf, sizeof(buf),
				       PEEK | MQLAB_IO_TIMEOUT, &ts, NULL));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).waiting_receivers);
}

TEST_F(peek, bad_timeout_is_einval)
{
	struct mqlab_timespec ts = { .tv_sec = 0, .tv_nsec = 1000000000 };
	char buf[MSGSIZE];

	EXPECT_EQ(-EINVAL, mqk_recv(self->fd, buf, sizeof(buf),
				    PEEK | MQLAB_IO_TIMEOUT, &ts, NULL));
}

/* The buffer is too small: EMSGSIZE, the size needed, nothing moves. */
TEST_F(peek, small_buffer_is_emsgsize)
{
	struct mqlab_recv r;
	char buf[MSGSIZE];

	ASSERT_EQ(0, mqk_sends(self->fd, "0123456789", 2));
	EXPECT_EQ(-EMSGSIZE, mqk_recv(self->fd, buf, 4, PEEK_NB, NULL, &r));
	EXPECT_EQ(10, r.len);
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
	mqk_expect_msg(_metadata, self->fd, "0123456789");
}

/* A faulting buffer loses nothing (a receive would lose the message). */
TEST_F(peek, bad_buffer_is_efault_and_keeps_the_message)
{
	ASSERT_EQ(0, mqk_sends(self->fd, "keep", 0));
	EXPECT_EQ(-EFAULT, mqk_recv(self->fd, self->k.badptr, MSGSIZE,
				    PEEK_NB, NULL, NULL));
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).received);
	mqk_expect_msg(_metadata, self->fd, "keep");
}

TEST_F(peek, write_only_fd_is_ebadf)
{
	char buf[MSGSIZE];
	int fd = mqk_open_bind(self->name, O_WRONLY);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mqk_sends(fd, "x", 0));
	EXPECT_EQ(-EBADF, mqk_recv(fd, buf, sizeof(buf), PEEK_NB, NULL, NULL));
	close(fd);
}

TEST_F(peek, unbound_fd_is_ebadfd)
{
	char buf[MSGSIZE];
	int fd = mqk_open(O_RDWR);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBADFD, mqk_recv(fd, buf, sizeof(buf), PEEK_NB, NULL,
				    NULL));
	close(fd);
}

/* PEEK is a receive flag: not for SEND, not (yet) for the batches. */
TEST_F(peek, peek_on_send_and_batches_is_einval)
{
	struct mqlab_batch_msg m = { .buf = mqk_ptr("x"), .len = 1 };
	struct mqlab_batch b = {
		.msgs = mqk_ptr(&m), .count = 1, .flags = PEEK_NB,
	};
	char buf[MSGSIZE];

	EXPECT_EQ(-EINVAL, mqk_send(self->fd, "x", 1, 0, PEEK, NULL));
	EXPECT_EQ(-EINVAL, mqk_ioctl(self->fd, MQLAB_IOC_SEND_BATCH, &b));
	ASSERT_EQ(0, mqk_sends(self->fd, "x", 0));
	m.buf = mqk_ptr(buf);
	m.len = sizeof(buf);
	EXPECT_EQ(-EINVAL, mqk_ioctl(self->fd, MQLAB_IOC_RECV_BATCH, &b));
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
}

/* A blocked peek ends with EINTR on a signal; nothing is consumed. */
TEST_F(peek, blocked_peek_interrupted_is_eintr)
{
	mqk_blocked_recv_eintr(_metadata, &self->k, self->fd, PEEK, 0);
}

/* A destroy wakes a blocked peeker with EIDRM. */
TEST_F(peek, blocked_peek_destroyed_is_eidrm)
{
	mqk_blocked_recv_eidrm(_metadata, &self->k, self->fd, self->name, PEEK,
			       0);
	EXPECT_EQ(-EIDRM, mqk_recv(self->fd, NULL, 0, PEEK_NB, NULL, NULL));
}

/* ------------------------------------------------------------------ */
/* Wake-ups                                                             */
/* ------------------------------------------------------------------ */

/* A blocked peek is woken by a send; the message stays queued. */
TEST_F(peek, blocked_peek_woken_by_send)
{
	pid_t pid = mqk_spawn_recv(_metadata, &self->k, self->fd, PEEK, 0, 0,
				   "hello", 6);

	ASSERT_WAITERS(self->fd, false, 1);
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, pid, 0, NULL));
	ASSERT_EQ(0, mqk_sends(self->fd, "hello", 6));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).received);
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).waiting_receivers);
	mqk_expect_msg(_metadata, self->fd, "hello");
}

/* Every blocked peeker sees the one message. */
TEST_F(peek, every_blocked_peeker_is_woken)
{
	pid_t a = mqk_spawn_recv(_metadata, &self->k, self->fd, PEEK, 0, 0,
				 "m", 0);
	pid_t b;

	ASSERT_WAITERS(self->fd, false, 1);
	b = mqk_spawn_recv(_metadata, &self->k, self->fd, PEEK, 0, 0, "m", 0);
	ASSERT_WAITERS(self->fd, false, 2);
	ASSERT_EQ(0, mqk_sends(self->fd, "m", 0));
	ASSERT_EQ(0, mqk_reap(&self->k, a));
	ASSERT_EQ(0, mqk_reap(&self->k, b));
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
}

/*
 * A peek takes no part in hand-off: with a peeker blocked before a
 * receiver, a send still goes to the receiver, and the peeker (the queue
 * being empty again) stays blocked until a message is queued.
 */
TEST_F(peek, receiver_behind_peeker_gets_the_handoff)
{
	pid_t peeker, recv;

	peeker = mqk_spawn_recv(_metadata, &self->k, self->fd, PEEK, 0, 0,
				"second", 0);
	ASSERT_WAITERS(self->fd, false, 1);
	recv = mqk_spawn_recv(_metadata, &self->k, self->fd, 0, 0, 0, "first",
			      0);
	ASSERT_WAITERS(self->fd, false, 2);

	ASSERT_EQ(0, mqk_sends(self->fd, "first", 0));
	ASSERT_EQ(0, mqk_reap(&self->k, recv));
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).received);
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, peeker, 0, NULL));
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).waiting_receivers);

	ASSERT_EQ(0, mqk_sends(self->fd, "second", 0));
	ASSERT_EQ(0, mqk_reap(&self->k, peeker));
	mqk_expect_msg(_metadata, self->fd, "second");
}

/*
 * A woken peeker that finds its message taken waits again.  The peeker
 * and this task share CPU 0 and this one runs SCHED_FIFO, so the
 * peeker, woken by the send, cannot run before the receive that
 * follows it: it must find the queue empty and block again, then see
 * the next message.
 */
TEST_F(peek, woken_peeker_finds_message_taken_and_waits_again)
{
	char buf[MSGSIZE];
	pid_t pid;
	int ret;

	ASSERT_EQ(0, mqk_pin(false));
	pid = mqk_spawn_recv(_metadata, &self->k, self->fd, PEEK, 0, 0,
			     "second", 0);
	ASSERT_WAITERS(self->fd, false, 1);
	ret = mqk_pin(true);
	if (ret == -EPERM)
		SKIP(return, "SCHED_FIFO not permitted");
	ASSERT_EQ(0, ret);
	ret = mqk_sends(self->fd, "first", 0);
	if (!ret)
		ret = mqk_recv(self->fd, buf, sizeof(buf), MQLAB_IO_NONBLOCK,
			       NULL, NULL);
	ASSERT_EQ(0, mqk_pin(false));
	ASSERT_EQ(0, ret);

	ASSERT_WAITERS(self->fd, false, 1);
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, pid, 0, NULL));
	ASSERT_EQ(0, mqk_sends(self->fd, "second", 0));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	mqk_expect_msg(_metadata, self->fd, "second");
}

/*
 * A message that a receive puts back into a full queue from a blocked
 * sender (pipelined receive) wakes a blocked peeker too: here the peeker
 * asks for a priority only the blocked sender's message has.
 */
TEST_F(peek, message_moved_in_from_blocked_sender_wakes_peeker)
{
	pid_t peeker, sender;

	ASSERT_EQ(0, mqk_sends(self->fd, "f0", 0));
	ASSERT_EQ(0, mqk_sends(self->fd, "f1", 0));
	peeker = mqk_spawn_recv(_metadata, &self->k, self->fd,
				PEEK | MQLAB_IO_PRIO_EQ, 4, 0, "late", 4);
	ASSERT_WAITERS(self->fd, false, 1);
	sender = mqk_fork(_metadata, &self->k);
	if (sender == 0) {
		CHILD_CHECK(mqk_sends(self->fd, "late", 4) == 0);
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, true, 1);
	mqk_expect_msg(_metadata, self->fd, "f0");
	ASSERT_EQ(0, mqk_reap(&self->k, sender));
	ASSERT_EQ(0, mqk_reap(&self->k, peeker));
	mqk_expect_msg(_metadata, self->fd, "late");
	mqk_expect_msg(_metadata, self->fd, "f1");
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
