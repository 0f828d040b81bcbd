// SPDX-License-Identifier: GPL-2.0
/*
 * batch_test - /dev/mqueue-lab: MQLAB_IOC_SEND_BATCH and
 * MQLAB_IOC_RECV_BATCH: every errno, partial success (the sendmmsg()
 * count) with nothing lost or duplicated, blocking, wake-ups, order.
 */
#define _GNU_SOURCE

#include <sys/resource.h>

#include "mqlab_kst.h"

#define MAXMSG		4
#define MSGSIZE		16
#define NSEC		1000000000ULL

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

static int batch_ioctl(int fd, unsigned long cmd, struct mqlab_batch_msg *m,
		       __u32 count, __u32 flags,
		       const struct mqlab_timespec *timeout)
{
	struct mqlab_batch b = {
		.msgs = mqk_ptr(m),
		.count = count,
		.flags = flags,
	};

	if (timeout)
		b.timeout = *timeout;
	return mqk_ioctl(fd, cmd, &b);
}

static int send_batch(int fd, struct mqlab_batch_msg *m, __u32 count,
		      __u32 flags)
{
	return batch_ioctl(fd, MQLAB_IOC_SEND_BATCH, m, count, flags, NULL);
}

static int recv_batch(int fd, struct mqlab_batch_msg *m, __u32 count,
		      __u32 flags)
{
	return batch_ioctl(fd, MQLAB_IOC_RECV_BATCH, m, count, flags, NULL);
}

/* Messages "m<i>" (at @prio) in @text, described by @m. */
static void fill_send(struct mqlab_batch_msg *m, char (*text)[MSGSIZE],
		      int n, int first, __u32 prio)
{
	int i;

	memset(m, 0, n * sizeof(*m));
	for (i = 0; i < n; i++) {
		snprintf(text[i], MSGSIZE, "m%d", first + i);
		m[i].buf = mqk_ptr(text[i]);
		m[i].len = strlen(text[i]);
		m[i].prio = prio;
	}
}

/* Receive descriptors for @bufs, with out fields pre-set to garbage. */
static void fill_recv(struct mqlab_batch_msg *m, char (*bufs)[MSGSIZE],
		      int n)
{
	int i;

	for (i = 0; i < n; i++) {
		memset(bufs[i], 0, MSGSIZE);
		m[i].buf = mqk_ptr(bufs[i]);
		m[i].len = MSGSIZE;
		m[i].prio = 0xdeadbeef;
		m[i].pid = 0xdeadbeef;
		m[i].uid = 0xdeadbeef;
		m[i].timestamp_ns = 0xdeadbeefdeadbeefULL;
	}
}

/* Received descriptor @m holds the string @want. */
static bool got(const struct mqlab_batch_msg *m, const char *want)
{
	return m->len == strlen(want) &&
	       !memcmp((const void *)(uintptr_t)m->buf, want, m->len);
}

#define ASSERT_GOT(m, want) \
	ASSERT_TRUE(got(m, want)) TH_LOG("got \"%.*s\" (len %u), want \"%s\"", \
		(int)(m)->len, (const char *)(uintptr_t)(m)->buf, (m)->len, want)

static void sends(struct __test_metadata *_metadata, int fd, int n)
{
	char msg[MSGSIZE];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(msg, sizeof(msg), "f%d", i);
		ASSERT_EQ(0, mqk_sends(fd, msg, 0));
	}
}

/* Voluntary context switches of the calling process so far. */
static long nvcsw(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_nvcsw;
}

FIXTURE(batch) {
	struct mqk k;
	const char *name;
	int fd;
};

FIXTURE_SETUP(batch)
{
	mqk_setup(_metadata, &self->k);
	self->name = mqk_name(_metadata, &self->k, "q");
	self->fd = mqk_create(_metadata, self->name, O_RDWR, 0600, MAXMSG,
			      MSGSIZE);
}

FIXTURE_TEARDOWN(batch)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

/* ------------------------------------------------------------------ */
/* Every errno of both commands                                         */
/* ------------------------------------------------------------------ */

FIXTURE(batch_args) {
	struct mqk k;
	int fd;
	void *ro;		/* a read-only page */
};

/* Which argument a variant spoils. */
enum { BAD_NONE, BAD_ARRAY, BAD_ARRAY_NULL, BAD_ARRAY_RO, BAD_HEADER,
       BAD_BUF, BAD_LEN, BAD_PRIO, BAD_PID, BAD_UID, BAD_TIMESTAMP };

FIXTURE_VARIANT(batch_args) {
	bool recv;
	__u32 flags;
	__u32 count;		/* 0 means 2 */
	bool count_zero;
	int bad;		/* BAD_* in the first descriptor / header */
	__u64 tv_sec;
	__u64 tv_nsec;
	int prefill;		/* send: messages queued first (MAXMSG: full) */
	bool empty;		/* recv: no message queued first, else one */
	int oflags;		/* O_RDONLY or O_WRONLY with @acc, O_NONBLOCK */
	bool acc;		/* @oflags has the access mode, else O_RDWR */
	bool unbound;
	int error;
};

#define SEND_CASE(n, ...) \
	FIXTURE_VARIANT_ADD(batch_args, send_##n) { .recv = false, __VA_ARGS__ }
#define RECV_CASE(n, ...) \
	FIXTURE_VARIANT_ADD(batch_args, recv_##n) { .recv = true, __VA_ARGS__ }

SEND_CASE(ok, .error = 0);
SEND_CASE(unknown_flag, .flags = 1U << 4, .error = EINVAL);
SEND_CASE(top_flag, .flags = 1U << 31, .error = EINVAL);
SEND_CASE(count_zero, .count_zero = true, .error = EINVAL);
SEND_CASE(count_above_max, .count = MQLAB_BATCH_MAX + 1, .error = EINVAL);
SEND_CASE(count_all_ones, .count = ~0U, .error = EINVAL);
SEND_CASE(abstime_without_timeout, .flags = MQLAB_IO_ABSTIME, .error = EINVAL);
SEND_CASE(realtime_without_timeout, .flags = MQLAB_IO_REALTIME,
	  .error = EINVAL);
SEND_CASE(timeout_without_flag, .tv_sec = 1, .error = EINVAL);
SEND_CASE(tv_nsec_1e9, .flags = MQLAB_IO_TIMEOUT, .tv_nsec = NSEC,
	  .error = EINVAL);
SEND_CASE(tv_sec_negative, .flags = MQLAB_IO_TIMEOUT, .tv_sec = -1ULL,
	  .error = EINVAL);
SEND_CASE(first_prio_max, .bad = BAD_PRIO, .error = EINVAL);
SEND_CASE(first_pid_nonzero, .bad = BAD_PID, .error = EINVAL);
SEND_CASE(first_uid_nonzero, .bad = BAD_UID, .error = EINVAL);
SEND_CASE(first_timestamp_nonzero, .bad = BAD_TIMESTAMP, .error = EINVAL);
SEND_CASE(first_too_long, .bad = BAD_LEN, .error = EMSGSIZE);
SEND_CASE(first_bad_buf, .bad = BAD_BUF, .error = EFAULT);
SEND_CASE(bad_array, .bad = BAD_ARRAY, .error = EFAULT);
SEND_CASE(null_array, .bad = BAD_ARRAY_NULL, .error = EFAULT);
SEND_CASE(bad_header, .bad = BAD_HEADER, .error = EFAULT);
SEND_CASE(full_nonblock, .prefill = MAXMSG, .flags = MQLAB_IO_NONBLOCK,
	  .error = EAGAIN);
SEND_CASE(full_o_nonblock, .prefill = MAXMSG, .oflags = O_NONBLOCK,
	  .error = EAGAIN);
SEND_CASE(full_timeout, .prefill = MAXMSG, .flags = MQLAB_IO_TIMEOUT,
	  .tv_nsec = 50000000, .error = ETIMEDOUT);
SEND_CASE(read_only_fd, .oflags = O_RDONLY, .acc = true, .error = EBADF);
SEND_CASE(unbound, .unbound = true, .error = EBADFD);

RECV_CASE(ok, .error = 0);
RECV_CASE(unknown_flag, .flags = 1U << 4, .error = EINVAL);
RECV_CASE(count_zero, .count_zero = true, .error = EINVAL);
RECV_CASE(count_above_max, .count = MQLAB_BATCH_MAX + 1, .error = EINVAL);
RECV_CASE(abstime_without_timeout, .flags = MQLAB_IO_ABSTIME, .error = EINVAL);
RECV_CASE(timeout_without_flag, .tv_nsec = 1, .error = EINVAL);
RECV_CASE(tv_nsec_1e9, .flags = MQLAB_IO_TIMEOUT, .tv_nsec = NSEC,
	  .error = EINVAL);
RECV_CASE(first_too_small, .bad = BAD_LEN, .error = EMSGSIZE);
RECV_CASE(first_bad_buf, .bad = BAD_BUF, .error = EFAULT);
RECV_CASE(bad_array, .bad = BAD_ARRAY, .error = EFAULT);
RECV_CASE(null_array, .bad = BAD_ARRAY_NULL, .error = EFAULT);
RECV_CASE(read_only_array, .bad = BAD_ARRAY_RO, .error = EFAULT);
RECV_CASE(bad_header, .bad = BAD_HEADER, .error = EFAULT);
RECV_CASE(empty_nonblock, .empty = true, .flags = MQLAB_IO_NONBLOCK,
	  .error = EAGAIN);
RECV_CASE(empty_o_nonblock, .empty = true, .oflags = O_NONBLOCK,
	  .error = EAGAIN);
RECV_CASE(empty_timeout, .empty = true, .flags = MQLAB_IO_TIMEOUT,
	  .tv_nsec = 50000000, .error = ETIMEDOUT);
RECV_CASE(write_only_fd, .oflags = O_WRONLY, .acc = true, .error = EBADF);
RECV_CASE(unbound, .unbound = true, .error = EBADFD);

/* Spoil descriptor @m as BAD_* @bad says (those of one descriptor). */
static void spoil(struct mqlab_batch_msg *m, int bad, void *badptr, bool recv)
{
	switch (bad) {
	case BAD_BUF:
		m->buf = mqk_ptr(badptr);
		break;
	case BAD_LEN:
		m->len = recv ? 1 : MSGSIZE + 1;
		break;
	case BAD_PRIO:
		m->prio = MQLAB_PRIO_MAX;
		break;
	case BAD_PID:
		m->pid = 1;
		break;
	case BAD_UID:
		m->uid = 1;
		break;
	case BAD_TIMESTAMP:
		m->timestamp_ns = 1;
		break;
	}
}

/* Messages queued before the call. */
static int prefill(const FIXTURE_VARIANT(batch_args) *v)
{
	return v->recv ? !v->empty : v->prefill;
}

FIXTURE_SETUP(batch_args)
{
	const char *name;
	int fd;

	mqk_setup(_metadata, &self->k);
	name = mqk_name(_metadata, &self->k, "q");
	fd = mqk_create(_metadata, name, O_RDWR, 0600, MAXMSG, MSGSIZE);
	sends(_metadata, fd, prefill(variant));
	if (variant->unbound) {
		self->fd = mqk_open(O_RDWR);
	} else {
		self->fd = mqk_open_bind(name, variant->acc ? variant->oflags :
					 variant->oflags | O_RDWR);
	}
	ASSERT_LE(0, self->fd);
	close(fd);
	self->ro = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ro);
}

FIXTURE_TEARDOWN(batch_args)
{
	if (self->fd >= 0)
		close(self->fd);
	munmap(self->ro, getpagesize());
	mqk_teardown(&self->k);
}

TEST_F(batch_args, errors)
{
	char text[2][MSGSIZE], bufs[2][MSGSIZE];
	struct mqlab_batch_msg m[2];
	struct mqlab_batch b = {
		.msgs = mqk_ptr(m),
		.count = variant->count ? variant->count : 2,
		.flags = variant->flags,
		.timeout = { variant->tv_sec, variant->tv_nsec },
	};
	unsigned long cmd = variant->recv ? MQLAB_IOC_RECV_BATCH :
					    MQLAB_IOC_SEND_BATCH;
	void *arg = &b;
	struct mqlab_attr a;
	int want = variant->error ? -variant->error :
		   variant->recv ? prefill(variant) : 2;

	if (variant->recv)
		fill_recv(m, bufs, 2);
	else
		fill_send(m, text, 2, 0, 0);
	if (variant->count_zero)
		b.count = 0;
	switch (variant->bad) {
	case BAD_ARRAY:
		b.msgs = mqk_ptr(self->k.badptr);
		break;
	case BAD_ARRAY_NULL:
		b.msgs = 0;
		break;
	case BAD_ARRAY_RO:
		/* readable descriptors, which the kernel cannot write back */
		memcpy(self->ro, m, sizeof(m));
		ASSERT_EQ(0, mprotect(self->ro, getpagesize(), PROT_READ));
		b.msgs = mqk_ptr(self->ro);
		break;
	case BAD_HEADER:
		arg = self->k.badptr;
		break;
	default:
		spoil(&m[0], variant->bad, self->k.badptr, variant->recv);
	}

	ASSERT_EQ(want, mqk_ioctl(self->fd, cmd, arg));
	if (variant->unbound)
		return;
	a = mqk_attr(_metadata, self->fd);
	EXPECT_EQ(0, a.waiting_senders);
	EXPECT_EQ(0, a.waiting_receivers);
	if (!variant->error) {
		EXPECT_EQ(variant->recv ? 0 : 2, (int)a.curmsgs);
		return;
	}
	/* nothing was sent or received, nothing was lost */
	EXPECT_EQ(prefill(variant), (int)a.curmsgs);
	EXPECT_EQ(prefill(variant), (int)a.sent);
	EXPECT_EQ(0, a.received);
	if (variant->recv && variant->bad == BAD_LEN)
		EXPECT_EQ(2, m[0].len) TH_LOG("EMSGSIZE: the size needed");
	if (prefill(variant) && !(variant->acc && variant->oflags == O_WRONLY))
		mqk_expect_msg(_metadata, self->fd, "f0");
}

TEST_F(batch, feature_bit)
{
	struct mqlab_version v;

	ASSERT_EQ(0, mqk_ioctl(self->fd, MQLAB_IOC_VERSION, &v));
	EXPECT_EQ(MQLAB_FEAT_BATCH, v.features & MQLAB_FEAT_BATCH);
}

/* ------------------------------------------------------------------ */
/* Round trips, order, the out fields                                   */
/* ------------------------------------------------------------------ */

TEST_F(batch, priorities_and_fifo_across_a_batch)
{
	static const __u32 prio[] = { 1, 5, 1, 5, 3 };
	static const char *const order[] = { "m1", "m3", "m4", "m0", "m2" };
	char text[5][MSGSIZE], bufs[5][MSGSIZE];
	struct mqlab_batch_msg m[5];
	__u64 before = mqk_now_ns(CLOCK_MONOTONIC);
	int i;

	close(self->fd);
	self->fd = mqk_create(_metadata, mqk_name(_metadata, &self->k, "big"),
			      O_RDWR, 0600, 8, MSGSIZE);
	fill_send(m, text, 5, 0, 0);
	for (i = 0; i < 5; i++)
		m[i].prio = prio[i];
	ASSERT_EQ(5, send_batch(self->fd, m, 5, 0));
	fill_recv(m, bufs, 5);
	ASSERT_EQ(5, recv_batch(self->fd, m, 5, MQLAB_IO_NONBLOCK));
	for (i = 0; i < 5; i++) {
		ASSERT_GOT(&m[i], order[i]);
		EXPECT_EQ(prio[order[i][1] - '0'], m[i].prio);
		EXPECT_EQ(getpid(), (pid_t)m[i].pid);
		EXPECT_EQ(getuid(), (uid_t)m[i].uid);
		EXPECT_LE(before, m[i].timestamp_ns);
		EXPECT_GE(mqk_now_ns(CLOCK_MONOTONIC), m[i].timestamp_ns);
	}
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(5, mqk_attr(_metadata, self->fd).sent);
	EXPECT_EQ(5, mqk_attr(_metadata, self->fd).received);
}

/*
 * The sender of each message, in a receive batch of messages from two
 * senders with different pids and uids: the kernel works out what a
 * receiver sees of the sender once per run of one sender's messages
 * (mqlab_batch_store()), so the queue holds runs of one and of two.
 */
TEST_F(batch, recv_mixed_senders_each_its_own)
{
	/* 'A': this process, as root; 'B': a child, as MQK_NOBODY */
	static const char order[] = "ABABBAA";
	enum { N = sizeof(order) - 1, PRIO = 3 };
	char text[N][MSGSIZE], bufs[N + 1][MSGSIZE], c;
	struct mqlab_batch_msg m[N + 1];
	const char *name;
	int go[2], done[2], i;
	pid_t b;

	if (geteuid() != 0)
		SKIP(return, "needs root to switch to uid %d", MQK_NOBODY);
	/* distinct payloads of distinct lengths: "A0", "B1.", "A2..", ... */
	for (i = 0; i < N; i++)
		snprintf(text[i], MSGSIZE, "%c%d%.*s", order[i], i, i,
			 "......");
	close(self->fd);
	name = mqk_name(_metadata, &self->k, "mixed");
	/* others may write: B opens it as nobody */
	self->fd = mqk_create(_metadata, name, O_RDWR, 0622, N + 1, MSGSIZE);
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	b = mqk_fork(_metadata, &self->k);
	if (b == 0) {
		int fd;

		close(go[1]);
		close(done[0]);
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		fd = mqk_open_bind(name, O_WRONLY);
		CHILD_CHECK(fd >= 0);
		/* one message per byte read, each acknowledged */
		while (read(go[0], &c, 1) == 1) {
			i = c;
			CHILD_CHECK(mqk_sends(fd, text[i], PRIO) == 0);
			CHILD_CHECK(write(done[1], &c, 1) == 1);
		}
		_exit(0);
	}
	close(go[0]);
	close(done[1]);
	for (i = 0; i < N; i++) {
		if (order[i] == 'A') {
			ASSERT_EQ(0, mqk_sends(self->fd, text[i], PRIO));
			continue;
		}
		c = i;
		ASSERT_EQ(1, write(go[1], &c, 1));
		ASSERT_EQ(1, read(done[0], &c, 1)) TH_LOG("B did not send");
	}
	EXPECT_EQ(N, mqk_attr(_metadata, self->fd).curmsgs);

	fill_recv(m, bufs, N + 1);
	ASSERT_EQ(N, recv_batch(self->fd, m, N + 1, MQLAB_IO_NONBLOCK));
	for (i = 0; i < N; i++) {
		bool is_a = order[i] == 'A';

		ASSERT_GOT(&m[i], text[i]);
		EXPECT_EQ(PRIO, m[i].prio) TH_LOG("message %d", i);
		EXPECT_EQ(is_a ? getpid() : b, (pid_t)m[i].pid)
			TH_LOG("message %d (%c): pid", i, order[i]);
		EXPECT_EQ(is_a ? 0 : MQK_NOBODY, (int)m[i].uid)
			TH_LOG("message %d (%c): uid", i, order[i]);
	}
	/* B stays alive up to here: its pid is still its own */
	close(go[1]);
	ASSERT_EQ(0, mqk_reap(&self->k, b));
	close(done[0]);
}

/* A non-blocking receive takes what is there, fewer than asked. */
TEST_F(batch, recv_takes_what_is_there)
{
	char bufs[8][MSGSIZE];
	struct mqlab_batch_msg m[8];

	sends(_metadata, self->fd, 3);
	fill_recv(m, bufs, 8);
	ASSERT_EQ(3, recv_batch(self->fd, m, 8, MQLAB_IO_NONBLOCK));
	ASSERT_GOT(&m[0], "f0");
	ASSERT_GOT(&m[1], "f1");
	ASSERT_GOT(&m[2], "f2");
	/* descriptors past the count are not written */
	EXPECT_EQ(0xdeadbeef, m[3].prio);
	EXPECT_EQ(MSGSIZE, m[3].len);
}

TEST_F(batch, max_count)
{
	static char text[MQLAB_BATCH_MAX][MSGSIZE], bufs[MQLAB_BATCH_MAX][MSGSIZE];
	struct mqlab_batch_msg m[MQLAB_BATCH_MAX];
	char want[MSGSIZE];
	int i;

	close(self->fd);
	self->fd = mqk_create(_metadata, mqk_name(_metadata, &self->k, "max"),
			      O_RDWR, 0600, MQLAB_BATCH_MAX, MSGSIZE);
	fill_send(m, text, MQLAB_BATCH_MAX, 0, 0);
	ASSERT_EQ(MQLAB_BATCH_MAX, send_batch(self->fd, m, MQLAB_BATCH_MAX, 0));
	EXPECT_EQ(MQLAB_BATCH_MAX, mqk_attr(_metadata, self->fd).curmsgs);
	fill_recv(m, bufs, MQLAB_BATCH_MAX);
	ASSERT_EQ(MQLAB_BATCH_MAX, recv_batch(self->fd, m, MQLAB_BATCH_MAX, 0));
	for (i = 0; i < MQLAB_BATCH_MAX; i++) {
		snprintf(want, sizeof(want), "m%d", i);
		ASSERT_GOT(&m[i], want);
	}
}

/* ------------------------------------------------------------------ */
/* Partial success: the count, nothing lost or duplicated               */
/* ------------------------------------------------------------------ */

FIXTURE(partial) {
	struct mqk k;
	int fd;
};

FIXTURE_VARIANT(partial) {
	int bad;		/* BAD_BUF, BAD_LEN, BAD_PRIO */
	int at;			/* ... in descriptor @at */
	int error;		/* when @at is 0 */
};

FIXTURE_VARIANT_ADD(partial, plain) { .bad = BAD_NONE, };

FIXTURE_VARIANT_ADD(partial, bad_buf_at_2) { .bad = BAD_BUF, .at = 2, };

FIXTURE_VARIANT_ADD(partial, bad_buf_at_0) {
	.bad = BAD_BUF, .at = 0, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(partial, bad_len_at_1) { .bad = BAD_LEN, .at = 1, };

/* receive descriptors have no input prio: this one is not spoiled */
FIXTURE_VARIANT_ADD(partial, bad_prio_at_3) { .bad = BAD_PRIO, .at = 3, };

FIXTURE_SETUP(partial)
{
	mqk_setup(_metadata, &self->k);
	self->fd = mqk_create(_metadata, mqk_name(_metadata, &self->k, "q"),
			      O_RDWR, 0600, MAXMSG, MSGSIZE);
}

FIXTURE_TEARDOWN(partial)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(partial, send_partial)
{
	char text[MAXMSG][MSGSIZE], want[MSGSIZE];
	struct mqlab_batch_msg m[MAXMSG];
	int n = variant->bad ? variant->at : MAXMSG, i;

	fill_send(m, text, MAXMSG, 0, 0);
	spoil(&m[variant->at], variant->bad, self->k.badptr, false);
	ASSERT_EQ(n ? n : -variant->error, send_batch(self->fd, m, MAXMSG, 0));
	EXPECT_EQ(n, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(n, mqk_attr(_metadata, self->fd).sent);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "m%d", i);
		mqk_expect_msg(_metadata, self->fd, want);
	}
	ASSERT_EQ(-EAGAIN, mqk_recv(self->fd, NULL, 0, MQLAB_IO_NONBLOCK,
				    NULL, NULL));
}

/*
 * A receive batch stops at the buffer that faults (or a message that does
 * not fit): the messages before it are received, it and the rest stay
 * queued in their order, before a message sent after the batch.
 */
TEST_F(partial, recv_partial)
{
	char bufs[MAXMSG][MSGSIZE], want[MSGSIZE];
	struct mqlab_batch_msg m[MAXMSG];
	int n = variant->bad && variant->bad != BAD_PRIO ? variant->at :
		MAXMSG - 1;
	int i, ret;

	sends(_metadata, self->fd, MAXMSG - 1);
	fill_recv(m, bufs, MAXMSG);
	spoil(&m[variant->at], variant->bad, self->k.badptr, true);
	ret = recv_batch(self->fd, m, MAXMSG, MQLAB_IO_NONBLOCK);
	if (!n) {
		ASSERT_EQ(-variant->error, ret);
	} else {
		ASSERT_EQ(n, ret);
	}
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "f%d", i);
		ASSERT_GOT(&m[i], want);
	}
	EXPECT_EQ(n, mqk_attr(_metadata, self->fd).received);
	EXPECT_EQ(MAXMSG - 1 - n, mqk_attr(_metadata, self->fd).curmsgs);
	ASSERT_EQ(0, mqk_sends(self->fd, "after", 0));
	for (i = n; i < MAXMSG - 1; i++) {
		snprintf(want, sizeof(want), "f%d", i);
		mqk_expect_msg(_metadata, self->fd, want);
	}
	mqk_expect_msg(_metadata, self->fd, "after");
	ASSERT_EQ(-EAGAIN, mqk_recv(self->fd, NULL, 0, MQLAB_IO_NONBLOCK,
				    NULL, NULL));
}

/* A non-blocking send batch on a queue with room for some: the count. */
TEST_F(batch, send_nonblock_fills_the_queue)
{
	char text[6][MSGSIZE], want[MSGSIZE];
	struct mqlab_batch_msg m[6];
	int i;

	sends(_metadata, self->fd, 1);
	fill_send(m, text, 6, 0, 0);
	ASSERT_EQ(MAXMSG - 1, send_batch(self->fd, m, 6, MQLAB_IO_NONBLOCK));
	mqk_expect_msg(_metadata, self->fd, "f0");
	for (i = 0; i < MAXMSG - 1; i++) {
		snprintf(want, sizeof(want), "m%d", i);
		mqk_expect_msg(_metadata, self->fd, want);
	}
}

/* ------------------------------------------------------------------ */
/* Blocking and wake-ups                                                */
/* ------------------------------------------------------------------ */

/*
 * A blocked receive batch is woken once, by the first message, and takes
 * what a send batch queued with it, without blocking again.
 */
TEST_F(batch, blocked_recv_woken_once_takes_the_batch)
{
	char text[5][MSGSIZE];
	struct mqlab_batch_msg m[5];
	pid_t pid;

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		char bufs[8][MSGSIZE];
		struct mqlab_batch_msg r[8];
		long before;
		int ret;

		fill_recv(r, bufs, 8);
		before = nvcsw();
		ret = recv_batch(self->fd, r, 8, 0);
		before = nvcsw() - before;
		CHILD_CHECK(ret == 5);
		CHILD_CHECK(got(&r[0], "m0") && got(&r[4], "m4"));
		fprintf(stderr, "# receiver: %ld voluntary switches\n", before);
		/*
		 * Woken once: no wake-up per message, none that sends it
		 * back to sleep.  0 is once too: the wake-up came between
		 * its unlock and schedule(), which then did not switch
		 * (seen on a loaded host with -smp 2).
		 */
		CHILD_CHECK(before <= 1);
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, false, 1);
	fill_send(m, text, 5, 0, 0);
	/* one handed over, MAXMSG queued, all before the wake-up */
	ASSERT_EQ(5, send_batch(self->fd, m, 5, 0));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
}

/* A blocked receive batch returns as soon as one message arrives. */
TEST_F(batch, blocked_recv_returns_with_one)
{
	pid_t pid;

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		char bufs[8][MSGSIZE];
		struct mqlab_batch_msg r[8];

		fill_recv(r, bufs, 8);
		CHILD_CHECK(recv_batch(self->fd, r, 8, 0) == 1);
		CHILD_CHECK(got(&r[0], "one"));
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, false, 1);
	ASSERT_EQ(0, mqk_sends(self->fd, "one", 0));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
}

/*
 * A send batch on a full queue blocks once, holding the rest of the
 * batch (charged as held bytes); single receives move its messages in
 * one per slot, and it is woken once, when the last is in.
 */
TEST_F(batch, blocked_send_woken_once_for_the_rest)
{
	__u64 queues, bytes, held = 0;
	char uid[16], want[MSGSIZE];
	pid_t pid;
	int i;

	snprintf(uid, sizeof(uid), "%u", (unsigned int)getuid());
	sends(_metadata, self->fd, MAXMSG - 1);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		char text[5][MSGSIZE];
		struct mqlab_batch_msg m[5];
		long before;
		int ret;

		fill_send(m, text, 5, 0, 0);
		before = nvcsw();
		ret = send_batch(self->fd, m, 5, 0);
		before = nvcsw() - before;
		CHILD_CHECK(ret == 5);
		fprintf(stderr, "# sender: %ld voluntary switches\n", before);
		CHILD_CHECK(before == 1);
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, true, 1);
	EXPECT_EQ(MAXMSG, mqk_attr(_metadata, self->fd).curmsgs);
	ASSERT_EQ(1, mqk_users_line(uid, &queues, &bytes, &held));
	EXPECT_LT(0, held) TH_LOG("a blocked batch holds its messages");
	/* m0 went in; each receive moves one of m1 .. m4 in */
	for (i = 0; i < MAXMSG - 1; i++) {
		snprintf(want, sizeof(want), "f%d", i);
		mqk_expect_msg(_metadata, self->fd, want);
		/* still one to move in: the sender sleeps on */
		mqk_sleep_ms(MQK_GRACE_MS);
		ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, pid, 0, NULL));
		ASSERT_EQ(1, mqk_attr(_metadata, self->fd).waiting_senders);
	}
	/* the last free slot takes m4: it is done */
	mqk_expect_msg(_metadata, self->fd, "m0");
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	ASSERT_EQ(1, mqk_users_line(uid, &queues, &bytes, &held));
	EXPECT_EQ(0, held);
	for (i = 1; i < 5; i++) {
		snprintf(want, sizeof(want), "m%d", i);
		mqk_expect_msg(_metadata, self->fd, want);
	}
}

static void on_usr1(int sig)
{
	(void)sig;
}

/*
 * A signal ends a blocked send batch with the count sent so far, or
 * EINTR when none was; the rest is not sent.
 */
TEST_F(batch, signal_ends_blocked_send_with_count)
{
	int sync[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(sync));
	sends(_metadata, self->fd, MAXMSG);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_usr1 };
		char text[3][MSGSIZE];
		struct mqlab_batch_msg m[3];

		/* without SA_RESTART */
		sigemptyset(&sa.sa_mask);
		CHILD_CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
		fill_send(m, text, 3, 0, 0);
		CHILD_CHECK(send_batch(self->fd, m, 3, 0) == 1);
		CHILD_CHECK(write(sync[1], "x", 1) == 1);
		CHILD_CHECK(send_batch(self->fd, m + 1, 2, 0) == -EINTR);
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, true, 1);
	mqk_expect_msg(_metadata, self->fd, "f0");	/* moves m0 in */
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	ASSERT_EQ(1, read(sync[0], &c, 1));
	ASSERT_WAITERS(self->fd, true, 1);		/* the second call */
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	mqk_expect_msg(_metadata, self->fd, "f1");
	mqk_expect_msg(_metadata, self->fd, "f2");
	mqk_expect_msg(_metadata, self->fd, "f3");
	mqk_expect_msg(_metadata, self->fd, "m0");
	ASSERT_EQ(-EAGAIN, mqk_recv(self->fd, NULL, 0, MQLAB_IO_NONBLOCK,
				    NULL, NULL));
}

/* A send batch hands one message to each blocked receiver, in order. */
TEST_F(batch, send_wakes_each_blocked_receiver_once)
{
	char text[5][MSGSIZE], want[MSGSIZE];
	struct mqlab_batch_msg m[5];
	pid_t pid[3];
	int i;

	for (i = 0; i < 3; i++) {
		pid[i] = mqk_fork(_metadata, &self->k);
		if (pid[i] == 0) {
			struct mqlab_recv r;
			char buf[MSGSIZE];

			CHILD_CHECK(mqk_recv(self->fd, buf, sizeof(buf), 0,
					     NULL, &r) == 0);
			_exit(10 + buf[1] - '0');
		}
		/* one at a time: receivers are served in FIFO order */
		ASSERT_WAITERS(self->fd, false, i + 1);
	}
	fill_send(m, text, 5, 0, 0);
	ASSERT_EQ(5, send_batch(self->fd, m, 5, 0));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(10 + i, mqk_reap(&self->k, pid[i]));
	EXPECT_EQ(2, mqk_attr(_metadata, self->fd).curmsgs);
	for (i = 3; i < 5; i++) {
		snprintf(want, sizeof(want), "m%d", i);
		mqk_expect_msg(_metadata, self->fd, want);
	}
}

/* A receive batch moves in the messages of every blocked sender. */
TEST_F(batch, recv_refills_from_each_blocked_sender)
{
	char bufs[8][MSGSIZE], want[MSGSIZE];
	struct mqlab_batch_msg m[8];
	pid_t pid;
	int i;

	sends(_metadata, self->fd, MAXMSG);
	for (i = 0; i < 3; i++) {
		pid = mqk_fork(_metadata, &self->k);
		if (pid == 0) {
			snprintf(want, sizeof(want), "s%d", i);
			CHILD_CHECK(mqk_sends(self->fd, want, 0) == 0);
			_exit(0);
		}
		ASSERT_WAITERS(self->fd, true, i + 1);
	}
	fill_recv(m, bufs, 8);
	ASSERT_EQ(MAXMSG + 3, recv_batch(self->fd, m, 8, 0));
	for (i = 0; i < MAXMSG + 3; i++) {
		if (i < MAXMSG)
			snprintf(want, sizeof(want), "f%d", i);
		else
			snprintf(want, sizeof(want), "s%d", i - MAXMSG);
		ASSERT_GOT(&m[i], want);
	}
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, mqk_reap(&self->k, -1));
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
}

/*
 * A faulting receive batch puts messages back although blocked senders
 * took the slots meanwhile: the queue is above maxmsg for a while, and
 * no sender is moved in until it is below maxmsg again.
 */
TEST_F(batch, putback_over_capacity_moves_no_sender)
{
	char bufs[2][MSGSIZE], want[MSGSIZE];
	struct mqlab_batch_msg m[2];
	pid_t pid;
	int i;

	sends(_metadata, self->fd, MAXMSG);
	for (i = 0; i < 3; i++) {
		pid = mqk_fork(_metadata, &self->k);
		if (pid == 0) {
			snprintf(want, sizeof(want), "s%d", i);
			CHILD_CHECK(mqk_sends(self->fd, want, 0) == 0);
			_exit(0);
		}
		ASSERT_WAITERS(self->fd, true, i + 1);
	}
	fill_recv(m, bufs, 2);
	m[1].buf = mqk_ptr(self->k.badptr);
	/* f0 and f1 taken, s0 and s1 moved in, f1 put back */
	ASSERT_EQ(1, recv_batch(self->fd, m, 2, 0));
	ASSERT_GOT(&m[0], "f0");
	ASSERT_EQ(0, mqk_reap(&self->k, -1));
	ASSERT_EQ(0, mqk_reap(&self->k, -1));
	EXPECT_EQ(MAXMSG + 1, mqk_attr(_metadata, self->fd).curmsgs);
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).waiting_senders);
	mqk_expect_msg(_metadata, self->fd, "f1");	/* back at maxmsg */
	mqk_sleep_ms(MQK_GRACE_MS);
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).waiting_senders);
	mqk_expect_msg(_metadata, self->fd, "f2");	/* below: s2 moves */
	ASSERT_EQ(0, mqk_reap(&self->k, -1));
	mqk_expect_msg(_metadata, self->fd, "f3");
	mqk_expect_msg(_metadata, self->fd, "s0");
	mqk_expect_msg(_metadata, self->fd, "s1");
	mqk_expect_msg(_metadata, self->fd, "s2");
	EXPECT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
