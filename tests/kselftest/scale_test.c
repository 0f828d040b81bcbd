// SPDX-License-Identifier: GPL-2.0
/*
 * scale_test.c - the name table with many queues, and under churn
 *
 * hundred_thousand_queues: 100,000 tiny queues exist at once; bind and
 * unlink by name still find exactly the right one, /proc/mqueue-lab
 * lists every one, and removing them returns every charge.  It needs
 * max_queues and max_total_bytes large enough (the VM runner loads the
 * module for this program with 10-scale.params) and SKIPs otherwise.
 * On a debug kernel it makes 10,000 (SCALE_N_DEBUG): under KASAN,
 * lockdep and kmemleak in TCG, 100,000 took more than its 900 s there
 * (2026-12-01), and the stock lanes keep the full count.
 *
 * churn_same_names: processes create, bind and unlink the same few
 * names at once while others bind the existing ones; afterwards no
 * queue and no charge is left.
 */
#define _GNU_SOURCE
#include <sys/resource.h>

#include "mqlab_kst.h"

#define SCALE_N		100000UL
#define SCALE_N_DEBUG	10000UL
#define CHURN_NAMES	8
#define CHURN_LOOPS	1500
#define CHURN_KIDS	6
#define CX		(MQLAB_BIND_CREATE | MQLAB_BIND_EXCL)

FIXTURE(scale) {
	struct mqk k;
};

FIXTURE_SETUP(scale)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	mqk_setup(_metadata, &self->k);
	/* The module follows RLIMIT_MSGQUEUE by default, as mq_open(). */
	if (setrlimit(RLIMIT_MSGQUEUE, &rl) < 0)
		SKIP(longjmp(_metadata->env, 1),
		     "cannot raise RLIMIT_MSGQUEUE: %s (needs root)",
		     strerror(errno));
}

FIXTURE_TEARDOWN(scale)
{
	mqk_teardown(&self->k);
}

/* The "total" line of /proc/mqueue-lab-users: queues and bytes. */
static void scale_totals(struct __test_metadata *_metadata, __u64 *queues,
			 __u64 *bytes)
{
	__u64 held;

	ASSERT_EQ(1, mqk_users_line("total", queues, bytes, &held));
}

static void scale_name(char *name, const struct mqk *k, unsigned long i)
{
	snprintf(name, MQK_NAME_SIZE, "%s%lu", k->bulk_prefix, i);
}

TEST_F_TIMEOUT(scale, hundred_thousand_queues, 900)
{
	const unsigned long n = mqk_debug_kernel() ? SCALE_N_DEBUG : SCALE_N;
	__u64 max_queues = mqk_param(_metadata, "max_queues");
	__u64 max_bytes = mqk_param(_metadata, "max_total_bytes");
	__u64 queues0, bytes0, queues, bytes;
	char name[MQK_NAME_SIZE];
	long existing = mqk_proc_count();
	unsigned long i;
	int fd, ret;

	/* About 700 bytes of charge per queue of 1 x 16 bytes. */
	if (max_queues < n + 64 || max_bytes < n * 2048)
		SKIP(return,
		     "max_queues=%llu, max_total_bytes=%llu: too small for %lu queues (load with max_queues=200000 max_total_bytes=268435456)",
		     (unsigned long long)max_queues,
		     (unsigned long long)max_bytes, n);
	if (n != SCALE_N)
		TH_LOG("debug kernel: %lu queues, not %lu", n, SCALE_N);
	ASSERT_LE(0, existing);
	scale_totals(_metadata, &queues0, &bytes0);

	snprintf(self->k.bulk_prefix, sizeof(self->k.bulk_prefix),
		 "kst-%d-scale-", (int)getpid());
	for (i = 0; i < n; i++) {
		scale_name(name, &self->k, i);
		fd = mqk_open(O_RDWR);
		ASSERT_LE(0, fd);
		self->k.bulk_count = i + 1;
		ret = mqk_bind(fd, name, CX, 0600, 1, 16);
		close(fd);
		ASSERT_EQ(0, ret) TH_LOG("queue %lu of %lu: %s", i + 1,
					 n, strerror(-ret));
	}
	ASSERT_EQ(existing + (long)n, mqk_proc_count());
	scale_totals(_metadata, &queues, &bytes);
	ASSERT_EQ(queues0 + n, queues);

	/* Every 997th name binds, to its own queue (EXCL says it exists). */
	for (i = 0; i < n; i += 997) {
		struct mqlab_attr a;

		scale_name(name, &self->k, i);
		fd = mqk_open(O_RDWR);
		ASSERT_LE(0, fd);
		ASSERT_EQ(-EEXIST, mqk_bind(fd, name, CX, 0600, 1, 16));
		ASSERT_EQ(0, mqk_bind(fd, name, 0, 0, 0, 0)) TH_LOG("%s", name);
		a = mqk_attr(_metadata, fd);
		ASSERT_EQ(1, a.maxmsg);
		ASSERT_EQ(16, a.msgsize);
		close(fd);
	}
	/* Names next to existing ones are absent. */
	scale_name(name, &self->k, n);
	ASSERT_EQ(-ENOENT, mqk_open_bind(name, O_RDWR));
	scale_name(name, &self->k, 5);
	strcat(name, "x");
	ASSERT_EQ(-ENOENT, mqk_open_bind(name, O_RDWR));

	/* Unlink the odd ones: exactly those go, the even ones stay. */
	for (i = 1; i < n; i += 2) {
		scale_name(name, &self->k, i);
		ASSERT_EQ(0, mqk_unlink(name)) TH_LOG("%s", name);
	}
	ASSERT_EQ(existing + (long)n / 2, mqk_proc_count());
	for (i = 0; i < 2000; i++) {
		scale_name(name, &self->k, i);
		fd = mqk_open_bind(name, O_RDWR);
		if (i % 2) {
			ASSERT_EQ(-ENOENT, fd) TH_LOG("%s", name);
		} else {
			ASSERT_LE(0, fd) TH_LOG("%s: %s", name, strerror(-fd));
			close(fd);
		}
	}
	for (i = 0; i < n; i += 2) {
		scale_name(name, &self->k, i);
		ASSERT_EQ(0, mqk_unlink(name)) TH_LOG("%s", name);
	}
	self->k.bulk_count = 0;
	ASSERT_EQ(existing, mqk_proc_count());
	scale_totals(_metadata, &queues, &bytes);
	ASSERT_EQ(queues0, queues);
	ASSERT_EQ(bytes0, bytes);
}

/*
 * A churn child: @loops times, on name (i + @id) % CHURN_NAMES, either
 * create it, send, close and unlink it (@creator), or bind it if it
 * exists and receive without blocking.  Every errno but the ones a race
 * explains ends the child with status 1.
 */
static void churn_child(const struct mqk *k, int id, bool creator, int loops)
{
	char name[MQK_NAME_SIZE], buf[16];
	int i, fd, ret;

	for (i = 0; i < loops; i++) {
		scale_name(name, k, (i + id) % CHURN_NAMES);
		fd = mqk_open(O_RDWR | O_NONBLOCK);
		CHILD_CHECK(fd >= 0);
		if (creator) {
			ret = mqk_bind(fd, name, MQLAB_BIND_CREATE, 0600, 1,
				       16);
			CHILD_CHECK(ret == 0);
			ret = mqk_sends(fd, "x", 0);
			CHILD_CHECK(ret == 0 || ret == -EAGAIN);
			close(fd);
			ret = mqk_unlink(name);
			CHILD_CHECK(ret == 0 || ret == -ENOENT);
		} else {
			ret = mqk_bind(fd, name, 0, 0, 0, 0);
			CHILD_CHECK(ret == 0 || ret == -ENOENT);
			if (!ret) {
				ret = mqk_recv(fd, buf, sizeof(buf), 0, NULL,
					       NULL);
				CHILD_CHECK(ret >= 0 || ret == -EAGAIN);
			}
			close(fd);
		}
	}
	_exit(0);
}

TEST_F_TIMEOUT(scale, churn_same_names, 600)
{
	__u64 queues0, bytes0, queues, bytes;
	long existing = mqk_proc_count();
	char name[MQK_NAME_SIZE];
	int i, ret;

	ASSERT_LE(0, existing);
	scale_totals(_metadata, &queues0, &bytes0);
	snprintf(self->k.bulk_prefix, sizeof(self->k.bulk_prefix),
		 "kst-%d-churn-", (int)getpid());
	self->k.bulk_count = CHURN_NAMES;

	for (i = 0; i < CHURN_KIDS; i++)
		if (mqk_fork(_metadata, &self->k) == 0)
			churn_child(&self->k, i, i % 2 == 0, CHURN_LOOPS);
	for (i = 0; i < CHURN_KIDS; i++) {
		ret = mqk_reap_timed(&self->k, -1, 500 * 1000, NULL);
		ASSERT_EQ(0, ret) TH_LOG("a churn child failed: %d", ret);
	}

	/* Whatever the last creators left named: unlink it, then count. */
	for (i = 0; i < CHURN_NAMES; i++) {
		scale_name(name, &self->k, i);
		ret = mqk_unlink(name);
		ASSERT_TRUE(ret == 0 || ret == -ENOENT) TH_LOG("%s", name);
		ASSERT_EQ(-ENOENT, mqk_unlink(name));
	}
	self->k.bulk_count = 0;
	ASSERT_EQ(existing, mqk_proc_count());
	scale_totals(_metadata, &queues, &bytes);
	ASSERT_EQ(queues0, queues);
	ASSERT_EQ(bytes0, bytes);
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
