// SPDX-License-Identifier: GPL-2.0
/*
 * time_test - /dev/mqueue-lab and the clocks: deadlines and timestamps
 * in a time namespace, and timeouts across jumps of CLOCK_REALTIME.
 *
 * The timens tests fork children into a time namespace whose
 * CLOCK_MONOTONIC is TIMENS_OFFSET_S ahead of the host's.  The clock
 * tests set CLOCK_REALTIME (they run as root) and put it back from
 * CLOCK_MONOTONIC and the offset saved before, in the test and again in
 * the teardown, so also when an assertion fails.  Children report what
 * they saw through a pipe; the parent asserts.
 */
#define _GNU_SOURCE

#include <sched.h>

#include "mqlab_kst.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME	0x00000080
#endif

#define NSEC		1000000000ULL
#define MSEC		1000000ULL
#define MAXMSG		2
#define TIMENS_OFFSET_S	10000
/* How long a wait that should last about a second may take, at most. */
#define LATE_MS		4000

/* What a child saw, written to the parent through a pipe. */
struct report {
	int ret;		/* the call's result: 0 or -errno */
	__u64 before;		/* the child's CLOCK_MONOTONIC before it */
	__u64 after;		/* ... and after it */
	__u64 stamp;		/* a receive's timestamp_ns */
};

/* In a child: hand @r to the parent and exit. */
static void child_report(int wfd, const struct report *r)
{
	CHILD_CHECK(write(wfd, r, sizeof(*r)) == (ssize_t)sizeof(*r));
	_exit(0);
}

/* Reap the child @pid within @ms and read its report. */
static void collect(struct __test_metadata *_metadata, struct mqk *k,
		    int rfd, pid_t pid, int ms, struct report *r)
{
	int st = mqk_reap_timed(k, pid, ms, NULL);

	ASSERT_EQ(0, st) TH_LOG("child %s within %d ms",
				st == -ETIMEDOUT ? "still blocked" :
				"failed a check", ms);
	ASSERT_EQ((ssize_t)sizeof(*r), read(rfd, r, sizeof(*r)));
}

/* A send of "t" or a receive, with MQLAB_IO_TIMEOUT | @flags. */
static int timed_io(int fd, bool send, __u32 flags,
		    const struct mqlab_timespec *to, struct mqlab_recv *out)
{
	char buf[16];

	flags |= MQLAB_IO_TIMEOUT;
	if (send)
		return mqk_send(fd, "t", 1, 0, flags, to);
	return mqk_recv(fd, buf, sizeof(buf), flags, to, out);
}

static void fill(struct __test_metadata *_metadata, int fd)
{
	int i;

	for (i = 0; i < MAXMSG; i++)
		ASSERT_EQ(0, mqk_sends(fd, "f", 0));
}

/* Nobody blocked, and the queue holds @curmsgs messages still. */
static void nothing_moved(struct __test_metadata *_metadata, int fd,
			  __u64 curmsgs)
{
	struct mqlab_attr a = mqk_attr(_metadata, fd);

	EXPECT_EQ(curmsgs, a.curmsgs);
	EXPECT_EQ(0, a.received);
	EXPECT_EQ(0, a.waiting_senders);
	EXPECT_EQ(0, a.waiting_receivers);
}

/* ------------------------------------------------------------------ */
/* A time namespace                                                     */
/* ------------------------------------------------------------------ */

FIXTURE(timens) {
	struct mqk k;
	int fd;
	int pipe[2];
	__u64 host_start;	/* host CLOCK_MONOTONIC before any fork */
};

/*
 * The test process makes a time namespace for its children; its own
 * clocks stay the host's.  Offsets can only be written before a task
 * enters the namespace.
 */
FIXTURE_SETUP(timens)
{
	char offsets[64];
	int fd, ret, len;

	mqk_setup(_metadata, &self->k);
	ret = unshare(CLONE_NEWTIME);
	if (ret < 0 && errno == EINVAL)
		SKIP(longjmp(_metadata->env, 1),
		     "CLONE_NEWTIME not supported (CONFIG_TIME_NS=n)");
	ASSERT_EQ(0, ret) TH_LOG("unshare(CLONE_NEWTIME): %s",
				 strerror(errno));
	len = snprintf(offsets, sizeof(offsets), "monotonic %d 0",
		       TIMENS_OFFSET_S);
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open timens_offsets: %s", strerror(errno));
	ASSERT_EQ(len, write(fd, offsets, len))
		TH_LOG("write timens_offsets: %s", strerror(errno));
	close(fd);

	self->fd = mqk_create(_metadata, mqk_name(_metadata, &self->k, "q"),
			      O_RDWR, 0600, MAXMSG, 16);
	ASSERT_EQ(0, pipe2(self->pipe, O_CLOEXEC));
	self->host_start = mqk_now_ns(CLOCK_MONOTONIC);
}

FIXTURE_TEARDOWN(timens)
{
	if (self->fd > 0)
		close(self->fd);
	close(self->pipe[0]);
	close(self->pipe[1]);
	mqk_teardown(&self->k);
}

/*
 * fork(); the child lives in the namespace, and first checks that its
 * CLOCK_MONOTONIC is offset (else the tests would prove nothing).
 */
static pid_t fork_in_timens(struct __test_metadata *_metadata,
			    FIXTURE_DATA(timens) *self)
{
	pid_t pid = mqk_fork(_metadata, &self->k);

	if (pid == 0)
		CHILD_CHECK(mqk_now_ns(CLOCK_MONOTONIC) >=
			    self->host_start + TIMENS_OFFSET_S * NSEC);
	return pid;
}

/*
 * In the namespace, an absolute CLOCK_MONOTONIC deadline of now + 1 s
 * ends the wait after 1 s: not after 1 s + the offset (host time taken
 * for the namespace's), and not at once.
 */
static void abs_monotonic_deadline(struct __test_metadata *_metadata,
				   FIXTURE_DATA(timens) *self, bool send)
{
	struct report r = {};
	pid_t pid;

	if (send)
		fill(_metadata, self->fd);
	pid = fork_in_timens(_metadata, self);
	if (pid == 0) {
		struct mqlab_timespec to;

		r.before = mqk_now_ns(CLOCK_MONOTONIC);
		to = mqk_ts(r.before + NSEC);
		r.ret = timed_io(self->fd, send, MQLAB_IO_ABSTIME, &to, NULL);
		r.after = mqk_now_ns(CLOCK_MONOTONIC);
		child_report(self->pipe[1], &r);
	}
	collect(_metadata, &self->k, self->pipe[0], pid, LATE_MS + 1000, &r);
	ASSERT_EQ(-ETIMEDOUT, r.ret);
	EXPECT_LE(NSEC, r.after - r.before);
	EXPECT_GT(LATE_MS * MSEC, r.after - r.before);
	nothing_moved(_metadata, self->fd, send ? MAXMSG : 0);
}

TEST_F(timens, recv_abs_monotonic_deadline_is_the_namespaces)
{
	abs_monotonic_deadline(_metadata, self, false);
}

TEST_F(timens, send_abs_monotonic_deadline_is_the_namespaces)
{
	abs_monotonic_deadline(_metadata, self, true);
}

/*
 * A deadline before the namespace's clock started (a negative host
 * time) has passed: ETIMEDOUT at once, not a wait until that host time.
 */
TEST_F(timens, abs_monotonic_deadline_before_the_namespace_has_passed)
{
	struct report r = {};
	pid_t pid;

	pid = fork_in_timens(_metadata, self);
	if (pid == 0) {
		struct mqlab_timespec to = mqk_ts(TIMENS_OFFSET_S / 2 * NSEC);

		r.before = mqk_now_ns(CLOCK_MONOTONIC);
		r.ret = timed_io(self->fd, false, MQLAB_IO_ABSTIME, &to, NULL);
		r.after = mqk_now_ns(CLOCK_MONOTONIC);
		child_report(self->pipe[1], &r);
	}
	collect(_metadata, &self->k, self->pipe[0], pid, LATE_MS, &r);
	ASSERT_EQ(-ETIMEDOUT, r.ret);
	EXPECT_GT(NSEC, r.after - r.before);
	nothing_moved(_metadata, self->fd, 0);
}

/*
 * timestamp_ns is CLOCK_MONOTONIC as the receiver's namespace reads it:
 * a receiver in the namespace sees the namespace's time for a message
 * from the host, and the host sees host time for a message sent from
 * the namespace.
 */
TEST_F(timens, timestamp_is_the_receivers_clock)
{
	struct mqlab_recv m;
	struct report r = {};
	__u64 host_end;
	char buf[16];
	pid_t pid;

	pid = fork_in_timens(_metadata, self);
	if (pid == 0) {
		r.before = mqk_now_ns(CLOCK_MONOTONIC);
		r.ret = mqk_recv(self->fd, buf, sizeof(buf), 0, NULL, &m);
		r.after = mqk_now_ns(CLOCK_MONOTONIC);
		r.stamp = m.timestamp_ns;
		if (!r.ret)
			r.ret = mqk_sends(self->fd, "from-ns", 0);
		child_report(self->pipe[1], &r);
	}
	ASSERT_WAITERS(self->fd, false, 1);
	ASSERT_EQ(0, mqk_sends(self->fd, "from-host", 0));
	collect(_metadata, &self->k, self->pipe[0], pid, MQK_WAIT_MS, &r);
	ASSERT_EQ(0, r.ret);
	EXPECT_LE(r.before, r.stamp);
	EXPECT_GE(r.after, r.stamp);

	host_end = mqk_now_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf), MQLAB_IO_NONBLOCK,
			      NULL, &m));
	ASSERT_EQ(7, m.len);
	EXPECT_LE(self->host_start, m.timestamp_ns);
	EXPECT_GE(host_end, m.timestamp_ns);
}

TEST_F(timens, version_reports_timens)
{
	struct mqlab_version v;

	ASSERT_EQ(0, mqk_ioctl(self->fd, MQLAB_IOC_VERSION, &v));
	EXPECT_EQ(MQLAB_FEAT_TIMENS, v.features & MQLAB_FEAT_TIMENS);
}

/* ------------------------------------------------------------------ */
/* CLOCK_REALTIME set while a task waits                                */
/* ------------------------------------------------------------------ */

FIXTURE(clock_set) {
	struct mqk k;
	int fd;
	int pipe[2];
	__s64 real_minus_mono;	/* before the test changed anything */
	bool changed;		/* CLOCK_REALTIME must be put back */
};

FIXTURE_VARIANT(clock_set) {
	bool send;		/* wait in send on a full queue */
	__u32 flags;		/* MQLAB_IO_* besides MQLAB_IO_TIMEOUT */
	__s64 jump_s;		/* CLOCK_REALTIME moves by this much */
	__u64 min_ms;		/* the wait lasts at least this long ... */
	__u64 max_ms;		/* ... and less than this */
};

/* A relative timeout is a duration: the clock going back changes nothing. */
FIXTURE_VARIANT_ADD(clock_set, recv_relative_realtime_back) {
	.flags = MQLAB_IO_REALTIME, .jump_s = -3600,
	.min_ms = 2000, .max_ms = LATE_MS,
};

FIXTURE_VARIANT_ADD(clock_set, send_relative_realtime_back) {
	.send = true, .flags = MQLAB_IO_REALTIME, .jump_s = -3600,
	.min_ms = 2000, .max_ms = LATE_MS,
};

FIXTURE_VARIANT_ADD(clock_set, recv_relative_monotonic_back) {
	.jump_s = -3600, .min_ms = 2000, .max_ms = LATE_MS,
};

/*
 * An absolute CLOCK_REALTIME deadline 60 s away follows the clock: set
 * 120 s forward, past it, the wait ends at once.
 */
FIXTURE_VARIANT_ADD(clock_set, recv_absolute_realtime_forward) {
	.flags = MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME, .jump_s = 120,
	.min_ms = 0, .max_ms = LATE_MS,
};

FIXTURE_SETUP(clock_set)
{
	mqk_setup(_metadata, &self->k);
	self->real_minus_mono = (__s64)(mqk_now_ns(CLOCK_REALTIME) -
					mqk_now_ns(CLOCK_MONOTONIC));
	self->fd = mqk_create(_metadata, mqk_name(_metadata, &self->k, "q"),
			      O_RDWR, 0600, MAXMSG, 16);
	ASSERT_EQ(0, pipe2(self->pipe, O_CLOEXEC));
}

/* Move CLOCK_REALTIME by @delta_s seconds. */
static int clock_jump(FIXTURE_DATA(clock_set) *self, __s64 delta_s)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += delta_s;
	self->changed = true;
	return clock_settime(CLOCK_REALTIME, &ts) ? -errno : 0;
}

/* Put CLOCK_REALTIME back where it would be without the test. */
static int clock_restore(FIXTURE_DATA(clock_set) *self)
{
	__u64 ns = mqk_now_ns(CLOCK_MONOTONIC) + self->real_minus_mono;
	struct timespec ts = {
		.tv_sec = ns / NSEC,
		.tv_nsec = ns % NSEC,
	};

	if (!self->changed)
		return 0;
	if (clock_settime(CLOCK_REALTIME, &ts))
		return -errno;
	self->changed = false;
	return 0;
}

FIXTURE_TEARDOWN(clock_set)
{
	if (clock_restore(self))
		fprintf(stderr, "# CLOCK_REALTIME not restored: %s\n",
			strerror(errno));
	if (self->fd > 0)
		close(self->fd);
	close(self->pipe[0]);
	close(self->pipe[1]);
	mqk_teardown(&self->k);
}

TEST_F(clock_set, timeout_across_a_realtime_jump)
{
	struct report r = {};
	__u64 jumped_at;
	pid_t pid;
	int ret;

	if (variant->send)
		fill(_metadata, self->fd);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		struct mqlab_timespec to = mqk_ts(2 * NSEC);

		if (variant->flags & MQLAB_IO_ABSTIME)
			to = mqk_ts(mqk_now_ns(CLOCK_REALTIME) + 60 * NSEC);
		r.before = mqk_now_ns(CLOCK_MONOTONIC);
		r.ret = timed_io(self->fd, variant->send, variant->flags, &to,
				 NULL);
		r.after = mqk_now_ns(CLOCK_MONOTONIC);
		child_report(self->pipe[1], &r);
	}
	ASSERT_WAITERS(self->fd, variant->send, 1);
	mqk_sleep_ms(300);
	jumped_at = mqk_now_ns(CLOCK_MONOTONIC);
	ret = clock_jump(self, variant->jump_s);
	ASSERT_EQ(0, ret) TH_LOG("clock_settime: %s", strerror(-ret));
	collect(_metadata, &self->k, self->pipe[0], pid, variant->max_ms, &r);
	ret = clock_restore(self);
	ASSERT_EQ(0, ret) TH_LOG("clock_settime: %s", strerror(-ret));

	ASSERT_EQ(-ETIMEDOUT, r.ret);
	/* it was still waiting when the clock moved */
	EXPECT_LE(jumped_at, r.after);
	EXPECT_LE(variant->min_ms * MSEC, r.after - r.before);
	EXPECT_GT(variant->max_ms * MSEC, r.after - r.before);
	nothing_moved(_metadata, self->fd, variant->send ? MAXMSG : 0);
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
