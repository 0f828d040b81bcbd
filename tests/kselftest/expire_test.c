// SPDX-License-Identifier: GPL-2.0
/*
 * expire_test - /dev/mqueue-lab: message expiry (MQLAB_IOC_SEND_TTL,
 * MQLAB_FEAT_EXPIRE).  An expired message is never received (RECV,
 * RECV_BATCH, read), it is counted (GETATTR's MQLAB_ATTR_EXPIRED word,
 * /proc/mqueue-lab's expired column), GETATTR and poll do not report it,
 * a non-blocking send finds its slot free, a sender blocked on a full
 * queue is moved in when a queued message expires (with every kind of
 * timeout, and through SEND_BATCH) with no receive, also when the TTL
 * message entered after it blocked; a message handed to a blocked
 * receiver does not expire, and a blocked sender's TTL starts when its
 * message enters the queue.  A receive's buffer size never lets an
 * expired message through, nor turns it into EMSGSIZE.  Every errno of
 * SEND_TTL.
 *
 * Timing: a TTL that must not run out during a check is 60 s; one that
 * must run out is TTL_MS and the test sleeps PAST_MS, well past it; a
 * message that must still be there when a sender blocks behind it has
 * BLOCK_TTL_MS, and the test skips (saying so) when the sender did not
 * block within it.
 */
#define _GNU_SOURCE

#include "mqlab_kst.h"

#define MSGSIZE		16
#define TTL_MS		200ULL
#define PAST_MS		1500
#define BLOCK_TTL_MS	3000ULL
#define LONG_TTL_NS	(60ULL * 1000000000ULL)
#define MS		1000000ULL

static int send_ttl(int fd, const char *str, __u64 ttl_ns, __u32 flags,
		    const struct mqlab_timespec *timeout)
{
	struct mqlab_send_ttl s = {
		.buf = mqk_ptr(str),
		.len = strlen(str),
		.flags = flags,
		.ttl_ns = ttl_ns,
	};

	if (timeout)
		s.timeout = *timeout;
	return mqk_ioctl(fd, MQLAB_IOC_SEND_TTL, &s);
}

static __u64 expired_of(struct __test_metadata *_metadata, int fd)
{
	return mqk_attr(_metadata, fd).reserved[MQLAB_ATTR_EXPIRED];
}

FIXTURE(expire) {
	struct mqk k;
	const char *name;
	int fd;
};

/* A queue of 2 messages of MSGSIZE bytes; false: skip, no expiry. */
static bool ttl_queue(struct __test_metadata *_metadata, struct mqk *k,
			 const char **name, int *fd)
{
	struct mqlab_version v;

	mqk_setup(_metadata, k);
	*name = mqk_name(_metadata, k, "q");
	*fd = mqk_create(_metadata, *name, O_RDWR, 0600, 2, MSGSIZE);
	if (mqk_ioctl(*fd, MQLAB_IOC_VERSION, &v))
		return false;
	return v.features & MQLAB_FEAT_EXPIRE;
}

FIXTURE_SETUP(expire)
{
	if (!ttl_queue(_metadata, &self->k, &self->name, &self->fd))
		SKIP(return, "MQLAB_FEAT_EXPIRE not set: no message expiry");
}

FIXTURE_TEARDOWN(expire)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(expire, feature_bit)
{
	ASSERT_FEATURE(self->fd, MQLAB_FEAT_EXPIRE);
}

/* Every bad input of SEND_TTL, and that nothing was queued by them. */
TEST_F(expire, einval)
{
	struct mqlab_send_ttl s = { .buf = mqk_ptr("x"), .len = 1 };
	struct mqlab_send_ttl bad;
	struct mqlab_batch_msg m = { .buf = mqk_ptr("x"), .len = 1 };

	bad = s;
	bad.ttl_ns = MQLAB_TTL_MAX_NS + 1;
	EXPECT_EQ(-EINVAL, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &bad));
	bad = s;
	bad.ttl_ns = ~0ULL;
	EXPECT_EQ(-EINVAL, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &bad));
	bad = s;
	bad.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &bad));
	bad = s;
	bad.reserved[1] = 1ULL << 63;
	EXPECT_EQ(-EINVAL, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &bad));
	bad = s;
	bad.pad = 1;
	EXPECT_EQ(-EINVAL, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &bad));
	bad = s;
	bad.prio = MQLAB_PRIO_MAX;
	EXPECT_EQ(-EINVAL, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &bad));
	bad = s;
	bad.flags = MQLAB_IO_TTL;
	EXPECT_EQ(-EINVAL, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &bad));
	bad = s;
	bad.flags = 1U << 31;
	EXPECT_EQ(-EINVAL, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &bad));
	bad = s;
	bad.flags = MQLAB_IO_ABSTIME;
	EXPECT_EQ(-EINVAL, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &bad));
	bad = s;
	bad.timeout.tv_nsec = 1;
	EXPECT_EQ(-EINVAL, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &bad));
	bad = s;
	bad.flags = MQLAB_IO_TIMEOUT;
	bad.timeout.tv_nsec = 1000000000ULL;
	EXPECT_EQ(-EINVAL, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &bad));
	/* MQLAB_IO_TTL is accepted by no command yet. */
	EXPECT_EQ(-EINVAL, mqk_send(self->fd, "x", 1, 0, MQLAB_IO_TTL, NULL));
	EXPECT_EQ(-EINVAL, mqk_batch(self->fd, MQLAB_IOC_SEND_BATCH, &m, 1,
				     MQLAB_IO_TTL));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);

	/* The largest TTL is valid. */
	bad = s;
	bad.ttl_ns = MQLAB_TTL_MAX_NS;
	EXPECT_EQ(0, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &bad));
	mqk_expect_msg(_metadata, self->fd, "x");
}

/* The errnos SEND_TTL shares with SEND. */
TEST_F(expire, send_errnos)
{
	struct mqlab_send_ttl s = {
		.buf = mqk_ptr("0123456789abcdefX"),
		.len = MSGSIZE + 1,
		.ttl_ns = LONG_TTL_NS,
	};
	struct mqlab_timespec t = mqk_ts(50 * MS);
	int fd;

	fd = mqk_open(O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBADFD, send_ttl(fd, "x", LONG_TTL_NS, 0, NULL));
	close(fd);
	fd = mqk_open_bind(self->name, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBADF, send_ttl(fd, "x", LONG_TTL_NS, 0, NULL));
	close(fd);

	EXPECT_EQ(-EMSGSIZE, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &s));
	s.len = 1;
	s.buf = mqk_ptr(self->k.badptr);
	EXPECT_EQ(-EFAULT, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &s));
	EXPECT_EQ(-EFAULT, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL,
				     self->k.badptr));

	ASSERT_EQ(0, send_ttl(self->fd, "a", LONG_TTL_NS, 0, NULL));
	ASSERT_EQ(0, send_ttl(self->fd, "b", LONG_TTL_NS, 0, NULL));
	EXPECT_EQ(-EAGAIN, send_ttl(self->fd, "c", LONG_TTL_NS,
				    MQLAB_IO_NONBLOCK, NULL));
	/* The first expiry is far off: the timeout is what ends the wait. */
	EXPECT_EQ(-ETIMEDOUT, send_ttl(self->fd, "c", LONG_TTL_NS,
				       MQLAB_IO_TIMEOUT, &t));
	EXPECT_EQ(2, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(0, expired_of(_metadata, self->fd));

	fd = mqk_open_bind(self->name, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mqk_unlink_len(fd, self->name, strlen(self->name),
				    MQLAB_UNLINK_DESTROY));
	EXPECT_EQ(-EIDRM, send_ttl(fd, "x", LONG_TTL_NS, 0, NULL));
	close(fd);
}

/*
 * An expired message is not received; the others are, in their order;
 * GETATTR and /proc count it; TTL 0 and a long TTL do not expire.
 */
TEST_F(expire, expired_never_received)
{
	struct mqlab_attr a;
	struct mqlab_recv r;
	__u64 v = ~0ULL;
	char buf[MSGSIZE];

	ASSERT_EQ(0, mqk_proc_value(self->name, "expired", &v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(0, send_ttl(self->fd, "dies", TTL_MS * MS, 0, NULL));
	ASSERT_EQ(0, send_ttl(self->fd, "lives", 0, 0, NULL));
	mqk_sleep_ms(PAST_MS);

	a = mqk_attr(_metadata, self->fd);
	EXPECT_EQ(1, a.curmsgs);
	EXPECT_EQ(strlen("lives"), a.curbytes);
	EXPECT_EQ(1, a.reserved[MQLAB_ATTR_EXPIRED]);
	EXPECT_EQ(0, a.reserved[1]);
	EXPECT_EQ(2, a.sent);
	ASSERT_EQ(0, mqk_proc_value(self->name, "expired", &v));
	EXPECT_EQ(1, v);

	mqk_expect_msg(_metadata, self->fd, "lives");
	EXPECT_EQ(-EAGAIN, mqk_recv(self->fd, buf, sizeof(buf),
				    MQLAB_IO_NONBLOCK, NULL, &r));

	ASSERT_EQ(0, send_ttl(self->fd, "long", LONG_TTL_NS, 0, NULL));
	mqk_sleep_ms(PAST_MS);
	mqk_expect_msg(_metadata, self->fd, "long");
	EXPECT_EQ(1, expired_of(_metadata, self->fd));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).received - 2);
}

/* RECV without GETATTR first (its own purge), and read(2). */
TEST_F(expire, recv_and_read_skip_expired)
{
	char buf[MSGSIZE];
	struct mqlab_send_ttl hi = {
		.buf = mqk_ptr("dies"), .len = 4, .prio = 5,
		.ttl_ns = TTL_MS * MS,
	};
	struct mqlab_recv r;
	ssize_t n;

	/* Above the one that lives: the head of the queue expires. */
	ASSERT_EQ(0, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &hi));
	ASSERT_EQ(0, send_ttl(self->fd, "low", LONG_TTL_NS, 0, NULL));
	mqk_sleep_ms(PAST_MS);
	ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf), MQLAB_IO_NONBLOCK,
			      NULL, &r));
	EXPECT_EQ(3, r.len);
	EXPECT_EQ(0, memcmp(buf, "low", 3));
	EXPECT_EQ(0, r.prio);

	ASSERT_EQ(0, send_ttl(self->fd, "dies", TTL_MS * MS, 0, NULL));
	mqk_sleep_ms(PAST_MS);
	ASSERT_EQ(0, mqk_setattr(self->fd, MQLAB_FD_NONBLOCK));
	n = read(self->fd, buf, sizeof(buf));
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(2, expired_of(_metadata, self->fd));
}

/*
 * A receive compares one word with its buffer's size: the length, with
 * the TTL above it (struct mqlab_msg.fit).  Each case here is one that
 * word must send to the closer look: an expired head is skipped, never
 * EMSGSIZE, however small the buffer, and never taken, however large
 * (a length of 2^32 - 1); a live TTL message too long for the buffer
 * gives EMSGSIZE with its size and stays queued, and a message behind
 * expired ones of a lower priority is received as due.
 */
TEST_F(expire, recv_looks_at_ttl_past_buffer_size)
{
	struct mqlab_send_ttl hi = {
		.buf = mqk_ptr("dies"), .len = 4, .prio = 5,
		.ttl_ns = TTL_MS * MS,
	};
	char buf[MSGSIZE];
	struct mqlab_recv r;

	/* An expired head longer than the buffer: skipped, not EMSGSIZE. */
	ASSERT_EQ(0, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &hi));
	ASSERT_EQ(0, mqk_send(self->fd, "lo", 2, 0, 0, NULL));
	mqk_sleep_ms(PAST_MS);
	ASSERT_EQ(0, mqk_recv(self->fd, buf, 3, MQLAB_IO_NONBLOCK, NULL, &r));
	EXPECT_EQ(2, r.len);
	EXPECT_EQ(0, memcmp(buf, "lo", 2));
	EXPECT_EQ(1, expired_of(_metadata, self->fd));

	/* An expired one with the largest buffer length: never taken. */
	ASSERT_EQ(0, send_ttl(self->fd, "gone", TTL_MS * MS, 0, NULL));
	mqk_sleep_ms(PAST_MS);
	EXPECT_EQ(-EAGAIN, mqk_recv(self->fd, buf, 0xffffffffU,
				    MQLAB_IO_NONBLOCK, NULL, &r));
	EXPECT_EQ(2, expired_of(_metadata, self->fd));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);

	/* A live TTL message: EMSGSIZE with its size, then received. */
	ASSERT_EQ(0, send_ttl(self->fd, "living", LONG_TTL_NS, 0, NULL));
	EXPECT_EQ(-EMSGSIZE, mqk_recv(self->fd, buf, 5, MQLAB_IO_NONBLOCK,
				      NULL, &r));
	EXPECT_EQ(6, r.len);
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
	ASSERT_EQ(0, mqk_recv(self->fd, buf, 0xffffffffU, MQLAB_IO_NONBLOCK,
			      NULL, &r));
	EXPECT_EQ(6, r.len);
	EXPECT_EQ(0, memcmp(buf, "living", 6));

	/* The head lives, an expired one of a lower priority is behind. */
	hi.buf = mqk_ptr("head");
	hi.ttl_ns = 0;
	ASSERT_EQ(0, mqk_ioctl(self->fd, MQLAB_IOC_SEND_TTL, &hi));
	ASSERT_EQ(0, send_ttl(self->fd, "late", TTL_MS * MS, 0, NULL));
	mqk_sleep_ms(PAST_MS);
	mqk_expect_msg(_metadata, self->fd, "head");
	EXPECT_EQ(-EAGAIN, mqk_recv(self->fd, buf, sizeof(buf),
				    MQLAB_IO_NONBLOCK, NULL, &r));
	EXPECT_EQ(3, expired_of(_metadata, self->fd));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(3, mqk_attr(_metadata, self->fd).received);
}

TEST_F(expire, recv_batch_skips_expired)
{
	char b0[MSGSIZE], b1[MSGSIZE];
	struct mqlab_batch_msg m[2] = {
		{ .buf = mqk_ptr(b0), .len = sizeof(b0) },
		{ .buf = mqk_ptr(b1), .len = sizeof(b1) },
	};

	ASSERT_EQ(0, send_ttl(self->fd, "live", LONG_TTL_NS, 0, NULL));
	ASSERT_EQ(0, send_ttl(self->fd, "dies", TTL_MS * MS, 0, NULL));
	mqk_sleep_ms(PAST_MS);
	ASSERT_EQ(1, mqk_batch(self->fd, MQLAB_IOC_RECV_BATCH, m, 2,
			       MQLAB_IO_NONBLOCK));
	EXPECT_EQ(4, m[0].len);
	EXPECT_EQ(0, memcmp(b0, "live", 4));
	EXPECT_EQ(1, expired_of(_metadata, self->fd));
}

/* poll reports neither the expired message nor the full queue. */
TEST_F(expire, poll_does_not_report_expired)
{
	ASSERT_EQ(0, send_ttl(self->fd, "a", TTL_MS * MS, 0, NULL));
	ASSERT_EQ(0, send_ttl(self->fd, "b", TTL_MS * MS, 0, NULL));
	mqk_sleep_ms(PAST_MS);
	EXPECT_EQ(POLLOUT, mqk_poll1(self->fd, POLLIN | POLLOUT));
	EXPECT_EQ(2, expired_of(_metadata, self->fd));
}

/*
 * A destroyed queue that held TTL messages: once they are past their
 * time, every call on the bound fd still ends at once with EIDRM (the
 * expiry purge must not keep retrying on a dead queue).
 */
TEST_F(expire, destroyed_after_expiry_gives_eidrm)
{
	struct mqlab_attr a;
	char buf[MSGSIZE];
	int ufd = mqk_open(O_RDWR);

	ASSERT_LE(0, ufd);
	ASSERT_EQ(0, send_ttl(self->fd, "a", TTL_MS * MS, 0, NULL));
	ASSERT_EQ(0, send_ttl(self->fd, "b", LONG_TTL_NS, 0, NULL));
	ASSERT_EQ(0, mqk_unlink_len(ufd, self->name, strlen(self->name),
				    MQLAB_UNLINK_DESTROY));
	close(ufd);
	mqk_sleep_ms(PAST_MS);
	EXPECT_EQ(POLLERR | POLLHUP, mqk_poll1(self->fd, POLLIN | POLLOUT));
	EXPECT_EQ(-EIDRM, mqk_recv(self->fd, buf, sizeof(buf), 0, NULL, NULL));
	EXPECT_EQ(-EIDRM, mqk_send(self->fd, "c", 1, 0, 0, NULL));
	EXPECT_EQ(-EIDRM, send_ttl(self->fd, "d", TTL_MS * MS, 0, NULL));
	EXPECT_EQ(-EIDRM, mqk_ioctl(self->fd, MQLAB_IOC_GETATTR, &a));
}

/* A non-blocking send to a queue full of expired messages succeeds. */
TEST_F(expire, nonblocking_send_finds_room)
{
	ASSERT_EQ(0, send_ttl(self->fd, "a", TTL_MS * MS, 0, NULL));
	ASSERT_EQ(0, send_ttl(self->fd, "b", TTL_MS * MS, 0, NULL));
	mqk_sleep_ms(PAST_MS);
	EXPECT_EQ(0, mqk_send(self->fd, "c", 1, 0, MQLAB_IO_NONBLOCK, NULL));
	EXPECT_EQ(0, send_ttl(self->fd, "d", LONG_TTL_NS, MQLAB_IO_NONBLOCK,
			      NULL));
	mqk_expect_msg(_metadata, self->fd, "c");
	mqk_expect_msg(_metadata, self->fd, "d");
	EXPECT_EQ(2, expired_of(_metadata, self->fd));
}

/* A message handed straight to a blocked receiver does not expire. */
TEST_F(expire, handoff_does_not_expire)
{
	pid_t pid = mqk_fork(_metadata, &self->k);

	if (pid == 0) {
		char buf[MSGSIZE];
		struct mqlab_recv r;

		CHILD_CHECK(mqk_recv(self->fd, buf, sizeof(buf), 0, NULL,
				     &r) == 0);
		CHILD_CHECK(r.len == 4 && !memcmp(buf, "fast", 4));
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, false, 1);
	/* 1 ns: 1 ms, long past when the receiver runs again. */
	ASSERT_EQ(0, send_ttl(self->fd, "fast", 1, 0, NULL));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(0, expired_of(_metadata, self->fd));
}

/*
 * Wait for @n blocked senders on @fd, or skip when they never block:
 * only GETATTR looks at the queue (it does not hide a blocked sender:
 * a purge that frees room moves one in).
 */
#define ASSERT_BLOCKED_OR_SKIP(fd, n) do {				\
	__u32 __last = 0;						\
									\
	if (mqk_wait_waiters(fd, true, n, &__last))			\
		SKIP(return, "no %d blocked senders within the TTL (%u): " \
		     "machine too slow", n, __last);			\
} while (0)

/* The same queue, for a sender blocked in each way. */
FIXTURE(blocked) {
	struct mqk k;
	const char *name;
	int fd;
};

FIXTURE_SETUP(blocked)
{
	if (!ttl_queue(_metadata, &self->k, &self->name, &self->fd))
		SKIP(return, "MQLAB_FEAT_EXPIRE not set: no message expiry");
}

FIXTURE_TEARDOWN(blocked)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

FIXTURE_VARIANT(blocked) {
	int how;	/* how the blocked sender sends and waits */
};

enum { PLAIN, RELATIVE, ABS_MONO, ABS_REAL, BATCH };

FIXTURE_VARIANT_ADD(blocked, plain) { .how = PLAIN };
FIXTURE_VARIANT_ADD(blocked, relative_timeout) { .how = RELATIVE };
FIXTURE_VARIANT_ADD(blocked, abs_monotonic) { .how = ABS_MONO };
FIXTURE_VARIANT_ADD(blocked, abs_realtime) { .how = ABS_REAL };
FIXTURE_VARIANT_ADD(blocked, send_batch) { .how = BATCH };

/* A blocking send of @str, as the variant says; 0 or -errno. */
static int send_as(int fd, const char *str, int how)
{
	struct mqlab_batch_msg m = { .buf = mqk_ptr(str), .len = strlen(str) };
	struct mqlab_timespec t;
	__u32 flags = MQLAB_IO_TIMEOUT;

	switch (how) {
	case RELATIVE:
		t = mqk_ts(60000 * MS);
		break;
	case ABS_MONO:
		t = mqk_ts(mqk_now_ns(CLOCK_MONOTONIC) + 60000 * MS);
		flags |= MQLAB_IO_ABSTIME;
		break;
	case ABS_REAL:
		t = mqk_ts(mqk_now_ns(CLOCK_REALTIME) + 60000 * MS);
		flags |= MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME;
		break;
	case BATCH:
		return mqk_batch(fd, MQLAB_IOC_SEND_BATCH, &m, 1, 0) == 1 ?
			       0 : -1;
	default:
		return send_ttl(fd, str, 0, 0, NULL);
	}
	return send_ttl(fd, str, 0, flags, &t);
}

/*
 * A sender blocked on a queue full of TTL messages is moved in when
 * they expire, with nobody receiving or looking at the queue.
 */
TEST_F(blocked, moved_in_by_expiry)
{
	pid_t pid;

	ASSERT_EQ(0, send_ttl(self->fd, "a", BLOCK_TTL_MS * MS, 0, NULL));
	ASSERT_EQ(0, send_ttl(self->fd, "b", LONG_TTL_NS, 0, NULL));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0)
		_exit(send_as(self->fd, "c", variant->how) ? 1 : 0);
	ASSERT_BLOCKED_OR_SKIP(self->fd, 1);
	/* No receive and no GETATTR until it is in. */
	ASSERT_EQ(0, mqk_reap_timed(&self->k, pid, BLOCK_TTL_MS + MQK_WAIT_MS,
				    NULL))
		TH_LOG("the sender stayed blocked after the expiry");
	EXPECT_EQ(1, expired_of(_metadata, self->fd));
	mqk_expect_msg(_metadata, self->fd, "b");
	mqk_expect_msg(_metadata, self->fd, "c");
}

/*
 * The TTL message enters after the senders blocked (moved in by a
 * receive): its expiry still moves the next blocked sender in.  And a
 * blocked sender's TTL starts when its message enters the queue.
 */
TEST_F(expire, ttl_message_moved_in_after_senders_blocked)
{
	pid_t a, b;

	ASSERT_EQ(0, mqk_sends(self->fd, "x", 0));
	ASSERT_EQ(0, mqk_sends(self->fd, "y", 0));
	a = mqk_fork(_metadata, &self->k);
	if (a == 0)
		_exit(send_ttl(self->fd, "ttl", BLOCK_TTL_MS * MS, 0, NULL) ?
			      1 : 0);
	ASSERT_WAITERS(self->fd, true, 1);
	b = mqk_fork(_metadata, &self->k);
	if (b == 0)
		_exit(send_ttl(self->fd, "b", 0, 0, NULL) ? 1 : 0);
	ASSERT_WAITERS(self->fd, true, 2);
	/* Longer than the TTL: it must not run while "ttl" is held. */
	mqk_sleep_ms(BLOCK_TTL_MS + 500);

	mqk_expect_msg(_metadata, self->fd, "x");
	ASSERT_EQ(0, mqk_reap(&self->k, a));
	/* "ttl" is queued now, for BLOCK_TTL_MS: "b" waits for it. */
	ASSERT_EQ(0, mqk_reap_timed(&self->k, b, BLOCK_TTL_MS + MQK_WAIT_MS,
				    NULL))
		TH_LOG("the sender stayed blocked after the expiry");
	EXPECT_EQ(1, expired_of(_metadata, self->fd));
	mqk_expect_msg(_metadata, self->fd, "y");
	mqk_expect_msg(_metadata, self->fd, "b");
}

/* A blocked sender's TTL counts from when its message enters. */
TEST_F(expire, blocked_sender_ttl_starts_in_queue)
{
	pid_t pid;

	ASSERT_EQ(0, mqk_sends(self->fd, "x", 0));
	ASSERT_EQ(0, mqk_sends(self->fd, "y", 0));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0)
		_exit(send_ttl(self->fd, "ttl", BLOCK_TTL_MS * MS, 0, NULL) ?
			      1 : 0);
	ASSERT_WAITERS(self->fd, true, 1);
	mqk_sleep_ms(BLOCK_TTL_MS + 500);
	mqk_expect_msg(_metadata, self->fd, "x");
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	mqk_expect_msg(_metadata, self->fd, "y");
	mqk_expect_msg(_metadata, self->fd, "ttl");
	EXPECT_EQ(0, expired_of(_metadata, self->fd));
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
