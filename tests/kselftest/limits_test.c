// SPDX-License-Identifier: GPL-2.0
/*
 * limits_test - /dev/mqueue-lab follows the kernel's POSIX mq limits
 * (MQLAB_FEAT_KERNEL_LIMITS): the fs.mqueue sysctls and RLIMIT_MSGQUEUE.
 *
 * Every case does the same to the kernel's own mq (mq_open()) and to the
 * device (BIND with CREATE), as root and as uid MQK_NOBODY, and asserts
 * the same outcome on both.  The sysctls are saved in the fixture setup
 * and restored in its teardown; rlimits are set in forked children.
 */
#define _GNU_SOURCE

#include <mqueue.h>
#include <sys/resource.h>

#include "mqlab_kst.h"

#define CX		(MQLAB_BIND_CREATE | MQLAB_BIND_EXCL)
#define SYSCTL_DIR	"/proc/sys/fs/mqueue/"
#define NQ		12	/* queue names per test, on each side */
#define HARD_MSGMAX	65536
#define HARD_MSGSIZEMAX	(16 << 20)

static const char *const sysctls[] = {
	"msg_max", "msgsize_max", "msg_default", "msgsize_default",
	"queues_max",
};
#define NSYSCTL		(sizeof(sysctls) / sizeof(sysctls[0]))

FIXTURE(limits) {
	struct mqk k;
	long saved[NSYSCTL];
};

static long sysctl_get(const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), SYSCTL_DIR "%s", name);
	f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int sysctl_set(const char *name, long v)
{
	char path[128];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), SYSCTL_DIR "%s", name);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	ret = fprintf(f, "%ld\n", v) > 0 ? 0 : -EIO;
	if (fclose(f))
		ret = -errno;
	return ret;
}

#define SET_SYSCTL(name, v)	ASSERT_EQ(0, sysctl_set(name, v)) TH_LOG(name)

FIXTURE_SETUP(limits)
{
	unsigned int i;

	mqk_setup(_metadata, &self->k);
	if (geteuid() != 0)
		SKIP(return, "needs root to set the fs.mqueue sysctls");
	for (i = 0; i < NSYSCTL; i++) {
		self->saved[i] = sysctl_get(sysctls[i]);
		ASSERT_LE(0, self->saved[i]) TH_LOG("%s", sysctls[i]);
	}
	/* device queues are named "<prefix><i>", kernel ones "/<prefix><i>" */
	snprintf(self->k.bulk_prefix, sizeof(self->k.bulk_prefix),
		 "kst-%d-lim-", (int)getpid());
	self->k.bulk_count = NQ;
}

FIXTURE_TEARDOWN(limits)
{
	char name[MQK_NAME_SIZE + 1];
	unsigned int i;

	for (i = 0; i < NSYSCTL; i++)
		if (self->saved[i] > 0)
			sysctl_set(sysctls[i], self->saved[i]);
	for (i = 0; i < NQ; i++) {
		snprintf(name, sizeof(name), "/%s%u", self->k.bulk_prefix, i);
		mq_unlink(name);
	}
	mqk_teardown(&self->k);
}

/*
 * Create queue @i on the kernel's mq: with @maxmsg and @msgsize, or
 * with no attributes when both are 0.  0 or the errno.
 */
static int kernel_create(const struct mqk *k, unsigned int i, long maxmsg,
			 long msgsize, struct mq_attr *got)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
	char name[MQK_NAME_SIZE + 1];
	mqd_t q;

	snprintf(name, sizeof(name), "/%s%u", k->bulk_prefix, i);
	q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600,
		    maxmsg || msgsize ? &a : NULL);
	if (q == (mqd_t)-1)
		return errno;
	if (got)
		mq_getattr(q, got);
	mq_close(q);
	return 0;
}

/* The same on the device (0 and 0 pick its defaults).  0 or the errno. */
static int device_create(const struct mqk *k, unsigned int i, long maxmsg,
			 long msgsize, struct mq_attr *got)
{
	char name[MQK_NAME_SIZE];
	struct mqlab_attr a;
	int fd, ret;

	snprintf(name, sizeof(name), "%s%u", k->bulk_prefix, i);
	fd = mqk_open(O_RDWR);
	if (fd < 0)
		return -fd;
	ret = mqk_bind(fd, name, CX, 0600, maxmsg, msgsize);
	if (!ret && got && !mqk_getattr(fd, &a)) {
		got->mq_maxmsg = a.maxmsg;
		got->mq_msgsize = a.msgsize;
	}
	close(fd);
	return -ret;
}

/*
 * Create queue @i on both sides with the same attributes; assert the
 * same outcome, @want.  For use in the test process only.
 */
#define BOTH(i, maxmsg, msgsize, want) do {				\
	int __k = kernel_create(&self->k, (i), (maxmsg), (msgsize), NULL); \
	int __d = device_create(&self->k, (i), (maxmsg), (msgsize), NULL); \
									\
	EXPECT_EQ((want), __k) TH_LOG("kernel mq, %ld x %ld",		\
				      (long)(maxmsg), (long)(msgsize));	\
	EXPECT_EQ((want), __d) TH_LOG("device, %ld x %ld",		\
				      (long)(maxmsg), (long)(msgsize));	\
} while (0)

/* The same in a forked child, ending it with status 1 on a mismatch. */
#define CHILD_BOTH(i, maxmsg, msgsize, want) do {			\
	int __k = kernel_create(&self->k, (i), (maxmsg), (msgsize), NULL); \
	int __d = device_create(&self->k, (i), (maxmsg), (msgsize), NULL); \
									\
	if (__k != (want) || __d != (want)) {				\
		fprintf(stderr, "# child: %s:%d: %ld x %ld: kernel %s,"	\
			" device %s, want %s\n", __FILE__, __LINE__,	\
			(long)(maxmsg), (long)(msgsize), strerror(__k),	\
			strerror(__d), strerror(want));			\
		_exit(1);						\
	}								\
} while (0)

/* Remove queue @i on both sides. */
static void remove_both(const struct mqk *k, unsigned int i)
{
	char name[MQK_NAME_SIZE + 1];

	snprintf(name, sizeof(name), "/%s%u", k->bulk_prefix, i);
	mq_unlink(name);
	mqk_unlink(name + 1);
}

TEST_F(limits, version_reports_kernel_limits)
{
	struct mqlab_version v;
	int fd = mqk_open(O_RDWR);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mqk_ioctl(fd, MQLAB_IOC_VERSION, &v));
	EXPECT_EQ(MQLAB_FEAT_KERNEL_LIMITS,
		  v.features & MQLAB_FEAT_KERNEL_LIMITS);
	close(fd);
}

/*
 * No attributes: min(msg_default, msg_max) messages of
 * min(msgsize_default, msgsize_max) bytes, as root and as nobody.
 */
TEST_F(limits, defaults_follow_the_sysctls)
{
	static const struct {
		long msg_max, msgsize_max, msg_default, msgsize_default;
		long want_maxmsg, want_msgsize;
	} rows[] = {
		/* (the sysctls take sizes from 128 on) */
		{ 10, 8192, 5, 200, 5, 200 },
		{ 12, 5000, 20, 9000, 12, 5000 },
		{ 50, 8192, 1, 128, 1, 128 },
	};
	struct mq_attr ka, da;
	unsigned int i;
	pid_t pid;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		SET_SYSCTL("msg_max", rows[i].msg_max);
		SET_SYSCTL("msgsize_max", rows[i].msgsize_max);
		SET_SYSCTL("msg_default", rows[i].msg_default);
		SET_SYSCTL("msgsize_default", rows[i].msgsize_default);
		memset(&ka, 0, sizeof(ka));
		memset(&da, 0, sizeof(da));
		ASSERT_EQ(0, kernel_create(&self->k, 0, 0, 0, &ka));
		ASSERT_EQ(0, device_create(&self->k, 0, 0, 0, &da));
		EXPECT_EQ(rows[i].want_maxmsg, ka.mq_maxmsg) TH_LOG("row %u", i);
		EXPECT_EQ(rows[i].want_msgsize, ka.mq_msgsize);
		EXPECT_EQ(ka.mq_maxmsg, da.mq_maxmsg) TH_LOG("row %u", i);
		EXPECT_EQ(ka.mq_msgsize, da.mq_msgsize);
		remove_both(&self->k, 0);

		pid = mqk_fork(_metadata, &self->k);
		if (pid == 0) {
			CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
			CHILD_CHECK(kernel_create(&self->k, 1, 0, 0, &ka) == 0);
			CHILD_CHECK(device_create(&self->k, 1, 0, 0, &da) == 0);
			CHILD_CHECK(ka.mq_maxmsg == da.mq_maxmsg);
			CHILD_CHECK(ka.mq_msgsize == da.mq_msgsize);
			_exit(0);
		}
		ASSERT_EQ(0, mqk_reap(&self->k, pid)) TH_LOG("row %u", i);
		remove_both(&self->k, 1);
	}
}

/*
 * Above msg_max or msgsize_max: EINVAL without CAP_SYS_RESOURCE; with
 * it, up to the kernel's hard limits.
 */
TEST_F(limits, msg_max_and_msgsize_max)
{
	pid_t pid;

	SET_SYSCTL("msg_max", 6);
	SET_SYSCTL("msgsize_max", 200);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_BOTH(0, 7, 100, EINVAL);
		CHILD_BOTH(0, 6, 201, EINVAL);
		CHILD_BOTH(0, 6, 200, 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	/* root: CAP_SYS_RESOURCE goes up to the hard limits, not beyond */
	BOTH(1, 7, 201, 0);
	BOTH(2, HARD_MSGMAX, 1, 0);
	BOTH(3, 1, HARD_MSGSIZEMAX, 0);
	BOTH(4, HARD_MSGMAX + 1, 1, EINVAL);
	BOTH(4, 1, HARD_MSGSIZEMAX + 1, EINVAL);
}

/* What the kernel charges to RLIMIT_MSGQUEUE for maxmsg x msgsize. */
static long kernel_charge(long maxmsg, long msgsize)
{
	/* struct msg_msg and struct posix_msg_tree_node: 48 bytes each */
	return maxmsg * msgsize + maxmsg * 48 + maxmsg * 48;
}

/*
 * RLIMIT_MSGQUEUE: a user's queues, counted as the kernel counts them,
 * may not exceed it (EMFILE), for root too.  The kernel's queues and the
 * device's are counted apart: each side fits the same number.
 */
TEST_F(limits, rlimit_msgqueue)
{
	const long per = kernel_charge(4, 64);
	static const struct {
		bool nobody;
		long rlim;
		unsigned int fit;
	} rows[] = {
		{ true, 3, 3 }, { true, -1, 2 }, { false, 3, 3 },
		{ false, -1, 2 },
	};
	unsigned int r, i;
	pid_t pid;

	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		pid = mqk_fork(_metadata, &self->k);
		if (pid == 0) {
			long lim = rows[r].rlim > 0 ? rows[r].rlim * per :
				   3 * per - 1;
			struct rlimit rl = { lim, lim };

			CHILD_CHECK(setrlimit(RLIMIT_MSGQUEUE, &rl) == 0);
			if (rows[r].nobody)
				CHILD_CHECK(mqk_become(MQK_NOBODY,
						       MQK_NOBODY) == 0);
			for (i = 0; i < rows[r].fit; i++)
				CHILD_CHECK(kernel_create(&self->k, i, 4, 64,
							  NULL) == 0);
			CHILD_CHECK(kernel_create(&self->k, i, 4, 64, NULL) ==
				    EMFILE);
			for (i = 0; i < rows[r].fit; i++)
				CHILD_CHECK(device_create(&self->k, i, 4, 64,
							  NULL) == 0);
			CHILD_CHECK(device_create(&self->k, i, 4, 64, NULL) ==
				    EMFILE);
			_exit(0);
		}
		ASSERT_EQ(0, mqk_reap(&self->k, pid)) TH_LOG("row %u", r);
		for (i = 0; i < NQ; i++)
			remove_both(&self->k, i);
	}
}

/*
 * queues_max: without CAP_SYS_RESOURCE no queue beyond it (ENOSPC);
 * root goes beyond.  The device counts its own queues, the kernel its.
 */
TEST_F(limits, queues_max)
{
	__u64 nq, bytes, held;
	pid_t pid;

	ASSERT_EQ(1, mqk_users_line("total", &nq, &bytes, &held));
	if (nq)
		SKIP(return, "%llu device queues left by others",
		     (unsigned long long)nq);
	SET_SYSCTL("queues_max", 3);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_BOTH(0, 2, 8, 0);
		CHILD_BOTH(1, 2, 8, 0);
		CHILD_BOTH(2, 2, 8, 0);
		CHILD_BOTH(3, 2, 8, ENOSPC);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	BOTH(3, 2, 8, 0);
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
