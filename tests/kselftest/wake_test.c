// SPDX-License-Identifier: GPL-2.0
/*
 * wake_test - /dev/mqueue-lab: blocking and wake-ups across processes,
 * interruption by signals (EINTR and SA_RESTART), no message lost, and
 * poll(2) woken by another process.
 */
#define _GNU_SOURCE

#include "mqlab_kst.h"

#define MAXMSG		2
#define NWAITERS	3

FIXTURE(wake) {
	struct mqk k;
	const char *name;
	int fd;
};

FIXTURE_SETUP(wake)
{
	mqk_setup(_metadata, &self->k);
	self->name = mqk_name(_metadata, &self->k, "q");
	self->fd = mqk_create(_metadata, self->name, O_RDWR, 0600, MAXMSG, 16);
}

FIXTURE_TEARDOWN(wake)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

static void fill(struct __test_metadata *_metadata, int fd)
{
	ASSERT_EQ(0, mqk_sends(fd, "f0", 0));
	ASSERT_EQ(0, mqk_sends(fd, "f1", 0));
	ASSERT_EQ(MAXMSG, mqk_attr(_metadata, fd).curmsgs);
}

/* Assert that no remaining child has exited (after a grace period). */
#define ASSERT_NO_EXIT(k) do {						\
	struct mqk *__k = (k);						\
	pid_t __who = 0;						\
	int __st;							\
									\
	if (__k->nkids) {						\
		__st = mqk_reap_timed(__k, -1, 0, &__who);		\
		ASSERT_EQ(-ETIMEDOUT, __st)				\
			TH_LOG("child %d exited (%d)", (int)__who, __st); \
	}								\
} while (0)

/* ------------------------------------------------------------------ */
/* One waiter                                                           */
/* ------------------------------------------------------------------ */

TEST_F(wake, blocked_receiver_woken_by_send)
{
	pid_t parent = getpid(), pid;

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		struct mqlab_recv r;
		char buf[16];

		CHILD_CHECK(mqk_recv(self->fd, buf, sizeof(buf), 0, NULL,
				     &r) == 0);
		CHILD_CHECK(r.len == 5 && !memcmp(buf, "hello", 5));
		CHILD_CHECK(r.prio == 6);
		CHILD_CHECK((pid_t)r.pid == parent);
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, false, 1);
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_NO_EXIT(&self->k);
	ASSERT_EQ(0, mqk_sends(self->fd, "hello", 6));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).received);
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).waiting_receivers);
}

TEST_F(wake, blocked_sender_woken_by_recv)
{
	pid_t pid;

	fill(_metadata, self->fd);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_sends(self->fd, "late", 0) == 0);
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, true, 1);
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_NO_EXIT(&self->k);
	EXPECT_EQ(MAXMSG, mqk_attr(_metadata, self->fd).curmsgs);
	mqk_expect_msg(_metadata, self->fd, "f0");
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).waiting_senders);
	mqk_expect_msg(_metadata, self->fd, "f1");
	mqk_expect_msg(_metadata, self->fd, "late");
}

/*
 * A receiver blocked with a buffer too small for the message that then
 * arrives gets EMSGSIZE and the size needed; the message stays queued.
 */
TEST_F(wake, blocked_receiver_with_small_buffer_gets_emsgsize)
{
	pid_t pid;

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		struct mqlab_recv r;
		char buf[16];

		CHILD_CHECK(mqk_recv(self->fd, buf, 2, 0, NULL, &r) ==
			    -EMSGSIZE);
		CHILD_CHECK(r.len == 10);
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, false, 1);
	ASSERT_EQ(0, mqk_sends(self->fd, "0123456789", 0));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).received);
	mqk_expect_msg(_metadata, self->fd, "0123456789");
}

/* A waiter killed by a fatal signal takes no message with it. */
TEST_F(wake, killed_receiver_takes_nothing)
{
	pid_t pid;

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		char buf[16];

		mqk_recv(self->fd, buf, sizeof(buf), 0, NULL, NULL);
		_exit(1);
	}
	ASSERT_WAITERS(self->fd, false, 1);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, mqk_reap(&self->k, pid));
	ASSERT_WAITERS(self->fd, false, 0);
	ASSERT_EQ(0, mqk_sends(self->fd, "kept", 0));
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
	mqk_expect_msg(_metadata, self->fd, "kept");
}

/* ------------------------------------------------------------------ */
/* N waiters: one message or one free slot wakes exactly one            */
/* ------------------------------------------------------------------ */

TEST_F(wake, one_send_wakes_one_receiver)
{
	pid_t pid, who;
	int i, st, seen = 0;
	char msg[2] = "0";

	for (i = 0; i < NWAITERS; i++) {
		pid = mqk_fork(_metadata, &self->k);
		if (pid == 0) {
			struct mqlab_recv r;
			char buf[16];

			CHILD_CHECK(mqk_recv(self->fd, buf, sizeof(buf), 0,
					     NULL, &r) == 0);
			CHILD_CHECK(r.len == 1 && buf[0] >= '1' &&
				    buf[0] <= '0' + NWAITERS);
			_exit(10 + buf[0] - '0');
		}
	}
	ASSERT_WAITERS(self->fd, false, NWAITERS);

	for (i = 1; i <= NWAITERS; i++) {
		msg[0] = '0' + i;
		ASSERT_EQ(0, mqk_sends(self->fd, msg, 0));
		st = mqk_reap_timed(&self->k, -1, MQK_WAIT_MS, &who);
		ASSERT_EQ(10 + i, st) TH_LOG("message %d", i);
		seen++;
		/* the others stay blocked, and the message is not queued */
		mqk_sleep_ms(MQK_GRACE_MS);
		ASSERT_NO_EXIT(&self->k);
		EXPECT_EQ(NWAITERS - seen,
			  (int)mqk_attr(_metadata, self->fd).waiting_receivers);
		EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
	}
	EXPECT_EQ(NWAITERS, mqk_attr(_metadata, self->fd).sent);
	EXPECT_EQ(NWAITERS, mqk_attr(_metadata, self->fd).received);
}

TEST_F(wake, one_recv_wakes_one_sender)
{
	pid_t kid[NWAITERS], order[NWAITERS];
	char want[16];
	int i, j, st;

	fill(_metadata, self->fd);
	for (i = 0; i < NWAITERS; i++) {
		kid[i] = mqk_fork(_metadata, &self->k);
		if (kid[i] == 0) {
			char msg[16];

			snprintf(msg, sizeof(msg), "s%d", i);
			CHILD_CHECK(mqk_sends(self->fd, msg, 0) == 0);
			_exit(0);
		}
	}
	ASSERT_WAITERS(self->fd, true, NWAITERS);

	/* each of the first NWAITERS receives frees one slot */
	for (i = 0; i < NWAITERS; i++) {
		if (i < MAXMSG) {
			snprintf(want, sizeof(want), "f%d", i);
		} else {
			/* FIFO: the sender woken first queued first */
			for (j = 0; j < NWAITERS; j++)
				if (kid[j] == order[i - MAXMSG])
					break;
			snprintf(want, sizeof(want), "s%d", j);
		}
		mqk_expect_msg(_metadata, self->fd, want);
		st = mqk_reap_timed(&self->k, -1, MQK_WAIT_MS, &order[i]);
		ASSERT_EQ(0, st) TH_LOG("receive %d woke no sender", i);
		mqk_sleep_ms(MQK_GRACE_MS);
		ASSERT_NO_EXIT(&self->k);
		EXPECT_EQ(NWAITERS - 1 - i,
			  (int)mqk_attr(_metadata, self->fd).waiting_senders);
		EXPECT_EQ(MAXMSG, mqk_attr(_metadata, self->fd).curmsgs);
	}
	/* the rest, in the order the senders were woken */
	for (i = NWAITERS - MAXMSG; i < NWAITERS; i++) {
		for (j = 0; j < NWAITERS; j++)
			if (kid[j] == order[i])
				break;
		snprintf(want, sizeof(want), "s%d", j);
		mqk_expect_msg(_metadata, self->fd, want);
	}
	EXPECT_EQ(MAXMSG + NWAITERS, mqk_attr(_metadata, self->fd).received);
}

/* ------------------------------------------------------------------ */
/* Signals                                                              */
/* ------------------------------------------------------------------ */

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t sig_count;

static void on_signal(int sig)
{
	int saved = errno;

	(void)sig;
	sig_count++;
	if (sig_pipe[1] >= 0) {
		ssize_t n = write(sig_pipe[1], "s", 1);

		(void)n;
	}
	errno = saved;
}

/* In a child: catch SIGUSR1, with or without SA_RESTART. */
static int catch_usr1(bool restart)
{
	struct sigaction sa = {
		.sa_handler = on_signal,
		.sa_flags = restart ? SA_RESTART : 0,
	};

	sigemptyset(&sa.sa_mask);
	return sigaction(SIGUSR1, &sa, NULL);
}

/* In the parent: wait until the child's handler has run once. */
static int wait_handler(void)
{
	struct pollfd p = { .fd = sig_pipe[0], .events = POLLIN };
	char c;

	if (poll(&p, 1, MQK_WAIT_MS) != 1)
		return -ETIMEDOUT;
	return read(sig_pipe[0], &c, 1) == 1 ? 0 : -EIO;
}

static void make_sig_pipe(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, pipe2(sig_pipe, O_CLOEXEC));
}

TEST_F(wake, signal_interrupts_recv)
{
	pid_t pid;

	make_sig_pipe(_metadata);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		char buf[16];

		CHILD_CHECK(catch_usr1(false) == 0);
		CHILD_CHECK(mqk_recv(self->fd, buf, sizeof(buf), 0, NULL,
				     NULL) == -EINTR);
		CHILD_CHECK(sig_count == 1);
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, false, 1);
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).waiting_receivers);
	/* a message sent now is still there for someone else */
	ASSERT_EQ(0, mqk_sends(self->fd, "after", 0));
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
	mqk_expect_msg(_metadata, self->fd, "after");
}

TEST_F(wake, signal_interrupts_send)
{
	pid_t pid;

	fill(_metadata, self->fd);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(catch_usr1(false) == 0);
		CHILD_CHECK(mqk_sends(self->fd, "never", 0) == -EINTR);
		CHILD_CHECK(sig_count == 1);
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, true, 1);
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).waiting_senders);
	EXPECT_EQ(MAXMSG, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(MAXMSG, mqk_attr(_metadata, self->fd).sent);
	mqk_expect_msg(_metadata, self->fd, "f0");
	mqk_expect_msg(_metadata, self->fd, "f1");
	ASSERT_EQ(-EAGAIN, mqk_recv(self->fd, NULL, 0, MQLAB_IO_NONBLOCK,
				    NULL, NULL));
}

/*
 * Under SA_RESTART a wait goes on after the handler, and then gets the
 * message; also with an absolute timeout.
 */
FIXTURE(restart) {
	struct mqk k;
	int fd;
};

FIXTURE_VARIANT(restart) {
	bool send;
	__u32 flags;		/* MQLAB_IO_TIMEOUT | ...: 60 s timeout */
};

FIXTURE_VARIANT_ADD(restart, recv) { .send = false, };

FIXTURE_VARIANT_ADD(restart, recv_abstime_monotonic) {
	.flags = MQLAB_IO_TIMEOUT | MQLAB_IO_ABSTIME,
};

FIXTURE_VARIANT_ADD(restart, recv_abstime_realtime) {
	.flags = MQLAB_IO_TIMEOUT | MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME,
};

FIXTURE_VARIANT_ADD(restart, send) { .send = true, };

FIXTURE_VARIANT_ADD(restart, send_abstime_monotonic) {
	.send = true, .flags = MQLAB_IO_TIMEOUT | MQLAB_IO_ABSTIME,
};

FIXTURE_SETUP(restart)
{
	mqk_setup(_metadata, &self->k);
	self->fd = mqk_create(_metadata, mqk_name(_metadata, &self->k, "q"),
			      O_RDWR, 0600, MAXMSG, 16);
	make_sig_pipe(_metadata);
}

FIXTURE_TEARDOWN(restart)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

static struct mqlab_timespec far_deadline(__u32 flags)
{
	clockid_t clk = flags & MQLAB_IO_REALTIME ? CLOCK_REALTIME :
						    CLOCK_MONOTONIC;

	return mqk_ts(mqk_now_ns(clk) + 60ULL * 1000000000ULL);
}

TEST_F(restart, sa_restart_continues_wait)
{
	pid_t pid;

	if (variant->send)
		fill(_metadata, self->fd);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		struct mqlab_timespec deadline = far_deadline(variant->flags);
		/* no timeout struct without MQLAB_IO_TIMEOUT */
		struct mqlab_timespec *to = variant->flags ? &deadline : NULL;
		struct mqlab_recv r;
		char buf[16];

		CHILD_CHECK(catch_usr1(true) == 0);
		if (variant->send) {
			CHILD_CHECK(mqk_send(self->fd, "restarted", 9, 0,
					     variant->flags, to) == 0);
		} else {
			CHILD_CHECK(mqk_recv(self->fd, buf, sizeof(buf),
					     variant->flags, to, &r) == 0);
			CHILD_CHECK(r.len == 4 && !memcmp(buf, "late", 4));
		}
		CHILD_CHECK(sig_count == 1);
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, variant->send, 1);
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	ASSERT_EQ(0, wait_handler()) TH_LOG("handler did not run");
	/* back in the wait, not returned */
	ASSERT_WAITERS(self->fd, variant->send, 1);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, pid, 0, NULL));
	if (variant->send)
		mqk_expect_msg(_metadata, self->fd, "f0");
	else
		ASSERT_EQ(0, mqk_sends(self->fd, "late", 0));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	if (variant->send) {
		mqk_expect_msg(_metadata, self->fd, "f1");
		mqk_expect_msg(_metadata, self->fd, "restarted");
	}
}

/* A wait with a relative timeout always ends with EINTR. */
FIXTURE(relative_eintr) {
	struct mqk k;
	int fd;
};

FIXTURE_VARIANT(relative_eintr) {
	bool send;
	__u32 flags;
};

FIXTURE_VARIANT_ADD(relative_eintr, recv_monotonic) { .send = false, };

FIXTURE_VARIANT_ADD(relative_eintr, recv_realtime) {
	.flags = MQLAB_IO_REALTIME,
};

FIXTURE_VARIANT_ADD(relative_eintr, send_monotonic) { .send = true, };

FIXTURE_SETUP(relative_eintr)
{
	mqk_setup(_metadata, &self->k);
	self->fd = mqk_create(_metadata, mqk_name(_metadata, &self->k, "q"),
			      O_RDWR, 0600, MAXMSG, 16);
}

FIXTURE_TEARDOWN(relative_eintr)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(relative_eintr, sa_restart_relative_timeout_is_eintr)
{
	pid_t pid;

	if (variant->send)
		fill(_metadata, self->fd);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		struct mqlab_timespec to = mqk_ts(60ULL * 1000000000ULL);
		__u32 flags = MQLAB_IO_TIMEOUT | variant->flags;
		char buf[16];
		int ret;

		CHILD_CHECK(catch_usr1(true) == 0);
		if (variant->send)
			ret = mqk_send(self->fd, "x", 1, 0, flags, &to);
		else
			ret = mqk_recv(self->fd, buf, sizeof(buf), flags, &to,
				       NULL);
		CHILD_CHECK(ret == -EINTR);
		CHILD_CHECK(sig_count == 1);
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, variant->send, 1);
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	/* well before the 60 s timeout */
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(variant->send ? MAXMSG : 0,
		  (int)mqk_attr(_metadata, self->fd).curmsgs);
}

/*
 * No message is lost or duplicated when signals and messages race: a
 * receiver that restarts on EINTR gets every message exactly once, in
 * order, while each send is paired with a signal.
 */
#define RACE_ROUNDS	30

TEST_F(wake, no_message_lost_receiving_under_signals)
{
	unsigned char msg;
	struct mqlab_attr a;
	pid_t pid;
	int i;

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		struct mqlab_recv r;
		unsigned char buf[16];
		int got = 0, intr = 0, ret;

		CHILD_CHECK(catch_usr1(false) == 0);
		while (got < RACE_ROUNDS) {
			ret = mqk_recv(self->fd, buf, sizeof(buf), 0, NULL, &r);
			if (ret == -EINTR) {
				intr++;
				continue;
			}
			CHILD_CHECK(ret == 0);
			CHILD_CHECK(r.len == 1);
			CHILD_CHECK(buf[0] == got);
			got++;
		}
		fprintf(stderr, "# receiver: %d messages, %d EINTR\n", got,
			intr);
		_exit(0);
	}
	for (i = 0; i < RACE_ROUNDS; i++) {
		ASSERT_WAITERS(self->fd, false, 1);
		msg = i;
		if (i & 1) {
			ASSERT_EQ(0, kill(pid, SIGUSR1));
			ASSERT_EQ(0, mqk_send(self->fd, &msg, 1, 0, 0, NULL));
		} else {
			ASSERT_EQ(0, mqk_send(self->fd, &msg, 1, 0, 0, NULL));
			ASSERT_EQ(0, kill(pid, SIGUSR1));
		}
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	a = mqk_attr(_metadata, self->fd);
	EXPECT_EQ(RACE_ROUNDS, a.sent);
	EXPECT_EQ(RACE_ROUNDS, a.received);
	EXPECT_EQ(0, a.curmsgs);
}

TEST_F(wake, no_message_lost_sending_under_signals)
{
	unsigned char buf[16];
	struct mqlab_recv r;
	struct mqlab_attr a;
	pid_t pid;
	int i;

	fill(_metadata, self->fd);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		unsigned char msg;
		int sent = 0, intr = 0, ret;

		CHILD_CHECK(catch_usr1(false) == 0);
		while (sent < RACE_ROUNDS) {
			msg = sent;
			ret = mqk_send(self->fd, &msg, 1, 0, 0, NULL);
			if (ret == -EINTR) {
				intr++;
				continue;
			}
			CHILD_CHECK(ret == 0);
			sent++;
		}
		fprintf(stderr, "# sender: %d messages, %d EINTR\n", sent,
			intr);
		_exit(0);
	}
	mqk_expect_msg(_metadata, self->fd, "f0");
	mqk_expect_msg(_metadata, self->fd, "f1");
	for (i = 0; i < RACE_ROUNDS; i++) {
		/*
		 * While it has messages left, the sender is blocked on a
		 * full queue (on message i + MAXMSG) when message i is
		 * taken, and a signal races with the wake-up.
		 */
		bool racing = i < RACE_ROUNDS - MAXMSG;

		if (racing)
			ASSERT_WAITERS(self->fd, true, 1);
		else if (i == RACE_ROUNDS - MAXMSG)
			ASSERT_EQ(0, mqk_reap(&self->k, pid));
		if (racing && (i & 1))
			ASSERT_EQ(0, kill(pid, SIGUSR1));
		ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf), 0, NULL,
				      &r));
		if (racing && !(i & 1))
			ASSERT_EQ(0, kill(pid, SIGUSR1));
		ASSERT_EQ(1, r.len);
		ASSERT_EQ(i, buf[0]) TH_LOG("message lost or duplicated");
	}
	a = mqk_attr(_metadata, self->fd);
	EXPECT_EQ(MAXMSG + RACE_ROUNDS, a.sent);
	EXPECT_EQ(MAXMSG + RACE_ROUNDS, a.received);
	EXPECT_EQ(0, a.curmsgs);
}

/* ------------------------------------------------------------------ */
/* poll(2) woken by another process                                     */
/* ------------------------------------------------------------------ */

static void poll_child(int fd, short events, int ready_fd)
{
	struct pollfd p = { .fd = fd, .events = events };
	__u64 start, waited;
	int ret;

	/* before the parent can know we are ready */
	start = mqk_now_ns(CLOCK_MONOTONIC);
	CHILD_CHECK(write(ready_fd, "r", 1) == 1);
	ret = poll(&p, 1, MQK_WAIT_MS);
	waited = mqk_now_ns(CLOCK_MONOTONIC) - start;
	CHILD_CHECK(ret == 1);
	CHILD_CHECK(p.revents & events);
	/* it did block until the other process acted, MQK_GRACE_MS later */
	CHILD_CHECK(waited >= MQK_GRACE_MS * 1000000ULL);
	/*
	 * ... and was woken by it: poll() re-checks the fd when its timeout
	 * expires, so without a wake-up it would still return 1, but only
	 * after the whole MQK_WAIT_MS.
	 */
	CHILD_CHECK(waited < MQK_WAIT_MS * 1000000ULL);
	_exit(0);
}

TEST_F(wake, poll_woken_by_send)
{
	int ready[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0)
		poll_child(self->fd, POLLIN, ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_NO_EXIT(&self->k);
	ASSERT_EQ(0, mqk_sends(self->fd, "wake", 0));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	/* poll does not consume */
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
}

TEST_F(wake, poll_woken_by_recv)
{
	int ready[2];
	pid_t pid;
	char c;

	fill(_metadata, self->fd);
	ASSERT_EQ(0, pipe(ready));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0)
		poll_child(self->fd, POLLOUT, ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_NO_EXIT(&self->k);
	mqk_expect_msg(_metadata, self->fd, "f0");
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
