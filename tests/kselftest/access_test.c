// SPDX-License-Identifier: GPL-2.0
/*
 * access_test - /dev/mqueue-lab: who may bind, unlink and see a queue.
 *
 * The rules (uapi header, "Access"): BIND needs an fd opened for reading
 * or writing; every check uses the credentials of the fd's opener; a
 * capability counts only in the opener's user namespace and over a queue
 * whose owner and group are mapped there; UNLINK by others is EPERM;
 * /proc/mqueue-lab shows a reader only what it owns or could bind.
 * Most cases run as the unprivileged uid MQK_NOBODY.
 */
#define _GNU_SOURCE

#include <sched.h>
#include <sys/socket.h>

#include "mqlab_kst.h"

#define CX		(MQLAB_BIND_CREATE | MQLAB_BIND_EXCL)
#define NOBODY_STR	"65534"

FIXTURE(access) {
	struct mqk k;
};

FIXTURE_SETUP(access)
{
	mqk_setup(_metadata, &self->k);
	if (geteuid() != 0)
		SKIP(return, "needs root to switch to uid %d", MQK_NOBODY);
}

FIXTURE_TEARDOWN(access)
{
	mqk_teardown(&self->k);
}

/* Create @name as uid/gid MQK_NOBODY with @mode, in a child. */
static void create_as_nobody(struct __test_metadata *_metadata, struct mqk *k,
			     const char *name, __u32 mode)
{
	mqk_create_as(_metadata, k, name, MQK_NOBODY, mode);
}

/* Pass @fd over the socket @sock (SCM_RIGHTS): 0 or -errno. */
static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -errno;
}

/* Receive an fd sent by send_fd(): the fd or -errno. */
static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], b;
	struct iovec iov = { .iov_base = &b, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &mh, 0) != 1)
		return -errno;
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}


/*
 * Access mode 3 (O_ACCMODE: neither read nor write) asks for no
 * permission, so it must not bind at all: EINVAL, as mq_open() gives,
 * whether the queue exists or not, and whoever asks.  Such an fd stays
 * unbound: no GETATTR, no NOTIFY.
 */
TEST_F(access, accmode_3_cannot_bind)
{
	const char *root600 = mqk_name(_metadata, &self->k, "root600");
	const char *fresh = mqk_name(_metadata, &self->k, "fresh");
	struct mqlab_attr a;
	pid_t pid;
	int fd;

	close(mqk_create(_metadata, root600, O_RDWR, 0600, 2, 8));

	fd = mqk_open(O_ACCMODE);
	ASSERT_LE(0, fd) TH_LOG("open O_ACCMODE: %s", strerror(-fd));
	EXPECT_EQ(-EINVAL, mqk_bind(fd, root600, 0, 0, 0, 0));
	EXPECT_EQ(-EINVAL, mqk_bind(fd, root600, MQLAB_BIND_CREATE, 0600, 0, 0));
	EXPECT_EQ(-EINVAL, mqk_bind(fd, fresh, CX, 0600, 2, 8));
	EXPECT_EQ(-EBADFD, mqk_getattr(fd, &a));
	EXPECT_EQ(-EBADFD, mqk_notify(fd, MQLAB_NOTIFY_NONE, 0, 0));
	close(fd);
	/* the failed CREATE made nothing */
	EXPECT_EQ(-ENOENT, mqk_try_bind(fresh, O_RDWR, 0));

	/* the reported bypass: nobody and root's 0600 queue */
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		fd = mqk_open(O_ACCMODE);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_bind(fd, root600, 0, 0, 0, 0) == -EINVAL);
		CHILD_CHECK(mqk_getattr(fd, &a) == -EBADFD);
		CHILD_CHECK(mqk_notify(fd, MQLAB_NOTIFY_NONE, 0, 0) == -EBADFD);
		/* and the other access modes are refused by the mode bits */
		CHILD_CHECK(mqk_try_bind(root600, O_RDONLY, 0) == -EACCES);
		CHILD_CHECK(mqk_try_bind(root600, O_WRONLY, 0) == -EACCES);
		close(fd);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));

	/* root's own notification is still free to register */
	fd = mqk_open_bind(root600, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, mqk_notify(fd, MQLAB_NOTIFY_NONE, 0, 0));
	close(fd);
}

/*
 * The checks use the credentials of whoever opened the fd, as for a
 * file: an fd root opened keeps root's rights in a process that has
 * since become nobody, and an fd nobody opened has only nobody's rights
 * in root's hands (BIND, UNLINK, and the owner of a queue it creates).
 */
TEST_F(access, opener_credentials_decide)
{
	const char *root600 = mqk_name(_metadata, &self->k, "root600");
	const char *byfd = mqk_name(_metadata, &self->k, "byfd");
	struct mqlab_attr a;
	int sv[2], fd, ret;
	pid_t pid;

	close(mqk_create(_metadata, root600, O_RDWR, 0600, 2, 8));

	/* opened by root, used by nobody */
	fd = mqk_open(O_RDWR);
	ASSERT_LE(0, fd);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_CHECK(mqk_try_bind(root600, O_RDWR, 0) == -EACCES);
		CHILD_CHECK(mqk_bind(fd, root600, 0, 0, 0, 0) == 0);
		CHILD_CHECK(mqk_sends(fd, "nobody", 1) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	mqk_expect_msg(_metadata, fd, "nobody");
	close(fd);

	/* opened by nobody, used by root */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		close(sv[0]);
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		fd = mqk_open(O_RDWR);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(send_fd(sv[1], fd) == 0);
		fd = mqk_open(O_RDWR);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(send_fd(sv[1], fd) == 0);
		_exit(0);
	}
	close(sv[1]);
	fd = recv_fd(sv[0]);
	ASSERT_LE(0, fd) TH_LOG("recv_fd: %s", strerror(-fd));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(-EACCES, mqk_bind(fd, root600, 0, 0, 0, 0));
	EXPECT_EQ(-EPERM, mqk_unlink_len(fd, root600, strlen(root600), 0));
	/* what it creates belongs to nobody */
	ret = mqk_bind(fd, byfd, CX, 0600, 2, 8);
	ASSERT_EQ(0, ret) TH_LOG("create through nobody's fd: %s",
				 strerror(-ret));
	a = mqk_attr(_metadata, fd);
	EXPECT_EQ(MQK_NOBODY, a.uid);
	EXPECT_EQ(MQK_NOBODY, a.gid);
	close(fd);
	fd = recv_fd(sv[0]);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, mqk_unlink_len(fd, byfd, strlen(byfd), 0));
	close(fd);
	close(sv[0]);
	/* root's queue is still there */
	EXPECT_EQ(0, mqk_try_bind(root600, O_RDWR, 0));
}

/* Bind @name for writing and for reading, send and receive: 0 or -errno. */
static int send_recv(const char *name)
{
	struct mqlab_recv r;
	int wr, rd, ret;
	char buf[8];

	wr = mqk_open_bind(name, O_WRONLY);
	if (wr < 0)
		return wr;
	rd = mqk_open_bind(name, O_RDONLY);
	if (rd < 0) {
		close(wr);
		return rd;
	}
	ret = mqk_send(wr, "x", 1, 0, 0, NULL);
	if (!ret)
		ret = mqk_recv(rd, buf, sizeof(buf), MQLAB_IO_NONBLOCK, NULL,
			       &r);
	if (!ret && (r.len != 1 || buf[0] != 'x'))
		ret = -EPROTO;
	close(wr);
	close(rd);
	return ret;
}

/*
 * The capabilities that override a queue's mode and owner, one by one:
 * CAP_DAC_OVERRIDE (bind for anything), CAP_DAC_READ_SEARCH (bind for
 * reading only), CAP_FOWNER (unlink).  Without them root is an ordinary
 * user towards nobody's queue; so is uid MQK_OTHER, unprivileged, that
 * keeps just one across setuid() (PR_SET_KEEPCAPS, then capset()).  A
 * bound fd is the only way to send or receive: where binding works,
 * what one fd sends the other receives.  The owner needs no capability.
 */
TEST_F(access, capabilities_over_a_queue)
{
	const char *q = mqk_name(_metadata, &self->k, "nobody600");
	struct {
		uid_t uid;
		__u32 keep;
		int rd, wr, rdwr, unlink;
	} rows[] = {
		{ 0, 0, -EACCES, -EACCES, -EACCES, -EPERM },
		{ 0, MQK_CAPBIT(CAP_DAC_READ_SEARCH), 0, -EACCES, -EACCES, -EPERM },
		{ 0, MQK_CAPBIT(CAP_FOWNER), -EACCES, -EACCES, -EACCES, 0 },
		{ 0, MQK_CAPBIT(CAP_DAC_OVERRIDE), 0, 0, 0, -EPERM },
		{ MQK_OTHER, 0, -EACCES, -EACCES, -EACCES, -EPERM },
		{ MQK_OTHER, MQK_CAPBIT(CAP_FOWNER), -EACCES, -EACCES, -EACCES, 0 },
		{ MQK_OTHER, MQK_CAPBIT(CAP_DAC_OVERRIDE), 0, 0, 0, -EPERM },
		{ MQK_NOBODY, 0, 0, 0, 0, 0 },
	};
	unsigned int i;
	pid_t pid;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		create_as_nobody(_metadata, &self->k, q, 0600);
		pid = mqk_fork(_metadata, &self->k);
		if (pid == 0) {
			CHILD_CHECK(mqk_become_with(rows[i].uid, rows[i].keep) == 0);
			CHILD_CHECK(mqk_try_bind(q, O_RDONLY, 0) == rows[i].rd);
			CHILD_CHECK(mqk_try_bind(q, O_WRONLY, 0) == rows[i].wr);
			CHILD_CHECK(mqk_try_bind(q, O_RDWR, 0) == rows[i].rdwr);
			CHILD_CHECK(send_recv(q) == rows[i].rdwr);
			CHILD_CHECK(mqk_unlink(q) == rows[i].unlink);
			_exit(0);
		}
		ASSERT_EQ(0, mqk_reap(&self->k, pid)) TH_LOG("row %u", i);
		mqk_unlink(q);
	}
}

/*
 * A capability counts in the opener's user namespace, and only over a
 * queue whose owner and group are mapped there (capable_wrt_inode_uidgid):
 * nobody, as root of its own user namespace (nobody mapped to 0), may
 * override the mode of its own 0000 queue but not of root's 0600 one.
 */
TEST_F(access, capability_in_a_user_namespace)
{
	const char *mine = mqk_name(_metadata, &self->k, "nobody000");
	const char *root600 = mqk_name(_metadata, &self->k, "root600");
	int status[2], ret;
	pid_t pid;

	close(mqk_create(_metadata, root600, O_RDWR, 0600, 2, 8));
	create_as_nobody(_metadata, &self->k, mine, 0000);
	ASSERT_EQ(0, pipe(status));

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		int err = 0;

		close(status[0]);
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		/* the owner class: 0000 denies even the owner */
		CHILD_CHECK(mqk_try_bind(mine, O_RDWR, 0) == -EACCES);
		err = mqk_userns_as_root();
		CHILD_CHECK(write(status[1], &err, sizeof(err)) == sizeof(err));
		if (err)
			_exit(0);
		CHILD_CHECK(mqk_try_bind(mine, O_RDWR, 0) == 0);
		CHILD_CHECK(mqk_try_bind(root600, O_RDONLY, 0) == -EACCES);
		CHILD_CHECK(mqk_try_bind(root600, O_RDWR, 0) == -EACCES);
		CHILD_CHECK(mqk_unlink(root600) == -EPERM);
		_exit(0);
	}
	close(status[1]);
	ret = 0;
	ASSERT_EQ(sizeof(ret), read(status[0], &ret, sizeof(ret)));
	close(status[0]);
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	if (ret)
		SKIP(return, "unshare(CLONE_NEWUSER) as uid %d: %s",
		     MQK_NOBODY, strerror(ret));
}

/* UNLINK: the owner may, others get EPERM, CAP_FOWNER (root) may. */
TEST_F(access, unlink_owner_others_root)
{
	const char *mine = mqk_name(_metadata, &self->k, "mine");
	const char *theirs = mqk_name(_metadata, &self->k, "theirs");
	const char *root666 = mqk_name(_metadata, &self->k, "root666");
	pid_t pid;

	close(mqk_create(_metadata, root666, O_RDWR, 0666, 2, 8));
	create_as_nobody(_metadata, &self->k, theirs, 0666);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_CHECK(mqk_try_bind(mine, O_RDWR, CX) == 0);
		CHILD_CHECK(mqk_unlink(mine) == 0);
		CHILD_CHECK(mqk_unlink(mine) == -ENOENT);
		/* full access to root's queue is not ownership */
		CHILD_CHECK(mqk_try_bind(root666, O_RDWR, 0) == 0);
		CHILD_CHECK(mqk_unlink(root666) == -EPERM);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(0, mqk_unlink(theirs));
	EXPECT_EQ(0, mqk_unlink(root666));
}

/*
 * /proc/mqueue-lab shows a reader the queues it owns or could bind, and
 * the administrator also the unlinked ones that fds keep alive.
 * /proc/mqueue-lab-users shows a reader its own charges, and the
 * administrator everyone's and the module's total.
 */
TEST_F(access, proc_shows_only_what_the_reader_may_see)
{
	const char *hidden = mqk_name(_metadata, &self->k, "root600");
	const char *readable = mqk_name(_metadata, &self->k, "root644");
	const char *writable = mqk_name(_metadata, &self->k, "root602");
	const char *own = mqk_name(_metadata, &self->k, "nobody000");
	const char *gone = mqk_name(_metadata, &self->k, "unlinked");
	char hdr[1024], line[1024];
	__u64 nq, bytes, held;
	pid_t pid;
	int keep;

	close(mqk_create(_metadata, hidden, O_RDWR, 0600, 2, 8));
	close(mqk_create(_metadata, readable, O_RDWR, 0644, 2, 8));
	close(mqk_create(_metadata, writable, O_RDWR, 0602, 2, 8));
	create_as_nobody(_metadata, &self->k, own, 0000);
	keep = mqk_create(_metadata, gone, O_RDWR, 0666, 2, 8);
	ASSERT_EQ(0, mqk_unlink(gone));

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_CHECK(mqk_proc_line(hidden, hdr, sizeof(hdr), line,
					  sizeof(line)) == 0);
		CHILD_CHECK(mqk_proc_line(readable, hdr, sizeof(hdr), line,
					  sizeof(line)) == 1);
		CHILD_CHECK(mqk_proc_line(writable, hdr, sizeof(hdr), line,
					  sizeof(line)) == 1);
		CHILD_CHECK(mqk_proc_line(own, hdr, sizeof(hdr), line,
					  sizeof(line)) == 1);
		CHILD_CHECK(mqk_proc_line(gone, hdr, sizeof(hdr), line,
					  sizeof(line)) == 0);
		/* its own charges only */
		CHILD_CHECK(mqk_users_line(NOBODY_STR, &nq, &bytes, &held) == 1);
		CHILD_CHECK(nq == 1 && bytes > 0 && held == 0);
		CHILD_CHECK(mqk_users_line("0", &nq, &bytes, &held) == 0);
		CHILD_CHECK(mqk_users_line("total", &nq, &bytes, &held) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));

	/* root sees them all, the unlinked one marked so */
	EXPECT_EQ(1, mqk_proc_line(hidden, hdr, sizeof(hdr), line,
				   sizeof(line)));
	EXPECT_EQ(1, mqk_proc_line(own, hdr, sizeof(hdr), line, sizeof(line)));
	ASSERT_EQ(1, mqk_proc_line(gone, hdr, sizeof(hdr), line, sizeof(line)));
	EXPECT_TRUE(mqk_has_field(line, "unlinked")) TH_LOG("%s", line);
	EXPECT_EQ(1, mqk_users_line(NOBODY_STR, &nq, &bytes, &held));
	EXPECT_EQ(1, nq);
	EXPECT_EQ(1, mqk_users_line("0", &nq, &bytes, &held));
	EXPECT_LE(4, nq);
	EXPECT_EQ(1, mqk_users_line("total", &nq, &bytes, &held));
	EXPECT_LE(5, nq);
	close(keep);
	EXPECT_EQ(0, mqk_proc_line(gone, hdr, sizeof(hdr), line,
				   sizeof(line)));
}

/*
 * BIND with CREATE of an existing queue opens it and ignores the
 * attributes, even ones that no new queue could have.
 */
TEST_F(access, create_of_existing_ignores_attributes)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	__u64 cap = mqk_param(_metadata, "maxmsg_max");
	__u64 user_msgsize = mqk_param(_metadata, "user_msgsize_max");
	struct mqlab_attr a;
	pid_t pid;
	int fd;

	close(mqk_create(_metadata, name, O_RDWR, 0666, 2, 8));
	fd = mqk_open(O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, mqk_bind(fd, name, MQLAB_BIND_CREATE, 07777, cap + 1,
			      ~0ULL));
	a = mqk_attr(_metadata, fd);
	EXPECT_EQ(2, a.maxmsg);
	EXPECT_EQ(8, a.msgsize);
	EXPECT_EQ(0666, a.mode);
	close(fd);

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		fd = mqk_open(O_RDWR);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_bind(fd, name, MQLAB_BIND_CREATE, 0600, 1,
				     user_msgsize + 1) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	/* but a queue that is really created must pass them */
	fd = mqk_open(O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, mqk_bind(fd, mqk_name(_metadata, &self->k, "new"),
				    MQLAB_BIND_CREATE, 0600, cap + 1, 8));
	close(fd);
}

/*
 * read() returns 0 for a zero-length message, so write() refuses to
 * make one (EINVAL); MQLAB_IOC_SEND still can, and read() then takes it
 * and returns 0.
 */
TEST_F(access, zero_length_write_and_read)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	int fd = mqk_create(_metadata, name, O_RDWR, 0600, 2, 8);
	char buf[8];

	EXPECT_EQ(-EINVAL, mqk_ret(write(fd, buf, 0)));
	EXPECT_EQ(0, mqk_attr(_metadata, fd).curmsgs);
	ASSERT_EQ(0, mqk_send(fd, buf, 0, 0, 0, NULL));
	EXPECT_EQ(0, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, mqk_attr(_metadata, fd).curmsgs);
	close(fd);
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
