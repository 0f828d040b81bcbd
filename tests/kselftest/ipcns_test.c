// SPDX-License-Identifier: GPL-2.0
/*
 * ipcns_test - /dev/mqueue-lab: names per IPC namespace (MQLAB_FEAT_IPCNS).
 * After unshare(CLONE_NEWIPC) no name is seen; the same name in two
 * namespaces is two queues (CREATE|EXCL succeeds in each, messages never
 * cross); UNLINK in one leaves the other alone; /proc/mqueue-lab lists
 * the reader's namespace only; an fd bound in one namespace keeps
 * working in another (inherited, or passed with SCM_RIGHTS); queues_max
 * counts a namespace's own queues; when a namespace dies its queues are
 * reclaimed (names gone, charges back once no fd holds them) and a new
 * namespace never sees them; and the same in an unprivileged user
 * namespace when the kernel allows one.
 *
 * Every namespace is made by a forked child (unshare() needs root, and
 * the test process must stay in the initial namespace); a child reports
 * with CHILD_CHECK() and its exit status.
 */
#define _GNU_SOURCE

#include <sched.h>
#include <sys/socket.h>

#include "mqlab_kst.h"

#define MSGSIZE		16
/* A child's exit status: the kernel refused the namespace (SKIP). */
#define NS_REFUSED	4
/* The delayed sweep runs every 2 s; generous for TCG. */
#define RECLAIM_MS	MQK_WAIT_MS

FIXTURE(ipcns) {
	struct mqk k;
	const char *name;
	int fd;
	int sync[2]; /* socketpair: child <-> parent, and fd passing */
};

FIXTURE_SETUP(ipcns)
{
	mqk_setup(_metadata, &self->k);
	self->name = mqk_name(_metadata, &self->k, "q");
	self->fd = mqk_create(_metadata, self->name, O_RDWR, 0666, 4, MSGSIZE);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				self->sync));
}

FIXTURE_TEARDOWN(ipcns)
{
	if (self->fd > 0)
		close(self->fd);
	close(self->sync[0]);
	close(self->sync[1]);
	mqk_teardown(&self->k);
}

/* Send one byte and, when @fd >= 0, the fd @fd with it (SCM_RIGHTS). */
static int sync_send(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	char byte = 'x';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -errno;
}

/*
 * Wait for one byte (up to MQK_WAIT_MS); the fd that came with it, if
 * any, to *@fd.  0, or -errno (-ETIMEDOUT; -EPIPE when the peer closed).
 */
static int sync_recv(int sock, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct pollfd p = { .fd = sock, .events = POLLIN };
	struct cmsghdr *c;
	ssize_t n;

	if (poll(&p, 1, MQK_WAIT_MS) <= 0)
		return -ETIMEDOUT;
	n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	c = CMSG_FIRSTHDR(&mh);
	if (fd && c && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return 0;
}

/* In a child: a new IPC namespace, or _exit(NS_REFUSED). */
static void child_unshare(int flags)
{
	if (unshare(flags) < 0) {
		fprintf(stderr, "# child: unshare(%#x): %s\n", flags,
			strerror(errno));
		_exit(NS_REFUSED);
	}
}

/* Create @name (CREATE|EXCL, 0666) on a new fd: the fd, or -errno. */
static int create_fd(const char *name)
{
	int fd = mqk_open(O_RDWR);
	int ret;

	if (fd < 0)
		return fd;
	ret = mqk_bind(fd, name, MQLAB_BIND_CREATE | MQLAB_BIND_EXCL, 0666,
		       4, MSGSIZE);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/* Receive without blocking: 1 when the message is @want, else 0. */
static int got_msg(int fd, const char *want)
{
	char buf[MSGSIZE + 1] = {};
	struct mqlab_recv r;

	if (mqk_recv(fd, buf, MSGSIZE, MQLAB_IO_NONBLOCK, NULL, &r))
		return 0;
	return r.len == strlen(want) && !memcmp(buf, want, r.len);
}

/* The "queues" of the total line of /proc/mqueue-lab-users. */
static __u64 total_queues(struct __test_metadata *_metadata)
{
	__u64 q = 0, b, h;

	ASSERT_EQ(1, mqk_users_line("total", &q, &b, &h))
		TH_LOG("no total line in %s (not root?)",
		       MQLAB_PROC_USERS_PATH);
	return q;
}

/*
 * Wait up to RECLAIM_MS for the total of queues to be @want (a dead
 * namespace's queues go with the module's next sweep): the last total.
 */
static __u64 wait_total(struct __test_metadata *_metadata, __u64 want)
{
	__u64 now = total_queues(_metadata);
	int waited;

	for (waited = 0; now != want && waited < RECLAIM_MS; waited += 50) {
		mqk_sleep_ms(50);
		now = total_queues(_metadata);
	}
	return now;
}

/* Reap the child @pid; SKIP when it said NS_REFUSED, else expect 0. */
#define ASSERT_CHILD_OK(self, pid) do {					\
	int __st = mqk_reap(&(self)->k, (pid));				\
									\
	if (__st == NS_REFUSED)						\
		SKIP(return, "the kernel refused the namespace (see the " \
		     "child's line above)");				\
	ASSERT_EQ(0, __st) TH_LOG("child ended with %d", __st);	\
} while (0)

TEST_F(ipcns, feature_bit)
{
	ASSERT_FEATURE(self->fd, MQLAB_FEAT_IPCNS);
}

/* A new namespace sees no name: not by BIND, UNLINK nor /proc. */
TEST_F(ipcns, new_ns_sees_no_names)
{
	const char *own = mqk_name(_metadata, &self->k, "own");
	pid_t pid = mqk_fork(_metadata, &self->k);

	if (pid == 0) {
		char hdr[1024], line[1024];

		child_unshare(CLONE_NEWIPC);
		CHILD_CHECK(mqk_try_bind(self->name, O_RDWR, 0) == -ENOENT);
		CHILD_CHECK(mqk_try_bind(self->name, O_RDONLY, 0) == -ENOENT);
		CHILD_CHECK(mqk_unlink(self->name) == -ENOENT);
		CHILD_CHECK(mqk_proc_line(self->name, hdr, sizeof(hdr), line,
					  sizeof(line)) == 0);
		CHILD_CHECK(mqk_proc_count() == 0);
		/* The same once this namespace has a queue of its own. */
		CHILD_CHECK(mqk_try_bind(own, O_RDWR, MQLAB_BIND_CREATE) == 0);
		CHILD_CHECK(mqk_try_bind(self->name, O_RDWR, 0) == -ENOENT);
		CHILD_CHECK(mqk_unlink(self->name) == -ENOENT);
		CHILD_CHECK(mqk_proc_count() == 1);
		CHILD_CHECK(mqk_unlink(own) == 0);
		_exit(0);
	}
	ASSERT_CHILD_OK(self, pid);
	/* And the parent's queue is still there, untouched. */
	ASSERT_EQ(0, mqk_try_bind(self->name, O_RDWR, 0));
}

/*
 * The same name in two namespaces is two queues: CREATE|EXCL succeeds
 * in the second, and messages sent to one never reach the other.
 */
TEST_F(ipcns, same_name_two_queues)
{
	pid_t pid;

	ASSERT_EQ(0, mqk_sends(self->fd, "parent", 1));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		int fd;

		child_unshare(CLONE_NEWIPC);
		fd = create_fd(self->name);
		CHILD_CHECK(fd >= 0);
		/* Exists in this namespace now: EXCL fails here. */
		CHILD_CHECK(mqk_try_bind(self->name, O_RDWR,
					 MQLAB_BIND_CREATE | MQLAB_BIND_EXCL) ==
			    -EEXIST);
		CHILD_CHECK(mqk_sends(fd, "child", 2) == 0);
		CHILD_CHECK(got_msg(fd, "child"));
		CHILD_CHECK(mqk_recv(fd, NULL, 0, MQLAB_IO_NONBLOCK, NULL,
				     NULL) == -EAGAIN);
		CHILD_CHECK(mqk_sends(fd, "left", 3) == 0);
		CHILD_CHECK(mqk_unlink(self->name) == 0);
		close(fd);
		_exit(0);
	}
	ASSERT_CHILD_OK(self, pid);
	ASSERT_EQ(1, got_msg(self->fd, "parent"));
	ASSERT_EQ(-EAGAIN, mqk_recv(self->fd, NULL, 0, MQLAB_IO_NONBLOCK,
				    NULL, NULL));
	ASSERT_EQ(-EEXIST, mqk_try_bind(self->name, O_RDWR,
					MQLAB_BIND_CREATE | MQLAB_BIND_EXCL));
}

/* UNLINK in one namespace does not touch the same name in the other. */
TEST_F(ipcns, unlink_stays_in_its_ns)
{
	pid_t pid = mqk_fork(_metadata, &self->k);

	if (pid == 0) {
		int fd;

		child_unshare(CLONE_NEWIPC);
		fd = create_fd(self->name);
		CHILD_CHECK(fd >= 0);
		close(fd);
		/* The parent unlinks its queue of this name now. */
		CHILD_CHECK(sync_send(self->sync[1], -1) == 0);
		CHILD_CHECK(sync_recv(self->sync[1], NULL) == 0);
		CHILD_CHECK(mqk_try_bind(self->name, O_RDWR, 0) == 0);
		/* Now the child's; the parent checks its new one. */
		CHILD_CHECK(mqk_unlink(self->name) == 0);
		CHILD_CHECK(mqk_unlink(self->name) == -ENOENT);
		_exit(0);
	}
	ASSERT_EQ(0, sync_recv(self->sync[0], NULL));
	ASSERT_EQ(0, mqk_unlink(self->name));
	ASSERT_EQ(-ENOENT, mqk_unlink(self->name));
	ASSERT_EQ(0, mqk_try_bind(self->name, O_RDWR, MQLAB_BIND_CREATE));
	ASSERT_EQ(0, sync_send(self->sync[0], -1));
	ASSERT_CHILD_OK(self, pid);
	ASSERT_EQ(0, mqk_try_bind(self->name, O_RDWR, 0));
}

/* /proc/mqueue-lab lists only the reader's namespace, both ways. */
TEST_F(ipcns, proc_lists_own_ns_only)
{
	const char *other = mqk_name(_metadata, &self->k, "child");
	char hdr[1024], line[1024];
	int before = mqk_proc_count();
	pid_t pid;

	ASSERT_LE(1, before);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		int fd, unlinked;

		child_unshare(CLONE_NEWIPC);
		fd = create_fd(other);
		CHILD_CHECK(fd >= 0);
		/* An unlinked one kept by an fd: root lists it, here only. */
		unlinked = create_fd(self->name);
		CHILD_CHECK(unlinked >= 0);
		CHILD_CHECK(mqk_unlink(self->name) == 0);
		CHILD_CHECK(mqk_proc_line(other, hdr, sizeof(hdr), line,
					  sizeof(line)) == 1);
		CHILD_CHECK(mqk_proc_line(self->name, hdr, sizeof(hdr), line,
					  sizeof(line)) == 1);
		CHILD_CHECK(mqk_has_field(line, "unlinked"));
		CHILD_CHECK(mqk_proc_count() == 2);
		CHILD_CHECK(sync_send(self->sync[1], -1) == 0);
		CHILD_CHECK(sync_recv(self->sync[1], NULL) == 0);
		CHILD_CHECK(mqk_unlink(other) == 0);
		close(unlinked);
		close(fd);
		_exit(0);
	}
	ASSERT_EQ(0, sync_recv(self->sync[0], NULL));
	EXPECT_EQ(0, mqk_proc_line(other, hdr, sizeof(hdr), line,
				   sizeof(line)));
	ASSERT_EQ(1, mqk_proc_line(self->name, hdr, sizeof(hdr), line,
				   sizeof(line)));
	EXPECT_TRUE(mqk_has_field(line, "named"));
	EXPECT_EQ(before, mqk_proc_count());
	ASSERT_EQ(0, sync_send(self->sync[0], -1));
	ASSERT_CHILD_OK(self, pid);
}

/*
 * An fd keeps its queue across namespaces: inherited into a new one,
 * and passed back out of it with SCM_RIGHTS, after that namespace died.
 */
TEST_F(ipcns, fd_keeps_its_queue)
{
	const char *other = mqk_name(_metadata, &self->k, "child");
	__u64 queues;
	pid_t pid;
	int fd = -1;

	ASSERT_EQ(0, mqk_sends(self->fd, "from-init", 1));
	queues = total_queues(_metadata);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		struct mqlab_attr a;
		int mine;

		child_unshare(CLONE_NEWIPC);
		/* The inherited fd: still the parent's queue. */
		CHILD_CHECK(got_msg(self->fd, "from-init"));
		CHILD_CHECK(mqk_sends(self->fd, "to-init", 2) == 0);
		CHILD_CHECK(mqk_getattr(self->fd, &a) == 0 && a.curmsgs == 1);
		/* A queue of this namespace, for the parent. */
		mine = create_fd(other);
		CHILD_CHECK(mine >= 0);
		CHILD_CHECK(mqk_sends(mine, "from-ns", 3) == 0);
		CHILD_CHECK(sync_send(self->sync[1], mine) == 0);
		close(mine);
		_exit(0);
	}
	ASSERT_EQ(0, sync_recv(self->sync[0], &fd));
	ASSERT_LE(0, fd);
	ASSERT_CHILD_OK(self, pid);
	ASSERT_EQ(1, got_msg(self->fd, "to-init"));

	/* The child's namespace is dead; its queue lives on in our fd. */
	ASSERT_EQ(-ENOENT, mqk_try_bind(other, O_RDWR, 0));
	ASSERT_EQ(1, got_msg(fd, "from-ns"));
	ASSERT_EQ(0, mqk_sends(fd, "again", 4));
	ASSERT_EQ(1, got_msg(fd, "again"));
	EXPECT_EQ(queues + 1, total_queues(_metadata));
	close(fd);
	/* Unnamed by the sweep, freed with the fd (in either order). */
	EXPECT_EQ(queues, wait_total(_metadata, queues));
}

/*
 * A dead namespace's queues are reclaimed by the module on its own
 * (nothing here reads /proc/mqueue-lab, which would sweep too): the
 * named ones go, their charges come back, one held by an fd lives on
 * until it is closed; a new namespace never sees any of them.
 */
TEST_F(ipcns, dead_ns_reclaimed)
{
	const char *a = mqk_name(_metadata, &self->k, "a");
	const char *b = mqk_name(_metadata, &self->k, "b");
	const char *held = mqk_name(_metadata, &self->k, "held");
	__u64 base = total_queues(_metadata);
	int fd = -1;
	pid_t pid;

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		int h;

		child_unshare(CLONE_NEWIPC);
		CHILD_CHECK(mqk_try_bind(a, O_RDWR, MQLAB_BIND_CREATE) == 0);
		CHILD_CHECK(mqk_try_bind(b, O_RDWR, MQLAB_BIND_CREATE) == 0);
		h = create_fd(held);
		CHILD_CHECK(h >= 0);
		CHILD_CHECK(mqk_sends(h, "kept", 1) == 0);
		CHILD_CHECK(sync_send(self->sync[1], h) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, sync_recv(self->sync[0], &fd));
	ASSERT_LE(0, fd);
	ASSERT_CHILD_OK(self, pid);

	ASSERT_EQ(base + 1, wait_total(_metadata, base + 1))
		TH_LOG("the dead namespace's queues were not reclaimed");
	ASSERT_EQ(1, got_msg(fd, "kept"));
	close(fd);
	ASSERT_EQ(base, total_queues(_metadata));

	/* A new namespace (which may get the old one's mount) sees none. */
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		child_unshare(CLONE_NEWIPC);
		CHILD_CHECK(mqk_try_bind(a, O_RDWR, 0) == -ENOENT);
		CHILD_CHECK(mqk_try_bind(b, O_RDWR, 0) == -ENOENT);
		CHILD_CHECK(mqk_try_bind(held, O_RDWR, 0) == -ENOENT);
		CHILD_CHECK(mqk_try_bind(a, O_RDWR,
					 MQLAB_BIND_CREATE | MQLAB_BIND_EXCL) ==
			    0);
		CHILD_CHECK(mqk_proc_count() == 1);
		_exit(0);
	}
	ASSERT_CHILD_OK(self, pid);
	ASSERT_EQ(-ENOENT, mqk_try_bind(a, O_RDWR, 0));
}

/*
 * fs.mqueue.queues_max counts the queues of its own namespace: a new
 * namespace with queues_max 1 may create one queue whatever the
 * initial one holds, and no second (ENOSPC).
 */
TEST_F(ipcns, queues_max_per_ns)
{
	const char *a = mqk_name(_metadata, &self->k, "a");
	const char *b = mqk_name(_metadata, &self->k, "b");
	pid_t pid;

	struct mqlab_version v;

	ASSERT_EQ(0, mqk_ioctl(self->fd, MQLAB_IOC_VERSION, &v));
	if (!(v.features & MQLAB_FEAT_KERNEL_LIMITS))
		SKIP(return, "module parameter kernel_limits is off");
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		child_unshare(CLONE_NEWIPC);
		CHILD_CHECK(mqk_write_file("/proc/sys/fs/mqueue/queues_max",
					   "1") == 0);
		/* Without CAP_SYS_RESOURCE, which exceeds queues_max. */
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_CHECK(mqk_try_bind(a, O_RDWR, MQLAB_BIND_CREATE) == 0);
		CHILD_CHECK(mqk_try_bind(b, O_RDWR, MQLAB_BIND_CREATE) ==
			    -ENOSPC);
		CHILD_CHECK(mqk_unlink(a) == 0);
		CHILD_CHECK(mqk_try_bind(b, O_RDWR, MQLAB_BIND_CREATE) == 0);
		CHILD_CHECK(mqk_unlink(b) == 0);
		_exit(0);
	}
	ASSERT_CHILD_OK(self, pid);
}

/*
 * An unprivileged user namespace with its own IPC namespace: the same
 * scoping, for a task without any capability in the initial one.
 */
TEST_F(ipcns, unprivileged_userns)
{
	pid_t pid = mqk_fork(_metadata, &self->k);

	if (pid == 0) {
		char hdr[1024], line[1024];
		int fd;

		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		child_unshare(CLONE_NEWUSER | CLONE_NEWIPC);
		CHILD_CHECK(mqk_try_bind(self->name, O_RDWR, 0) == -ENOENT);
		fd = create_fd(self->name);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_proc_count() == 1);
		CHILD_CHECK(mqk_proc_line(self->name, hdr, sizeof(hdr), line,
					  sizeof(line)) == 1);
		CHILD_CHECK(mqk_unlink(self->name) == 0);
		close(fd);
		_exit(0);
	}
	ASSERT_CHILD_OK(self, pid);
	ASSERT_EQ(0, mqk_try_bind(self->name, O_RDWR, 0));
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
