// SPDX-License-Identifier: GPL-2.0
/*
 * bind_test - /dev/mqueue-lab: binding, names, unlink, permissions,
 * limits, ioctl-level errors, /proc/mqueue-lab and MQLAB_IOC_VERSION.
 */
#define _GNU_SOURCE

#include "mqlab_kst.h"

#define CX		(MQLAB_BIND_CREATE | MQLAB_BIND_EXCL)

/* How a table row picks maxmsg or msgsize. */
enum lim {
	LIM_SMALL,	/* 4 messages of 32 bytes */
	LIM_DEFAULT,	/* 0: the module default */
	LIM_ONE,	/* 1 */
	LIM_CAP,	/* exactly the module's cap */
	LIM_OVER,	/* the cap + 1 */
	LIM_HUGE,	/* ~0 */
};

static __u64 lim_value(struct __test_metadata *_metadata, enum lim lim,
		       const char *cap_param, __u64 small)
{
	switch (lim) {
	case LIM_SMALL:
		return small;
	case LIM_DEFAULT:
		return 0;
	case LIM_ONE:
		return 1;
	case LIM_CAP:
		return mqk_param(_metadata, cap_param);
	case LIM_OVER:
		return mqk_param(_metadata, cap_param) + 1;
	case LIM_HUGE:
		return ~0ULL;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* MQLAB_IOC_BIND input validation, one row per case                   */
/* ------------------------------------------------------------------ */

/* name_len of a row: 0 means strlen(), EMPTY means a length of zero. */
#define EMPTY	(-1)

FIXTURE(bind_args) {
	struct mqk k;
	int fd;
};

FIXTURE_VARIANT(bind_args) {
	const char *name;	/* NULL: a fresh name of this test */
	long name_len;		/* 0: strlen(name); EMPTY: zero */
	bool bad_name;		/* name points to an unmapped page */
	__u32 flags;
	__u32 mode;
	__u32 pad;
	enum lim maxmsg;
	enum lim msgsize;
	int error;		/* expected errno; 0: must succeed */
};

FIXTURE_VARIANT_ADD(bind_args, unknown_flag) {
	.flags = CX | (1U << 2), .mode = 0600, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, top_flag) {
	.flags = CX | (1U << 31), .mode = 0600, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, excl_without_create) {
	.flags = MQLAB_BIND_EXCL, .mode = 0600, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, pad_low_bit) {
	.flags = CX, .mode = 0600, .pad = 1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, pad_high_bit) {
	.flags = CX, .mode = 0600, .pad = 1U << 31, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, mode_sticky) {
	.flags = CX, .mode = 01600, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, mode_setuid) {
	.flags = CX, .mode = 04600, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, mode_file_type) {
	.flags = CX, .mode = S_IFREG | 0600, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, maxmsg_over_cap) {
	.flags = CX, .mode = 0600, .maxmsg = LIM_OVER, .msgsize = LIM_ONE,
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, maxmsg_huge) {
	.flags = CX, .mode = 0600, .maxmsg = LIM_HUGE, .msgsize = LIM_ONE,
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, msgsize_over_cap) {
	.flags = CX, .mode = 0600, .maxmsg = LIM_ONE, .msgsize = LIM_OVER,
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, msgsize_huge) {
	.flags = CX, .mode = 0600, .maxmsg = LIM_ONE, .msgsize = LIM_HUGE,
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, both_huge) {
	.flags = CX, .mode = 0600, .maxmsg = LIM_HUGE, .msgsize = LIM_HUGE,
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, name_len_0) {
	.name_len = EMPTY, .flags = CX, .mode = 0600, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, name_len_256) {
	.name_len = MQLAB_NAME_MAX + 1, .flags = CX, .mode = 0600,
	.error = ENAMETOOLONG,
};

FIXTURE_VARIANT_ADD(bind_args, name_len_4096) {
	.name_len = 4096, .flags = CX, .mode = 0600, .error = ENAMETOOLONG,
};

FIXTURE_VARIANT_ADD(bind_args, name_len_256_no_create) {
	.name_len = MQLAB_NAME_MAX + 1, .error = ENAMETOOLONG,
};

FIXTURE_VARIANT_ADD(bind_args, name_slash) {
	.name = "kst/slash", .flags = CX, .mode = 0600, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, name_leading_slash) {
	.name = "/kst-leading", .flags = CX, .mode = 0600, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, name_only_slash) {
	.name = "/", .flags = CX, .mode = 0600, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, name_nul_inside) {
	.name = "kst\0nul", .name_len = 7, .flags = CX, .mode = 0600,
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, name_nul_last) {
	.name = "kst-nul\0", .name_len = 8, .flags = CX, .mode = 0600,
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, name_dot) {
	.name = ".", .flags = CX, .mode = 0600, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, name_dotdot) {
	.name = "..", .flags = CX, .mode = 0600, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, name_dot_no_create) {
	.name = ".", .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, name_dotdot_no_create) {
	.name = "..", .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bind_args, name_bad_pointer) {
	.bad_name = true, .flags = CX, .mode = 0600, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(bind_args, name_bad_pointer_no_create) {
	.bad_name = true, .error = EFAULT,
};

/* The boundaries that must be accepted. */
FIXTURE_VARIANT_ADD(bind_args, ok_name_len_255) {
	.name_len = MQLAB_NAME_MAX, .flags = CX, .mode = 0600,
};

FIXTURE_VARIANT_ADD(bind_args, ok_name_three_dots) {
	.name = "...", .flags = CX, .mode = 0600,
};

FIXTURE_VARIANT_ADD(bind_args, ok_mode_0777) {
	.flags = CX, .mode = 0777,
};

FIXTURE_VARIANT_ADD(bind_args, ok_mode_0) {
	.flags = CX, .mode = 0,
};

FIXTURE_VARIANT_ADD(bind_args, ok_maxmsg_at_cap) {
	.flags = CX, .mode = 0600, .maxmsg = LIM_CAP, .msgsize = LIM_ONE,
};

FIXTURE_VARIANT_ADD(bind_args, ok_msgsize_at_cap) {
	.flags = CX, .mode = 0600, .maxmsg = LIM_ONE, .msgsize = LIM_CAP,
};

FIXTURE_VARIANT_ADD(bind_args, ok_create_without_excl) {
	.flags = MQLAB_BIND_CREATE, .mode = 0600,
};

FIXTURE_SETUP(bind_args)
{
	mqk_setup(_metadata, &self->k);
	self->fd = mqk_open(O_RDWR);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(bind_args)
{
	if (self->fd >= 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(bind_args, bind)
{
	static char buf[4096];
	struct mqlab_bind b = { 0 };
	struct mqlab_attr a;
	char *slot = NULL;
	__u32 len;
	int ret, fd2;

	if (variant->bad_name) {
		b.name = mqk_ptr(self->k.badptr);
		len = 8;
	} else if (variant->name) {
		len = variant->name_len ? (size_t)variant->name_len :
					  strlen(variant->name);
		if (!variant->error) {
			/* a literal name that is accepted: clean it up */
			slot = (char *)mqk_name(_metadata, &self->k, "");
			snprintf(slot, MQK_NAME_SIZE, "%s", variant->name);
			mqk_unlink(slot);
		}
		b.name = mqk_ptr(variant->name);
	} else {
		slot = (char *)mqk_name(_metadata, &self->k, "q");
		len = strlen(slot);
		if (variant->name_len == EMPTY) {
			len = 0;
		} else if (variant->name_len) {
			len = variant->name_len;
			memset(buf, 'x', sizeof(buf));
			memcpy(buf, slot, strlen(slot));
			if (len < MQK_NAME_SIZE)
				snprintf(slot, MQK_NAME_SIZE, "%.*s",
					 (int)len, buf);
		}
		b.name = mqk_ptr(variant->name_len > 0 ? buf : slot);
	}
	b.name_len = len;
	b.flags = variant->flags;
	b.mode = variant->mode;
	b.pad = variant->pad;
	b.maxmsg = lim_value(_metadata, variant->maxmsg, "maxmsg_max", 4);
	b.msgsize = lim_value(_metadata, variant->msgsize, "msgsize_max", 32);

	ret = mqk_ioctl(self->fd, MQLAB_IOC_BIND, &b);
	if (!variant->error) {
		ASSERT_EQ(0, ret) TH_LOG("bind: %s", strerror(-ret));
		ASSERT_EQ(0, mqk_getattr(self->fd, &a));
		EXPECT_EQ(b.maxmsg, a.maxmsg);
		EXPECT_EQ(b.msgsize, a.msgsize);
		EXPECT_EQ(variant->mode, a.mode);
		/* and the name finds the same queue */
		fd2 = mqk_open_bind(slot, O_RDWR);
		ASSERT_LE(0, fd2) TH_LOG("reopen: %s", strerror(-fd2));
		close(fd2);
		return;
	}

	ASSERT_EQ(-variant->error, ret);
	/* A failed bind leaves the fd unbound ... */
	EXPECT_EQ(-EBADFD, mqk_getattr(self->fd, &a));
	/* ... and creates nothing. */
	if (slot && len && len <= MQLAB_NAME_MAX)
		EXPECT_EQ(-ENOENT, mqk_open_bind(slot, O_RDWR));
}

/* ------------------------------------------------------------------ */
/* MQLAB_IOC_UNLINK input validation                                   */
/* ------------------------------------------------------------------ */

FIXTURE(unlink_args) {
	struct mqk k;
	const char *name;	/* an existing queue */
	int fd;			/* unbound */
};

FIXTURE_VARIANT(unlink_args) {
	const char *name;	/* NULL: the existing queue */
	long name_len;		/* 0: strlen(name); EMPTY: zero */
	bool bad_name;
	bool missing;		/* a valid name that does not exist */
	__u32 flags;
	int error;
};

/* The lowest bit without a meaning (bit 0 is MQLAB_UNLINK_DESTROY). */
FIXTURE_VARIANT_ADD(unlink_args, flags_low_bit) {
	.flags = MQLAB_UNLINK_DESTROY << 1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(unlink_args, flags_high_bit) {
	.flags = 1U << 31, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(unlink_args, name_len_0) {
	.name_len = EMPTY, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(unlink_args, name_len_256) {
	.name_len = MQLAB_NAME_MAX + 1, .error = ENAMETOOLONG,
};

FIXTURE_VARIANT_ADD(unlink_args, name_slash) {
	.name = "kst/slash", .error = EINVAL,
};

FIXTURE_VARIANT_ADD(unlink_args, name_leading_slash) {
	.name = "/kst", .error = EINVAL,
};

FIXTURE_VARIANT_ADD(unlink_args, name_nul_inside) {
	.name = "kst\0nul", .name_len = 7, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(unlink_args, name_dot) {
	.name = ".", .error = EINVAL,
};

FIXTURE_VARIANT_ADD(unlink_args, name_dotdot) {
	.name = "..", .error = EINVAL,
};

FIXTURE_VARIANT_ADD(unlink_args, name_bad_pointer) {
	.bad_name = true, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(unlink_args, name_missing) {
	.missing = true, .error = ENOENT,
};

FIXTURE_SETUP(unlink_args)
{
	int fd;

	mqk_setup(_metadata, &self->k);
	self->name = mqk_name(_metadata, &self->k, "q");
	fd = mqk_create(_metadata, self->name, O_RDWR, 0600, 4, 32);
	close(fd);
	self->fd = mqk_open(O_RDWR);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(unlink_args)
{
	if (self->fd >= 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(unlink_args, unlink)
{
	static char buf[MQLAB_NAME_MAX + 1];
	const void *name = self->name;
	__u32 len = strlen(self->name);
	int fd;

	if (variant->bad_name) {
		name = self->k.badptr;
		len = 8;
	} else if (variant->missing) {
		name = mqk_name(_metadata, &self->k, "missing");
		len = strlen(name);
	} else if (variant->name) {
		name = variant->name;
		len = variant->name_len ? (size_t)variant->name_len :
					  strlen(variant->name);
	} else if (variant->name_len == EMPTY) {
		len = 0;
	} else if (variant->name_len) {
		memset(buf, 'x', sizeof(buf));
		memcpy(buf, self->name, strlen(self->name));
		name = buf;
		len = variant->name_len;
	}

	ASSERT_EQ(-variant->error,
		  mqk_unlink_len(self->fd, name, len, variant->flags));
	/* The existing queue is still there. */
	fd = mqk_open_bind(self->name, O_RDWR);
	ASSERT_LE(0, fd) TH_LOG("queue vanished: %s", strerror(-fd));
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Data commands on an unbound fd: EBADFD                               */
/* ------------------------------------------------------------------ */

enum unbound_op {
	OP_GETATTR, OP_SETATTR, OP_SEND, OP_RECV, OP_NOTIFY, OP_READ, OP_WRITE,
};

FIXTURE(unbound) {
	struct mqk k;
	int fd;
};

FIXTURE_VARIANT(unbound) {
	enum unbound_op op;
};

FIXTURE_VARIANT_ADD(unbound, getattr) { .op = OP_GETATTR, };

FIXTURE_VARIANT_ADD(unbound, setattr) { .op = OP_SETATTR, };

FIXTURE_VARIANT_ADD(unbound, send) { .op = OP_SEND, };

FIXTURE_VARIANT_ADD(unbound, recv) { .op = OP_RECV, };

FIXTURE_VARIANT_ADD(unbound, notify) { .op = OP_NOTIFY, };

FIXTURE_VARIANT_ADD(unbound, read) { .op = OP_READ, };

FIXTURE_VARIANT_ADD(unbound, write) { .op = OP_WRITE, };

FIXTURE_SETUP(unbound)
{
	mqk_setup(_metadata, &self->k);
	self->fd = mqk_open(O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(unbound)
{
	if (self->fd >= 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(unbound, ebadfd)
{
	struct mqlab_attr a;
	char buf[16] = "x";
	int ret = 0;

	switch (variant->op) {
	case OP_GETATTR:
		ret = mqk_getattr(self->fd, &a);
		break;
	case OP_SETATTR:
		ret = mqk_setattr(self->fd, 0);
		break;
	case OP_SEND:
		ret = mqk_send(self->fd, buf, 1, 0, MQLAB_IO_NONBLOCK, NULL);
		break;
	case OP_RECV:
		ret = mqk_recv(self->fd, buf, sizeof(buf), MQLAB_IO_NONBLOCK,
			       NULL, NULL);
		break;
	case OP_NOTIFY:
		ret = mqk_notify(self->fd, MQLAB_NOTIFY_NONE, 0, 0);
		break;
	case OP_READ:
		ret = mqk_ret(read(self->fd, buf, sizeof(buf)));
		break;
	case OP_WRITE:
		ret = mqk_ret(write(self->fd, buf, 1));
		break;
	}
	ASSERT_EQ(-EBADFD, ret);
}

/*
 * An fd opened with @oflags: bound to a new queue "q" when @bound,
 * else unbound.
 */
static int test_fd(struct __test_metadata *_metadata, struct mqk *k,
		   bool bound, int oflags)
{
	int fd;

	if (bound)
		fd = mqk_create(_metadata, mqk_name(_metadata, k, "q"), oflags,
				0600, 4, 32);
	else
		fd = mqk_open(oflags);
	ASSERT_LE(0, fd);
	return fd;
}

/* ------------------------------------------------------------------ */
/* Unknown commands, and known numbers with a wrong size: ENOTTY        */
/* ------------------------------------------------------------------ */

FIXTURE(enotty) {
	struct mqk k;
	int fd;
};

FIXTURE_VARIANT(enotty) {
	unsigned long cmd;
	bool bound;
};

#define M MQLAB_IOC_MAGIC

/*
 * 0x08 and 0x09 were reserved and are MQLAB_IOC_SEND_BATCH and
 * MQLAB_IOC_RECV_BATCH now (batch_test.c): only other encodings of
 * those numbers are unknown.
 */
FIXTURE_VARIANT_ADD(enotty, send_batch_as_send) {
	.cmd = _IOW(M, 0x08, struct mqlab_send), .bound = true,
};

FIXTURE_VARIANT_ADD(enotty, send_batch_write_only) {
	.cmd = _IOW(M, 0x08, struct mqlab_batch), .bound = true,
};

FIXTURE_VARIANT_ADD(enotty, recv_batch_as_recv) {
	.cmd = _IOWR(M, 0x09, struct mqlab_recv), .bound = true,
};

FIXTURE_VARIANT_ADD(enotty, recv_batch_size_plus_8) {
	.cmd = _IOC(_IOC_READ | _IOC_WRITE, M, 0x09,
		    sizeof(struct mqlab_batch) + 8), .bound = true,
};

FIXTURE_VARIANT_ADD(enotty, nr_0a) {
	.cmd = _IO(M, 0x0a), .bound = true,
};

FIXTURE_VARIANT_ADD(enotty, nr_ff_unbound) {
	.cmd = _IOR(M, 0xff, __u64),
};

FIXTURE_VARIANT_ADD(enotty, other_magic) {
	.cmd = _IOR(M + 1, 0x00, struct mqlab_version),
};

FIXTURE_VARIANT_ADD(enotty, version_no_size) {
	.cmd = _IO(M, 0x00),
};

FIXTURE_VARIANT_ADD(enotty, version_size_4) {
	.cmd = _IOR(M, 0x00, __u32),
};

FIXTURE_VARIANT_ADD(enotty, version_size_plus_8) {
	.cmd = _IOC(_IOC_READ, M, 0x00, sizeof(struct mqlab_version) + 8),
};

FIXTURE_VARIANT_ADD(enotty, bind_wrong_direction) {
	.cmd = _IOR(M, 0x01, struct mqlab_bind),
};

FIXTURE_VARIANT_ADD(enotty, bind_size_minus_8) {
	.cmd = _IOC(_IOC_WRITE, M, 0x01, sizeof(struct mqlab_bind) - 8),
};

FIXTURE_VARIANT_ADD(enotty, unlink_size_plus_8) {
	.cmd = _IOC(_IOC_WRITE, M, 0x02, sizeof(struct mqlab_unlink) + 8),
};

FIXTURE_VARIANT_ADD(enotty, send_size_minus_8) {
	.cmd = _IOC(_IOC_WRITE, M, 0x03, sizeof(struct mqlab_send) - 8),
	.bound = true,
};

FIXTURE_VARIANT_ADD(enotty, recv_write_only) {
	.cmd = _IOW(M, 0x04, struct mqlab_recv), .bound = true,
};

FIXTURE_VARIANT_ADD(enotty, getattr_size_4) {
	.cmd = _IOR(M, 0x05, __u32), .bound = true,
};

FIXTURE_VARIANT_ADD(enotty, setattr_size_16) {
	.cmd = _IOC(_IOC_WRITE, M, 0x06, 16), .bound = true,
};

FIXTURE_VARIANT_ADD(enotty, notify_wrong_direction) {
	.cmd = _IOR(M, 0x07, struct mqlab_notify), .bound = true,
};

#undef M

FIXTURE_SETUP(enotty)
{
	mqk_setup(_metadata, &self->k);
	self->fd = test_fd(_metadata, &self->k, variant->bound,
			   O_RDWR | O_NONBLOCK);
}

FIXTURE_TEARDOWN(enotty)
{
	if (self->fd >= 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(enotty, enotty)
{
	/* a zeroed argument larger than any of ours */
	__u64 arg[64] = { 0 };

	ASSERT_EQ(-ENOTTY, mqk_ioctl(self->fd, variant->cmd, arg))
		TH_LOG("cmd %#lx", variant->cmd);
}

/* ------------------------------------------------------------------ */
/* An unreadable or unwritable argument struct: EFAULT                  */
/* ------------------------------------------------------------------ */

FIXTURE(efault) {
	struct mqk k;
	int fd;
};

FIXTURE_VARIANT(efault) {
	unsigned long cmd;
	bool bound;
	bool null;		/* NULL instead of the unmapped page */
};

FIXTURE_VARIANT_ADD(efault, version) { .cmd = MQLAB_IOC_VERSION, };

FIXTURE_VARIANT_ADD(efault, version_null) {
	.cmd = MQLAB_IOC_VERSION, .null = true,
};

FIXTURE_VARIANT_ADD(efault, bind) { .cmd = MQLAB_IOC_BIND, };

FIXTURE_VARIANT_ADD(efault, unlink) { .cmd = MQLAB_IOC_UNLINK, };

FIXTURE_VARIANT_ADD(efault, send) {
	.cmd = MQLAB_IOC_SEND, .bound = true,
};

FIXTURE_VARIANT_ADD(efault, recv) {
	.cmd = MQLAB_IOC_RECV, .bound = true,
};

FIXTURE_VARIANT_ADD(efault, getattr) {
	.cmd = MQLAB_IOC_GETATTR, .bound = true,
};

FIXTURE_VARIANT_ADD(efault, getattr_null) {
	.cmd = MQLAB_IOC_GETATTR, .bound = true, .null = true,
};

FIXTURE_VARIANT_ADD(efault, setattr) {
	.cmd = MQLAB_IOC_SETATTR, .bound = true,
};

FIXTURE_VARIANT_ADD(efault, notify) {
	.cmd = MQLAB_IOC_NOTIFY, .bound = true,
};

FIXTURE_SETUP(efault)
{
	mqk_setup(_metadata, &self->k);
	self->fd = test_fd(_metadata, &self->k, variant->bound,
			   O_RDWR | O_NONBLOCK);
}

FIXTURE_TEARDOWN(efault)
{
	if (self->fd >= 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(efault, efault)
{
	void *arg = variant->null ? NULL : self->k.badptr;

	ASSERT_EQ(-EFAULT, mqk_ioctl(self->fd, variant->cmd, arg));
}

/* ------------------------------------------------------------------ */
/* Binding                                                              */
/* ------------------------------------------------------------------ */

FIXTURE(bind) {
	struct mqk k;
};

FIXTURE_SETUP(bind)
{
	mqk_setup(_metadata, &self->k);
}

FIXTURE_TEARDOWN(bind)
{
	mqk_teardown(&self->k);
}

TEST_F(bind, create_then_open)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	struct mqlab_recv r;
	struct mqlab_attr a;
	char buf[32];
	int fd1, fd2;

	fd1 = mqk_create(_metadata, name, O_RDWR, 0640, 5, 48);
	a = mqk_attr(_metadata, fd1);
	EXPECT_EQ(5, a.maxmsg);
	EXPECT_EQ(48, a.msgsize);
	EXPECT_EQ(0640, a.mode);
	EXPECT_EQ(geteuid(), a.uid);
	EXPECT_EQ(getegid(), a.gid);
	EXPECT_EQ(0, a.curmsgs);
	EXPECT_EQ(0, a.curbytes);
	EXPECT_EQ(0, a.sent);
	EXPECT_EQ(0, a.received);
	EXPECT_EQ(0, a.waiting_senders);
	EXPECT_EQ(0, a.waiting_receivers);
	EXPECT_EQ(0, a.fd_flags);
	EXPECT_EQ(0, a.reserved[0]);
	EXPECT_EQ(0, a.reserved[1]);

	fd2 = mqk_open_bind(name, O_RDWR);
	ASSERT_LE(0, fd2) TH_LOG("open: %s", strerror(-fd2));
	ASSERT_EQ(0, mqk_sends(fd1, "via fd1", 3));
	ASSERT_EQ(0, mqk_recv(fd2, buf, sizeof(buf), 0, NULL, &r));
	ASSERT_EQ(7, r.len);
	ASSERT_EQ(0, memcmp(buf, "via fd1", 7));
	ASSERT_EQ(3, r.prio);
	close(fd1);
	close(fd2);
}

TEST_F(bind, create_without_excl_opens_existing)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	struct mqlab_attr a;
	int fd1, fd2, ret;

	fd1 = mqk_create(_metadata, name, O_RDWR, 0600, 3, 16);
	ASSERT_EQ(0, mqk_sends(fd1, "m", 0));
	fd2 = mqk_open(O_RDWR);
	ASSERT_LE(0, fd2);
	/* different attributes: ignored for an existing queue */
	ret = mqk_bind(fd2, name, MQLAB_BIND_CREATE, 0666, 7, 64);
	ASSERT_EQ(0, ret) TH_LOG("bind: %s", strerror(-ret));
	a = mqk_attr(_metadata, fd2);
	EXPECT_EQ(3, a.maxmsg);
	EXPECT_EQ(16, a.msgsize);
	EXPECT_EQ(0600, a.mode);
	EXPECT_EQ(1, a.curmsgs);
	close(fd1);
	close(fd2);
}

TEST_F(bind, excl_on_existing_is_eexist)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	struct mqlab_attr a;
	int fd1, fd2;

	fd1 = mqk_create(_metadata, name, O_RDWR, 0600, 4, 32);
	fd2 = mqk_open(O_RDWR);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(-EEXIST, mqk_bind(fd2, name, CX, 0600, 4, 32));
	/* the failed bind left fd2 unbound: it can bind again */
	EXPECT_EQ(-EBADFD, mqk_getattr(fd2, &a));
	ASSERT_EQ(0, mqk_bind(fd2, name, 0, 0, 0, 0));
	close(fd1);
	close(fd2);
}

TEST_F(bind, open_missing_is_enoent)
{
	const char *name = mqk_name(_metadata, &self->k, "missing");
	struct mqlab_attr a;
	int fd;

	fd = mqk_open(O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-ENOENT, mqk_bind(fd, name, 0, 0, 0, 0));
	EXPECT_EQ(-EBADFD, mqk_getattr(fd, &a));
	/* and nothing was created by the failed lookup */
	EXPECT_EQ(-ENOENT, mqk_unlink(name));
	close(fd);
}

TEST_F(bind, bind_twice_is_ebusy)
{
	const char *n1 = mqk_name(_metadata, &self->k, "one");
	const char *n2 = mqk_name(_metadata, &self->k, "two");
	struct mqlab_attr a;
	int fd, fd2;

	fd = mqk_create(_metadata, n1, O_RDWR, 0600, 4, 32);
	fd2 = mqk_create(_metadata, n2, O_RDWR, 0600, 6, 32);
	ASSERT_EQ(-EBUSY, mqk_bind(fd, n1, 0, 0, 0, 0));
	ASSERT_EQ(-EBUSY, mqk_bind(fd, n2, 0, 0, 0, 0));
	ASSERT_EQ(-EBUSY, mqk_bind(fd, mqk_name(_metadata, &self->k, "new"),
				   CX, 0600, 4, 32));
	/* still bound to the first queue */
	a = mqk_attr(_metadata, fd);
	EXPECT_EQ(4, a.maxmsg);
	close(fd);
	close(fd2);
}

TEST_F(bind, zero_attributes_pick_module_defaults)
{
	const char *n1 = mqk_name(_metadata, &self->k, "both");
	const char *n2 = mqk_name(_metadata, &self->k, "msgsize");
	const char *n3 = mqk_name(_metadata, &self->k, "maxmsg");
	__u64 def_maxmsg = mqk_param(_metadata, "default_maxmsg");
	__u64 def_msgsize = mqk_param(_metadata, "default_msgsize");
	struct mqlab_attr a;
	int fd;

	fd = mqk_create(_metadata, n1, O_RDWR, 0600, 0, 0);
	a = mqk_attr(_metadata, fd);
	EXPECT_EQ(def_maxmsg, a.maxmsg);
	EXPECT_EQ(def_msgsize, a.msgsize);
	close(fd);

	fd = mqk_create(_metadata, n2, O_RDWR, 0600, 3, 0);
	a = mqk_attr(_metadata, fd);
	EXPECT_EQ(3, a.maxmsg);
	EXPECT_EQ(def_msgsize, a.msgsize);
	close(fd);

	fd = mqk_create(_metadata, n3, O_RDWR, 0600, 0, 17);
	a = mqk_attr(_metadata, fd);
	EXPECT_EQ(def_maxmsg, a.maxmsg);
	EXPECT_EQ(17, a.msgsize);
	close(fd);
}

TEST_F(bind, umask_applies_to_mode)
{
	const char *n1 = mqk_name(_metadata, &self->k, "u027");
	const char *n2 = mqk_name(_metadata, &self->k, "u077");
	struct mqlab_attr a;
	int fd;

	umask(027);
	fd = mqk_create(_metadata, n1, O_RDWR, 0777, 2, 8);
	a = mqk_attr(_metadata, fd);
	EXPECT_EQ(0750, a.mode);
	close(fd);

	umask(077);
	fd = mqk_create(_metadata, n2, O_RDWR, 0666, 2, 8);
	a = mqk_attr(_metadata, fd);
	EXPECT_EQ(0600, a.mode);
	close(fd);
}

TEST_F(bind, eacces)
{
	const char *p600 = mqk_name(_metadata, &self->k, "p600");
	const char *p644 = mqk_name(_metadata, &self->k, "p644");
	const char *p060 = mqk_name(_metadata, &self->k, "p060");
	const char *p606 = mqk_name(_metadata, &self->k, "p606");
	const char *p000 = mqk_name(_metadata, &self->k, "p000");
	pid_t pid;
	int fd;

	if (geteuid() != 0)
		SKIP(return, "needs root to switch to uid %d", MQK_NOBODY);

	close(mqk_create(_metadata, p600, O_RDWR, 0600, 2, 8));
	close(mqk_create(_metadata, p644, O_RDWR, 0644, 2, 8));
	close(mqk_create(_metadata, p060, O_RDWR, 0060, 2, 8));
	close(mqk_create(_metadata, p606, O_RDWR, 0606, 2, 8));
	close(mqk_create(_metadata, p000, O_RDWR, 0000, 2, 8));

	/* "other" class: uid and gid nobody */
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		char c;

		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		fd = mqk_open(O_RDWR);
		/* the device node itself must be usable by anyone */
		CHILD_CHECK(fd >= 0);
		close(fd);
		CHILD_CHECK(mqk_try_bind(p600, O_RDONLY, 0) == -EACCES);
		CHILD_CHECK(mqk_try_bind(p600, O_WRONLY, 0) == -EACCES);
		CHILD_CHECK(mqk_try_bind(p600, O_RDWR, 0) == -EACCES);
		/* CREATE of an existing queue checks access too */
		CHILD_CHECK(mqk_try_bind(p600, O_RDONLY,
				     MQLAB_BIND_CREATE) == -EACCES);
		CHILD_CHECK(mqk_try_bind(p644, O_WRONLY, 0) == -EACCES);
		CHILD_CHECK(mqk_try_bind(p644, O_RDWR, 0) == -EACCES);
		fd = mqk_open_bind(p644, O_RDONLY);
		CHILD_CHECK(fd >= 0);
		/* bound: an empty queue says EAGAIN, not EBADFD */
		CHILD_CHECK(mqk_recv(fd, &c, 1, MQLAB_IO_NONBLOCK, NULL,
				     NULL) == -EAGAIN);
		close(fd);
		CHILD_CHECK(mqk_try_bind(p000, O_RDONLY, 0) == -EACCES);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));

	/* "group" class: uid nobody, gid root; group bits decide */
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, 0) == 0);
		CHILD_CHECK(mqk_try_bind(p060, O_RDWR, 0) == 0);
		CHILD_CHECK(mqk_try_bind(p606, O_RDONLY, 0) == -EACCES);
		CHILD_CHECK(mqk_try_bind(p606, O_WRONLY, 0) == -EACCES);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));

	/* root overrides the mode bits, as for a file */
	ASSERT_EQ(0, mqk_try_bind(p000, O_RDWR, 0));
}

/*
 * max_queues: fill the module's queue table with tiny queues, one more
 * fails with ENOSPC, opening an existing queue still works, and freeing
 * one slot makes room again.
 */
TEST_F_TIMEOUT(bind, enospc_queue_limit, 300)
{
	__u64 max_queues = mqk_param(_metadata, "max_queues");
	char name[MQK_NAME_SIZE];
	long existing = mqk_proc_count();
	unsigned long i, n;
	int fd, ret;

	if (max_queues > 4096)
		SKIP(return, "max_queues=%llu too large to fill here",
		     (unsigned long long)max_queues);
	ASSERT_LE(0, existing);
	ASSERT_LT(existing, (long)max_queues)
		TH_LOG("%ld queues left over by earlier tests", existing);
	n = max_queues - existing;

	snprintf(self->k.bulk_prefix, sizeof(self->k.bulk_prefix),
		 "kst-%d-nq-", (int)getpid());
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%lu", self->k.bulk_prefix, i);
		fd = mqk_open(O_RDWR);
		ASSERT_LE(0, fd);
		self->k.bulk_count = i + 1;
		ret = mqk_bind(fd, name, CX, 0600, 1, 1);
		close(fd);
		ASSERT_EQ(0, ret) TH_LOG("queue %lu of %lu: %s", i + 1, n,
					 strerror(-ret));
	}
	snprintf(name, sizeof(name), "%s%lu", self->k.bulk_prefix, n);
	self->k.bulk_count = n + 1;
	ASSERT_EQ(-ENOSPC, mqk_try_bind(name, O_RDWR, CX));
	/* opening an existing queue needs no new slot */
	snprintf(name, sizeof(name), "%s0", self->k.bulk_prefix);
	ASSERT_EQ(0, mqk_try_bind(name, O_RDWR, 0));

	/* an unlinked, closed queue gives its slot back */
	ASSERT_EQ(0, mqk_unlink(name));
	snprintf(name, sizeof(name), "%s%lu", self->k.bulk_prefix, n);
	ASSERT_EQ(0, mqk_try_bind(name, O_RDWR, CX));

	for (i = 0; i <= n; i++) {
		snprintf(name, sizeof(name), "%s%lu", self->k.bulk_prefix, i);
		ret = mqk_unlink(name);
		ASSERT_EQ(i ? 0 : -ENOENT, ret) TH_LOG("unlink %s", name);
	}
	self->k.bulk_count = 0;
}

/* What the whole module holds: the "total" line of the users file. */
static __u64 module_used(struct __test_metadata *_metadata)
{
	__u64 queues, bytes, held;

	ASSERT_EQ(1, mqk_users_line("total", &queues, &bytes, &held))
		TH_LOG("no total line in %s", MQLAB_PROC_USERS_PATH);
	return bytes + held;
}

/*
 * max_total_bytes: every queue is charged, at creation, for all it can
 * hold, headers included (the "charged" column of /proc/mqueue-lab).
 * Fill the cap with big queues: exactly as many as fit are created and
 * the next one fails with ENOSPC; the module's total grows by each
 * queue's charge; unlinking one big queue returns its charge.  As root
 * (CAP_SYS_RESOURCE), so that the per-user limits do not apply.
 */
TEST_F(bind, enospc_total_bytes)
{
	__u64 total = mqk_param(_metadata, "max_total_bytes");
	__u64 maxmsg_max = mqk_param(_metadata, "maxmsg_max");
	__u64 msgsize_max = mqk_param(_metadata, "msgsize_max");
	__u64 max_queues = mqk_param(_metadata, "max_queues");
	long existing = mqk_proc_count();
	__u64 msgsize, maxmsg, size, fit, used0, used;
	char name[MQK_NAME_SIZE];
	unsigned long i;
	int ret = 0;

	if (geteuid() != 0)
		SKIP(return, "needs CAP_SYS_RESOURCE to pass the per-user limits");
	ASSERT_LE(0, existing);
	/* about four queues fill the cap */
	msgsize = total / 4 < msgsize_max ? total / 4 : msgsize_max;
	if (!msgsize)
		msgsize = 1;
	maxmsg = total / 4 / msgsize;
	if (maxmsg > maxmsg_max)
		maxmsg = maxmsg_max;
	if (!maxmsg)
		maxmsg = 1;

	snprintf(self->k.bulk_prefix, sizeof(self->k.bulk_prefix),
		 "kst-%d-nb-", (int)getpid());
	used0 = module_used(_metadata);
	ASSERT_EQ(0, mqk_bulk_create(&self->k, 0, 0600, maxmsg, msgsize, NULL));
	snprintf(name, sizeof(name), "%s0", self->k.bulk_prefix);
	ASSERT_EQ(0, mqk_proc_value(name, "charged", &size));
	/* at least the payload, and headers on top */
	ASSERT_LT(maxmsg * msgsize, size);
	ASSERT_EQ(used0 + size, module_used(_metadata));
	fit = (total - used0) / size;
	if (fit + 3 + existing > max_queues)
		SKIP(return, "max_total_bytes=%llu needs %llu queues of %llu",
		     (unsigned long long)total, (unsigned long long)fit,
		     (unsigned long long)size);

	for (i = 1; i <= fit; i++) {
		ret = mqk_bulk_create(&self->k, i, 0600, maxmsg, msgsize, NULL);
		if (ret)
			break;
	}
	ASSERT_EQ(-ENOSPC, ret) TH_LOG("queue %lu of %llu bytes", i + 1,
				       (unsigned long long)size);
	ASSERT_EQ(fit, i) TH_LOG("only %lu queues of %llu bytes fit in %llu",
				 i, (unsigned long long)size,
				 (unsigned long long)(total - used0));
	used = module_used(_metadata);
	ASSERT_EQ(used0 + fit * size, used);
	ASSERT_LT(total - used, size);

	/* unlinking a closed queue returns its charge */
	ASSERT_EQ(0, mqk_unlink(name));
	ASSERT_EQ(used - size, module_used(_metadata));
	ret = mqk_bulk_create(&self->k, 0, 0600, maxmsg, msgsize, NULL);
	ASSERT_EQ(0, ret) TH_LOG("after unlink: %s", strerror(-ret));
	ASSERT_EQ(used, module_used(_metadata));
}

/* ------------------------------------------------------------------ */
/* Access mode of the fd                                                */
/* ------------------------------------------------------------------ */

TEST_F(bind, access_mode_decides_direction)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	int rw, ro, wo;
	char buf[16];

	rw = mqk_create(_metadata, name, O_RDWR, 0600, 4, 16);
	ro = mqk_open_bind(name, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, ro);
	wo = mqk_open_bind(name, O_WRONLY | O_NONBLOCK);
	ASSERT_LE(0, wo);

	EXPECT_EQ(-EBADF, mqk_send(ro, "x", 1, 0, 0, NULL));
	EXPECT_EQ(-EBADF, mqk_ret(write(ro, "x", 1)));
	EXPECT_EQ(0, mqk_attr(_metadata, rw).curmsgs);

	ASSERT_EQ(0, mqk_send(wo, "w", 1, 0, 0, NULL));
	ASSERT_EQ(0, mqk_send(wo, "w", 1, 0, 0, NULL));
	EXPECT_EQ(-EBADF, mqk_recv(wo, buf, sizeof(buf), 0, NULL, NULL));
	EXPECT_EQ(-EBADF, mqk_ret(read(wo, buf, sizeof(buf))));
	EXPECT_EQ(2, mqk_attr(_metadata, rw).curmsgs);

	/* the right direction works, and GETATTR works on both */
	EXPECT_EQ(0, mqk_recv(ro, buf, sizeof(buf), 0, NULL, NULL));
	EXPECT_EQ(1, mqk_ret(read(ro, buf, sizeof(buf))));
	EXPECT_EQ(0, mqk_attr(_metadata, wo).curmsgs);
	close(ro);
	close(wo);
	close(rw);
}

/* ------------------------------------------------------------------ */
/* Unlink                                                               */
/* ------------------------------------------------------------------ */

TEST_F(bind, unlink_removes_name_not_queue)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	char buf[16];
	int fd;

	fd = mqk_create(_metadata, name, O_RDWR, 0600, 4, 16);
	ASSERT_EQ(0, mqk_sends(fd, "one", 0));
	ASSERT_EQ(0, mqk_sends(fd, "two", 0));
	ASSERT_EQ(0, mqk_unlink(name));
	ASSERT_EQ(-ENOENT, mqk_open_bind(name, O_RDWR));
	ASSERT_EQ(-ENOENT, mqk_unlink(name));

	mqk_expect_msg(_metadata, fd, "one");
	mqk_expect_msg(_metadata, fd, "two");
	ASSERT_EQ(0, mqk_sends(fd, "three", 0));
	mqk_expect_msg(_metadata, fd, "three");
	ASSERT_EQ(-EAGAIN, mqk_recv(fd, buf, sizeof(buf), MQLAB_IO_NONBLOCK,
				    NULL, NULL));
	EXPECT_EQ(3, mqk_attr(_metadata, fd).sent);
	close(fd);
}

TEST_F(bind, recreate_after_unlink_is_new_queue)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	struct mqlab_attr a;
	char buf[16];
	int old, new;

	old = mqk_create(_metadata, name, O_RDWR, 0600, 4, 16);
	ASSERT_EQ(0, mqk_sends(old, "old", 0));
	ASSERT_EQ(0, mqk_unlink(name));
	new = mqk_create(_metadata, name, O_RDWR, 0640, 2, 8);

	a = mqk_attr(_metadata, new);
	EXPECT_EQ(2, a.maxmsg);
	EXPECT_EQ(8, a.msgsize);
	EXPECT_EQ(0640, a.mode);
	EXPECT_EQ(0, a.curmsgs);
	EXPECT_EQ(0, a.sent);
	a = mqk_attr(_metadata, old);
	EXPECT_EQ(4, a.maxmsg);
	EXPECT_EQ(1, a.curmsgs);

	ASSERT_EQ(0, mqk_sends(new, "new", 0));
	mqk_expect_msg(_metadata, old, "old");
	ASSERT_EQ(-EAGAIN, mqk_recv(old, buf, sizeof(buf), MQLAB_IO_NONBLOCK,
				    NULL, NULL));
	mqk_expect_msg(_metadata, new, "new");
	close(old);
	close(new);
}

TEST_F(bind, unlink_missing_is_enoent)
{
	ASSERT_EQ(-ENOENT,
		  mqk_unlink(mqk_name(_metadata, &self->k, "missing")));
}

TEST_F(bind, unlink_by_non_owner_is_eperm)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	pid_t pid;
	int fd;

	if (geteuid() != 0)
		SKIP(return, "needs root to switch to uid %d", MQK_NOBODY);
	/*
	 * Even full access to the queue does not allow unlinking it; the
	 * errno is EPERM, what the mq_unlink system call gives on the
	 * kernel's own mq (glibc's wrapper turns it into EACCES).
	 */
	close(mqk_create(_metadata, name, O_RDWR, 0666, 2, 8));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_CHECK(mqk_unlink(name) == -EPERM);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	fd = mqk_open_bind(name, O_RDWR);
	ASSERT_LE(0, fd) TH_LOG("queue vanished: %s", strerror(-fd));
	close(fd);
}

TEST_F(bind, unlink_by_owner_and_by_root)
{
	const char *mine = mqk_name(_metadata, &self->k, "mine");
	const char *theirs = mqk_name(_metadata, &self->k, "theirs");
	struct mqlab_attr a;
	pid_t pid;
	int fd;

	if (geteuid() != 0)
		SKIP(return, "needs root to switch to uid %d", MQK_NOBODY);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		fd = mqk_open(O_RDWR);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_bind(fd, mine, CX, 0600, 2, 8) == 0);
		CHILD_CHECK(mqk_getattr(fd, &a) == 0);
		CHILD_CHECK(a.uid == MQK_NOBODY && a.gid == MQK_NOBODY);
		CHILD_CHECK(a.mode == 0600);
		close(fd);
		CHILD_CHECK(mqk_unlink(mine) == 0);
		CHILD_CHECK(mqk_open_bind(mine, O_RDWR) == -ENOENT);
		fd = mqk_open(O_RDWR);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_bind(fd, theirs, CX, 0600, 2, 8) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	/* the owner is nobody; root may unlink it (CAP_FOWNER) */
	fd = mqk_open_bind(theirs, O_RDWR);
	ASSERT_LE(0, fd);
	a = mqk_attr(_metadata, fd);
	EXPECT_EQ(MQK_NOBODY, a.uid);
	EXPECT_EQ(MQK_NOBODY, a.gid);
	close(fd);
	ASSERT_EQ(0, mqk_unlink(theirs));
	ASSERT_EQ(-ENOENT, mqk_open_bind(theirs, O_RDWR));
}

/*
 * A receiver blocked on a queue is not disturbed by unlink and gets a
 * message sent later through an fd that is still bound.
 */
TEST_F(bind, unlink_leaves_blocked_receiver_alone)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	pid_t pid;
	int fd;

	fd = mqk_create(_metadata, name, O_RDWR, 0600, 2, 16);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		struct mqlab_recv r;
		char buf[16];

		CHILD_CHECK(mqk_recv(fd, buf, sizeof(buf), 0, NULL, &r) == 0);
		CHILD_CHECK(r.len == 5 && !memcmp(buf, "later", 5));
		_exit(0);
	}
	ASSERT_WAITERS(fd, false, 1);
	ASSERT_EQ(0, mqk_unlink(name));
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, pid, 0, NULL))
		TH_LOG("the blocked receiver returned after unlink");
	EXPECT_EQ(1, mqk_attr(_metadata, fd).waiting_receivers);
	ASSERT_EQ(0, mqk_sends(fd, "later", 0));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	close(fd);
}

TEST_F(bind, unlink_leaves_blocked_sender_alone)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	pid_t pid;
	int fd;

	fd = mqk_create(_metadata, name, O_RDWR, 0600, 1, 16);
	ASSERT_EQ(0, mqk_sends(fd, "first", 0));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_sends(fd, "second", 0) == 0);
		_exit(0);
	}
	ASSERT_WAITERS(fd, true, 1);
	ASSERT_EQ(0, mqk_unlink(name));
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, pid, 0, NULL))
		TH_LOG("the blocked sender returned after unlink");
	mqk_expect_msg(_metadata, fd, "first");
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	mqk_expect_msg(_metadata, fd, "second");
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Lifetime, /proc/mqueue-lab, VERSION                                 */
/* ------------------------------------------------------------------ */

TEST_F(bind, queue_outlives_its_creator)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	struct mqlab_recv r;
	char buf[16];
	pid_t pid;
	int fd;

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		fd = mqk_open(O_RDWR);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_bind(fd, name, CX, 0600, 2, 16) == 0);
		CHILD_CHECK(mqk_sends(fd, "legacy", 9) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	fd = mqk_open_bind(name, O_RDWR);
	ASSERT_LE(0, fd) TH_LOG("queue died with its creator: %s",
				strerror(-fd));
	ASSERT_EQ(0, mqk_recv(fd, buf, sizeof(buf), MQLAB_IO_NONBLOCK, NULL,
			      &r));
	ASSERT_EQ(6, r.len);
	ASSERT_EQ(0, memcmp(buf, "legacy", 6));
	EXPECT_EQ(9, r.prio);
	EXPECT_EQ(pid, r.pid);
	close(fd);
}

TEST_F(bind, proc_lists_named_queues)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	char hdr[1024] = "", line[1024] = "", line2[1024] = "";
	int fd, i, before, ret;
	char buf[16];

	before = mqk_proc_count();
	ASSERT_LE(0, before) TH_LOG("%s: %s", MQLAB_PROC_PATH,
				    strerror(-before));
	fd = mqk_create(_metadata, name, O_RDWR, 0640, 7, 123);
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, mqk_send(fd, "0123456789", 10, 0, 0, NULL));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, mqk_recv(fd, buf, sizeof(buf), 0, NULL, NULL));

	ret = mqk_proc_line(name, hdr, sizeof(hdr), line, sizeof(line));
	ASSERT_EQ(1, ret) TH_LOG("%s not listed", name);
	TH_LOG("header: %s", hdr);
	TH_LOG("line:   %s", line);
	EXPECT_EQ(before + 1, mqk_proc_count());
	/* a header line that is not a queue */
	EXPECT_LT(1, strlen(hdr));
	EXPECT_FALSE(mqk_has_field(hdr, name));
	/* name, mode (octal) and message count */
	EXPECT_TRUE(mqk_has_field(line, "0640") || mqk_has_field(line, "640"));
	EXPECT_TRUE(mqk_has_field(line, "3"));
	EXPECT_FALSE(mqk_has_field(line, "4"));

	ASSERT_EQ(0, mqk_send(fd, "0123456789", 10, 0, 0, NULL));
	ASSERT_EQ(1, mqk_proc_line(name, hdr, sizeof(hdr), line2,
				   sizeof(line2)));
	EXPECT_TRUE(mqk_has_field(line2, "4")) TH_LOG("line: %s", line2);

	EXPECT_TRUE(mqk_has_field(line2, "named")) TH_LOG("line: %s", line2);

	/*
	 * unlinked: root (the administrator) still sees it while an fd
	 * keeps it alive, marked "unlinked"; it is gone once that fd is
	 * closed.  (What an unprivileged reader sees: 10-access.)
	 */
	ASSERT_EQ(0, mqk_unlink(name));
	if (geteuid() == 0) {
		ASSERT_EQ(1, mqk_proc_line(name, hdr, sizeof(hdr), line,
					   sizeof(line)));
		EXPECT_TRUE(mqk_has_field(line, "unlinked"))
			TH_LOG("line: %s", line);
		EXPECT_FALSE(mqk_has_field(line, "named"));
		EXPECT_EQ(before + 1, mqk_proc_count());
	}
	close(fd);
	EXPECT_EQ(0, mqk_proc_line(name, hdr, sizeof(hdr), line,
				   sizeof(line)));
	EXPECT_EQ(before, mqk_proc_count());
}

FIXTURE(version) {
	struct mqk k;
};

FIXTURE_VARIANT(version) {
	bool bound;
};

FIXTURE_VARIANT_ADD(version, unbound) { .bound = false, };

FIXTURE_VARIANT_ADD(version, bound) { .bound = true, };

FIXTURE_SETUP(version)
{
	mqk_setup(_metadata, &self->k);
}

FIXTURE_TEARDOWN(version)
{
	mqk_teardown(&self->k);
}

TEST_F(version, version)
{
	struct mqlab_version v;
	int fd, i;

	fd = test_fd(_metadata, &self->k, variant->bound, O_RDONLY);
	memset(&v, 0xa5, sizeof(v));
	ASSERT_EQ(0, mqk_ioctl(fd, MQLAB_IOC_VERSION, &v));
	EXPECT_EQ(MQLAB_VERSION_MAJOR, v.major);
	EXPECT_LE(MQLAB_VERSION_MINOR, v.minor);
	EXPECT_EQ(MQLAB_FEAT_NOTIFY | MQLAB_FEAT_TIMEOUT | MQLAB_FEAT_ACCOUNT,
		  v.features & (MQLAB_FEAT_NOTIFY | MQLAB_FEAT_TIMEOUT |
				MQLAB_FEAT_ACCOUNT));
	EXPECT_EQ(MQLAB_NAME_MAX, v.name_max);
	EXPECT_EQ(MQLAB_PRIO_MAX, v.prio_max);
	EXPECT_EQ(mqk_param(_metadata, "max_queues"), v.max_queues);
	EXPECT_EQ(mqk_param(_metadata, "default_maxmsg"), v.default_maxmsg);
	EXPECT_EQ(mqk_param(_metadata, "default_msgsize"), v.default_msgsize);
	EXPECT_EQ(mqk_param(_metadata, "maxmsg_max"), v.maxmsg_max);
	EXPECT_EQ(mqk_param(_metadata, "msgsize_max"), v.msgsize_max);
	EXPECT_EQ(mqk_param(_metadata, "max_total_bytes"), v.total_bytes_max);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, v.reserved[i]) TH_LOG("reserved[%d]", i);
	close(fd);
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
