// SPDX-License-Identifier: GPL-2.0
/*
 * account_test - /dev/mqueue-lab: what a user's queues and messages may
 * take.  Every queue is charged, at creation, for all it can hold,
 * headers included; a sender that blocks is charged for the message it
 * keeps; per-user limits (max_user_queues, max_user_bytes,
 * user_msgsize_max) bound an unprivileged user, and root
 * (CAP_SYS_RESOURCE) only the module-wide ones.  Charges are read from
 * /proc/mqueue-lab ("charged") and /proc/mqueue-lab-users.
 */
#define _GNU_SOURCE

#include "mqlab_kst.h"

#define CX		(MQLAB_BIND_CREATE | MQLAB_BIND_EXCL)
#define NOBODY_STR	"65534"

FIXTURE(account) {
	struct mqk k;
};

FIXTURE_SETUP(account)
{
	mqk_setup(_metadata, &self->k);
	if (geteuid() != 0)
		SKIP(return, "needs root to switch to uid %d", MQK_NOBODY);
	snprintf(self->k.bulk_prefix, sizeof(self->k.bulk_prefix),
		 "kst-%d-acct-", (int)getpid());
}

FIXTURE_TEARDOWN(account)
{
	mqk_teardown(&self->k);
}

static const char *bulk_name(struct mqk *k, unsigned long i, char *buf)
{
	snprintf(buf, MQK_NAME_SIZE, "%s%lu", k->bulk_prefix, i);
	return buf;
}

/* A user's line of /proc/mqueue-lab-users, or zeroes when it has none. */
struct use {
	__u64 queues, bytes, held;
};

static struct use use_of(const char *who)
{
	struct use u = { 0, 0, 0 };

	if (mqk_users_line(who, &u.queues, &u.bytes, &u.held) != 1)
		memset(&u, 0, sizeof(u));
	return u;
}

/*
 * max_user_queues: nobody may have that many queues alive, then EMFILE
 * (the errno RLIMIT_MSGQUEUE gives).  An unlinked queue that an fd keeps
 * alive still counts, until the fd is closed.  Root is not bound by it.
 */
TEST_F_TIMEOUT(account, per_user_queue_limit, 300)
{
	__u64 max = mqk_param(_metadata, "max_user_queues");
	__u64 max_queues = mqk_param(_metadata, "max_queues");
	long existing = mqk_proc_count();
	char name[MQK_NAME_SIZE];
	unsigned long i;
	pid_t pid;

	ASSERT_LE(0, existing);
	if (max + 2 + existing > max_queues)
		SKIP(return, "max_user_queues=%llu leaves no room below max_queues",
		     (unsigned long long)max);
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		int keep = -1;

		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		for (i = 0; i < max; i++)
			CHILD_CHECK(mqk_bulk_create(&self->k, i, 0666, 1, 1,
						    i ? NULL : &keep) == 0);
		CHILD_CHECK(use_of(NOBODY_STR).queues == max);
		CHILD_CHECK(mqk_bulk_create(&self->k, max, 0666, 1, 1, NULL) == -EMFILE);
		/* unlinked but kept alive by an fd: still counted */
		CHILD_CHECK(mqk_unlink(bulk_name(&self->k, 0, name)) == 0);
		CHILD_CHECK(mqk_bulk_create(&self->k, max, 0666, 1, 1, NULL) == -EMFILE);
		close(keep);
		CHILD_CHECK(use_of(NOBODY_STR).queues == max - 1);
		CHILD_CHECK(mqk_bulk_create(&self->k, max, 0666, 1, 1, NULL) == 0);
		CHILD_CHECK(mqk_bulk_create(&self->k, max + 1, 0666, 1, 1, NULL) ==
			    -EMFILE);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	/* root exceeds the per-user limit, not the module's */
	EXPECT_EQ(0, mqk_bulk_create(&self->k, max + 2, 0666, 1, 1, NULL));
}

/*
 * max_user_bytes: nobody's queues are charged until the next one does
 * not fit (EMFILE); the charges add up, in the users file, to the sum of
 * the queues' "charged" column; root may still create.
 */
TEST_F(account, per_user_byte_limit)
{
	__u64 cap = mqk_param(_metadata, "max_user_bytes");
	__u64 msgsize = mqk_param(_metadata, "user_msgsize_max");
	__u64 maxmsg_max = mqk_param(_metadata, "maxmsg_max");
	__u64 maxmsg, charged, sum = 0;
	char name[MQK_NAME_SIZE];
	unsigned long i, n;
	int ret = 0;
	pid_t pid;

	/* about four queues fill the cap */
	maxmsg = cap / 4 / msgsize;
	if (maxmsg > maxmsg_max)
		maxmsg = maxmsg_max;
	if (!maxmsg)
		maxmsg = 1;
	ASSERT_EQ(0, use_of(NOBODY_STR).bytes) TH_LOG("nobody owns queues");

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		for (i = 0; i < 64 && !ret; i++)
			ret = mqk_bulk_create(&self->k, i, 0666, maxmsg, msgsize, NULL);
		CHILD_CHECK(ret == -EMFILE);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	n = use_of(NOBODY_STR).queues;
	ASSERT_LE(1, n);
	self->k.bulk_count = n + 1;
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, mqk_proc_value(bulk_name(&self->k, i, name),
					    "charged", &charged));
		ASSERT_LT(maxmsg * msgsize, charged) TH_LOG("headers uncharged");
		sum += charged;
	}
	EXPECT_EQ(sum, use_of(NOBODY_STR).bytes);
	EXPECT_LE(sum, cap);
	/* the one that failed did not fit */
	EXPECT_LT(cap - sum, charged);
	EXPECT_EQ(0, mqk_bulk_create(&self->k, n + 1, 0666, maxmsg, msgsize, NULL));
}

/*
 * user_msgsize_max (the kernel's 8192): larger messages need
 * CAP_SYS_RESOURCE; without it EINVAL, as for the mqueue sysctl.
 */
TEST_F(account, msgsize_above_the_user_limit)
{
	__u64 max = mqk_param(_metadata, "user_msgsize_max");
	pid_t pid;

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_CHECK(mqk_bulk_create(&self->k, 0, 0666, 1, max + 1, NULL) ==
			    -EINVAL);
		CHILD_CHECK(mqk_bulk_create(&self->k, 1, 0666, 1, max, NULL) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(0, mqk_bulk_create(&self->k, 2, 0666, 1, 2 * max, NULL));
}

/* Slab in use, in bytes (/proc/meminfo). */
static __u64 slab_bytes(void)
{
	unsigned long long kb = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb * 1024;
}

/*
 * A queue's charge bounds what its messages really take: fill a queue
 * of 65,536 one-byte messages and compare the growth of the slab with
 * the queue's charge (with slack for the slab's own rounding).  Not on a
 * debug kernel: there kmemleak and KASAN add metadata to every object
 * (about 4x the object on the debug lane's kernel).
 */
TEST_F_TIMEOUT(account, charge_bounds_real_memory, 300)
{
	__u64 maxmsg = mqk_param(_metadata, "maxmsg_max");
	__u64 charged, before, after, i;
	char name[MQK_NAME_SIZE];
	int fd = -1;

	if (maxmsg > 65536)
		maxmsg = 65536;
	ASSERT_EQ(0, mqk_bulk_create(&self->k, 0, 0666, maxmsg, 1, &fd));
	ASSERT_EQ(0, mqk_proc_value(bulk_name(&self->k, 0, name), "charged",
				    &charged));
	before = slab_bytes();
	for (i = 0; i < maxmsg; i++)
		ASSERT_EQ(0, mqk_send(fd, "x", 1, i % 8, MQLAB_IO_NONBLOCK,
				      NULL));
	after = slab_bytes();
	TH_LOG("%llu messages: slab grew by %llu bytes, charged %llu",
	       (unsigned long long)maxmsg,
	       (unsigned long long)(after - before),
	       (unsigned long long)charged);
	/* and the charge is at least a header per message */
	EXPECT_LE(maxmsg * 32, charged);
	close(fd);
	if (mqk_debug_kernel())
		SKIP(return, "debug kernel: kmemleak and KASAN add their own "
		     "metadata to every object, which no charge counts");
	EXPECT_LE(after - before, charged + charged / 4 + (1 << 20));
}

/*
 * A sender that blocks on a full queue keeps its message: it is charged
 * to the sender's user before the sender sleeps (held_bytes), and when
 * it does not fit the send fails at once with ENOMEM instead of pinning
 * memory.  Set up so that exactly two blocked 8 KiB messages fit in
 * nobody's max_user_bytes; the third sender gets ENOMEM; receiving lets
 * the two complete and refunds what they held.
 */
TEST_F_TIMEOUT(account, blocked_senders_are_charged, 300)
{
	__u64 cap = mqk_param(_metadata, "max_user_bytes");
	__u64 msgsize = mqk_param(_metadata, "user_msgsize_max");
	__u64 c1, c2, m, qsz, room, k;
	char q1[MQK_NAME_SIZE], q2[MQK_NAME_SIZE], buf[256];
	struct use u;
	pid_t kids[3];
	int fd, i;
	pid_t pid;

	/* nobody makes q1 (1 message) and q2 (2): their charges give m */
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_CHECK(mqk_bulk_create(&self->k, 0, 0666, 1, msgsize, NULL) == 0);
		CHILD_CHECK(mqk_bulk_create(&self->k, 1, 0666, 2, msgsize, NULL) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	self->k.bulk_count = 3;
	ASSERT_EQ(0, mqk_proc_value(bulk_name(&self->k, 0, q1), "charged",
				    &c1));
	ASSERT_EQ(0, mqk_proc_value(bulk_name(&self->k, 1, q2), "charged",
				    &c2));
	m = c2 - c1;
	qsz = c1 - m;
	ASSERT_LE(msgsize, m) TH_LOG("a message is charged less than its size");
	u = use_of(NOBODY_STR);
	ASSERT_EQ(c1 + c2, u.bytes);
	/* a filler queue leaves room for two held messages, not three */
	room = cap - u.bytes;
	ASSERT_LT(qsz + 3 * m, room);
	k = (room - 2 * m - qsz) / m;
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
		CHILD_CHECK(mqk_bulk_create(&self->k, 2, 0666, k, msgsize, NULL) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	room = cap - use_of(NOBODY_STR).bytes;
	ASSERT_LE(2 * m, room);
	ASSERT_LT(room, 3 * m);

	/* fill q1, then three senders */
	fd = mqk_open_bind(q1, O_RDWR);
	ASSERT_LE(0, fd);
	memset(buf, 'a', sizeof(buf));
	ASSERT_EQ(0, mqk_send(fd, buf, 1, 0, 0, NULL));
	for (i = 0; i < 3; i++) {
		kids[i] = mqk_fork(_metadata, &self->k);
		if (kids[i] == 0) {
			static char big[65536];
			int sfd;

			CHILD_CHECK(mqk_become(MQK_NOBODY, MQK_NOBODY) == 0);
			sfd = mqk_open_bind(q1, O_WRONLY);
			CHILD_CHECK(sfd >= 0);
			memset(big, 'b' + i, msgsize);
			_exit(-mqk_send(sfd, big, msgsize, 0, 0, NULL));
		}
		if (i < 2) {
			ASSERT_WAITERS(fd, true, i + 1);
			u = use_of(NOBODY_STR);
			EXPECT_EQ((i + 1) * m, u.held);
		}
	}
	/* the third does not block: ENOMEM at once */
	ASSERT_EQ(ENOMEM, mqk_reap(&self->k, kids[2]));
	EXPECT_EQ(2, mqk_attr(_metadata, fd).waiting_senders);
	EXPECT_EQ(2 * m, use_of(NOBODY_STR).held);
	EXPECT_LE(2 * m, use_of("total").held);

	/* each receive moves a blocked message in; both senders succeed */
	for (i = 0; i < 3; i++) {
		static char rbuf[65536];

		ASSERT_EQ(0, mqk_recv(fd, rbuf, sizeof(rbuf), 0, NULL, NULL));
	}
	ASSERT_EQ(0, mqk_reap(&self->k, kids[0]));
	ASSERT_EQ(0, mqk_reap(&self->k, kids[1]));
	EXPECT_EQ(0, use_of(NOBODY_STR).held);
	close(fd);
}

/* A byte pattern that differs from page to page and at every offset. */
static void fill_pattern(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7 + (i >> 12) * 13 + seed);
}

/*
 * Messages are built of pieces of a page at most: every length around
 * the piece boundaries, and a large one, arrives intact.
 */
TEST_F_TIMEOUT(account, large_messages_arrive_intact, 300)
{
	static const __u32 lens[] = {
		0, 1, 4000, 4015, 4016, 4017, 4095, 4096, 4097, 8104, 8105,
		8192, 12288, 65536, 65537, 1048579,
	};
	size_t maxlen = 1048579, i;
	unsigned char *out, *in;
	struct mqlab_recv r;
	int fd = -1;

	out = malloc(maxlen);
	in = malloc(maxlen);
	ASSERT_TRUE(out && in);
	ASSERT_EQ(0, mqk_bulk_create(&self->k, 0, 0666, 4, maxlen, &fd));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		fill_pattern(out, lens[i], i);
		memset(in, 0, maxlen);
		ASSERT_EQ(0, mqk_send(fd, out, lens[i], 1, 0, NULL));
		ASSERT_EQ(0, mqk_recv(fd, in, maxlen, 0, NULL, &r));
		ASSERT_EQ(lens[i], r.len);
		ASSERT_EQ(0, memcmp(out, in, lens[i]))
			TH_LOG("%u bytes: payload differs", lens[i]);
	}
	close(fd);
	free(out);
	free(in);
}

/*
 * A buffer that faults part-way: a send whose buffer faults in a later
 * piece gives EFAULT and queues nothing; a receive whose buffer faults
 * in a later piece gives EFAULT and loses the message (as
 * mq_timedreceive()); the queue goes on working either way.
 */
TEST_F(account, fault_in_a_later_piece)
{
	size_t pg = getpagesize(), len = 3 * pg;
	struct mqlab_recv r;
	unsigned char *buf;
	int fd = -1;

	buf = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, mprotect(buf + 2 * pg, 2 * pg, PROT_NONE));
	ASSERT_EQ(0, mqk_bulk_create(&self->k, 0, 0666, 2, len, &fd));

	EXPECT_EQ(-EFAULT, mqk_send(fd, buf, len, 0, 0, NULL));
	EXPECT_EQ(0, mqk_attr(_metadata, fd).curmsgs);
	ASSERT_EQ(0, mprotect(buf + 2 * pg, 2 * pg, PROT_READ | PROT_WRITE));
	fill_pattern(buf, len, 3);
	ASSERT_EQ(0, mqk_send(fd, buf, len, 0, 0, NULL));
	ASSERT_EQ(0, mprotect(buf + 2 * pg, 2 * pg, PROT_NONE));
	EXPECT_EQ(-EFAULT, mqk_recv(fd, buf, len, 0, NULL, NULL));
	EXPECT_EQ(0, mqk_attr(_metadata, fd).curmsgs);
	/* and it still works */
	EXPECT_EQ(0, mqk_send(fd, "ok", 2, 0, 0, NULL));
	EXPECT_EQ(0, mqk_recv(fd, buf, 2 * pg, 0, NULL, &r));
	EXPECT_EQ(2, r.len);
	close(fd);
	munmap(buf, 4 * pg);
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
