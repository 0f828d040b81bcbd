// SPDX-License-Identifier: MIT
/*
 * test_unit.c - host-side unit tests of libmqdev's device-free logic:
 * name checks, oflag and timeout translation, size-versioned structs,
 * attribute translation, the POSIX layer's argument mapping and
 * mqdev_strerror().  No /dev/mqueue-lab is needed.
 *
 * Each case runs in its own forked child (CK_FORK); results are TAP on
 * stdout, one "ok N" / "not ok N" line per case.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "posix_xlate.h"

#include "check_main.h"

/* A name of @n bytes of 'q'. */
static char *name_of(size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, 'q', n);
	s[n] = '\0';
	return s;
}

/* Names */

START_TEST(test_name_valid)
{
	size_t len = 0;

	ck_assert_int_eq(mqcore_name_check("queue-1", &len), 0);
	ck_assert_uint_eq(len, 7);
	ck_assert_int_eq(mqcore_name_check("...", &len), 0);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(mqcore_name_check(".x", &len), 0);
}
END_TEST

START_TEST(test_name_invalid)
{
	size_t len = 99;

	ck_assert_int_eq(mqcore_name_check(NULL, &len), -EINVAL);
	ck_assert_int_eq(mqcore_name_check("", &len), -EINVAL);
	ck_assert_int_eq(mqcore_name_check("/q", &len), -EINVAL);
	ck_assert_int_eq(mqcore_name_check("a/b", &len), -EINVAL);
	ck_assert_int_eq(mqcore_name_check(".", &len), -EINVAL);
	ck_assert_int_eq(mqcore_name_check("..", &len), -EINVAL);
	ck_assert_uint_eq(len, 99);	/* untouched on failure */
}
END_TEST

START_TEST(test_name_length)
{
	char *max = name_of(MQLAB_NAME_MAX);
	char *over = name_of(MQLAB_NAME_MAX + 1);
	size_t len = 0;

	ck_assert_int_eq(mqcore_name_check(max, &len), 0);
	ck_assert_uint_eq(len, MQLAB_NAME_MAX);
	ck_assert_int_eq(mqcore_name_check(over, &len), -ENAMETOOLONG);
	/* The public API applies the rule before it opens the device. */
	ck_assert_int_eq(mqdev_unlink(over), -ENAMETOOLONG);
	ck_assert_int_eq(mqdev_unlink("a/b"), -EINVAL);
	free(max);
	free(over);
}
END_TEST

/* oflag of mqdev_open() */

START_TEST(test_oflag_access)
{
	struct mqcore_oflag of;

	ck_assert_int_eq(mqcore_oflag_xlate(O_RDONLY, &of), 0);
	ck_assert_int_eq(of.open_flags, O_RDONLY);
	ck_assert_uint_eq(of.bind_flags, 0);
	ck_assert_int_eq(mqcore_oflag_xlate(O_WRONLY, &of), 0);
	ck_assert_int_eq(of.open_flags, O_WRONLY);
	ck_assert_int_eq(mqcore_oflag_xlate(O_RDWR | O_NONBLOCK | O_CLOEXEC,
					    &of), 0);
	ck_assert_int_eq(of.open_flags, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	ck_assert_uint_eq(of.bind_flags, 0);
	ck_assert_int_eq(mqcore_oflag_xlate(O_ACCMODE, &of), -EINVAL);
}
END_TEST

START_TEST(test_oflag_create)
{
	struct mqcore_oflag of;

	ck_assert_int_eq(mqcore_oflag_xlate(O_RDWR | O_CREAT, &of), 0);
	ck_assert_uint_eq(of.bind_flags, MQLAB_BIND_CREATE);
	ck_assert_int_eq(of.open_flags & (O_CREAT | O_EXCL), 0);
	ck_assert_int_eq(mqcore_oflag_xlate(O_RDWR | O_CREAT | O_EXCL, &of),
			 0);
	ck_assert_uint_eq(of.bind_flags, MQLAB_BIND_CREATE | MQLAB_BIND_EXCL);
	ck_assert_int_eq(mqcore_oflag_xlate(O_RDWR | O_EXCL, &of), -EINVAL);
}
END_TEST

START_TEST(test_oflag_unknown)
{
	struct mqcore_oflag of;

	ck_assert_int_eq(mqcore_oflag_xlate(O_RDWR | O_TRUNC, &of), -EINVAL);
	ck_assert_int_eq(mqcore_oflag_xlate(O_RDWR | O_APPEND, &of), -EINVAL);
	ck_assert_int_eq(mqcore_oflag_xlate(O_RDWR | O_SYNC, &of), -EINVAL);
}
END_TEST

/* Timeouts */

START_TEST(test_timespec_check)
{
	struct timespec ok1 = { 0, 0 }, ok2 = { 5, 999999999 };
	struct timespec big_ns = { 0, 1000000000 }, neg_ns = { 0, -1 };
	struct timespec neg_s = { -1, 0 };

	ck_assert_int_eq(mqcore_timespec_check(&ok1), 0);
	ck_assert_int_eq(mqcore_timespec_check(&ok2), 0);
	ck_assert_int_eq(mqcore_timespec_check(&big_ns), -EINVAL);
	ck_assert_int_eq(mqcore_timespec_check(&neg_ns), -EINVAL);
	ck_assert_int_eq(mqcore_timespec_check(&neg_s), -EINVAL);
}
END_TEST

START_TEST(test_timespec_convert)
{
	struct timespec ts = { 1700000000, 123456789 };
	struct mqlab_timespec lt;

	mqcore_timespec_to_lab(&ts, &lt);
	ck_assert_uint_eq(lt.tv_sec, 1700000000ULL);
	ck_assert_uint_eq(lt.tv_nsec, 123456789ULL);
}
END_TEST

START_TEST(test_io_xlate)
{
	struct timespec ts = { 2, 500 }, bad = { 1, 1000000000 };
	struct mqlab_timespec lt;
	uint32_t f = 0xdead;

	ck_assert_int_eq(mqcore_io_xlate(0, NULL, &f, &lt), 0);
	ck_assert_uint_eq(f, 0);
	ck_assert_uint_eq(lt.tv_sec, 0);
	ck_assert_int_eq(mqcore_io_xlate(MQDEV_IO_NONBLOCK, NULL, &f, &lt), 0);
	ck_assert_uint_eq(f, MQLAB_IO_NONBLOCK);
	ck_assert_int_eq(mqcore_io_xlate(0, &ts, &f, &lt), 0);
	ck_assert_uint_eq(f, MQLAB_IO_TIMEOUT);
	ck_assert_uint_eq(lt.tv_sec, 2);
	ck_assert_uint_eq(lt.tv_nsec, 500);
	ck_assert_int_eq(mqcore_io_xlate(MQDEV_IO_ABSTIME | MQDEV_IO_REALTIME,
					 &ts, &f, &lt), 0);
	ck_assert_uint_eq(f, MQLAB_IO_TIMEOUT | MQLAB_IO_ABSTIME |
			  MQLAB_IO_REALTIME);
	ck_assert_int_eq(mqcore_io_xlate(0, &bad, &f, &lt), -EINVAL);
}
END_TEST

START_TEST(test_io_xlate_bad_flags)
{
	struct timespec ts = { 0, 0 };
	struct mqlab_timespec lt;
	uint32_t f;

	ck_assert_int_eq(mqcore_io_xlate(1U << 7, &ts, &f, &lt), -EINVAL);
	/* A clock or absolute flag without a timeout means nothing. */
	ck_assert_int_eq(mqcore_io_xlate(MQDEV_IO_ABSTIME, NULL, &f, &lt),
			 -EINVAL);
	ck_assert_int_eq(mqcore_io_xlate(MQDEV_IO_REALTIME, NULL, &f, &lt),
			 -EINVAL);
}
END_TEST

/* Size-versioned structs */

struct big_opts {
	struct mqdev_open_opts o;
	unsigned long newer_field;
};

START_TEST(test_opts_in_null)
{
	struct mqdev_open_opts o;

	memset(&o, 0xff, sizeof(o));
	ck_assert_int_eq(mqcore_opts_in(&o, sizeof(o), sizeof(o), NULL), 0);
	ck_assert_uint_eq(o.maxmsg, 0);
	ck_assert_ptr_null(o.device);
}
END_TEST

START_TEST(test_opts_in_sizes)
{
	struct mqdev_open_opts in = { .sz = sizeof(in), .maxmsg = 7 }, o;
	struct big_opts big = { .o = { .sz = sizeof(big), .msgsize = 9 } };

	ck_assert_int_eq(mqcore_opts_in(&o, sizeof(o), sizeof(o), &in), 0);
	ck_assert_uint_eq(o.maxmsg, 7);
	/* Older (smaller) than version 1: rejected. */
	in.sz = sizeof(size_t);
	ck_assert_int_eq(mqcore_opts_in(&o, sizeof(o), sizeof(o), &in),
			 -EINVAL);
	in.sz = 0;
	ck_assert_int_eq(mqcore_opts_in(&o, sizeof(o), sizeof(o), &in),
			 -EINVAL);
	/* Newer with a zero tail: the known prefix is used. */
	ck_assert_int_eq(mqcore_opts_in(&o, sizeof(o), sizeof(o), &big), 0);
	ck_assert_uint_eq(o.msgsize, 9);
	/* Newer with a field we do not know set: -E2BIG. */
	big.newer_field = 1;
	ck_assert_int_eq(mqcore_opts_in(&o, sizeof(o), sizeof(o), &big),
			 -E2BIG);
}
END_TEST

START_TEST(test_opts_public_api)
{
	struct mqdev_open_opts oo = { .sz = 1 };
	struct mqdev_io_opts io = { .sz = 0 };
	struct mqdev *q = (struct mqdev *)&io;	/* never dereferenced */

	ck_assert_int_eq(mqdev_open("q", O_RDWR, 0, &oo, &q), -EINVAL);
	ck_assert_ptr_null(q);	/* *out is cleared on failure */
	ck_assert_int_eq(mqdev_open("q", O_RDWR, 0, NULL, NULL), -EINVAL);
	ck_assert_int_eq(mqdev_open("q", O_RDWR | O_CREAT, 01777, NULL, &q),
			 -EINVAL);
	ck_assert_int_eq(mqdev_open("q", O_RDWR | O_TRUNC, 0, NULL, &q),
			 -EINVAL);
	ck_assert_int_eq(mqdev_send(NULL, "x", 1, 0, &io), -EINVAL);
	ck_assert_int_eq(mqdev_fd(NULL), -EINVAL);
	ck_assert_int_eq(mqdev_close(NULL), 0);
}
END_TEST

/* A private handle on a pipe: option checks that come before any I/O. */
START_TEST(test_opts_checked_before_io)
{
	struct mqdev_io_opts io = { .sz = sizeof(io) - 1 };
	struct mqdev_msginfo mi = { .sz = sizeof(mi) - 1 };
	struct mqdev_attr at = { .sz = 4 };
	struct mqdev q;
	char buf[4];
	long old;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	q.fd = p[0];
	ck_assert_int_eq(mqdev_send(&q, buf, 1, 0, &io), -EINVAL);
	ck_assert_int_eq(mqdev_receive(&q, buf, 4, NULL, &io), -EINVAL);
	io.sz = sizeof(io);
	ck_assert_int_eq(mqdev_receive(&q, buf, 4, &mi, &io), -EINVAL);
	ck_assert_int_eq(mqdev_getattr(&q, &at), -EINVAL);
	ck_assert_int_eq(mqdev_setattr(&q, O_RDWR, &old), -EINVAL);
	/* A pipe is no mqueue-lab fd: the device error comes through. */
	ck_assert_int_eq(mqdev_setattr(&q, O_NONBLOCK, NULL), -ENOTTY);
	io.flags = 1U << 9;
	ck_assert_int_eq(mqdev_send(&q, buf, 1, 0, &io), -EINVAL);
}
END_TEST

START_TEST(test_opts_out)
{
	struct {
		struct mqdev_msginfo mi;
		uint64_t newer;
	} big;
	struct mqdev_msginfo src = { .sz = 1234, .prio = 5, .needed = 77 };
	struct mqdev_msginfo small = { .sz = 8 };

	memset(&big, 0xaa, sizeof(big));
	big.mi.sz = sizeof(big);
	ck_assert_int_eq(mqcore_opts_out(&big, sizeof(src), &src,
					 sizeof(src)), 0);
	ck_assert_uint_eq(big.mi.sz, sizeof(big));	/* the caller's sz */
	ck_assert_uint_eq(big.mi.prio, 5);
	ck_assert_uint_eq(big.mi.needed, 77);
	ck_assert_uint_eq(big.newer, 0);	/* unknown tail zeroed */
	ck_assert_int_eq(mqcore_opts_out(&small, sizeof(src), &src,
					 sizeof(src)), -EINVAL);
	ck_assert_uint_eq(small.prio, 0);
}
END_TEST

/* Attributes */

START_TEST(test_attr_native)
{
	struct mqlab_attr la = {
		.maxmsg = 10, .msgsize = 8192, .curmsgs = 3, .curbytes = 99,
		.sent = 1ULL << 40, .received = 12, .waiting_senders = 2,
		.waiting_receivers = 4, .fd_flags = MQLAB_FD_NONBLOCK,
		.mode = 0640, .uid = 1000, .gid = 100,
	};
	struct mqdev_attr a;

	memset(&a, 0, sizeof(a));
	mqdev__attr_from_lab(&la, &a);
	ck_assert_int_eq(a.flags, O_NONBLOCK);
	ck_assert_uint_eq(a.maxmsg, 10);
	ck_assert_uint_eq(a.msgsize, 8192);
	ck_assert_uint_eq(a.curmsgs, 3);
	ck_assert_uint_eq(a.curbytes, 99);
	ck_assert_uint_eq(a.sent, 1ULL << 40);
	ck_assert_uint_eq(a.received, 12);
	ck_assert_uint_eq(a.waiting_senders, 2);
	ck_assert_uint_eq(a.waiting_receivers, 4);
	ck_assert_uint_eq(a.mode, 0640);
	ck_assert_uint_eq(a.uid, 1000);
	ck_assert_uint_eq(a.gid, 100);
	la.fd_flags = 0;
	mqdev__attr_from_lab(&la, &a);
	ck_assert_int_eq(a.flags, 0);
}
END_TEST

START_TEST(test_attr_posix)
{
	struct mqlab_attr la = {
		.maxmsg = 10, .msgsize = 64, .curmsgs = 2,
		.fd_flags = MQLAB_FD_NONBLOCK,
	};
	struct mq_attr a;
	uint32_t ff = 99;

	mqposix_attr_from_lab(&la, &a);
	ck_assert_int_eq(a.mq_flags, O_NONBLOCK);
	ck_assert_int_eq(a.mq_maxmsg, 10);
	ck_assert_int_eq(a.mq_msgsize, 64);
	ck_assert_int_eq(a.mq_curmsgs, 2);
	ck_assert_int_eq(mqposix_flags_to_lab(O_NONBLOCK, &ff), 0);
	ck_assert_uint_eq(ff, MQLAB_FD_NONBLOCK);
	ck_assert_int_eq(mqposix_flags_to_lab(0, &ff), 0);
	ck_assert_uint_eq(ff, 0);
	ck_assert_int_eq(mqposix_flags_to_lab(O_NONBLOCK | 1, &ff), -EINVAL);
}
END_TEST

START_TEST(test_attr_posix_ok)
{
	static const struct {
		long maxmsg, msgsize;
		int ok;
	} rows[] = {
		{ 10, 128, 1 },
		{ 100, 4096, 1 },	/* both at the limit */
		{ 0, 4096, 0 },
		{ -1, 4096, 0 },
		{ 101, 4096, 0 },
		{ 1, 0, 0 },
		{ 1, 4097, 0 },
	};
	struct mqlab_version v = { .maxmsg_max = 100, .msgsize_max = 4096 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct mq_attr a = { .mq_maxmsg = rows[i].maxmsg,
				     .mq_msgsize = rows[i].msgsize };
		int got = mqposix_attr_ok(&a, &v);

		ck_assert_msg(got == rows[i].ok,
			      "maxmsg %ld msgsize %ld: %d, want %d",
			      rows[i].maxmsg, rows[i].msgsize, got,
			      rows[i].ok);
	}
}
END_TEST

/* The POSIX layer's names, flags, notifications and errors */

START_TEST(test_posix_name)
{
	char *longname = name_of(NAME_MAX + 2);
	const char *dev = NULL;
	size_t len = 0;

	ck_assert_int_eq(mqposix_name("/queue", &dev, &len), 0);
	ck_assert_str_eq(dev, "queue");
	ck_assert_uint_eq(len, 5);
	ck_assert_int_eq(mqposix_name("queue", &dev, &len), -EINVAL);
	ck_assert_int_eq(mqposix_name(NULL, &dev, &len), -EINVAL);
	ck_assert_int_eq(mqposix_name("/", &dev, &len), -ENOENT);
	ck_assert_int_eq(mqposix_name("//", &dev, &len), -EACCES);
	ck_assert_int_eq(mqposix_name("/a/b", &dev, &len), -EACCES);
	ck_assert_int_eq(mqposix_name("/.", &dev, &len), -EACCES);
	ck_assert_int_eq(mqposix_name("/..", &dev, &len), -EACCES);
	longname[0] = '/';	/* "/" + NAME_MAX + 1 bytes */
	ck_assert_int_eq(mqposix_name(longname, &dev, &len), -ENAMETOOLONG);
	longname[NAME_MAX + 1] = '\0';	/* "/" + NAME_MAX bytes */
	ck_assert_int_eq(mqposix_name(longname, &dev, &len), 0);
	ck_assert_uint_eq(len, NAME_MAX);
	free(longname);
}
END_TEST

START_TEST(test_posix_oflag)
{
	struct mqcore_oflag of;

	ck_assert_int_eq(mqposix_oflag(O_RDONLY, &of), 0);
	ck_assert_int_eq(of.open_flags, O_RDONLY | O_CLOEXEC);
	ck_assert_uint_eq(of.bind_flags, 0);
	ck_assert_int_eq(mqposix_oflag(O_WRONLY | O_NONBLOCK | O_CREAT, &of),
			 0);
	ck_assert_int_eq(of.open_flags, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert_uint_eq(of.bind_flags, MQLAB_BIND_CREATE);
	ck_assert_int_eq(mqposix_oflag(O_RDWR | O_CREAT | O_EXCL, &of), 0);
	ck_assert_uint_eq(of.bind_flags, MQLAB_BIND_CREATE | MQLAB_BIND_EXCL);
	/* The kernel ignores O_EXCL alone and unknown flags. */
	ck_assert_int_eq(mqposix_oflag(O_RDWR | O_EXCL | O_TRUNC, &of), 0);
	ck_assert_uint_eq(of.bind_flags, 0);
	ck_assert_int_eq(of.open_flags, O_RDWR | O_CLOEXEC);
	ck_assert_int_eq(mqposix_oflag(O_ACCMODE, &of), -EINVAL);
}
END_TEST

static void notify_fn(union sigval v)
{
	(void)v;
}

START_TEST(test_posix_sigevent)
{
	struct sigevent sev;
	struct mqposix_notify n;
	int x;

	ck_assert_int_eq(mqposix_sigevent(NULL, &n), 0);
	ck_assert_uint_eq(n.action, MQLAB_NOTIFY_REMOVE);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_NONE;
	ck_assert_int_eq(mqposix_sigevent(&sev, &n), 0);
	ck_assert_uint_eq(n.action, MQLAB_NOTIFY_NONE);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	sev.sigev_value.sival_ptr = &x;
	ck_assert_int_eq(mqposix_sigevent(&sev, &n), 0);
	ck_assert_uint_eq(n.action, MQLAB_NOTIFY_SIGNAL);
	ck_assert_uint_eq(n.signo, SIGUSR1);
	ck_assert_uint_eq(n.value, (uintptr_t)&x);
	sev.sigev_signo = 0;	/* the kernel accepts it: nothing sent */
	ck_assert_int_eq(mqposix_sigevent(&sev, &n), 0);
	ck_assert_uint_eq(n.action, MQLAB_NOTIFY_NONE);
	sev.sigev_signo = 64;		/* SIGRTMAX */
	ck_assert_int_eq(mqposix_sigevent(&sev, &n), 0);
	sev.sigev_signo = 65;
	ck_assert_int_eq(mqposix_sigevent(&sev, &n), -EINVAL);
	sev.sigev_signo = -1;
	ck_assert_int_eq(mqposix_sigevent(&sev, &n), -EINVAL);
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = notify_fn;
	ck_assert_int_eq(mqposix_sigevent(&sev, &n), 0);
	ck_assert_uint_eq(n.action, MQLAB_NOTIFY_EVENT);
	sev.sigev_notify_function = NULL;
	ck_assert_int_eq(mqposix_sigevent(&sev, &n), -EINVAL);
	sev.sigev_notify = 77;
	ck_assert_int_eq(mqposix_sigevent(&sev, &n), -EINVAL);
}
END_TEST

START_TEST(test_posix_abstime)
{
	struct timespec ts = { 1700000000, 5 }, bad = { 0, 1000000000 };
	struct timespec neg = { -1, 0 };
	struct mqlab_timespec lt;
	uint32_t f = 1;

	ck_assert_int_eq(mqposix_abstime(NULL, &f, &lt), 0);
	ck_assert_uint_eq(f, 0);
	ck_assert_int_eq(mqposix_abstime(&ts, &f, &lt), 0);
	ck_assert_uint_eq(f, MQLAB_IO_TIMEOUT | MQLAB_IO_ABSTIME |
			  MQLAB_IO_REALTIME);
	ck_assert_uint_eq(lt.tv_sec, 1700000000ULL);
	ck_assert_uint_eq(lt.tv_nsec, 5);
	ck_assert_int_eq(mqposix_abstime(&bad, &f, &lt), -EINVAL);
	ck_assert_int_eq(mqposix_abstime(&neg, &f, &lt), -EINVAL);
}
END_TEST

START_TEST(test_posix_errno)
{
	ck_assert_int_eq(mqposix_errno(-ENOTTY), EBADF);
	ck_assert_int_eq(mqposix_errno(-EBADFD), EBADF);
	ck_assert_int_eq(mqposix_errno(-ENODEV), ENOSYS);
	ck_assert_int_eq(mqposix_errno(-EAGAIN), EAGAIN);
	ck_assert_int_eq(mqposix_errno(-ETIMEDOUT), ETIMEDOUT);
	ck_assert_int_eq(mqposix_errno(-EMSGSIZE), EMSGSIZE);
}
END_TEST

/* The device is reached only through its path: a missing one is ENODEV. */
START_TEST(test_missing_device)
{
	struct mqdev_open_opts o = {
		.sz = sizeof(o), .device = "/nonexistent/mqueue-lab",
	};
	struct mqdev *q;

	ck_assert_int_eq(mqcore_dev_open("/nonexistent/mqueue-lab", O_RDWR),
			 -ENODEV);
	ck_assert_int_eq(mqdev_open("q", O_RDWR, 0, &o, &q), -ENODEV);
	ck_assert_int_eq(mqcore_dev_open("/etc", O_RDWR), -EISDIR);
}
END_TEST

/* mqdev_strerror */

START_TEST(test_strerror)
{
	int e;

	ck_assert_str_eq(mqdev_strerror(0), "Success");
	ck_assert_str_eq(mqdev_strerror(-ENODEV),
			 "mqueue-lab device not available");
	ck_assert_str_eq(mqdev_strerror(-EBADFD),
			 "File descriptor not bound to a queue");
	ck_assert_str_eq(mqdev_strerror(-E2BIG), mqdev_strerror(E2BIG));
	/* Not in our table: glibc's text. */
	ck_assert_str_eq(mqdev_strerror(-EIO), "Input/output error");
	ck_assert_str_eq(mqdev_strerror(-100000), "Unknown error");
	ck_assert_str_eq(mqdev_strerror(INT_MIN), "Unknown error");
	for (e = -200; e <= 0; e++)
		ck_assert_ptr_nonnull(mqdev_strerror(e));
}
END_TEST

int main(void)
{
	const struct test_case cases[] = {
		{ "names", test_name_valid },
		{ "names", test_name_invalid },
		{ "names", test_name_length },
		{ "oflag", test_oflag_access },
		{ "oflag", test_oflag_create },
		{ "oflag", test_oflag_unknown },
		{ "timeout", test_timespec_check },
		{ "timeout", test_timespec_convert },
		{ "timeout", test_io_xlate },
		{ "timeout", test_io_xlate_bad_flags },
		{ "opts", test_opts_in_null },
		{ "opts", test_opts_in_sizes },
		{ "opts", test_opts_public_api },
		{ "opts", test_opts_checked_before_io },
		{ "opts", test_opts_out },
		{ "attr", test_attr_native },
		{ "attr", test_attr_posix },
		{ "attr", test_attr_posix_ok },
		{ "posix", test_posix_name },
		{ "posix", test_posix_oflag },
		{ "posix", test_posix_sigevent },
		{ "posix", test_posix_abstime },
		{ "posix", test_posix_errno },
		{ "device", test_missing_device },
		{ "strerror", test_strerror },
	};
	const struct check_suite cs = {
		.name = "libmqdev-unit",
		.cases = cases,
		.ncases = ARRAY_SIZE(cases),
		.timeout = 5,
	};

	return check_main(&cs);
}
