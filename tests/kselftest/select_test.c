// SPDX-License-Identifier: GPL-2.0
/*
 * select_test - /dev/mqueue-lab: receive by priority, MQLAB_IO_PRIO_EQ,
 * _LE and _NE (MQLAB_FEAT_SELECT): what each picks, FIFO within a
 * priority, every errno, and every wake-up: a blocked selective receiver
 * is handed only a message it matches (the first such receiver, one
 * wake-up per message), a message nobody blocked matches is queued, and
 * one moved in from a blocked sender reaches it too.
 */
#define _GNU_SOURCE

#include "mqlab_kst.h"

#define MAXMSG		8
#define MSGSIZE		16
#define EQ		MQLAB_IO_PRIO_EQ
#define LE		MQLAB_IO_PRIO_LE
#define NE		MQLAB_IO_PRIO_NE
#define NB		MQLAB_IO_NONBLOCK

FIXTURE(sel) {
	struct mqk k;
	const char *name;
	int fd;
};

FIXTURE_SETUP(sel)
{
	mqk_setup(_metadata, &self->k);
	self->name = mqk_name(_metadata, &self->k, "q");
	self->fd = mqk_create(_metadata, self->name, O_RDWR, 0600, MAXMSG,
			      MSGSIZE);
}

FIXTURE_TEARDOWN(sel)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

/*
 * Receive without blocking with selector @flags/@prio and assert the
 * message is @want at priority @want_prio (@want NULL: EAGAIN).
 */
static void expect_sel(struct __test_metadata *_metadata, int fd,
		       __u32 flags, __u32 prio, const char *want,
		       __u32 want_prio)
{
	struct mqlab_recv r;
	char buf[MSGSIZE];
	int ret;

	ret = mqk_recv_sel(fd, buf, sizeof(buf), flags | NB, prio, NULL, &r);
	if (!want) {
		ASSERT_EQ(-EAGAIN, ret) TH_LOG("sel %#x/%u: want none", flags,
					       prio);
		return;
	}
	ASSERT_EQ(0, ret) TH_LOG("sel %#x/%u: want \"%s\": %s", flags, prio,
				 want, strerror(-ret));
	ASSERT_EQ(strlen(want), r.len);
	ASSERT_EQ(0, memcmp(buf, want, r.len))
		TH_LOG("sel %#x/%u: got \"%.*s\", want \"%s\"", flags, prio,
		       (int)r.len, buf, want);
	EXPECT_EQ(want_prio, r.prio);
}

static void send_all(struct __test_metadata *_metadata, int fd,
		     const char *const *msgs, const __u32 *prios, int n)
{
	int i;

	for (i = 0; i < n; i++)
		ASSERT_EQ(0, mqk_sends(fd, msgs[i], prios[i]));
}

TEST_F(sel, feature_bit)
{
	ASSERT_FEATURE(self->fd, MQLAB_FEAT_SELECT);
}

TEST_F(sel, eq_picks_that_priority_in_fifo_order)
{
	static const char *const m[] = { "1a", "5a", "3a", "5b", "1b" };
	static const __u32 p[] = { 1, 5, 3, 5, 1 };

	send_all(_metadata, self->fd, m, p, 5);
	expect_sel(_metadata, self->fd, EQ, 5, "5a", 5);
	expect_sel(_metadata, self->fd, EQ, 1, "1a", 1);
	expect_sel(_metadata, self->fd, EQ, 5, "5b", 5);
	expect_sel(_metadata, self->fd, EQ, 5, NULL, 0);
	expect_sel(_metadata, self->fd, EQ, 2, NULL, 0);
	expect_sel(_metadata, self->fd, EQ, 1, "1b", 1);
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(4, mqk_attr(_metadata, self->fd).received);
	mqk_expect_msg(_metadata, self->fd, "3a");
}

TEST_F(sel, le_picks_the_highest_priority_not_above)
{
	static const char *const m[] = { "9", "5a", "3", "5b", "0" };
	static const __u32 p[] = { 9, 5, 3, 5, 0 };

	send_all(_metadata, self->fd, m, p, 5);
	expect_sel(_metadata, self->fd, LE, 6, "5a", 5);
	expect_sel(_metadata, self->fd, LE, 5, "5b", 5);
	expect_sel(_metadata, self->fd, LE, 6, "3", 3);
	expect_sel(_metadata, self->fd, LE, 2, "0", 0);
	expect_sel(_metadata, self->fd, LE, 8, NULL, 0);
	expect_sel(_metadata, self->fd, LE, MQLAB_PRIO_MAX - 1, "9", 9);
}

TEST_F(sel, ne_skips_one_priority)
{
	static const char *const m[] = { "7a", "7b", "4a", "2", "4b" };
	static const __u32 p[] = { 7, 7, 4, 2, 4 };

	send_all(_metadata, self->fd, m, p, 5);
	expect_sel(_metadata, self->fd, NE, 7, "4a", 4);
	expect_sel(_metadata, self->fd, NE, 4, "7a", 7);
	expect_sel(_metadata, self->fd, NE, 7, "4b", 4);
	expect_sel(_metadata, self->fd, NE, 7, "2", 2);
	expect_sel(_metadata, self->fd, NE, 7, NULL, 0);
	expect_sel(_metadata, self->fd, NE, 0, "7b", 7);
}

TEST_F(sel, ne_zero_with_only_zero_queued)
{
	ASSERT_EQ(0, mqk_sends(self->fd, "z", 0));
	expect_sel(_metadata, self->fd, NE, 0, NULL, 0);
	expect_sel(_metadata, self->fd, NE, 1, "z", 0);
}

/*
 * Many messages over a few priorities, taken back with every selector:
 * each priority's messages come out in the order they were sent.
 */
TEST_F(sel, fifo_within_priority_over_many_messages)
{
	char msg[MSGSIZE], buf[MSGSIZE];
	int next[4] = { 0 }, i, fd;
	struct mqlab_recv r;
	const char *name;

	name = mqk_name(_metadata, &self->k, "many");
	fd = mqk_create(_metadata, name, O_RDWR, 0600, 256, MSGSIZE);
	for (i = 0; i < 200; i++) {
		snprintf(msg, sizeof(msg), "%d", i);
		ASSERT_EQ(0, mqk_sends(fd, msg, (i * 7) % 4));
	}
	for (i = 0; i < 200; i++) {
		__u32 sel = i % 3 == 0 ? EQ : i % 3 == 1 ? LE : NE;
		__u32 prio = (i * 5) % 4;
		int ret, n;

		ret = mqk_recv_sel(fd, buf, sizeof(buf), sel | NB, prio, NULL,
				   &r);
		if (ret == -EAGAIN)
			ret = mqk_recv(fd, buf, sizeof(buf), NB, NULL, &r);
		ASSERT_EQ(0, ret) TH_LOG("receive %d: %s", i, strerror(-ret));
		ASSERT_GT(4, r.prio);
		buf[r.len] = 0;
		n = atoi(buf);
		ASSERT_EQ((n * 7) % 4, (int)r.prio);
		/* The oldest message of its priority not yet received. */
		while ((next[r.prio] * 7) % 4 != (int)r.prio)
			next[r.prio]++;
		ASSERT_EQ(next[r.prio], n) TH_LOG("priority %u", r.prio);
		next[r.prio]++;
	}
	EXPECT_EQ(0, mqk_attr(_metadata, fd).curmsgs);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

TEST_F(sel, two_selectors_is_einval)
{
	char buf[MSGSIZE];

	ASSERT_EQ(0, mqk_sends(self->fd, "x", 1));
	EXPECT_EQ(-EINVAL, mqk_recv_sel(self->fd, buf, sizeof(buf),
					EQ | LE | NB, 1, NULL, NULL));
	EXPECT_EQ(-EINVAL, mqk_recv_sel(self->fd, buf, sizeof(buf),
					EQ | NE | NB, 1, NULL, NULL));
	EXPECT_EQ(-EINVAL, mqk_recv_sel(self->fd, buf, sizeof(buf),
					LE | NE | NB, 1, NULL, NULL));
	EXPECT_EQ(-EINVAL,
		  mqk_recv_sel(self->fd, buf, sizeof(buf),
			       EQ | LE | NE | MQLAB_IO_PEEK | NB, 1, NULL,
			       NULL));
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
}

TEST_F(sel, selector_prio_out_of_range_is_einval)
{
	char buf[MSGSIZE];

	ASSERT_EQ(0, mqk_sends(self->fd, "x", 1));
	EXPECT_EQ(-EINVAL, mqk_recv_sel(self->fd, buf, sizeof(buf), EQ | NB,
					MQLAB_PRIO_MAX, NULL, NULL));
	EXPECT_EQ(-EINVAL, mqk_recv_sel(self->fd, buf, sizeof(buf), LE | NB,
					0xffffffff, NULL, NULL));
	EXPECT_EQ(-EINVAL, mqk_recv_sel(self->fd, buf, sizeof(buf),
					NE | MQLAB_IO_PEEK | NB,
					MQLAB_PRIO_MAX, NULL, NULL));
	/* Without a selector @prio is ignored on input, as before. */
	EXPECT_EQ(0, mqk_recv_sel(self->fd, buf, sizeof(buf), NB,
				  MQLAB_PRIO_MAX, NULL, NULL));
}

TEST_F(sel, selector_on_send_and_batches_is_einval)
{
	struct mqlab_batch_msg m = { .buf = mqk_ptr("x"), .len = 1 };
	struct mqlab_batch b = { .msgs = mqk_ptr(&m), .count = 1 };
	static const __u32 sels[] = { EQ, LE, NE };
	char buf[MSGSIZE];
	int i;

	for (i = 0; i < 3; i++) {
		EXPECT_EQ(-EINVAL, mqk_send(self->fd, "x", 1, 0, sels[i],
					    NULL));
		b.flags = sels[i] | NB;
		m.buf = mqk_ptr("x");
		m.len = 1;
		EXPECT_EQ(-EINVAL,
			  mqk_ioctl(self->fd, MQLAB_IOC_SEND_BATCH, &b));
	}
	ASSERT_EQ(0, mqk_sends(self->fd, "x", 0));
	for (i = 0; i < 3; i++) {
		b.flags = sels[i] | NB;
		m.buf = mqk_ptr(buf);
		m.len = sizeof(buf);
		EXPECT_EQ(-EINVAL,
			  mqk_ioctl(self->fd, MQLAB_IOC_RECV_BATCH, &b));
	}
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
}

/* EMSGSIZE: the matching message stays, @prio stays the selector. */
TEST_F(sel, small_buffer_is_emsgsize)
{
	struct mqlab_recv r;
	char buf[MSGSIZE];

	ASSERT_EQ(0, mqk_sends(self->fd, "short", 9));
	ASSERT_EQ(0, mqk_sends(self->fd, "0123456789", 3));
	EXPECT_EQ(-EMSGSIZE, mqk_recv_sel(self->fd, buf, 6, EQ | NB, 3, NULL,
					  &r));
	EXPECT_EQ(10, r.len);
	EXPECT_EQ(3, r.prio);
	EXPECT_EQ(2, mqk_attr(_metadata, self->fd).curmsgs);
	expect_sel(_metadata, self->fd, EQ, 3, "0123456789", 3);
}

TEST_F(sel, no_match_with_timeout_is_etimedout)
{
	struct mqlab_timespec ts = mqk_ts(50 * 1000 * 1000);
	char buf[MSGSIZE];

	ASSERT_EQ(0, mqk_sends(self->fd, "x", 1));
	EXPECT_EQ(-ETIMEDOUT, mqk_recv_sel(self->fd, buf, sizeof(buf),
					   EQ | MQLAB_IO_TIMEOUT, 2, &ts,
					   NULL));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).waiting_receivers);
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
}

TEST_F(sel, write_only_fd_is_ebadf)
{
	char buf[MSGSIZE];
	int fd = mqk_open_bind(self->name, O_WRONLY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBADF, mqk_recv_sel(fd, buf, sizeof(buf), EQ | NB, 0, NULL,
				       NULL));
	close(fd);
}

TEST_F(sel, bad_buffer_is_efault)
{
	ASSERT_EQ(0, mqk_sends(self->fd, "lost", 2));
	EXPECT_EQ(-EFAULT, mqk_recv_sel(self->fd, self->k.badptr, MSGSIZE,
					EQ | NB, 2, NULL, NULL));
}

TEST_F(sel, blocked_selective_receive_interrupted_is_eintr)
{
	ASSERT_EQ(0, mqk_sends(self->fd, "other", 1));
	mqk_blocked_recv_eintr(_metadata, &self->k, self->fd, EQ, 2);
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
}

TEST_F(sel, blocked_selective_receive_destroyed_is_eidrm)
{
	ASSERT_EQ(0, mqk_sends(self->fd, "other", 1));
	mqk_blocked_recv_eidrm(_metadata, &self->k, self->fd, self->name, EQ,
			       2);
}

/* ------------------------------------------------------------------ */
/* Wake-ups and hand-off                                                */
/* ------------------------------------------------------------------ */

/* A non-matching message is queued; the matching one is handed over. */
TEST_F(sel, blocked_receiver_handed_only_a_match)
{
	pid_t pid = mqk_spawn_recv(_metadata, &self->k, self->fd, EQ, 5, 0,
				   "five", 5);

	ASSERT_WAITERS(self->fd, false, 1);
	ASSERT_EQ(0, mqk_sends(self->fd, "three", 3));
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, pid, 0, NULL));
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).waiting_receivers);

	ASSERT_EQ(0, mqk_sends(self->fd, "five", 5));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	/* Handed over: never queued. */
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).received);
	mqk_expect_msg(_metadata, self->fd, "three");
}

/*
 * The first blocked receiver the message matches gets it: a plain
 * receiver behind a selective one gets what the selective one skips.
 */
TEST_F(sel, handoff_to_first_matching_receiver)
{
	pid_t a, b;

	a = mqk_spawn_recv(_metadata, &self->k, self->fd, LE, 4, 0, "two", 2);
	ASSERT_WAITERS(self->fd, false, 1);
	b = mqk_spawn_recv(_metadata, &self->k, self->fd, 0, 0, 0, "nine", 9);
	ASSERT_WAITERS(self->fd, false, 2);

	ASSERT_EQ(0, mqk_sends(self->fd, "nine", 9));
	ASSERT_EQ(0, mqk_reap(&self->k, b));
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, a, 0, NULL));
	ASSERT_EQ(0, mqk_sends(self->fd, "two", 2));
	ASSERT_EQ(0, mqk_reap(&self->k, a));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(2, mqk_attr(_metadata, self->fd).received);
}

/*
 * Two blocked receivers match: the first to block gets the first
 * message, and only it is woken; the second gets the next one.
 */
TEST_F(sel, one_wakeup_per_message_in_fifo_order)
{
	pid_t a, b;

	a = mqk_spawn_recv(_metadata, &self->k, self->fd, NE, 1, 0, "m1", 6);
	ASSERT_WAITERS(self->fd, false, 1);
	b = mqk_spawn_recv(_metadata, &self->k, self->fd, EQ, 6, 0, "m2", 6);
	ASSERT_WAITERS(self->fd, false, 2);

	ASSERT_EQ(0, mqk_sends(self->fd, "m1", 6));
	ASSERT_EQ(0, mqk_reap(&self->k, a));
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, b, 0, NULL));
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).waiting_receivers);
	ASSERT_EQ(0, mqk_sends(self->fd, "m2", 6));
	ASSERT_EQ(0, mqk_reap(&self->k, b));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
}

/*
 * A blocked receiver's match can come from a blocked sender of a full
 * queue, moved in when a plain receive frees a slot.
 */
TEST_F(sel, match_moved_in_from_blocked_sender)
{
	const char *name = mqk_name(_metadata, &self->k, "full");
	int fd = mqk_create(_metadata, name, O_RDWR, 0600, 2, MSGSIZE);
	pid_t recv, sender;

	ASSERT_EQ(0, mqk_sends(fd, "f0", 0));
	ASSERT_EQ(0, mqk_sends(fd, "f1", 0));
	recv = mqk_spawn_recv(_metadata, &self->k, fd, EQ, 4, 0, "late", 4);
	ASSERT_WAITERS(fd, false, 1);
	sender = mqk_spawn_send(_metadata, &self->k, fd, "late", 4);
	ASSERT_WAITERS(fd, true, 1);
	mqk_expect_msg(_metadata, fd, "f0");
	ASSERT_EQ(0, mqk_reap(&self->k, sender));
	ASSERT_EQ(0, mqk_reap(&self->k, recv));
	EXPECT_EQ(1, mqk_attr(_metadata, fd).curmsgs);
	mqk_expect_msg(_metadata, fd, "f1");
	close(fd);
}

/*
 * A message moved in from a blocked sender wakes every selective
 * receiver it matches, not only the first: here the first one's buffer
 * is too small, and the second must still get the message.  The first
 * gets EMSGSIZE if it looks first, or finds the message taken and waits
 * again until its 3 s run out.  The second waits at most 10 s, so a lost
 * wake-up fails, not hangs.
 */
TEST_F(sel, moved_in_wakes_the_next_match_when_the_first_is_too_small)
{
	const char *name = mqk_name(_metadata, &self->k, "small");
	int fd = mqk_create(_metadata, name, O_RDWR, 0600, 1, MSGSIZE);
	pid_t small, big, sender;

	ASSERT_EQ(0, mqk_sends(fd, "f0", 0));
	small = mqk_fork(_metadata, &self->k);
	if (small == 0) {
		struct mqlab_timespec to = mqk_ts(3ULL * 1000000000ULL);
		struct mqlab_recv r;
		char buf[2];
		int ret;

		ret = mqk_recv_sel(fd, buf, sizeof(buf), EQ | MQLAB_IO_TIMEOUT,
				   4, &to, &r);
		CHILD_CHECK(ret == -EMSGSIZE || ret == -ETIMEDOUT);
		CHILD_CHECK(ret != -EMSGSIZE || r.len == strlen("late"));
		_exit(0);
	}
	ASSERT_WAITERS(fd, false, 1);
	big = mqk_fork(_metadata, &self->k);
	if (big == 0) {
		struct mqlab_timespec to = mqk_ts(10ULL * 1000000000ULL);
		char buf[MSGSIZE];
		struct mqlab_recv r;

		CHILD_CHECK(mqk_recv_sel(fd, buf, sizeof(buf),
					 EQ | MQLAB_IO_TIMEOUT, 4, &to,
					 &r) == 0);
		CHILD_CHECK(r.len == strlen("late"));
		CHILD_CHECK(!memcmp(buf, "late", r.len));
		_exit(0);
	}
	ASSERT_WAITERS(fd, false, 2);
	sender = mqk_spawn_send(_metadata, &self->k, fd, "late", 4);
	ASSERT_WAITERS(fd, true, 1);
	/* Frees the slot: "late" moves in and wakes both receivers. */
	mqk_expect_msg(_metadata, fd, "f0");
	ASSERT_EQ(0, mqk_reap(&self->k, sender));
	ASSERT_EQ(0, mqk_reap(&self->k, small));
	ASSERT_EQ(0, mqk_reap(&self->k, big));
	EXPECT_EQ(0, mqk_attr(_metadata, fd).curmsgs);
	close(fd);
}

/*
 * A selective receiver woken for a message moved in from a blocked
 * sender, which another receive takes first, waits again, and then
 * takes the next match handed to it.  This task and the receiver share
 * CPU 0 and this one runs SCHED_FIFO, so that the receiver cannot run
 * between the wake-up and the receive that takes its message.
 */
TEST_F(sel, woken_receiver_finds_match_taken_and_waits_again)
{
	const char *name = mqk_name(_metadata, &self->k, "race");
	int fd = mqk_create(_metadata, name, O_RDWR, 0600, 2, MSGSIZE);
	char buf[MSGSIZE];
	pid_t recv, sender;
	int ret;

	ASSERT_EQ(0, mqk_pin(false));
	ASSERT_EQ(0, mqk_sends(fd, "f0", 0));
	ASSERT_EQ(0, mqk_sends(fd, "f1", 0));
	recv = mqk_spawn_recv(_metadata, &self->k, fd, EQ, 4, 0, "second", 4);
	ASSERT_WAITERS(fd, false, 1);
	sender = mqk_fork(_metadata, &self->k);
	if (sender == 0) {
		CHILD_CHECK(mqk_sends(fd, "first", 4) == 0);
		_exit(0);
	}
	ASSERT_WAITERS(fd, true, 1);
	ret = mqk_pin(true);
	if (ret == -EPERM)
		SKIP(return, "SCHED_FIFO not permitted");
	ASSERT_EQ(0, ret);
	/* Moves "first" in and wakes the receiver, ... */
	ret = mqk_recv(fd, buf, sizeof(buf), NB, NULL, NULL);
	/* ... which finds it gone. */
	if (!ret)
		ret = mqk_recv_sel(fd, buf, sizeof(buf), EQ | NB, 4, NULL,
				   NULL);
	ASSERT_EQ(0, mqk_pin(false));
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, mqk_reap(&self->k, sender));

	ASSERT_WAITERS(fd, false, 1);
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, recv, 0, NULL));
	ASSERT_EQ(0, mqk_sends(fd, "second", 4));
	ASSERT_EQ(0, mqk_reap(&self->k, recv));
	EXPECT_EQ(1, mqk_attr(_metadata, fd).curmsgs);
	EXPECT_EQ(3, mqk_attr(_metadata, fd).received);
	mqk_expect_msg(_metadata, fd, "f1");
	close(fd);
}

/* With MQLAB_IO_PEEK: a look at the first match, which stays queued. */
TEST_F(sel, peek_at_first_match)
{
	static const char *const m[] = { "9", "4a", "4b" };
	static const __u32 p[] = { 9, 4, 4 };
	pid_t pid;

	send_all(_metadata, self->fd, m, p, 3);
	expect_sel(_metadata, self->fd, EQ | MQLAB_IO_PEEK, 4, "4a", 4);
	expect_sel(_metadata, self->fd, NE | MQLAB_IO_PEEK, 9, "4a", 4);
	expect_sel(_metadata, self->fd, LE | MQLAB_IO_PEEK, 3, NULL, 0);
	EXPECT_EQ(3, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).received);

	/* A blocked selective peek: woken only by a match, takes nothing. */
	pid = mqk_spawn_recv(_metadata, &self->k, self->fd,
			     LE | MQLAB_IO_PEEK, 3, 0, "2", 2);
	ASSERT_WAITERS(self->fd, false, 1);
	ASSERT_EQ(0, mqk_sends(self->fd, "7", 7));
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, pid, 0, NULL));
	ASSERT_EQ(0, mqk_sends(self->fd, "2", 2));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(5, mqk_attr(_metadata, self->fd).curmsgs);
	expect_sel(_metadata, self->fd, EQ, 2, "2", 2);
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
