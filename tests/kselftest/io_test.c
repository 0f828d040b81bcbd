// SPDX-License-Identifier: GPL-2.0
/*
 * io_test - /dev/mqueue-lab: MQLAB_IOC_SEND/RECV/GETATTR/SETATTR input
 * validation and semantics, timeouts, read(2)/write(2) and poll(2) state.
 */
#define _GNU_SOURCE

#include "mqlab_kst.h"

#define MAXMSG		2
#define MSGSIZE		16
#define NSEC		1000000000ULL

/* ------------------------------------------------------------------ */
/* MQLAB_IOC_SEND input validation                                     */
/* ------------------------------------------------------------------ */

FIXTURE(send_args) {
	struct mqk k;
	int fd;
};

FIXTURE_VARIANT(send_args) {
	__u32 flags;
	__u32 pad;
	__u32 prio;
	bool too_long;		/* len = msgsize + 1 */
	bool bad_buf;
	__u64 tv_sec;
	__u64 tv_nsec;
	int prefill;		/* messages queued first (MAXMSG: full) */
	int error;
};

FIXTURE_VARIANT_ADD(send_args, unknown_flag) {
	.flags = 1U << 4, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(send_args, top_flag) {
	.flags = 1U << 31, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(send_args, pad_nonzero) {
	.pad = 1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(send_args, prio_max) {
	.prio = MQLAB_PRIO_MAX, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(send_args, prio_all_ones) {
	.prio = ~0U, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(send_args, abstime_without_timeout) {
	.flags = MQLAB_IO_ABSTIME, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(send_args, realtime_without_timeout) {
	.flags = MQLAB_IO_REALTIME, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(send_args, abstime_realtime_without_timeout) {
	.flags = MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME, .error = EINVAL,
};

/* A timeout is only read with MQLAB_IO_TIMEOUT; stray values are EINVAL. */
FIXTURE_VARIANT_ADD(send_args, timeout_without_flag) {
	.tv_sec = 1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(send_args, tv_nsec_without_flag) {
	.tv_nsec = 1, .error = EINVAL,
};

/* Malformed timeouts, on a full queue so that the call would block. */
FIXTURE_VARIANT_ADD(send_args, tv_nsec_1e9) {
	.flags = MQLAB_IO_TIMEOUT, .tv_nsec = NSEC, .prefill = MAXMSG,
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(send_args, tv_nsec_huge) {
	.flags = MQLAB_IO_TIMEOUT, .tv_nsec = ~0ULL, .prefill = MAXMSG,
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(send_args, tv_sec_negative) {
	.flags = MQLAB_IO_TIMEOUT, .tv_sec = (__u64)-1LL, .prefill = MAXMSG,
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(send_args, abs_tv_sec_negative) {
	.flags = MQLAB_IO_TIMEOUT | MQLAB_IO_ABSTIME, .tv_sec = 1ULL << 63,
	.prefill = MAXMSG, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(send_args, abs_real_tv_nsec_1e9) {
	.flags = MQLAB_IO_TIMEOUT | MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME,
	.tv_nsec = NSEC, .prefill = MAXMSG, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(send_args, len_over_msgsize) {
	.too_long = true, .error = EMSGSIZE,
};

FIXTURE_VARIANT_ADD(send_args, bad_buf) {
	.bad_buf = true, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(send_args, full_nonblock) {
	.flags = MQLAB_IO_NONBLOCK, .prefill = MAXMSG, .error = EAGAIN,
};

FIXTURE_VARIANT_ADD(send_args, ok_prio_max_minus_1) {
	.prio = MQLAB_PRIO_MAX - 1,
};

FIXTURE_VARIANT_ADD(send_args, ok_tv_nsec_999999999_with_room) {
	.flags = MQLAB_IO_TIMEOUT, .tv_nsec = NSEC - 1,
};

FIXTURE_SETUP(send_args)
{
	int i;

	mqk_setup(_metadata, &self->k);
	self->fd = mqk_create(_metadata, mqk_name(_metadata, &self->k, "q"),
			      O_RDWR, 0600, MAXMSG, MSGSIZE);
	for (i = 0; i < variant->prefill; i++)
		ASSERT_EQ(0, mqk_sends(self->fd, "pre", 0));
}

FIXTURE_TEARDOWN(send_args)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(send_args, send)
{
	char buf[MSGSIZE + 1] = "payload";
	struct mqlab_send s = {
		.buf = mqk_ptr(variant->bad_buf ? self->k.badptr : buf),
		.len = variant->too_long ? MSGSIZE + 1 : 7,
		.prio = variant->prio,
		.flags = variant->flags,
		.pad = variant->pad,
		.timeout = { variant->tv_sec, variant->tv_nsec },
	};
	struct mqlab_attr a;

	ASSERT_EQ(-variant->error, mqk_ioctl(self->fd, MQLAB_IOC_SEND, &s));
	a = mqk_attr(_metadata, self->fd);
	if (variant->error) {
		/* nothing was queued */
		EXPECT_EQ(variant->prefill, (int)a.curmsgs);
		EXPECT_EQ(variant->prefill, (int)a.sent);
		EXPECT_EQ(3U * variant->prefill, a.curbytes);
	} else {
		EXPECT_EQ(variant->prefill + 1, (int)a.curmsgs);
	}
	EXPECT_EQ(0, a.waiting_senders);
}

/* ------------------------------------------------------------------ */
/* MQLAB_IOC_RECV input validation                                     */
/* ------------------------------------------------------------------ */

FIXTURE(recv_args) {
	struct mqk k;
	int fd;
};

FIXTURE_VARIANT(recv_args) {
	__u32 flags;
	__u32 pad;
	bool bad_buf;
	__u32 len;		/* 0: MSGSIZE */
	__u64 tv_sec;
	__u64 tv_nsec;
	int prefill;		/* messages queued first */
	int error;
};

/* The lowest bit above the receive flags (bit 4 is MQLAB_IO_PEEK now). */
FIXTURE_VARIANT_ADD(recv_args, unknown_flag) {
	.flags = MQLAB_IO_RECV_FLAGS + 1, .prefill = 1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(recv_args, top_flag) {
	.flags = 1U << 31, .prefill = 1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(recv_args, pad_nonzero) {
	.pad = 1, .prefill = 1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(recv_args, abstime_without_timeout) {
	.flags = MQLAB_IO_ABSTIME, .prefill = 1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(recv_args, realtime_without_timeout) {
	.flags = MQLAB_IO_REALTIME, .prefill = 1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(recv_args, timeout_without_flag) {
	.tv_sec = 1, .prefill = 1, .error = EINVAL,
};

/* Malformed timeouts, on an empty queue so that the call would block. */
FIXTURE_VARIANT_ADD(recv_args, tv_nsec_1e9) {
	.flags = MQLAB_IO_TIMEOUT, .tv_nsec = NSEC, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(recv_args, tv_sec_negative) {
	.flags = MQLAB_IO_TIMEOUT, .tv_sec = (__u64)-5LL, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(recv_args, abs_tv_sec_negative) {
	.flags = MQLAB_IO_TIMEOUT | MQLAB_IO_ABSTIME, .tv_sec = 1ULL << 63,
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(recv_args, abs_real_tv_nsec_1e9) {
	.flags = MQLAB_IO_TIMEOUT | MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME,
	.tv_nsec = NSEC, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(recv_args, buffer_too_small) {
	.len = 3, .prefill = 1, .error = EMSGSIZE,
};

FIXTURE_VARIANT_ADD(recv_args, bad_buf) {
	.bad_buf = true, .prefill = 1, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(recv_args, empty_nonblock) {
	.flags = MQLAB_IO_NONBLOCK, .error = EAGAIN,
};

FIXTURE_VARIANT_ADD(recv_args, ok_exact_buffer) {
	.len = 4, .prefill = 1,
};

FIXTURE_SETUP(recv_args)
{
	int i;

	mqk_setup(_metadata, &self->k);
	self->fd = mqk_create(_metadata, mqk_name(_metadata, &self->k, "q"),
			      O_RDWR, 0600, MAXMSG, MSGSIZE);
	for (i = 0; i < variant->prefill; i++)
		ASSERT_EQ(0, mqk_sends(self->fd, "four", 0));
}

FIXTURE_TEARDOWN(recv_args)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(recv_args, recv)
{
	char buf[MSGSIZE];
	struct mqlab_recv r = {
		.buf = mqk_ptr(variant->bad_buf ? self->k.badptr : buf),
		.len = variant->len ? variant->len : MSGSIZE,
		.flags = variant->flags,
		.timeout = { variant->tv_sec, variant->tv_nsec },
		.pad = variant->pad,
	};
	struct mqlab_attr a;

	ASSERT_EQ(-variant->error, mqk_ioctl(self->fd, MQLAB_IOC_RECV, &r));
	a = mqk_attr(_metadata, self->fd);
	EXPECT_EQ(0, a.waiting_receivers);
	if (!variant->error) {
		EXPECT_EQ(4, r.len);
		EXPECT_EQ(0, memcmp(buf, "four", 4));
		EXPECT_EQ(variant->prefill - 1, (int)a.curmsgs);
	} else if (variant->error != EFAULT) {
		/* nothing was taken off the queue */
		EXPECT_EQ(variant->prefill, (int)a.curmsgs);
		EXPECT_EQ(0, a.received);
	}
}

/* ------------------------------------------------------------------ */
/* MQLAB_IOC_SETATTR input validation                                  */
/* ------------------------------------------------------------------ */

FIXTURE(setattr_args) {
	struct mqk k;
	int fd;
};

FIXTURE_VARIANT(setattr_args) {
	__u32 fd_flags;
	__u32 pad;
	int error;
};

FIXTURE_VARIANT_ADD(setattr_args, unknown_flag) {
	.fd_flags = 1U << 1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(setattr_args, top_flag) {
	.fd_flags = MQLAB_FD_NONBLOCK | 1U << 31, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(setattr_args, pad_nonzero) {
	.fd_flags = MQLAB_FD_NONBLOCK, .pad = 1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(setattr_args, ok_nonblock) {
	.fd_flags = MQLAB_FD_NONBLOCK,
};

FIXTURE_SETUP(setattr_args)
{
	mqk_setup(_metadata, &self->k);
	self->fd = mqk_create(_metadata, mqk_name(_metadata, &self->k, "q"),
			      O_RDWR, 0600, MAXMSG, MSGSIZE);
}

FIXTURE_TEARDOWN(setattr_args)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(setattr_args, setattr)
{
	struct mqlab_setattr sa = {
		.fd_flags = variant->fd_flags,
		.pad = variant->pad,
	};
	__u32 want = variant->error ? 0 : variant->fd_flags;

	ASSERT_EQ(-variant->error,
		  mqk_ioctl(self->fd, MQLAB_IOC_SETATTR, &sa));
	EXPECT_EQ(want, mqk_attr(_metadata, self->fd).fd_flags);
	EXPECT_EQ(want ? O_NONBLOCK : 0,
		  fcntl(self->fd, F_GETFL) & O_NONBLOCK);
}

/* ------------------------------------------------------------------ */
/* Send/receive semantics                                               */
/* ------------------------------------------------------------------ */

FIXTURE(io) {
	struct mqk k;
	const char *name;
	int fd;
};

FIXTURE_SETUP(io)
{
	mqk_setup(_metadata, &self->k);
	self->name = mqk_name(_metadata, &self->k, "q");
	self->fd = mqk_create(_metadata, self->name, O_RDWR, 0600, 8, 64);
}

FIXTURE_TEARDOWN(io)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(io, priority_order_and_fifo_within_priority)
{
	static const struct {
		const char *msg;
		__u32 prio;
	} in[] = {
		{ "a1", 1 }, { "b5", 5 }, { "c1", 1 }, { "d0", 0 },
		{ "e5", 5 }, { "f-top", MQLAB_PRIO_MAX - 1 }, { "g0", 0 },
		{ "h1", 1 },
	};
	static const char * const out[] = {
		"f-top", "b5", "e5", "a1", "c1", "h1", "d0", "g0",
	};
	struct mqlab_recv r;
	char buf[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(in); i++)
		ASSERT_EQ(0, mqk_sends(self->fd, in[i].msg, in[i].prio));
	for (i = 0; i < ARRAY_SIZE(out); i++) {
		ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf),
				      MQLAB_IO_NONBLOCK, NULL, &r));
		ASSERT_EQ(strlen(out[i]), r.len) TH_LOG("message %u", i);
		ASSERT_EQ(0, memcmp(buf, out[i], r.len))
			TH_LOG("message %u: got \"%.*s\", want \"%s\"", i,
			       (int)r.len, buf, out[i]);
	}
	ASSERT_EQ(-EAGAIN, mqk_recv(self->fd, buf, sizeof(buf),
				    MQLAB_IO_NONBLOCK, NULL, NULL));
}

TEST_F(io, zero_length_message)
{
	struct mqlab_recv r;
	char buf[64];

	ASSERT_EQ(0, mqk_send(self->fd, buf, 0, 7, 0, NULL));
	ASSERT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
	ASSERT_EQ(0, mqk_attr(_metadata, self->fd).curbytes);
	/* even a zero-sized buffer holds it */
	ASSERT_EQ(0, mqk_recv(self->fd, buf, 0, 0, NULL, &r));
	EXPECT_EQ(0, r.len);
	EXPECT_EQ(7, r.prio);
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
}

TEST_F(io, message_size_limit)
{
	char big[65], buf[65];
	struct mqlab_recv r;

	memset(big, 'm', sizeof(big));
	ASSERT_EQ(-EMSGSIZE, mqk_send(self->fd, big, 65, 0, 0, NULL));
	ASSERT_EQ(-EMSGSIZE, mqk_ret(write(self->fd, big, 65)));
	ASSERT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
	ASSERT_EQ(0, mqk_send(self->fd, big, 64, 0, 0, NULL));
	ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf), 0, NULL, &r));
	ASSERT_EQ(64, r.len);
	ASSERT_EQ(0, memcmp(buf, big, 64));
}

TEST_F(io, small_buffer_keeps_message)
{
	struct mqlab_recv r;
	char buf[64];

	ASSERT_EQ(0, mqk_sends(self->fd, "twelve bytes", 3));
	ASSERT_EQ(-EMSGSIZE, mqk_recv(self->fd, buf, 11, 0, NULL, &r));
	EXPECT_EQ(12, r.len);
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
	ASSERT_EQ(-EMSGSIZE, mqk_ret(read(self->fd, buf, 11)));
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).received);

	ASSERT_EQ(0, mqk_recv(self->fd, buf, 12, 0, NULL, &r));
	EXPECT_EQ(12, r.len);
	EXPECT_EQ(3, r.prio);
	EXPECT_EQ(0, memcmp(buf, "twelve bytes", 12));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
}

TEST_F(io, receiver_learns_sender)
{
	__u64 before, after;
	struct mqlab_recv r;
	char buf[64];

	before = mqk_now_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, mqk_sends(self->fd, "me", 11));
	after = mqk_now_ns(CLOCK_MONOTONIC);
	mqk_sleep_ms(20);
	ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf), 0, NULL, &r));
	EXPECT_EQ(2, r.len);
	EXPECT_EQ(11, r.prio);
	EXPECT_EQ(getpid(), (pid_t)r.pid);
	EXPECT_EQ(geteuid(), r.uid);
	EXPECT_EQ(0, r.pad);
	EXPECT_LE(before, r.timestamp_ns);
	EXPECT_GE(after, r.timestamp_ns);
}

TEST_F(io, receiver_learns_forked_sender)
{
	__u64 before, after;
	struct mqlab_recv r;
	char buf[64];
	pid_t pid, pid2;

	before = mqk_now_ns(CLOCK_MONOTONIC);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_sends(self->fd, "child", 1) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	after = mqk_now_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf), 0, NULL, &r));
	EXPECT_EQ(pid, (pid_t)r.pid);
	EXPECT_EQ(0, r.uid);
	EXPECT_LE(before, r.timestamp_ns);
	EXPECT_GE(after, r.timestamp_ns);

	if (geteuid() != 0)
		SKIP(return, "needs root to switch to uid %d", MQK_NOBODY);
	/* the uid at send time, through an fd inherited from root */
	pid2 = mqk_fork(_metadata, &self->k);
	if (pid2 == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_CHECK(mqk_sends(self->fd, "nobody", 1) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid2));
	ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf), 0, NULL, &r));
	EXPECT_EQ(pid2, (pid_t)r.pid);
	EXPECT_EQ(MQK_NOBODY, r.uid);
}

static void fill(struct __test_metadata *_metadata, int fd)
{
	struct mqlab_attr a = mqk_attr(_metadata, fd);

	while (a.curmsgs < a.maxmsg) {
		ASSERT_EQ(0, mqk_send(fd, "fill", 4, 0, MQLAB_IO_NONBLOCK,
				      NULL));
		a.curmsgs++;
	}
}

/*
 * A full queue with a non-blocking fd or call: EAGAIN, by each of the
 * ways to ask for it.  Nothing is queued by the failed calls.
 */
TEST_F(io, full_queue_nonblocking_is_eagain)
{
	struct mqlab_attr a;
	int fd;

	fill(_metadata, self->fd);
	ASSERT_EQ(-EAGAIN, mqk_send(self->fd, "x", 1, 0, MQLAB_IO_NONBLOCK,
				    NULL));

	fd = mqk_open_bind(self->name, O_WRONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	EXPECT_EQ(MQLAB_FD_NONBLOCK, mqk_attr(_metadata, fd).fd_flags);
	ASSERT_EQ(-EAGAIN, mqk_send(fd, "x", 1, 0, 0, NULL));
	ASSERT_EQ(-EAGAIN, mqk_ret(write(fd, "x", 1)));
	close(fd);

	fd = mqk_open_bind(self->name, O_WRONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, mqk_attr(_metadata, fd).fd_flags);
	ASSERT_EQ(0, mqk_setattr(fd, MQLAB_FD_NONBLOCK));
	EXPECT_EQ(MQLAB_FD_NONBLOCK, mqk_attr(_metadata, fd).fd_flags);
	EXPECT_EQ(O_NONBLOCK, fcntl(fd, F_GETFL) & O_NONBLOCK);
	ASSERT_EQ(-EAGAIN, mqk_send(fd, "x", 1, 0, 0, NULL));
	ASSERT_EQ(-EAGAIN, mqk_ret(write(fd, "x", 1)));
	/* and back */
	ASSERT_EQ(0, mqk_setattr(fd, 0));
	EXPECT_EQ(0, mqk_attr(_metadata, fd).fd_flags);
	EXPECT_EQ(0, fcntl(fd, F_GETFL) & O_NONBLOCK);
	/* fcntl() is the same flag */
	ASSERT_EQ(0, fcntl(fd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(MQLAB_FD_NONBLOCK, mqk_attr(_metadata, fd).fd_flags);
	ASSERT_EQ(-EAGAIN, mqk_send(fd, "x", 1, 0, 0, NULL));
	close(fd);

	a = mqk_attr(_metadata, self->fd);
	EXPECT_EQ(8, a.curmsgs);
	EXPECT_EQ(8, a.sent);
	/* the flag is per fd */
	EXPECT_EQ(0, a.fd_flags);
}

TEST_F(io, empty_queue_nonblocking_is_eagain)
{
	char buf[64];
	int fd;

	ASSERT_EQ(-EAGAIN, mqk_recv(self->fd, buf, sizeof(buf),
				    MQLAB_IO_NONBLOCK, NULL, NULL));

	fd = mqk_open_bind(self->name, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-EAGAIN, mqk_recv(fd, buf, sizeof(buf), 0, NULL, NULL));
	ASSERT_EQ(-EAGAIN, mqk_ret(read(fd, buf, sizeof(buf))));
	close(fd);

	fd = mqk_open_bind(self->name, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mqk_setattr(fd, MQLAB_FD_NONBLOCK));
	ASSERT_EQ(-EAGAIN, mqk_recv(fd, buf, sizeof(buf), 0, NULL, NULL));
	ASSERT_EQ(-EAGAIN, mqk_ret(read(fd, buf, sizeof(buf))));
	close(fd);
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).received);
}

TEST_F(io, read_write_are_one_message_at_prio_0)
{
	struct mqlab_recv r;
	char buf[64];

	ASSERT_EQ(0, mqk_sends(self->fd, "high", 4));
	ASSERT_EQ(5, write(self->fd, "write", 5));
	ASSERT_EQ(4, write(self->fd, "more", 4));
	ASSERT_EQ(0, mqk_sends(self->fd, "zero", 0));
	EXPECT_EQ(4, mqk_attr(_metadata, self->fd).curmsgs);

	ASSERT_EQ(4, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "high", 4));
	ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf), 0, NULL, &r));
	EXPECT_EQ(5, r.len);
	EXPECT_EQ(0, r.prio);
	EXPECT_EQ(0, memcmp(buf, "write", 5));
	/* one message per read(), however large the buffer */
	ASSERT_EQ(4, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "more", 4));
	ASSERT_EQ(4, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "zero", 4));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
}

TEST_F(io, getattr_counters)
{
	struct mqlab_attr a;
	char buf[64];
	int i;

	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, mqk_send(self->fd, "0123456789", 3 + i, i, 0,
				      NULL));
	/* highest priority first: the 7- and 6-byte messages */
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf), 0, NULL,
				      NULL));
	a = mqk_attr(_metadata, self->fd);
	EXPECT_EQ(8, a.maxmsg);
	EXPECT_EQ(64, a.msgsize);
	EXPECT_EQ(3, a.curmsgs);
	EXPECT_EQ(3 + 4 + 5, a.curbytes);
	EXPECT_EQ(5, a.sent);
	EXPECT_EQ(2, a.received);
	EXPECT_EQ(0, a.waiting_senders);
	EXPECT_EQ(0, a.waiting_receivers);
	EXPECT_EQ(0, a.fd_flags);
	EXPECT_EQ(0600, a.mode);
	EXPECT_EQ(geteuid(), a.uid);
	EXPECT_EQ(getegid(), a.gid);
	EXPECT_EQ(0, a.reserved[0]);
	EXPECT_EQ(0, a.reserved[1]);

	/* failed calls do not count */
	ASSERT_EQ(-EMSGSIZE, mqk_recv(self->fd, buf, 1, 0, NULL, NULL));
	ASSERT_EQ(-EINVAL, mqk_send(self->fd, "x", 1, MQLAB_PRIO_MAX, 0,
				    NULL));
	a = mqk_attr(_metadata, self->fd);
	EXPECT_EQ(5, a.sent);
	EXPECT_EQ(2, a.received);
	EXPECT_EQ(3, a.curmsgs);
}

TEST_F(io, poll_state)
{
	int ro, wo;
	char buf[64];
	int i;

	ro = mqk_open_bind(self->name, O_RDONLY);
	ASSERT_LE(0, ro);
	wo = mqk_open_bind(self->name, O_WRONLY);
	ASSERT_LE(0, wo);

	/* empty: room, nothing to read */
	EXPECT_EQ(POLLOUT, mqk_poll1(self->fd, POLLIN | POLLOUT | POLLPRI));
	EXPECT_EQ(0, mqk_poll1(ro, POLLIN | POLLPRI));
	EXPECT_EQ(POLLOUT, mqk_poll1(wo, POLLOUT));

	/* one message: both */
	ASSERT_EQ(0, mqk_sends(self->fd, "m", 0));
	EXPECT_EQ(POLLIN | POLLOUT, mqk_poll1(self->fd, POLLIN | POLLOUT |
					      POLLPRI));
	EXPECT_EQ(POLLIN, mqk_poll1(ro, POLLIN));

	/* full: nothing to write */
	for (i = 1; i < 8; i++)
		ASSERT_EQ(0, mqk_sends(self->fd, "m", 0));
	EXPECT_EQ(POLLIN, mqk_poll1(self->fd, POLLIN | POLLOUT | POLLPRI));
	EXPECT_EQ(0, mqk_poll1(wo, POLLOUT));

	/* one taken: room again */
	ASSERT_EQ(0, mqk_recv(ro, buf, sizeof(buf), 0, NULL, NULL));
	EXPECT_EQ(POLLOUT, mqk_poll1(wo, POLLOUT));
	close(ro);
	close(wo);
}

/* ------------------------------------------------------------------ */
/* Timeouts, one row per kind                                           */
/* ------------------------------------------------------------------ */

#define WAIT_MS		200

FIXTURE(timeout) {
	struct mqk k;
	int fd;
};

FIXTURE_VARIANT(timeout) {
	bool send;		/* wait in send on a full queue */
	__u32 flags;		/* MQLAB_IO_* besides MQLAB_IO_TIMEOUT */
	int ms;			/* timeout from now; < 0: in the past */
};

FIXTURE_VARIANT_ADD(timeout, recv_relative_monotonic) {
	.ms = WAIT_MS,
};

FIXTURE_VARIANT_ADD(timeout, recv_relative_realtime) {
	.flags = MQLAB_IO_REALTIME, .ms = WAIT_MS,
};

FIXTURE_VARIANT_ADD(timeout, recv_relative_zero) {
	.ms = 0,
};

FIXTURE_VARIANT_ADD(timeout, recv_absolute_monotonic) {
	.flags = MQLAB_IO_ABSTIME, .ms = WAIT_MS,
};

FIXTURE_VARIANT_ADD(timeout, recv_absolute_realtime) {
	.flags = MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME, .ms = WAIT_MS,
};

FIXTURE_VARIANT_ADD(timeout, recv_absolute_monotonic_past) {
	.flags = MQLAB_IO_ABSTIME, .ms = -1000,
};

FIXTURE_VARIANT_ADD(timeout, recv_absolute_realtime_past) {
	.flags = MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME, .ms = -1000,
};

FIXTURE_VARIANT_ADD(timeout, send_relative_monotonic) {
	.send = true, .ms = WAIT_MS,
};

FIXTURE_VARIANT_ADD(timeout, send_absolute_monotonic) {
	.send = true, .flags = MQLAB_IO_ABSTIME, .ms = WAIT_MS,
};

FIXTURE_VARIANT_ADD(timeout, send_absolute_realtime) {
	.send = true, .flags = MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME,
	.ms = WAIT_MS,
};

FIXTURE_VARIANT_ADD(timeout, send_absolute_realtime_past) {
	.send = true, .flags = MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME,
	.ms = -1000,
};

FIXTURE_SETUP(timeout)
{
	mqk_setup(_metadata, &self->k);
	self->fd = mqk_create(_metadata, mqk_name(_metadata, &self->k, "q"),
			      O_RDWR, 0600, 2, 16);
}

FIXTURE_TEARDOWN(timeout)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

static clockid_t row_clock(__u32 flags)
{
	return flags & MQLAB_IO_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC;
}

static struct mqlab_timespec row_timeout(__u32 flags, int ms)
{
	__s64 ns = (__s64)ms * 1000000;

	if (flags & MQLAB_IO_ABSTIME)
		ns += mqk_now_ns(row_clock(flags));
	return mqk_ts(ns);
}

static int row_io(int fd, bool send, __u32 flags,
		  const struct mqlab_timespec *to)
{
	char buf[16];

	flags |= MQLAB_IO_TIMEOUT;
	if (send)
		return mqk_send(fd, "t", 1, 0, flags, to);
	return mqk_recv(fd, buf, sizeof(buf), flags, to, NULL);
}

TEST_F(timeout, expires)
{
	struct mqlab_timespec to;
	__u64 start, end, deadline;
	struct mqlab_attr a;

	if (variant->send)
		fill(_metadata, self->fd);
	/* start first: an absolute deadline counts from before it */
	start = mqk_now_ns(CLOCK_MONOTONIC);
	to = row_timeout(variant->flags, variant->ms);
	deadline = to.tv_sec * NSEC + to.tv_nsec;
	ASSERT_EQ(-ETIMEDOUT, row_io(self->fd, variant->send, variant->flags,
				     &to));
	end = mqk_now_ns(CLOCK_MONOTONIC);

	if (variant->ms > 0) {
		EXPECT_LE((__u64)variant->ms * 1000000, end - start);
		if (variant->flags & MQLAB_IO_ABSTIME)
			EXPECT_LE(deadline,
				  mqk_now_ns(row_clock(variant->flags)));
	} else {
		/* at once (a generous bound for an emulated guest) */
		EXPECT_GT(1000000000ULL, end - start);
	}
	/* nothing moved */
	a = mqk_attr(_metadata, self->fd);
	EXPECT_EQ(variant->send ? 2 : 0, a.curmsgs);
	EXPECT_EQ(0, a.received);
	EXPECT_EQ(0, a.waiting_senders);
	EXPECT_EQ(0, a.waiting_receivers);
}

/* A call that does not need to wait succeeds whatever its timeout. */
TEST_F(timeout, no_wait_needed)
{
	struct mqlab_timespec to;

	if (!variant->send)
		ASSERT_EQ(0, mqk_sends(self->fd, "m", 0));
	to = row_timeout(variant->flags, variant->ms);
	ASSERT_EQ(0, row_io(self->fd, variant->send, variant->flags, &to));
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
