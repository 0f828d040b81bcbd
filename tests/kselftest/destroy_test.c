// SPDX-License-Identifier: GPL-2.0
/*
 * destroy_test - /dev/mqueue-lab: MQLAB_UNLINK_DESTROY (MQLAB_FEAT_DESTROY).
 * Every blocked sender and receiver (ioctl, read/write, batches) wakes
 * with EIDRM, every later operation on a bound fd fails with EIDRM,
 * poll reports EPOLLERR|EPOLLHUP (and a blocked poll is woken), queued
 * messages are freed, a message handed over before the destroy is
 * received whole, the name is gone (ENOENT) and can be made anew, and
 * only the owner or CAP_FOWNER may destroy (EPERM, as for unlink).
 */
#define _GNU_SOURCE

#include "mqlab_kst.h"

#define MAXMSG		2
#define MSGSIZE		16

FIXTURE(destroy) {
	struct mqk k;
	const char *name;
	int fd;
};

FIXTURE_SETUP(destroy)
{
	mqk_setup(_metadata, &self->k);
	self->name = mqk_name(_metadata, &self->k, "q");
	self->fd = mqk_create(_metadata, self->name, O_RDWR, 0666, MAXMSG,
			      MSGSIZE);
}

FIXTURE_TEARDOWN(destroy)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

/* UNLINK with MQLAB_UNLINK_DESTROY through a fresh unbound fd. */
static int destroy_name(const char *name)
{
	int fd = mqk_open(O_RDWR);
	int ret;

	if (fd < 0)
		return fd;
	ret = mqk_unlink_len(fd, name, strlen(name), MQLAB_UNLINK_DESTROY);
	close(fd);
	return ret;
}

/* A child that must end with EIDRM: reaped within MQK_WAIT_MS. */
#define ASSERT_ALL_EXIT_0(k) do {					\
	pid_t __who = 0;						\
	int __st;							\
									\
	while ((k)->nkids) {						\
		__st = mqk_reap_timed((k), -1, MQK_WAIT_MS, &__who);	\
		ASSERT_EQ(0, __st)					\
			TH_LOG("child %d ended with %d", (int)__who, __st); \
	}								\
} while (0)

TEST_F(destroy, feature_bit)
{
	struct mqlab_version v;

	ASSERT_EQ(0, mqk_ioctl(self->fd, MQLAB_IOC_VERSION, &v));
	EXPECT_EQ(MQLAB_FEAT_DESTROY, v.features & MQLAB_FEAT_DESTROY);
}

/* Receivers blocked in RECV, read(2) and RECV_BATCH: each gets EIDRM. */
TEST_F(destroy, blocked_receivers_get_eidrm)
{
	int kind;

	for (kind = 0; kind < 3; kind++) {
		if (mqk_fork(_metadata, &self->k) == 0) {
			struct mqlab_batch_msg m[2] = {};
			char buf[MSGSIZE], buf2[MSGSIZE];
			ssize_t n;

			if (kind == 0) {
				CHILD_CHECK(mqk_recv(self->fd, buf, sizeof(buf),
						     0, NULL, NULL) == -EIDRM);
			} else if (kind == 1) {
				n = read(self->fd, buf, sizeof(buf));
				CHILD_CHECK(n == -1 && errno == EIDRM);
			} else {
				m[0].buf = mqk_ptr(buf);
				m[0].len = sizeof(buf);
				m[1].buf = mqk_ptr(buf2);
				m[1].len = sizeof(buf2);
				CHILD_CHECK(mqk_batch(self->fd,
						      MQLAB_IOC_RECV_BATCH,
						      m, 2, 0) == -EIDRM);
			}
			_exit(0);
		}
	}
	ASSERT_WAITERS(self->fd, false, 3);
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, -1, 0, NULL))
		TH_LOG("a receiver woke before the destroy");

	ASSERT_EQ(0, destroy_name(self->name));
	ASSERT_ALL_EXIT_0(&self->k);
}

/*
 * Senders blocked on a full queue in SEND, write(2) and SEND_BATCH:
 * each gets EIDRM and nothing of theirs is queued.  A batch that sent
 * one message before it blocked returns 1.
 */
TEST_F(destroy, blocked_senders_get_eidrm)
{
	int kind;

	ASSERT_EQ(0, mqk_sends(self->fd, "f0", 0));
	for (kind = 0; kind < 3; kind++) {
		if (mqk_fork(_metadata, &self->k) == 0) {
			struct mqlab_batch_msg m[2] = {
				{ .buf = mqk_ptr("b0"), .len = 2 },
				{ .buf = mqk_ptr("b1"), .len = 2 },
			};
			ssize_t n;

			if (kind == 0) {
				/* One slot left: b0 goes in, b1 blocks. */
				CHILD_CHECK(mqk_batch(self->fd,
						      MQLAB_IOC_SEND_BATCH,
						      m, 2, 0) == 1);
			} else if (kind == 1) {
				CHILD_CHECK(mqk_sends(self->fd, "s", 1) ==
					    -EIDRM);
			} else {
				n = write(self->fd, "w", 1);
				CHILD_CHECK(n == -1 && errno == EIDRM);
			}
			_exit(0);
		}
		/* The batch first: it takes the last slot. */
		ASSERT_WAITERS(self->fd, true, kind + 1);
	}
	ASSERT_WAITERS(self->fd, true, 3);
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, -1, 0, NULL))
		TH_LOG("a sender woke before the destroy");
	ASSERT_EQ(MAXMSG, mqk_attr(_metadata, self->fd).curmsgs);

	ASSERT_EQ(0, destroy_name(self->name));
	ASSERT_ALL_EXIT_0(&self->k);
}

/* Every later operation on a bound fd: EIDRM; poll: ERR|HUP only. */
TEST_F(destroy, later_operations_get_eidrm)
{
	struct mqlab_batch_msg m = { .buf = mqk_ptr("x"), .len = 1 };
	struct mqlab_attr a;
	char buf[MSGSIZE];
	int ro, wo;

	ro = mqk_open_bind(self->name, O_RDONLY);
	ASSERT_LE(0, ro);
	wo = mqk_open_bind(self->name, O_WRONLY);
	ASSERT_LE(0, wo);
	ASSERT_EQ(0, mqk_sends(self->fd, "m", 0));

	ASSERT_EQ(0, destroy_name(self->name));

	EXPECT_EQ(-EIDRM, mqk_sends(self->fd, "x", 0));
	EXPECT_EQ(-EIDRM, mqk_send(self->fd, "x", 1, 0, MQLAB_IO_NONBLOCK,
				   NULL));
	EXPECT_EQ(-EIDRM, mqk_sends(wo, "x", 0));
	/* Not EAGAIN: the queue is gone, not empty. */
	EXPECT_EQ(-EIDRM, mqk_recv(self->fd, buf, sizeof(buf),
				   MQLAB_IO_NONBLOCK, NULL, NULL));
	EXPECT_EQ(-EIDRM, mqk_recv(ro, buf, sizeof(buf), 0, NULL, NULL));
	EXPECT_EQ(-EIDRM,
		  mqk_batch(self->fd, MQLAB_IOC_SEND_BATCH, &m, 1, 0));
	m.buf = mqk_ptr(buf);
	m.len = sizeof(buf);
	EXPECT_EQ(-EIDRM, mqk_batch(self->fd, MQLAB_IOC_RECV_BATCH, &m, 1,
				    MQLAB_IO_NONBLOCK));
	EXPECT_EQ(-EIDRM, mqk_getattr(self->fd, &a));
	EXPECT_EQ(-EIDRM, mqk_setattr(self->fd, MQLAB_FD_NONBLOCK));
	EXPECT_EQ(-EIDRM, mqk_notify(self->fd, MQLAB_NOTIFY_NONE, 0, 0));
	EXPECT_EQ(-1, read(ro, buf, sizeof(buf)));
	EXPECT_EQ(EIDRM, errno);
	EXPECT_EQ(-1, write(wo, "x", 1));
	EXPECT_EQ(EIDRM, errno);
	/* Bad input still gets its own errno first. */
	EXPECT_EQ(-EINVAL, mqk_sends(self->fd, "x", MQLAB_PRIO_MAX));
	EXPECT_EQ(-EBADF, mqk_sends(ro, "x", 0));

	EXPECT_EQ(POLLERR | POLLHUP, mqk_poll1(self->fd, POLLIN | POLLOUT));
	EXPECT_EQ(POLLERR | POLLHUP, mqk_poll1(ro, POLLIN));
	EXPECT_EQ(POLLERR | POLLHUP, mqk_poll1(wo, POLLOUT));

	close(ro);
	close(wo);
}

/*
 * The name is gone: UNLINK, DESTROY and BIND say ENOENT; CREATE makes a
 * new, empty queue that works; the old fd still says EIDRM.
 */
TEST_F(destroy, name_gone_and_reusable)
{
	struct mqlab_attr a;
	int fd;

	ASSERT_EQ(0, mqk_sends(self->fd, "old", 0));
	ASSERT_EQ(0, destroy_name(self->name));

	EXPECT_EQ(-ENOENT, mqk_unlink(self->name));
	EXPECT_EQ(-ENOENT, destroy_name(self->name));
	EXPECT_EQ(-ENOENT, mqk_try_bind(self->name, O_RDWR, 0));

	fd = mqk_create(_metadata, self->name, O_RDWR, 0600, MAXMSG, MSGSIZE);
	a = mqk_attr(_metadata, fd);
	EXPECT_EQ(0, a.curmsgs);
	EXPECT_EQ(0, a.sent);
	ASSERT_EQ(0, mqk_sends(fd, "new", 0));
	mqk_expect_msg(_metadata, fd, "new");
	EXPECT_EQ(-EIDRM, mqk_getattr(self->fd, &a));
	close(fd);
}

/* Queued messages are freed at once; /proc shows "destroyed", empty. */
TEST_F(destroy, queued_messages_freed)
{
	char hdr[1024], line[1024];
	__u64 v = ~0ULL;

	ASSERT_EQ(0, mqk_sends(self->fd, "m0", 0));
	ASSERT_EQ(0, mqk_sends(self->fd, "m1", 3));
	ASSERT_EQ(0, mqk_proc_value(self->name, "curmsgs", &v));
	ASSERT_EQ(2, v);

	ASSERT_EQ(0, destroy_name(self->name));

	/* Root sees the queue its fd keeps alive. */
	ASSERT_EQ(1, mqk_proc_line(self->name, hdr, sizeof(hdr), line,
				   sizeof(line)));
	EXPECT_TRUE(mqk_has_field(line, "destroyed")) TH_LOG("%s", line);
	ASSERT_EQ(0, mqk_proc_value(self->name, "curmsgs", &v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(0, mqk_proc_value(self->name, "curbytes", &v));
	EXPECT_EQ(0, v);

	/* With its last fd it goes from /proc too. */
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, mqk_proc_line(self->name, hdr, sizeof(hdr), line,
				   sizeof(line)));
}

/* A message handed to a blocked receiver before the destroy: delivered. */
TEST_F(destroy, handed_off_message_delivered)
{
	pid_t pid;

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		struct mqlab_recv r;
		char buf[MSGSIZE];

		CHILD_CHECK(mqk_recv(self->fd, buf, sizeof(buf), 0, NULL,
				     &r) == 0);
		CHILD_CHECK(r.len == 4 && !memcmp(buf, "mine", 4));
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, false, 1);
	/* The hand-off completes the receiver under the queue lock. */
	ASSERT_EQ(0, mqk_sends(self->fd, "mine", 0));
	ASSERT_EQ(0, destroy_name(self->name));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
}

/* A task blocked in poll(2) is woken with POLLERR|POLLHUP. */
TEST_F(destroy, blocked_poll_woken)
{
	int pipefd[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(pipefd));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		struct pollfd p = { .fd = self->fd, .events = POLLIN };

		close(pipefd[0]);
		CHILD_CHECK(write(pipefd[1], "r", 1) == 1);
		CHILD_CHECK(poll(&p, 1, MQK_WAIT_MS * 2) == 1);
		CHILD_CHECK(p.revents == (POLLERR | POLLHUP));
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	close(pipefd[0]);
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, pid, 0, NULL))
		TH_LOG("poll returned before the destroy");

	ASSERT_EQ(0, destroy_name(self->name));
	ASSERT_EQ(0, mqk_reap_timed(&self->k, pid, MQK_WAIT_MS, NULL));
}

/*
 * Who may: as for UNLINK.  Nobody gets EPERM on root's 0666 queue,
 * which then still works (its blocked receiver is not disturbed); a
 * queue nobody owns, nobody may destroy; root (CAP_FOWNER) may destroy
 * anybody's.
 */
TEST_F(destroy, permission_as_unlink)
{
	const char *own = mqk_name(_metadata, &self->k, "own");
	const char *own2 = mqk_name(_metadata, &self->k, "own2");
	pid_t pid;
	int fd;

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		int qfd;

		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_CHECK(destroy_name(self->name) == -EPERM);
		qfd = mqk_open(O_RDWR);
		CHILD_CHECK(qfd >= 0);
		CHILD_CHECK(mqk_bind(qfd, own, MQLAB_BIND_CREATE, 0600, 0,
				     0) == 0);
		CHILD_CHECK(mqk_try_bind(own2, O_RDWR, MQLAB_BIND_CREATE) == 0);
		CHILD_CHECK(destroy_name(own) == 0);
		CHILD_CHECK(mqk_sends(qfd, "x", 0) == -EIDRM);
		close(qfd);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));

	/* Still alive and named after nobody's EPERM. */
	ASSERT_EQ(0, mqk_sends(self->fd, "alive", 0));
	mqk_expect_msg(_metadata, self->fd, "alive");
	fd = mqk_open_bind(self->name, O_RDWR);
	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(-ENOENT, mqk_try_bind(own, O_RDWR, 0));
	/* Root destroys nobody's queue. */
	EXPECT_EQ(0, destroy_name(own2));
	EXPECT_EQ(-ENOENT, mqk_try_bind(own2, O_RDWR, 0));
}

/* Bad input to a destroy: the errnos of UNLINK. */
TEST_F(destroy, bad_input)
{
	int fd = mqk_open(O_RDWR);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOENT, destroy_name("kst-no-such-queue"));
	EXPECT_EQ(-EINVAL, mqk_unlink_len(fd, "a/b", 3,
					  MQLAB_UNLINK_DESTROY));
	EXPECT_EQ(-EINVAL, mqk_unlink_len(fd, self->name,
					  strlen(self->name),
					  MQLAB_UNLINK_DESTROY | 2));
	EXPECT_EQ(-EFAULT, mqk_unlink_len(fd, self->k.badptr, 8,
					  MQLAB_UNLINK_DESTROY));
	close(fd);
	/* None of them touched the queue. */
	ASSERT_EQ(0, mqk_sends(self->fd, "ok", 0));
	mqk_expect_msg(_metadata, self->fd, "ok");
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
