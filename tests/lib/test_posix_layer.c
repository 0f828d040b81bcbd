// SPDX-License-Identifier: MIT
/*
 * test_posix_layer.c - libmqdev-posix.so against the real device (run
 * in the VM as /opt/mqlab/tests/20-libmqdev-posix).  The program is
 * linked with -lmqdev-posix ahead of the C library, so its mq_* calls
 * go to the device; each case first checks that this is so.
 *
 * The deeper POSIX conformance suite lives in tests/posix; this one
 * covers what the library itself adds: name and attribute mapping,
 * EMSGSIZE before receiving, timed calls, mq_setattr(), EBADF after
 * mq_close(), fork inheritance and the SIGEV_THREAD helper thread.
 *
 * Built with -DAGAINST_KERNEL_MQ and linked without -lmqdev-posix
 * (`make check-kernel`), the same cases run against glibc and the
 * kernel's own POSIX mq on the host: the expectations are the kernel's.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/mqueue_lab.h>

#include "check_main.h"

static char qname[64];		/* "/libmqdev-posix-PID-N" */
static mqd_t mq;

static void setup(void)
{
	static unsigned int seq;
	struct mq_attr a = { .mq_maxmsg = 4, .mq_msgsize = 64 };

	snprintf(qname, sizeof(qname), "/libmqdev-posix-%d-%u", (int)getpid(),
		 ++seq);
	mq = mq_open(qname, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	ck_assert_msg(mq >= 0, "mq_open: %s", strerror(errno));
}

static void teardown(void)
{
	mq_close(mq);
	mq_unlink(qname);
}

static struct timespec rt_after(long ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ns;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return ts;
}

/* errno of a call that must fail */
#define ck_fail_errno(call, err) do {					\
	errno = 0;							\
	ck_assert_int_eq((long)(call), -1);				\
	ck_assert_msg(errno == (err), "%s: errno %s, want %s", #call,	\
		      strerrorname_np(errno), strerrorname_np(err));	\
} while (0)

START_TEST(test_is_device_fd)
{
	struct mqlab_version v;

#ifdef AGAINST_KERNEL_MQ
	/* An mqd_t of the kernel's mq does not know the command. */
	ck_assert_int_eq(ioctl(mq, MQLAB_IOC_VERSION, &v), -1);
	ck_assert_int_eq(errno, ENOTTY);
#else
	ck_assert_int_eq(ioctl(mq, MQLAB_IOC_VERSION, &v), 0);
	ck_assert_uint_eq(v.major, MQLAB_VERSION_MAJOR);
#endif
	ck_assert_int_eq(fcntl(mq, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
}
END_TEST

START_TEST(test_send_receive)
{
	struct mq_attr a;
	unsigned int prio = 0;
	char buf[64];

	ck_assert_int_eq(mq_send(mq, "low", 3, 1), 0);
	ck_assert_int_eq(mq_send(mq, "high", 4, 9), 0);
	ck_assert_int_eq(mq_getattr(mq, &a), 0);
	ck_assert_int_eq(a.mq_maxmsg, 4);
	ck_assert_int_eq(a.mq_msgsize, 64);
	ck_assert_int_eq(a.mq_curmsgs, 2);
	ck_assert_int_eq(a.mq_flags, 0);
	/* Too small for the queue's msgsize, though the message fits. */
	ck_fail_errno(mq_receive(mq, buf, 63, &prio), EMSGSIZE);
	ck_assert_int_eq(mq_receive(mq, buf, 64, &prio), 4);
	ck_assert_uint_eq(prio, 9);
	ck_assert_mem_eq(buf, "high", 4);
	ck_assert_int_eq(mq_receive(mq, buf, 64, NULL), 3);
	ck_fail_errno(mq_send(mq, buf, 65, 0), EMSGSIZE);
	ck_fail_errno(mq_send(mq, buf, 1, MQ_PRIO_MAX), EINVAL);
}
END_TEST

START_TEST(test_open_errors)
{
	struct mq_attr bad = { .mq_maxmsg = 0, .mq_msgsize = 64 };
	char longname[NAME_MAX + 3];
	char missing[80];
	mqd_t m;

	memset(longname, 'n', sizeof(longname));
	longname[0] = '/';
	longname[NAME_MAX + 2] = '\0';
	snprintf(missing, sizeof(missing), "%s-missing", qname);
	ck_fail_errno(mq_open(qname + 1, O_RDWR), EINVAL);
	ck_fail_errno(mq_open("/", O_RDWR), ENOENT);
	ck_fail_errno(mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL), EACCES);
	ck_fail_errno(mq_open(longname, O_RDWR | O_CREAT, 0600, NULL),
		      ENAMETOOLONG);
	ck_fail_errno(mq_open(missing, O_RDWR), ENOENT);
	ck_fail_errno(mq_open(qname, O_RDWR | O_CREAT | O_EXCL, 0600, NULL),
		      EEXIST);
	ck_fail_errno(mq_open(qname, O_ACCMODE), EINVAL);
	ck_fail_errno(mq_open(missing, O_RDWR | O_CREAT, 0600, &bad), EINVAL);
	/* The kernel ignores bad attributes of an existing queue... */
	m = mq_open(qname, O_RDWR | O_CREAT, 0600, &bad);
	ck_assert_int_ge(m, 0);
	mq_close(m);
	/* ... but O_EXCL still says it exists. */
	ck_fail_errno(mq_open(qname, O_RDWR | O_CREAT | O_EXCL, 0600, &bad),
		      EEXIST);
	bad.mq_maxmsg = 1;
	bad.mq_msgsize = -1;
	ck_fail_errno(mq_open(missing, O_RDWR | O_CREAT, 0600, &bad), EINVAL);
}
END_TEST

START_TEST(test_timed)
{
	struct timespec past = { 0, 0 }, bad = { 0, 1000000000 }, ts;
	char buf[64];
	int i;

	ck_fail_errno(mq_timedreceive(mq, buf, 64, NULL, &past), ETIMEDOUT);
	ck_fail_errno(mq_timedreceive(mq, buf, 64, NULL, &bad), EINVAL);
	/* The timeout is checked before the buffer size, as in Linux. */
	ck_fail_errno(mq_timedreceive(mq, buf, 1, NULL, &bad), EINVAL);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(mq_timedsend(mq, "x", 1, 0, &past), 0);
	ts = rt_after(200000000L);
	ck_fail_errno(mq_timedsend(mq, "x", 1, 0, &ts), ETIMEDOUT);
	ck_fail_errno(mq_timedsend(mq, "x", 1, 0, &bad), EINVAL);
}
END_TEST

START_TEST(test_setattr)
{
	struct mq_attr nb = { .mq_flags = O_NONBLOCK }, old, bad = {
		.mq_flags = O_NONBLOCK | O_APPEND };
	char buf[64];

	ck_assert_int_eq(mq_setattr(mq, &nb, &old), 0);
	ck_assert_int_eq(old.mq_flags, 0);
	ck_assert_int_eq(old.mq_msgsize, 64);
	ck_fail_errno(mq_receive(mq, buf, 64, NULL), EAGAIN);
	ck_assert_int_eq(mq_getattr(mq, &old), 0);
	ck_assert_int_eq(old.mq_flags, O_NONBLOCK);
	ck_fail_errno(mq_setattr(mq, &bad, NULL), EINVAL);
	ck_fail_errno(mq_setattr(-1, &bad, NULL), EINVAL);
	ck_fail_errno(mq_getattr(-1, &old), EBADF);
	/* A file that is no queue: EBADF, as for the kernel's mq. */
	ck_fail_errno(mq_getattr(STDIN_FILENO, &old), EBADF);
}
END_TEST

START_TEST(test_close)
{
	mqd_t m = mq_open(qname, O_WRONLY);

	ck_assert_int_ge(m, 0);
	ck_assert_int_eq(mq_close(m), 0);
	ck_fail_errno(mq_close(m), EBADF);
	ck_fail_errno(mq_send(m, "x", 1, 0), EBADF);
}
END_TEST

START_TEST(test_unlink)
{
	ck_assert_int_eq(mq_unlink(qname), 0);
	ck_fail_errno(mq_unlink(qname), ENOENT);
	ck_fail_errno(mq_unlink(qname + 1), EINVAL);
	/* The open descriptor still works. */
	ck_assert_int_eq(mq_send(mq, "x", 1, 0), 0);
}
END_TEST

START_TEST(test_fork_inherit)
{
	char buf[64];
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(mq_send(mq, "child", 5, 3) ? 1 : 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(mq_receive(mq, buf, 64, NULL), 5);
	ck_assert_mem_eq(buf, "child", 5);
}
END_TEST

/*
 * The EMSGSIZE rule follows the queue behind the descriptor, also when
 * its number is reused: the library knows each fd's msgsize from the
 * first receive on, and mq_open() must forget what the number meant
 * before, even when it was closed with close() instead of mq_close().
 * A dup() has the queue's msgsize too.
 */
START_TEST(test_msgsize_per_fd)
{
	struct mq_attr a = { .mq_maxmsg = 4, .mq_msgsize = 128 };
	char name2[80], buf[128];
	mqd_t m, d;

	snprintf(name2, sizeof(name2), "%s-big", qname);
	ck_assert_int_eq(mq_send(mq, "x", 1, 0), 0);
	ck_assert_int_eq(mq_receive(mq, buf, 64, NULL), 1);
	ck_assert_int_eq(close(mq), 0);
	m = mq_open(name2, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, 0600, &a);
	ck_assert_int_eq(m, mq);	/* the lowest free number again */
	ck_assert_int_eq(mq_send(m, "y", 1, 0), 0);
	ck_fail_errno(mq_receive(m, buf, 100, NULL), EMSGSIZE);
	d = dup(m);
	ck_assert_int_ge(d, 0);
	ck_fail_errno(mq_receive(d, buf, 127, NULL), EMSGSIZE);
	ck_assert_int_eq(mq_receive(d, buf, 128, NULL), 1);
	ck_assert_int_eq(mq_close(d), 0);
	ck_assert_int_eq(mq_close(m), 0);
	ck_assert_int_eq(mq_unlink(name2), 0);
	/* and back to 64 bytes on the same number */
	mq = mq_open(qname, O_RDWR);
	ck_assert_int_eq(mq, m);
	ck_assert_int_eq(mq_send(mq, "z", 1, 0), 0);
	ck_assert_int_eq(mq_receive(mq, buf, 64, NULL), 1);
}
END_TEST

/* An odd msgsize, neither the device's default nor setup()'s. */
#define EDGE_MSGSIZE	37

/* mq_getattr() of @m: its msgsize and how many messages are queued. */
static void ck_attr(mqd_t m, long msgsize, long curmsgs)
{
	struct mq_attr a;

	ck_assert_int_eq(mq_getattr(m, &a), 0);
	ck_assert_int_eq(a.mq_msgsize, msgsize);
	ck_assert_int_eq(a.mq_curmsgs, curmsgs);
}

/*
 * The EMSGSIZE edges of @m, an empty queue of msgsize EDGE_MSGSIZE (M):
 * a send of M bytes goes, M + 1 does not; a receive into M bytes works,
 * into M - 1 is EMSGSIZE although the message fits, and leaves it
 * queued.  The short receive comes both before any receive through @m
 * (nothing known of its msgsize yet) and after one (known).
 */
static void ck_msgsize_edges(mqd_t m)
{
	char full[EDGE_MSGSIZE + 1], buf[EDGE_MSGSIZE + 1];
	unsigned int prio = 0;

	memset(full, 'M', sizeof(full));
	ck_fail_errno(mq_send(m, full, EDGE_MSGSIZE + 1, 0), EMSGSIZE);
	ck_attr(m, EDGE_MSGSIZE, 0);
	ck_assert_int_eq(mq_send(m, full, EDGE_MSGSIZE, 2), 0);
	ck_assert_int_eq(mq_send(m, "short", 5, 1), 0);
	ck_fail_errno(mq_receive(m, buf, EDGE_MSGSIZE - 1, &prio), EMSGSIZE);
	ck_attr(m, EDGE_MSGSIZE, 2);
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(mq_receive(m, buf, EDGE_MSGSIZE, &prio),
			 EDGE_MSGSIZE);
	ck_assert_uint_eq(prio, 2);
	ck_assert_mem_eq(buf, full, EDGE_MSGSIZE);
	ck_fail_errno(mq_receive(m, buf, EDGE_MSGSIZE - 1, &prio), EMSGSIZE);
	ck_attr(m, EDGE_MSGSIZE, 1);
	ck_assert_int_eq(mq_receive(m, buf, EDGE_MSGSIZE, &prio), 5);
	ck_assert_uint_eq(prio, 1);
	ck_assert_mem_eq(buf, "short", 5);
	ck_attr(m, EDGE_MSGSIZE, 0);
}

/* A queue "<qname>-edge" of msgsize EDGE_MSGSIZE, opened by its creator. */
static mqd_t edge_create(char *name, size_t size)
{
	struct mq_attr a = { .mq_maxmsg = 4, .mq_msgsize = EDGE_MSGSIZE };
	mqd_t m;

	snprintf(name, size, "%s-edge", qname);
	m = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	ck_assert_msg(m >= 0, "mq_open: %s", strerror(errno));
	return m;
}

START_TEST(test_msgsize_edges_creator)
{
	char name[80];
	mqd_t m = edge_create(name, sizeof(name));

	ck_msgsize_edges(m);
	ck_assert_int_eq(mq_close(m), 0);
	ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

/*
 * Opened by name, without attributes, after another process created it:
 * the msgsize is the creator's.
 */
START_TEST(test_msgsize_edges_opened)
{
	char name[80];
	pid_t pid = fork();
	mqd_t m;
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(mq_close(edge_create(name, sizeof(name))) ? 1 : 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	snprintf(name, sizeof(name), "%s-edge", qname);
	m = mq_open(name, O_RDWR);
	ck_assert_msg(m >= 0, "mq_open: %s", strerror(errno));
	ck_msgsize_edges(m);
	ck_assert_int_eq(mq_close(m), 0);
	/* O_CREAT without attributes on the existing queue: the same */
	m = mq_open(name, O_RDWR | O_CREAT, 0600, NULL);
	ck_assert_msg(m >= 0, "mq_open: %s", strerror(errno));
	ck_msgsize_edges(m);
	ck_assert_int_eq(mq_close(m), 0);
	ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

/* mq_setattr() changes mq_flags only, whatever mq_msgsize it is given. */
START_TEST(test_msgsize_edges_setattr)
{
	struct mq_attr nb = { .mq_flags = O_NONBLOCK, .mq_maxmsg = 8,
			      .mq_msgsize = 2 * EDGE_MSGSIZE };
	struct mq_attr blk = { .mq_flags = 0, .mq_maxmsg = 1,
			       .mq_msgsize = EDGE_MSGSIZE - 1 };
	char name[80];
	mqd_t m = edge_create(name, sizeof(name));

	/* before anything is known of the msgsize ... */
	ck_assert_int_eq(mq_setattr(m, &nb, NULL), 0);
	ck_msgsize_edges(m);
	/* ... and after */
	ck_assert_int_eq(mq_setattr(m, &blk, NULL), 0);
	ck_msgsize_edges(m);
	ck_assert_int_eq(mq_close(m), 0);
	ck_assert_int_eq(mq_unlink(name), 0);
}
END_TEST

START_TEST(test_notify_signal)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
				.sigev_signo = SIGUSR1 };
	struct timespec wait = { 5, 0 };
	siginfo_t si;
	sigset_t set;
	int x;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sev.sigev_value.sival_ptr = &x;
	ck_assert_int_eq(mq_notify(mq, &sev), 0);
	ck_fail_errno(mq_notify(mq, &sev), EBUSY);
	ck_assert_int_eq(mq_send(mq, "x", 1, 0), 0);
	ck_assert_int_eq(sigtimedwait(&set, &si, &wait), SIGUSR1);
	ck_assert_int_eq(si.si_code, SI_MESGQ);
	ck_assert_ptr_eq(si.si_value.sival_ptr, &x);
	ck_assert_int_eq(si.si_pid, getpid());
	/* One-shot: free again. */
	ck_assert_int_eq(mq_notify(mq, &sev), 0);
	ck_assert_int_eq(mq_notify(mq, NULL), 0);
	sev.sigev_notify = 1234;
	ck_fail_errno(mq_notify(mq, &sev), EINVAL);
	ck_fail_errno(mq_notify(-1, NULL), EBADF);
}
END_TEST

static sem_t fired;
static void *fired_value;
static pthread_t fired_thread;

static void on_message(union sigval v)
{
	fired_value = v.sival_ptr;
	fired_thread = pthread_self();
	sem_post(&fired);
}

static int wait_fired(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	while (sem_timedwait(&fired, &ts) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

START_TEST(test_notify_thread)
{
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD };
	pthread_attr_t attr;
	char buf[64];
	int x;

	sem_init(&fired, 0, 0);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	sev.sigev_notify_function = on_message;
	sev.sigev_notify_attributes = &attr;
	sev.sigev_value.sival_ptr = &x;
	ck_assert_int_eq(mq_notify(mq, &sev), 0);
	pthread_attr_destroy(&attr);	/* the library keeps a copy */
	ck_fail_errno(mq_notify(mq, &sev), EBUSY);
	ck_assert_int_eq(mq_send(mq, "x", 1, 0), 0);
	ck_assert_int_eq(wait_fired(5000), 0);
	ck_assert_ptr_eq(fired_value, &x);
	ck_assert(!pthread_equal(fired_thread, pthread_self()));
	/* One-shot: registering again works, and so does removing. */
	sev.sigev_notify_attributes = NULL;
	ck_assert_int_eq(mq_notify(mq, &sev), 0);
	ck_assert_int_eq(mq_notify(mq, NULL), 0);
	ck_assert_int_eq(mq_receive(mq, buf, 64, NULL), 1);
	ck_assert_int_eq(mq_send(mq, "y", 1, 0), 0);
	ck_assert_int_eq(wait_fired(300), -1);	/* removed: never fires */
	/* mq_close() stops a pending helper cleanly. */
	ck_assert_int_eq(mq_receive(mq, buf, 64, NULL), 1);
	ck_assert_int_eq(mq_notify(mq, &sev), 0);
	ck_assert_int_eq(mq_close(mq), 0);
	mq = mq_open(qname, O_RDWR);
	ck_assert_int_ge(mq, 0);
	/* The registration went with the closed descriptor. */
	ck_assert_int_eq(mq_notify(mq, &sev), 0);
	ck_assert_int_eq(mq_send(mq, "z", 1, 0), 0);
	ck_assert_int_eq(wait_fired(5000), 0);
}
END_TEST

int main(void)
{
	const struct test_case cases[] = {
		{ "open", test_is_device_fd },
		{ "open", test_open_errors },
		{ "io", test_send_receive },
		{ "io", test_timed },
		{ "io", test_setattr },
		{ "io", test_close },
		{ "io", test_unlink },
		{ "io", test_fork_inherit },
		{ "io", test_msgsize_per_fd },
		{ "io", test_msgsize_edges_creator },
		{ "io", test_msgsize_edges_opened },
		{ "io", test_msgsize_edges_setattr },
		{ "notify", test_notify_signal },
		{ "notify", test_notify_thread },
	};
	const struct check_suite cs = {
		.name = "libmqdev-posix",
		.cases = cases,
		.ncases = ARRAY_SIZE(cases),
		.setup = setup,
		.teardown = teardown,
		.timeout = 20,
#ifndef AGAINST_KERNEL_MQ
		.device = MQLAB_DEVICE_PATH,
#endif
	};

	return check_main(&cs);
}
