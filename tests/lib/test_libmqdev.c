// SPDX-License-Identifier: MIT
/*
 * test_libmqdev.c - the native libmqdev API against the real
 * /dev/mqueue-lab (run in the VM as /opt/mqlab/tests/20-libmqdev).
 *
 * Each case runs in its own forked child with a fresh queue name made
 * by the checked fixture; TAP goes to stdout.  Without the device every
 * case is reported as skipped, with the reason.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/mqueue_lab.h>
#include <mqdev.h>

#include "check_main.h"

#define MAXMSG	4
#define MSGSIZE	64
#define WAIT_NS	200000000L	/* 200 ms: timeouts under TCG */

static char qname[64];		/* this case's queue */
static struct mqdev *q;		/* qname, O_RDWR, MAXMSG x MSGSIZE */

static const struct mqdev_open_opts small_opts = {
	.sz = sizeof(struct mqdev_open_opts),
	.maxmsg = MAXMSG,
	.msgsize = MSGSIZE,
};

static void setup(void)
{
	static unsigned int seq;

	snprintf(qname, sizeof(qname), "libmqdev-%d-%u", (int)getpid(), ++seq);
	ck_assert_int_eq(mqdev_open(qname, O_RDWR | O_CREAT | O_EXCL, 0600,
				    &small_opts, &q), 0);
}

static void teardown(void)
{
	mqdev_close(q);
	q = NULL;
	mqdev_unlink(qname);
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static struct timespec ts_after(clockid_t clk, long ns)
{
	uint64_t t = now_ns(clk) + (uint64_t)ns;
	struct timespec ts = {
		.tv_sec = (time_t)(t / 1000000000ULL),
		.tv_nsec = (long)(t % 1000000000ULL),
	};

	return ts;
}

static unsigned long attr_field_curmsgs(struct mqdev *h)
{
	struct mqdev_attr a = { .sz = sizeof(a) };

	ck_assert_int_eq(mqdev_getattr(h, &a), 0);
	return a.curmsgs;
}

START_TEST(test_version)
{
	unsigned int major = 0, minor = 99;
	uint64_t features = ~0ULL;

	ck_assert_int_eq(mqdev_version(&major, &minor, &features), 0);
	ck_assert_uint_eq(major, MQLAB_VERSION_MAJOR);
	ck_assert_uint_eq(minor, MQLAB_VERSION_MINOR);
	ck_assert_uint_eq(features & ~(__u64)MQLAB_FEAT_ALL, 0);
	ck_assert_uint_eq(features & MQLAB_FEAT_ACCOUNT, MQLAB_FEAT_ACCOUNT);
	ck_assert_uint_eq(features & MQLAB_FEAT_TIMEOUT, MQLAB_FEAT_TIMEOUT);
	ck_assert_int_eq(mqdev_version(NULL, NULL, NULL), 0);
}
END_TEST

START_TEST(test_open_missing)
{
	struct mqdev *h = (struct mqdev *)1;
	char other[80];

	snprintf(other, sizeof(other), "%s-missing", qname);
	ck_assert_int_eq(mqdev_open(other, O_RDWR, 0, NULL, &h), -ENOENT);
	ck_assert_ptr_null(h);
}
END_TEST

START_TEST(test_open_excl)
{
	struct mqdev *h = NULL;

	ck_assert_int_eq(mqdev_open(qname, O_RDWR | O_CREAT | O_EXCL, 0600,
				    NULL, &h), -EEXIST);
	/* O_CREAT alone opens the existing queue; its attributes stay. */
	ck_assert_int_eq(mqdev_open(qname, O_WRONLY | O_CREAT, 0600, NULL, &h),
			 0);
	ck_assert_int_eq(mqdev_send(h, "x", 1, 0, NULL), 0);
	ck_assert_uint_eq(attr_field_curmsgs(q), 1);
	ck_assert_int_eq(mqdev_close(h), 0);
	ck_assert_int_eq(mqdev_open(qname, O_RDONLY, 0, NULL, &h), 0);
	ck_assert_int_ge(mqdev_fd(h), 0);
	ck_assert_int_eq(mqdev_close(h), 0);
}
END_TEST

START_TEST(test_open_attrs)
{
	struct mqdev_attr a = { .sz = sizeof(a) };
	mode_t mask = umask(0);

	umask(mask);
	ck_assert_int_eq(mqdev_getattr(q, &a), 0);
	ck_assert_uint_eq(a.maxmsg, MAXMSG);
	ck_assert_uint_eq(a.msgsize, MSGSIZE);
	ck_assert_uint_eq(a.curmsgs, 0);
	ck_assert_uint_eq(a.uid, geteuid());
	ck_assert_uint_eq(a.gid, getegid());
	ck_assert_uint_eq(a.mode, 0600 & ~mask);
	ck_assert_int_eq(a.flags, 0);
}
END_TEST

START_TEST(test_open_bad_names)
{
	struct mqdev *h;

	ck_assert_int_eq(mqdev_open("a/b", O_RDWR | O_CREAT, 0600, NULL, &h),
			 -EINVAL);
	ck_assert_int_eq(mqdev_open("..", O_RDWR | O_CREAT, 0600, NULL, &h),
			 -EINVAL);
	ck_assert_int_eq(mqdev_open("", O_RDWR | O_CREAT, 0600, NULL, &h),
			 -EINVAL);
}
END_TEST

START_TEST(test_prio_order)
{
	static const struct {
		const char *text;
		unsigned int prio;
	} in[] = {
		{ "low", 1 }, { "high-a", 5 }, { "mid", 3 }, { "high-b", 5 },
	};
	static const char *const want[] = { "high-a", "high-b", "mid", "low" };
	struct mqdev_msginfo mi = { .sz = sizeof(mi) };
	char buf[MSGSIZE];
	size_t i;

	for (i = 0; i < 4; i++)
		ck_assert_int_eq(mqdev_send(q, in[i].text,
					    strlen(in[i].text), in[i].prio,
					    NULL), 0);
	for (i = 0; i < 4; i++) {
		ssize_t n = mqdev_receive(q, buf, sizeof(buf), &mi, NULL);

		ck_assert_int_eq(n, (ssize_t)strlen(want[i]));
		ck_assert_mem_eq(buf, want[i], (size_t)n);
	}
	ck_assert_uint_eq(mi.prio, 1);
}
END_TEST

START_TEST(test_msginfo)
{
	struct mqdev_msginfo mi;
	uint64_t before, after;
	char buf[MSGSIZE];

	memset(&mi, 0xff, sizeof(mi));
	mi.sz = sizeof(mi);
	before = now_ns(CLOCK_MONOTONIC);
	ck_assert_int_eq(mqdev_send(q, "hello", 5, 7, NULL), 0);
	after = now_ns(CLOCK_MONOTONIC);
	ck_assert_int_eq(mqdev_receive(q, buf, sizeof(buf), &mi, NULL), 5);
	ck_assert_uint_eq(mi.sz, sizeof(mi));
	ck_assert_uint_eq(mi.prio, 7);
	ck_assert_int_eq(mi.pid, getpid());
	ck_assert_uint_eq(mi.uid, getuid());
	ck_assert_uint_ge(mi.timestamp_ns, before);
	ck_assert_uint_le(mi.timestamp_ns, after);
	ck_assert_uint_eq(mi.needed, 0);
}
END_TEST

START_TEST(test_nonblock_empty)
{
	struct mqdev_io_opts nb = { .sz = sizeof(nb), .flags =
				    MQDEV_IO_NONBLOCK };
	struct mqdev *h;
	char buf[MSGSIZE];

	ck_assert_int_eq(mqdev_receive(q, buf, sizeof(buf), NULL, &nb),
			 -EAGAIN);
	/* A handle opened O_NONBLOCK needs no flag. */
	ck_assert_int_eq(mqdev_open(qname, O_RDONLY | O_NONBLOCK, 0, NULL, &h),
			 0);
	ck_assert_int_eq(mqdev_receive(h, buf, sizeof(buf), NULL, NULL),
			 -EAGAIN);
	mqdev_close(h);
}
END_TEST

START_TEST(test_nonblock_full)
{
	struct mqdev_io_opts nb = { .sz = sizeof(nb), .flags =
				    MQDEV_IO_NONBLOCK };
	int i;

	for (i = 0; i < MAXMSG; i++)
		ck_assert_int_eq(mqdev_send(q, "m", 1, 0, &nb), 0);
	ck_assert_int_eq(mqdev_send(q, "m", 1, 0, &nb), -EAGAIN);
	ck_assert_uint_eq(attr_field_curmsgs(q), MAXMSG);
}
END_TEST

/* Receive on an empty queue with @flags and @ts: -ETIMEDOUT, in time. */
static void expect_timeout(unsigned int flags, const struct timespec *ts)
{
	struct mqdev_io_opts o = { .sz = sizeof(o), .flags = flags,
				   .timeout = ts };
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	char buf[MSGSIZE];

	ck_assert_int_eq(mqdev_receive(q, buf, sizeof(buf), NULL, &o),
			 -ETIMEDOUT);
	/* Under TCG the clock is coarse; allow 10 ms early. */
	ck_assert_uint_ge(now_ns(CLOCK_MONOTONIC) - t0, WAIT_NS - 10000000);
}

START_TEST(test_timeout_relative)
{
	struct timespec ts = { 0, WAIT_NS };

	expect_timeout(0, &ts);
}
END_TEST

START_TEST(test_timeout_abs_monotonic)
{
	struct timespec ts = ts_after(CLOCK_MONOTONIC, WAIT_NS);

	expect_timeout(MQDEV_IO_ABSTIME, &ts);
}
END_TEST

START_TEST(test_timeout_abs_realtime)
{
	struct timespec ts = ts_after(CLOCK_REALTIME, WAIT_NS);

	expect_timeout(MQDEV_IO_ABSTIME | MQDEV_IO_REALTIME, &ts);
}
END_TEST

START_TEST(test_timeout_send_full)
{
	struct timespec ts = { 0, WAIT_NS };
	struct mqdev_io_opts o = { .sz = sizeof(o), .timeout = &ts };
	int i;

	for (i = 0; i < MAXMSG; i++)
		ck_assert_int_eq(mqdev_send(q, "m", 1, 0, NULL), 0);
	ck_assert_int_eq(mqdev_send(q, "m", 1, 0, &o), -ETIMEDOUT);
}
END_TEST

START_TEST(test_timeout_invalid)
{
	struct timespec bad = { 0, 1000000000 }, neg = { -1, 0 };
	struct mqdev_io_opts o = { .sz = sizeof(o), .timeout = &bad };
	char buf[MSGSIZE];

	ck_assert_int_eq(mqdev_receive(q, buf, sizeof(buf), NULL, &o),
			 -EINVAL);
	o.timeout = &neg;
	ck_assert_int_eq(mqdev_send(q, "m", 1, 0, &o), -EINVAL);
	ck_assert_uint_eq(attr_field_curmsgs(q), 0);
}
END_TEST

START_TEST(test_msgsize_send)
{
	char big[MSGSIZE + 1];

	memset(big, 'b', sizeof(big));
	ck_assert_int_eq(mqdev_send(q, big, MSGSIZE + 1, 0, NULL), -EMSGSIZE);
	ck_assert_int_eq(mqdev_send(q, big, MSGSIZE, 0, NULL), 0);
	ck_assert_int_eq(mqdev_send(q, big, 1, MQLAB_PRIO_MAX, NULL), -EINVAL);
}
END_TEST

START_TEST(test_msgsize_receive)
{
	struct mqdev_msginfo mi = { .sz = sizeof(mi) };
	char buf[MSGSIZE];

	ck_assert_int_eq(mqdev_send(q, "0123456789", 10, 2, NULL), 0);
	ck_assert_int_eq(mqdev_receive(q, buf, 5, &mi, NULL), -EMSGSIZE);
	ck_assert_uint_eq(mi.needed, 10);
	/* The message stays queued. */
	ck_assert_uint_eq(attr_field_curmsgs(q), 1);
	ck_assert_int_eq(mqdev_receive(q, buf, 10, &mi, NULL), 10);
	ck_assert_mem_eq(buf, "0123456789", 10);
	ck_assert_uint_eq(mi.prio, 2);
}
END_TEST

START_TEST(test_getattr_counters)
{
	struct mqdev_attr a = { .sz = sizeof(a) };
	char buf[MSGSIZE];

	ck_assert_int_eq(mqdev_send(q, "abc", 3, 0, NULL), 0);
	ck_assert_int_eq(mqdev_send(q, "de", 2, 0, NULL), 0);
	ck_assert_int_eq(mqdev_receive(q, buf, sizeof(buf), NULL, NULL), 3);
	ck_assert_int_eq(mqdev_getattr(q, &a), 0);
	ck_assert_uint_eq(a.curmsgs, 1);
	ck_assert_uint_eq(a.curbytes, 2);
	ck_assert_uint_eq(a.sent, 2);
	ck_assert_uint_eq(a.received, 1);
	ck_assert_uint_eq(a.waiting_senders, 0);
	ck_assert_uint_eq(a.waiting_receivers, 0);
	a.sz = 3;
	ck_assert_int_eq(mqdev_getattr(q, &a), -EINVAL);
}
END_TEST

START_TEST(test_setattr)
{
	struct mqdev_attr a = { .sz = sizeof(a) };
	char buf[MSGSIZE];
	long old = -1;

	ck_assert_int_eq(mqdev_setattr(q, O_NONBLOCK, &old), 0);
	ck_assert_int_eq(old, 0);
	ck_assert_int_eq(mqdev_getattr(q, &a), 0);
	ck_assert_int_eq(a.flags, O_NONBLOCK);
	ck_assert_int_eq(fcntl(mqdev_fd(q), F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	ck_assert_int_eq(mqdev_receive(q, buf, sizeof(buf), NULL, NULL),
			 -EAGAIN);
	ck_assert_int_eq(mqdev_setattr(q, 0, &old), 0);
	ck_assert_int_eq(old, O_NONBLOCK);
	ck_assert_int_eq(mqdev_setattr(q, O_NONBLOCK | O_APPEND, NULL),
			 -EINVAL);
	ck_assert_int_eq(mqdev_getattr(q, &a), 0);
	ck_assert_int_eq(a.flags, 0);
}
END_TEST

START_TEST(test_unlink)
{
	struct mqdev *h = NULL;
	char buf[MSGSIZE];

	ck_assert_int_eq(mqdev_send(q, "kept", 4, 0, NULL), 0);
	ck_assert_int_eq(mqdev_unlink(qname), 0);
	ck_assert_int_eq(mqdev_unlink(qname), -ENOENT);
	ck_assert_int_eq(mqdev_open(qname, O_RDWR, 0, NULL, &h), -ENOENT);
	/* The open handle still works on the unlinked queue. */
	ck_assert_int_eq(mqdev_receive(q, buf, sizeof(buf), NULL, NULL), 4);
	/* A new queue of the same name is a new, empty one. */
	ck_assert_int_eq(mqdev_open(qname, O_RDWR | O_CREAT | O_EXCL, 0600,
				    &small_opts, &h), 0);
	ck_assert_int_eq(mqdev_send(q, "old", 3, 0, NULL), 0);
	ck_assert_uint_eq(attr_field_curmsgs(h), 0);
	mqdev_close(h);
}
END_TEST

START_TEST(test_destroy)
{
	struct mqdev_attr a = { .sz = sizeof(a) };
	struct mqdev *h = NULL;
	char buf[MSGSIZE];

	ck_assert_int_eq(mqdev_send(q, "gone", 4, 0, NULL), 0);
	ck_assert_int_eq(mqdev_destroy(qname), 0);
	ck_assert_int_eq(mqdev_destroy(qname), -ENOENT);
	ck_assert_int_eq(mqdev_open(qname, O_RDWR, 0, NULL, &h), -ENOENT);
	/* Unlike after an unlink, the handle's queue is over. */
	ck_assert_int_eq(mqdev_receive(q, buf, sizeof(buf), NULL, NULL),
			 -EIDRM);
	ck_assert_int_eq(mqdev_send(q, "x", 1, 0, NULL), -EIDRM);
	ck_assert_int_eq(mqdev_getattr(q, &a), -EIDRM);
	ck_assert_int_eq(mqdev_destroy("a/b"), -EINVAL);
	ck_assert_int_eq(mqdev_destroy(""), -EINVAL);
}
END_TEST

/* mqdev_chmod() and mqdev_chown() (libmqdev 1.3): what GETATTR shows. */
START_TEST(test_chmod_chown)
{
	struct mqdev_attr a = { .sz = sizeof(a) };

	ck_assert_int_eq(mqdev_chmod(qname, 0640), 0);
	ck_assert_int_eq(mqdev_getattr(q, &a), 0);
	ck_assert_uint_eq(a.mode, 0640);
	/* root (the test runs as root in the VM) has CAP_CHOWN */
	ck_assert_int_eq(mqdev_chown(qname, 1000, (gid_t)-1), 0);
	ck_assert_int_eq(mqdev_chown(qname, (uid_t)-1, 1001), 0);
	ck_assert_int_eq(mqdev_getattr(q, &a), 0);
	ck_assert_uint_eq(a.uid, 1000);
	ck_assert_uint_eq(a.gid, 1001);
	ck_assert_uint_eq(a.mode, 0640);
	ck_assert_int_eq(mqdev_chown(qname, (uid_t)-1, (gid_t)-1), -EINVAL);
	ck_assert_int_eq(mqdev_chmod(qname, 01777), -EINVAL);
	ck_assert_int_eq(mqdev_chmod("a/b", 0600), -EINVAL);
	ck_assert_int_eq(mqdev_chown("", 0, 0), -EINVAL);
	ck_assert_int_eq(mqdev_chmod("no-such-queue-xyz", 0600), -ENOENT);
	ck_assert_int_eq(mqdev_chown(qname, 0, 0), 0);
}
END_TEST

START_TEST(test_access_mode)
{
	struct mqdev *ro, *wo;
	char buf[MSGSIZE];

	ck_assert_int_eq(mqdev_open(qname, O_RDONLY, 0, NULL, &ro), 0);
	ck_assert_int_eq(mqdev_open(qname, O_WRONLY, 0, NULL, &wo), 0);
	ck_assert_int_eq(mqdev_send(ro, "x", 1, 0, NULL), -EBADF);
	ck_assert_int_eq(mqdev_send(wo, "x", 1, 0, NULL), 0);
	ck_assert_int_eq(mqdev_receive(wo, buf, sizeof(buf), NULL, NULL),
			 -EBADF);
	ck_assert_int_eq(mqdev_receive(ro, buf, sizeof(buf), NULL, NULL), 1);
	mqdev_close(ro);
	mqdev_close(wo);
}
END_TEST

START_TEST(test_poll)
{
	struct pollfd p = { .fd = mqdev_fd(q), .events = POLLIN | POLLOUT };
	int i;

	ck_assert_int_ge(p.fd, 0);
	ck_assert_int_eq(poll(&p, 1, 0), 1);
	ck_assert_int_eq(p.revents, POLLOUT);
	ck_assert_int_eq(mqdev_send(q, "x", 1, 0, NULL), 0);
	ck_assert_int_eq(poll(&p, 1, 0), 1);
	ck_assert_int_eq(p.revents, POLLIN | POLLOUT);
	for (i = 1; i < MAXMSG; i++)
		ck_assert_int_eq(mqdev_send(q, "x", 1, 0, NULL), 0);
	ck_assert_int_eq(poll(&p, 1, 0), 1);
	ck_assert_int_eq(p.revents, POLLIN);
}
END_TEST

/* A blocked receiver is woken by a sender in another process. */
START_TEST(test_blocking_wakeup)
{
	struct mqdev_attr a = { .sz = sizeof(a) };
	char buf[MSGSIZE];
	pid_t child;
	int st, i;

	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct mqdev *w;

		if (mqdev_open(qname, O_WRONLY, 0, NULL, &w))
			_exit(2);
		/* Wait (bounded) until the parent is blocked. */
		for (i = 0; i < 500; i++) {
			struct mqdev_attr ca = { .sz = sizeof(ca) };

			if (mqdev_getattr(w, &ca))
				_exit(3);
			if (ca.waiting_receivers == 1)
				break;
			usleep(10000);
		}
		_exit(mqdev_send(w, "wake", 4, 0, NULL) ? 4 : 0);
	}
	ck_assert_int_eq(mqdev_receive(q, buf, sizeof(buf), NULL, NULL), 4);
	ck_assert_mem_eq(buf, "wake", 4);
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(mqdev_getattr(q, &a), 0);
	ck_assert_uint_eq(a.waiting_receivers, 0);
}
END_TEST

START_TEST(test_opts_size)
{
	struct {
		struct mqdev_io_opts o;
		unsigned long newer;
	} big = { .o = { .sz = sizeof(big), .flags = MQDEV_IO_NONBLOCK } };
	char buf[MSGSIZE];

	/* Newer caller, unknown field zero: accepted. */
	ck_assert_int_eq(mqdev_receive(q, buf, sizeof(buf), NULL, &big.o),
			 -EAGAIN);
	big.newer = 1;
	ck_assert_int_eq(mqdev_receive(q, buf, sizeof(buf), NULL, &big.o),
			 -E2BIG);
	big.o.sz = 1;
	ck_assert_int_eq(mqdev_send(q, "x", 1, 0, &big.o), -EINVAL);
}
END_TEST

int main(void)
{
	const struct test_case cases[] = {
		{ "version", test_version },
		{ "open", test_open_missing },
		{ "open", test_open_excl },
		{ "open", test_open_attrs },
		{ "open", test_open_bad_names },
		{ "io", test_prio_order },
		{ "io", test_msginfo },
		{ "io", test_nonblock_empty },
		{ "io", test_nonblock_full },
		{ "io", test_msgsize_send },
		{ "io", test_msgsize_receive },
		{ "io", test_access_mode },
		{ "io", test_opts_size },
		{ "timeout", test_timeout_relative },
		{ "timeout", test_timeout_abs_monotonic },
		{ "timeout", test_timeout_abs_realtime },
		{ "timeout", test_timeout_send_full },
		{ "timeout", test_timeout_invalid },
		{ "attr", test_getattr_counters },
		{ "attr", test_setattr },
		{ "attr", test_chmod_chown },
		{ "unlink", test_unlink },
		{ "unlink", test_destroy },
		{ "poll", test_poll },
		{ "poll", test_blocking_wakeup },
	};
	const struct check_suite cs = {
		.name = "libmqdev",
		.cases = cases,
		.ncases = ARRAY_SIZE(cases),
		.setup = setup,
		.teardown = teardown,
		.timeout = 20,	/* blocking cases wait 200 ms; TCG is slow */
		.device = MQLAB_DEVICE_PATH,
	};

	return check_main(&cs);
}
