// SPDX-License-Identifier: GPL-2.0
/*
 * owner_test - /dev/mqueue-lab: a queue's mode, owner and group after
 * creation (MQLAB_IOC_CHOWN, MQLAB_FEAT_CHOWN).
 *
 * The rules (uapi header, MQLAB_IOC_CHOWN): by name, from any fd; the
 * owner or CAP_FOWNER may change the mode; CAP_CHOWN changes the owner
 * and the group, and without it the owner may only set the group to one
 * of its own groups; every check uses the opener's credentials and user
 * namespace; all of a request is applied, or none of it.  BIND checks
 * the new owner, group and mode; an fd bound before keeps its access.
 * The charge stays with the creator.  Every errno of the command is
 * asserted; most cases run as the unprivileged uid MQK_NOBODY.
 */
#define _GNU_SOURCE

#include "mqlab_kst.h"

#define C_MODE		MQLAB_CHOWN_MODE
#define C_UID		MQLAB_CHOWN_UID
#define C_GID		MQLAB_CHOWN_GID
#define NOBODY_STR	"65534"
#define OTHER_STR	"1000"
/* A group nobody is put in (as a supplementary group) by some tests. */
#define GROUP		4242

FIXTURE(owner) {
	struct mqk k;
};

FIXTURE_SETUP(owner)
{
	mqk_setup(_metadata, &self->k);
	if (geteuid() != 0)
		SKIP(return, "needs root to switch to uid %d", MQK_NOBODY);
}

FIXTURE_TEARDOWN(owner)
{
	mqk_teardown(&self->k);
}

/* Assert @name's owner, group and mode, in /proc/mqueue-lab and GETATTR. */
static void expect_owner(struct __test_metadata *_metadata, const char *name,
			 __u32 uid, __u32 gid, __u32 mode)
{
	struct mqlab_attr a;
	__u64 v;
	int fd;

	ASSERT_EQ(0, mqk_proc_value(name, "uid", &v));
	EXPECT_EQ(uid, v);
	ASSERT_EQ(0, mqk_proc_value(name, "gid", &v));
	EXPECT_EQ(gid, v);
	ASSERT_EQ(0, mqk_proc_value(name, "mode", &v));
	EXPECT_EQ(mode, v) TH_LOG("mode %llo, want %o", (unsigned long long)v,
				  mode);
	/* root binds whatever the mode (CAP_DAC_OVERRIDE) */
	fd = mqk_open_bind(name, O_RDONLY);
	ASSERT_LE(0, fd);
	a = mqk_attr(_metadata, fd);
	close(fd);
	EXPECT_EQ(uid, a.uid);
	EXPECT_EQ(gid, a.gid);
	EXPECT_EQ(mode, a.mode);
}

TEST_F(owner, feature_bit)
{
	int fd = mqk_open(O_RDWR);

	ASSERT_LE(0, fd);
	ASSERT_FEATURE(fd, MQLAB_FEAT_CHOWN);
	close(fd);
}

/*
 * Every bad input: EINVAL (flags, pad, a field whose flag is clear,
 * mode bits, an id that is not one, a bad name), ENAMETOOLONG, EFAULT,
 * ENOENT; input is checked before the queue is looked up.  None of
 * them changes anything.
 */
TEST_F(owner, bad_input)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	const char *missing = mqk_name(_metadata, &self->k, "missing");
	struct mqlab_chown c;
	char longname[MQLAB_NAME_MAX + 2];
	__u32 len = strlen(name);
	int fd;

	close(mqk_create(_metadata, name, O_RDWR, 0600, 2, 8));
	fd = mqk_open(O_RDWR);
	ASSERT_LE(0, fd);

	/* flags */
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, name, len, 0, 0, 0, 0));
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, name, len, C_MODE | (1U << 3),
					 0644, 0, 0));
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, name, len, ~0U, 0644, 0, 0));
	/* pad */
	memset(&c, 0, sizeof(c));
	c.name = mqk_ptr(name);
	c.name_len = len;
	c.flags = C_MODE;
	c.mode = 0644;
	c.pad = 1;
	EXPECT_EQ(-EINVAL, mqk_ioctl(fd, MQLAB_IOC_CHOWN, &c));
	/* a field whose flag is clear must be zero */
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, name, len, C_MODE, 0644, 1, 0));
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, name, len, C_MODE, 0644, 0, 1));
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, name, len, C_UID, 0644, 0, 0));
	/* mode bits outside 0777: no setuid, setgid, sticky or file type */
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, name, len, C_MODE, 01644, 0, 0));
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, name, len, C_MODE, 02644, 0, 0));
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, name, len, C_MODE, 04644, 0, 0));
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, name, len, C_MODE, 0100644, 0, 0));
	/* (uid_t)-1 and (gid_t)-1 are no ids: "unchanged" is a clear flag */
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, name, len, C_UID, 0, ~0U, 0));
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, name, len, C_GID, 0, 0, ~0U));
	/* names, as for BIND */
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, name, 0, C_MODE, 0644, 0, 0));
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, "a/b", 3, C_MODE, 0644, 0, 0));
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, "..", 2, C_MODE, 0644, 0, 0));
	EXPECT_EQ(-EINVAL, mqk_chown_len(fd, "a\0b", 3, C_MODE, 0644, 0, 0));
	memset(longname, 'x', sizeof(longname));
	EXPECT_EQ(-ENAMETOOLONG, mqk_chown_len(fd, longname, MQLAB_NAME_MAX + 1,
					       C_MODE, 0644, 0, 0));
	EXPECT_EQ(-EFAULT, mqk_chown_len(fd, self->k.badptr, 4, C_MODE, 0644,
					 0, 0));
	EXPECT_EQ(-EFAULT, mqk_ioctl(fd, MQLAB_IOC_CHOWN, self->k.badptr));
	/* no such queue; bad input is EINVAL whether it exists or not */
	EXPECT_EQ(-ENOENT, mqk_chown(missing, C_MODE, 0644, 0, 0));
	EXPECT_EQ(-EINVAL, mqk_chown(missing, 0, 0, 0, 0));
	close(fd);

	expect_owner(_metadata, name, 0, 0, 0600);
	/* and a good request through the same kind of fd works */
	EXPECT_EQ(0, mqk_chown(name, C_MODE, 0640, 0, 0));
	expect_owner(_metadata, name, 0, 0, 0640);
	/* an unlinked queue is not found by name */
	ASSERT_EQ(0, mqk_unlink(name));
	EXPECT_EQ(-ENOENT, mqk_chown(name, C_MODE, 0600, 0, 0));
}

/*
 * chmod: the owner, or CAP_FOWNER over the queue (inode_owner_or_capable()).
 * Neither root without CAP_FOWNER nor CAP_CHOWN or CAP_DAC_OVERRIDE
 * will do.
 */
TEST_F(owner, chmod_owner_or_cap_fowner)
{
	const char *q = mqk_name(_metadata, &self->k, "nobody600");
	struct {
		uid_t uid;
		__u32 keep;
		int ret;
	} rows[] = {
		{ MQK_OTHER, 0, -EPERM },
		{ MQK_OTHER, MQK_CAPBIT(CAP_CHOWN), -EPERM },
		{ MQK_OTHER, MQK_CAPBIT(CAP_DAC_OVERRIDE), -EPERM },
		{ 0, MQK_CAPBIT(CAP_CHOWN) | MQK_CAPBIT(CAP_DAC_OVERRIDE), -EPERM },
		{ MQK_OTHER, MQK_CAPBIT(CAP_FOWNER), 0 },
		{ 0, MQK_CAPBIT(CAP_FOWNER), 0 },
		{ MQK_NOBODY, 0, 0 },
	};
	__u32 mode = 0600, want;
	unsigned int i;
	pid_t pid;

	mqk_create_as(_metadata, &self->k, q, MQK_NOBODY, 0600);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		want = 0601 + i;
		pid = mqk_fork(_metadata, &self->k);
		if (pid == 0) {
			CHILD_CHECK(mqk_become_with(rows[i].uid, rows[i].keep) == 0);
			CHILD_CHECK(mqk_chown(q, C_MODE, want, 0, 0) == rows[i].ret);
			_exit(0);
		}
		ASSERT_EQ(0, mqk_reap(&self->k, pid)) TH_LOG("row %u", i);
		if (!rows[i].ret)
			mode = want;
		expect_owner(_metadata, q, MQK_NOBODY, MQK_NOBODY, mode);
	}
}

/*
 * The owner of a mode 0000 queue cannot bind it, but may chmod it by
 * name; an fd bound before a chmod keeps its access, and a BIND after
 * it checks the new mode.
 */
TEST_F(owner, owner_chmods_a_mode_0000_queue)
{
	const char *q = mqk_name(_metadata, &self->k, "nobody000");
	pid_t pid;

	mqk_create_as(_metadata, &self->k, q, MQK_NOBODY, 0000);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		struct mqlab_attr a;
		struct mqlab_recv r;
		char buf[8];
		int fd;

		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_CHECK(mqk_try_bind(q, O_RDWR, 0) == -EACCES);
		CHILD_CHECK(mqk_chown(q, C_MODE, 0600, 0, 0) == 0);
		fd = mqk_open_bind(q, O_RDWR);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_chown(q, C_MODE, 0000, 0, 0) == 0);
		/* a new bind sees 0000; the bound fd still works */
		CHILD_CHECK(mqk_try_bind(q, O_RDONLY, 0) == -EACCES);
		CHILD_CHECK(mqk_try_bind(q, O_WRONLY, 0) == -EACCES);
		CHILD_CHECK(mqk_sends(fd, "kept", 1) == 0);
		CHILD_CHECK(mqk_recv(fd, buf, sizeof(buf), MQLAB_IO_NONBLOCK,
				     NULL, &r) == 0);
		CHILD_CHECK(r.len == 4 && !memcmp(buf, "kept", 4));
		CHILD_CHECK(mqk_getattr(fd, &a) == 0 && a.mode == 0);
		/* write only, for the owner: binds for writing, not reading */
		CHILD_CHECK(mqk_chown(q, C_MODE, 0200, 0, 0) == 0);
		CHILD_CHECK(mqk_try_bind(q, O_WRONLY, 0) == 0);
		CHILD_CHECK(mqk_try_bind(q, O_RDONLY, 0) == -EACCES);
		close(fd);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	expect_owner(_metadata, q, MQK_NOBODY, MQK_NOBODY, 0200);
}

/*
 * chown: CAP_CHOWN over the queue; the owner without it may only
 * "change" the owner to itself (chown_ok()).  CAP_FOWNER and
 * CAP_DAC_OVERRIDE do not count.
 */
TEST_F(owner, chown_needs_cap_chown)
{
	const char *q = mqk_name(_metadata, &self->k, "nobody600");
	struct {
		uid_t uid;
		__u32 keep;
		uid_t to;
		int ret;
	} rows[] = {
		{ MQK_NOBODY, 0, MQK_NOBODY, 0 },
		{ MQK_NOBODY, 0, MQK_OTHER, -EPERM },
		{ MQK_NOBODY, 0, 0, -EPERM },
		{ MQK_NOBODY, MQK_CAPBIT(CAP_FOWNER), MQK_OTHER, -EPERM },
		{ MQK_OTHER, 0, MQK_OTHER, -EPERM },
		{ 0, MQK_CAPBIT(CAP_FOWNER) | MQK_CAPBIT(CAP_DAC_OVERRIDE) |
		     MQK_CAPBIT(CAP_SETUID), MQK_OTHER, -EPERM },
		{ MQK_OTHER, MQK_CAPBIT(CAP_CHOWN), MQK_OTHER, 0 },
		/* now MQK_OTHER's: nobody is no longer the owner */
		{ MQK_NOBODY, 0, MQK_NOBODY, -EPERM },
		{ 0, MQK_CAPBIT(CAP_CHOWN), MQK_NOBODY, 0 },
	};
	uid_t cur = MQK_NOBODY;
	unsigned int i;
	pid_t pid;

	mqk_create_as(_metadata, &self->k, q, MQK_NOBODY, 0600);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		pid = mqk_fork(_metadata, &self->k);
		if (pid == 0) {
			CHILD_CHECK(mqk_become_with(rows[i].uid, rows[i].keep) == 0);
			CHILD_CHECK(mqk_chown(q, C_UID, 0, rows[i].to, 0) ==
				    rows[i].ret);
			_exit(0);
		}
		ASSERT_EQ(0, mqk_reap(&self->k, pid)) TH_LOG("row %u", i);
		if (!rows[i].ret)
			cur = rows[i].to;
		expect_owner(_metadata, q, cur, MQK_NOBODY, 0600);
	}
}

/*
 * chgrp: the owner may set a group it is in (its fsgid or a
 * supplementary group) or keep the one the queue has; any other group
 * needs CAP_CHOWN, and being in the group does not make a non-owner
 * able to (chgrp_ok()).  A request is applied whole or not at all.
 */
TEST_F(owner, chgrp_to_the_owners_groups)
{
	const char *q = mqk_name(_metadata, &self->k, "nobody600");
	const gid_t group = GROUP;
	pid_t pid;

	mqk_create_as(_metadata, &self->k, q, MQK_NOBODY, 0600);

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become_groups(MQK_NOBODY, MQK_NOBODY, 1,
					      &group) == 0);
		CHILD_CHECK(mqk_chown(q, C_GID, 0, 0, GROUP) == 0);
		CHILD_CHECK(mqk_chown(q, C_GID, 0, 0, GROUP) == 0);
		CHILD_CHECK(mqk_chown(q, C_GID, 0, 0, MQK_NOBODY) == 0);
		CHILD_CHECK(mqk_chown(q, C_GID, 0, 0, GROUP + 1) == -EPERM);
		CHILD_CHECK(mqk_chown(q, C_GID, 0, 0, 0) == -EPERM);
		CHILD_CHECK(mqk_chown(q, C_UID | C_GID, 0, MQK_NOBODY,
				      GROUP) == 0);
		/* all or nothing: neither the mode nor the group changes */
		CHILD_CHECK(mqk_chown(q, C_MODE | C_GID, 0640, 0, GROUP + 1) ==
			    -EPERM);
		CHILD_CHECK(mqk_chown(q, C_MODE | C_UID, 0640, MQK_OTHER, 0) ==
			    -EPERM);
		CHILD_CHECK(mqk_chown(q, C_MODE | C_UID | C_GID, 0640,
				      MQK_OTHER, MQK_NOBODY) == -EPERM);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	expect_owner(_metadata, q, MQK_NOBODY, GROUP, 0600);

	/* in the group, not the owner */
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become_groups(MQK_OTHER, MQK_OTHER, 1,
					      &group) == 0);
		CHILD_CHECK(mqk_chown(q, C_GID, 0, 0, GROUP) == -EPERM);
		CHILD_CHECK(mqk_chown(q, C_GID, 0, 0, MQK_OTHER) == -EPERM);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	expect_owner(_metadata, q, MQK_NOBODY, GROUP, 0600);

	/* CAP_CHOWN sets any group, and with the mode at once */
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become_with(MQK_OTHER,
					    MQK_CAPBIT(CAP_CHOWN)) == 0);
		CHILD_CHECK(mqk_chown(q, C_GID, 0, 0, GROUP + 1) == 0);
		/* the mode still needs the owner or CAP_FOWNER */
		CHILD_CHECK(mqk_chown(q, C_MODE | C_GID, 0640, 0, GROUP) ==
			    -EPERM);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	expect_owner(_metadata, q, MQK_NOBODY, GROUP + 1, 0600);

	ASSERT_EQ(0, mqk_chown(q, C_MODE | C_UID | C_GID, 0640, MQK_OTHER,
			       MQK_OTHER));
	expect_owner(_metadata, q, MQK_OTHER, MQK_OTHER, 0640);
}

/*
 * mqk_try_bind(@name, @oflags) as @uid (with gid @uid, and in @group
 * too when it is not 0), in a child: 0 or -errno.
 */
static int bind_as(struct __test_metadata *_metadata, struct mqk *k,
		   const char *name, uid_t uid, gid_t group, int oflags)
{
	pid_t pid = mqk_fork(_metadata, k);
	int st, ret;

	if (pid == 0) {
		CHILD_CHECK(mqk_become_groups(uid, uid, group ? 1 : 0,
					      &group) == 0);
		ret = mqk_try_bind(name, oflags, 0);
		/* 100 + errno: told apart from CHILD_CHECK()'s status 1 */
		_exit(ret ? 100 - ret : 0);
	}
	st = mqk_reap(k, pid);
	return st >= 100 ? 100 - st : st ? -1000 - st : 0;
}

/*
 * BIND checks the owner, group and mode as they are now: a chmod opens
 * the queue to others, a chown gives it to a new owner (and takes it
 * from the old one), a chgrp to the members of the new group.  An fd
 * bound before keeps its access.
 */
TEST_F(owner, bind_checks_the_new_rules)
{
	const char *q = mqk_name(_metadata, &self->k, "root600");
	pid_t pid;

	close(mqk_create(_metadata, q, O_RDWR, 0600, 2, 8));

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_CHECK(mqk_try_bind(q, O_RDWR, 0) == -EACCES);
		CHILD_CHECK(mqk_chown(q, C_MODE, 0606, 0, 0) == -EPERM);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));

	ASSERT_EQ(0, mqk_chown(q, C_MODE, 0606, 0, 0));
	EXPECT_EQ(0, bind_as(_metadata, &self->k, q, MQK_NOBODY, 0, O_RDWR));

	/* nobody's now, 0600: nobody binds, MQK_OTHER does not */
	ASSERT_EQ(0, mqk_chown(q, C_MODE | C_UID | C_GID, 0600, MQK_NOBODY,
			       MQK_NOBODY));
	EXPECT_EQ(0, bind_as(_metadata, &self->k, q, MQK_NOBODY, 0, O_RDWR));
	EXPECT_EQ(-EACCES, bind_as(_metadata, &self->k, q, MQK_OTHER, 0,
				   O_RDONLY));

	/* group GROUP, 0060: its members bind, the owner does not */
	ASSERT_EQ(0, mqk_chown(q, C_MODE | C_GID, 0060, 0, GROUP));
	EXPECT_EQ(0, bind_as(_metadata, &self->k, q, MQK_OTHER, GROUP, O_RDWR));
	EXPECT_EQ(-EACCES, bind_as(_metadata, &self->k, q, MQK_OTHER, 0,
				   O_RDWR));
	EXPECT_EQ(-EACCES, bind_as(_metadata, &self->k, q, MQK_NOBODY, 0,
				   O_RDWR));

	/*
	 * The owner with CAP_CHOWN gives its queue away: its bound fd still
	 * sends and receives, a new bind is refused.
	 */
	ASSERT_EQ(0, mqk_chown(q, C_MODE | C_GID, 0600, 0, MQK_NOBODY));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		struct mqlab_recv r;
		char buf[8];
		int fd;

		CHILD_CHECK(mqk_become_with(MQK_NOBODY,
					    MQK_CAPBIT(CAP_CHOWN)) == 0);
		fd = mqk_open_bind(q, O_RDWR);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_chown(q, C_UID, 0, MQK_OTHER, 0) == 0);
		CHILD_CHECK(mqk_try_bind(q, O_RDONLY, 0) == -EACCES);
		CHILD_CHECK(mqk_try_bind(q, O_WRONLY, 0) == -EACCES);
		CHILD_CHECK(mqk_sends(fd, "kept", 3) == 0);
		CHILD_CHECK(mqk_recv(fd, buf, sizeof(buf), MQLAB_IO_NONBLOCK,
				     NULL, &r) == 0);
		CHILD_CHECK(r.len == 4 && r.prio == 3);
		close(fd);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	expect_owner(_metadata, q, MQK_OTHER, MQK_NOBODY, 0600);
}

/* UNLINK follows the owner: the old one may not any more, the new one may. */
TEST_F(owner, unlink_follows_the_owner)
{
	const char *q = mqk_name(_metadata, &self->k, "nobody600");
	pid_t pid;

	mqk_create_as(_metadata, &self->k, q, MQK_NOBODY, 0600);
	ASSERT_EQ(0, mqk_chown(q, C_UID, 0, MQK_OTHER, 0));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_CHECK(mqk_unlink(q) == -EPERM);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_OTHER, MQK_OTHER) == 0);
		CHILD_CHECK(mqk_unlink(q) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(-ENOENT, mqk_chown(q, C_MODE, 0600, 0, 0));
}

/* The number of queues and bytes charged to @who (0, 0 without a line). */
static void users_charge(struct __test_metadata *_metadata, const char *who,
			 __u64 *queues, __u64 *bytes)
{
	__u64 held;
	int ret = mqk_users_line(who, queues, bytes, &held);

	ASSERT_LE(0, ret) TH_LOG("%s: %s", MQLAB_PROC_USERS_PATH,
				 strerror(-ret));
	if (!ret)
		*queues = *bytes = 0;
}

/* The charge stays with the creator: a chown moves nothing between users. */
TEST_F(owner, charge_stays_with_the_creator)
{
	const char *q = mqk_name(_metadata, &self->k, "nobody600");
	__u64 nq0, nb0, oq0, ob0, nq, nb, oq, ob;

	users_charge(_metadata, NOBODY_STR, &nq0, &nb0);
	users_charge(_metadata, OTHER_STR, &oq0, &ob0);
	mqk_create_as(_metadata, &self->k, q, MQK_NOBODY, 0600);
	users_charge(_metadata, NOBODY_STR, &nq, &nb);
	ASSERT_EQ(nq0 + 1, nq);
	ASSERT_LT(nb0, nb);

	ASSERT_EQ(0, mqk_chown(q, C_UID | C_GID, 0, MQK_OTHER, MQK_OTHER));
	users_charge(_metadata, NOBODY_STR, &nq0, &nb0);
	users_charge(_metadata, OTHER_STR, &oq, &ob);
	EXPECT_EQ(nq, nq0);
	EXPECT_EQ(nb, nb0);
	EXPECT_EQ(oq0, oq);
	EXPECT_EQ(ob0, ob);

	/* and goes back to the creator's user when the queue goes */
	ASSERT_EQ(0, mqk_unlink(q));
	users_charge(_metadata, NOBODY_STR, &nq0, &nb0);
	EXPECT_EQ(nq - 1, nq0);
	EXPECT_LT(nb0, nb);
}

/*
 * In a user namespace: ids are read in the opener's namespace (unmapped
 * ones are EINVAL), and CAP_CHOWN or CAP_FOWNER there counts only over
 * a queue whose owner and group are mapped (capable_wrt_inode_uidgid()).
 * nobody is root of a namespace that maps 0 to nobody.
 */
TEST_F(owner, capability_in_a_user_namespace)
{
	const char *mine = mqk_name(_metadata, &self->k, "nobody600");
	const char *root600 = mqk_name(_metadata, &self->k, "root600");
	int status[2], ret;
	pid_t pid;

	close(mqk_create(_metadata, root600, O_RDWR, 0600, 2, 8));
	mqk_create_as(_metadata, &self->k, mine, MQK_NOBODY, 0600);
	ASSERT_EQ(0, pipe(status));

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		struct mqlab_attr a;
		int err = 0, fd;

		close(status[0]);
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		err = mqk_userns_as_root();
		CHILD_CHECK(write(status[1], &err, sizeof(err)) == sizeof(err));
		if (err)
			_exit(0);
		/* not mapped here */
		CHILD_CHECK(mqk_chown(mine, C_UID, 0, 5, 0) == -EINVAL);
		CHILD_CHECK(mqk_chown(mine, C_GID, 0, 0, 5) == -EINVAL);
		CHILD_CHECK(mqk_chown(mine, C_UID, 0, MQK_NOBODY, 0) == -EINVAL);
		/* 0 is nobody here: the owner keeps its own queue */
		CHILD_CHECK(mqk_chown(mine, C_MODE | C_UID | C_GID, 0640, 0,
				      0) == 0);
		fd = mqk_open_bind(mine, O_RDONLY);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_getattr(fd, &a) == 0);
		CHILD_CHECK(a.uid == 0 && a.gid == 0 && a.mode == 0640);
		close(fd);
		/* full capabilities here, but root is not mapped */
		CHILD_CHECK(mqk_chown(root600, C_MODE, 0666, 0, 0) == -EPERM);
		CHILD_CHECK(mqk_chown(root600, C_UID, 0, 0, 0) == -EPERM);
		CHILD_CHECK(mqk_chown(root600, C_GID, 0, 0, 0) == -EPERM);
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
	expect_owner(_metadata, mine, MQK_NOBODY, MQK_NOBODY, 0640);
	expect_owner(_metadata, root600, 0, 0, 0600);
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
