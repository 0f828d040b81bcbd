/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the /dev/mqueue-lab kselftests.
 *
 * Every helper that talks to the device returns 0 (or a count or an fd)
 * on success and -errno on failure, so that a test can say
 * ASSERT_EQ(-EINVAL, mqk_send(...)) and get both values in the log.
 *
 * Helpers that take a struct __test_metadata *_metadata may ASSERT_*()
 * and must only be called from the test process itself.  Code that runs
 * in a forked child must not use ASSERT_*() or EXPECT_*() (a failure
 * would run the fixture teardown in the child); it uses CHILD_CHECK(),
 * which ends the child with a non-zero status that the parent asserts.
 */
#ifndef MQLAB_KST_H
#define MQLAB_KST_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/mqueue_lab.h>

#include "kselftest_harness.h"

#define MQK_PARAM_DIR	"/sys/module/mqueue_lab/parameters/"

/* Uid and gid of the unprivileged user the permission tests switch to. */
#define MQK_NOBODY	65534
/* A uid that is neither root nor nobody, nor in nobody's group. */
#define MQK_OTHER	1000

/*
 * How long to wait for another task to reach a state (blocked in the
 * device, exited).  Generous, because the guest runs under TCG; a
 * healthy run never waits this long.
 */
#define MQK_WAIT_MS	10000
/* How long a task that must stay blocked is given to (wrongly) wake. */
#define MQK_GRACE_MS	200

#define MQK_MAX_NAMES	16
#define MQK_MAX_KIDS	8
#define MQK_NAME_SIZE	(MQLAB_NAME_MAX + 1)

/* Per-test state: what the teardown must undo. */
struct mqk {
	char names[MQK_MAX_NAMES][MQK_NAME_SIZE];
	int nnames;
	pid_t kids[MQK_MAX_KIDS];
	int nkids;
	/* queues "<bulk_prefix><i>" for i < bulk_count (ENOSPC tests) */
	char bulk_prefix[128];
	unsigned long bulk_count;
	/* an address that faults: one PROT_NONE page */
	void *badptr;
};

/*
 * End a forked child with status 1 when @cond is false, saying where.
 * For use in forked children only.
 */
#define CHILD_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "# child %d: %s:%d: check failed: %s"	\
			" (errno %d: %s)\n", (int)getpid(), __FILE__,	\
			__LINE__, #cond, errno, strerror(errno));	\
		_exit(1);						\
	}								\
} while (0)

static inline __u64 mqk_ptr(const void *p)
{
	return (__u64)(uintptr_t)p;
}

/*
 * long, not int: read(2) and write(2) return ssize_t, and a 64-bit
 * count such as 0xffffffd5 must not pass for -1 (and a stale errno).
 */
static inline long mqk_ret(long ret)
{
	return ret < 0 ? -errno : ret;
}

static inline int mqk_ioctl(int fd, unsigned long cmd, void *arg)
{
	return mqk_ret(ioctl(fd, cmd, arg));
}

static inline int mqk_open(int flags)
{
	return mqk_ret(open(MQLAB_DEVICE_PATH, flags | O_CLOEXEC));
}

static inline int mqk_bind_len(int fd, const void *name, __u32 len,
			       __u32 flags, __u32 mode, __u64 maxmsg,
			       __u64 msgsize)
{
	struct mqlab_bind b = {
		.name = mqk_ptr(name),
		.name_len = len,
		.flags = flags,
		.mode = mode,
		.maxmsg = maxmsg,
		.msgsize = msgsize,
	};

	return mqk_ioctl(fd, MQLAB_IOC_BIND, &b);
}

static inline int mqk_bind(int fd, const char *name, __u32 flags, __u32 mode,
			   __u64 maxmsg, __u64 msgsize)
{
	return mqk_bind_len(fd, name, strlen(name), flags, mode, maxmsg,
			    msgsize);
}

/* Open the device with @oflags and bind it to the existing queue @name. */
static inline int mqk_open_bind(const char *name, int oflags)
{
	int fd = mqk_open(oflags);
	int ret;

	if (fd < 0)
		return fd;
	ret = mqk_bind(fd, name, 0, 0, 0, 0);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

static inline int mqk_unlink_len(int fd, const void *name, __u32 len,
				 __u32 flags)
{
	struct mqlab_unlink u = {
		.name = mqk_ptr(name),
		.name_len = len,
		.flags = flags,
	};

	return mqk_ioctl(fd, MQLAB_IOC_UNLINK, &u);
}

static inline int mqk_chown_len(int fd, const void *name, __u32 len,
				__u32 flags, __u32 mode, __u32 uid, __u32 gid)
{
	struct mqlab_chown c = {
		.name = mqk_ptr(name),
		.name_len = len,
		.flags = flags,
		.mode = mode,
		.uid = uid,
		.gid = gid,
	};

	return mqk_ioctl(fd, MQLAB_IOC_CHOWN, &c);
}

/*
 * MQLAB_IOC_CHOWN of @name through a fresh unbound fd: set what @flags
 * says (MQLAB_CHOWN_*).  0 or -errno.
 */
static inline int mqk_chown(const char *name, __u32 flags, __u32 mode,
			    __u32 uid, __u32 gid)
{
	int fd = mqk_open(O_RDWR);
	int ret;

	if (fd < 0)
		return fd;
	ret = mqk_chown_len(fd, name, strlen(name), flags, mode, uid, gid);
	close(fd);
	return ret;
}

/*
 * Open the device with @oflags, bind @name with @flags (mode 0600 and
 * the module's default attributes when creating), close the fd.
 * Returns 0 or -errno.
 */
static inline int mqk_try_bind(const char *name, int oflags, __u32 flags)
{
	int fd = mqk_open(oflags);
	int ret;

	if (fd < 0)
		return fd;
	ret = mqk_bind(fd, name, flags, 0600, 0, 0);
	close(fd);
	return ret;
}

/* Unlink @name through a fresh unbound fd. */
static inline int mqk_unlink(const char *name)
{
	int fd = mqk_open(O_RDWR);
	int ret;

	if (fd < 0)
		return fd;
	ret = mqk_unlink_len(fd, name, strlen(name), 0);
	close(fd);
	return ret;
}

static inline int mqk_send(int fd, const void *buf, __u32 len, __u32 prio,
			   __u32 flags, const struct mqlab_timespec *timeout)
{
	struct mqlab_send s = {
		.buf = mqk_ptr(buf),
		.len = len,
		.prio = prio,
		.flags = flags,
	};

	if (timeout)
		s.timeout = *timeout;
	return mqk_ioctl(fd, MQLAB_IOC_SEND, &s);
}

/* MQLAB_IOC_SEND_BATCH or MQLAB_IOC_RECV_BATCH of @count at @m. */
static inline int mqk_batch(int fd, unsigned long cmd,
			    struct mqlab_batch_msg *m, __u32 count,
			    __u32 flags)
{
	struct mqlab_batch b = {
		.msgs = mqk_ptr(m),
		.count = count,
		.flags = flags,
	};

	return mqk_ioctl(fd, cmd, &b);
}

/* Send a NUL-terminated string (without its NUL). */
static inline int mqk_sends(int fd, const char *str, __u32 prio)
{
	return mqk_send(fd, str, strlen(str), prio, 0, NULL);
}

/*
 * Receive as mqk_recv() does, with @prio as the input priority (the
 * selector of MQLAB_IO_PRIO_*).
 */
static inline int mqk_recv_sel(int fd, void *buf, __u32 len, __u32 flags,
			       __u32 prio,
			       const struct mqlab_timespec *timeout,
			       struct mqlab_recv *out)
{
	struct mqlab_recv r = {
		.buf = mqk_ptr(buf),
		.len = len,
		.flags = flags,
		.prio = prio,
		.pid = 0xdeadbeef,
		.uid = 0xdeadbeef,
		.timestamp_ns = 0xdeadbeefdeadbeefULL,
	};
	int ret;

	if (timeout)
		r.timeout = *timeout;
	ret = mqk_ioctl(fd, MQLAB_IOC_RECV, &r);
	if (out)
		*out = r;
	return ret;
}

/*
 * Receive into @buf (@len bytes).  @out (may be NULL) gets the whole
 * struct back: out->len is the message length, or the size needed on
 * EMSGSIZE.  The output fields are pre-set to garbage so that a kernel
 * that does not fill them in is caught.
 */
static inline int mqk_recv(int fd, void *buf, __u32 len, __u32 flags,
			   const struct mqlab_timespec *timeout,
			   struct mqlab_recv *out)
{
	return mqk_recv_sel(fd, buf, len, flags, 0xdeadbeef, timeout, out);
}

static inline int mqk_getattr(int fd, struct mqlab_attr *attr)
{
	memset(attr, 0xa5, sizeof(*attr));
	return mqk_ioctl(fd, MQLAB_IOC_GETATTR, attr);
}

static inline int mqk_setattr(int fd, __u32 fd_flags)
{
	struct mqlab_setattr sa = { .fd_flags = fd_flags };

	return mqk_ioctl(fd, MQLAB_IOC_SETATTR, &sa);
}

static inline int mqk_notify(int fd, __u32 action, __u32 signo, __u64 value)
{
	struct mqlab_notify n = {
		.action = action,
		.signo = signo,
		.value = value,
	};

	return mqk_ioctl(fd, MQLAB_IOC_NOTIFY, &n);
}

/* Write @text to the file @path: 0 or -errno. */
static inline int mqk_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -errno;
}

static inline __u64 mqk_now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline struct mqlab_timespec mqk_ts(__u64 ns)
{
	struct mqlab_timespec ts = {
		.tv_sec = ns / 1000000000ULL,
		.tv_nsec = ns % 1000000000ULL,
	};

	return ts;
}

static inline void mqk_sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * A debug kernel (the debug lane's: KASAN, lockdep, kmemleak, ...) is
 * known by its kmemleak file; there every object carries metadata and
 * every call costs many times what it costs on a stock kernel.
 */
static inline bool mqk_debug_kernel(void)
{
	return access("/sys/kernel/debug/kmemleak", F_OK) == 0;
}

/* poll(2) @fd once, without waiting: its revents, or -1. */
static inline short mqk_poll1(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, 0) < 0)
		return -1;
	return p.revents;
}

/* Read an unsigned module parameter from sysfs. */
static inline __u64 mqk_param(struct __test_metadata *_metadata,
			      const char *param)
{
	char path[256], buf[64], *end = buf;
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), MQK_PARAM_DIR "%s", param);
	f = fopen(path, "re");
	ASSERT_NE(NULL, f) TH_LOG("cannot open %s: %s", path, strerror(errno));
	if (fgets(buf, sizeof(buf), f)) {
		errno = 0;
		v = strtoull(buf, &end, 10);
	}
	fclose(f);
	ASSERT_TRUE(end != buf && (*end == '\n' || !*end) && !errno)
		TH_LOG("cannot parse %s", path);
	return v;
}

/*
 * A queue name unique to this test process: kst-<pid>-<test>-<tag>.
 * It is remembered and unlinked by mqk_teardown().
 */
static inline const char *mqk_name(struct __test_metadata *_metadata,
				   struct mqk *k, const char *tag)
{
	char *name;

	ASSERT_LT(k->nnames, MQK_MAX_NAMES);
	name = k->names[k->nnames++];
	snprintf(name, MQK_NAME_SIZE, "kst-%d-%s-%s", (int)getpid(),
		 _metadata->name, tag);
	return name;
}

/*
 * Create the queue @name (CREATE|EXCL, mode @mode) and return an fd
 * opened with @oflags and bound to it.
 */
static inline int mqk_create(struct __test_metadata *_metadata,
			     const char *name, int oflags, __u32 mode,
			     __u64 maxmsg, __u64 msgsize)
{
	int fd, ret;

	fd = mqk_open(oflags);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", MQLAB_DEVICE_PATH,
				strerror(-fd));
	ret = mqk_bind(fd, name, MQLAB_BIND_CREATE | MQLAB_BIND_EXCL, mode,
		       maxmsg, msgsize);
	ASSERT_EQ(0, ret) TH_LOG("create %s: %s", name, strerror(-ret));
	return fd;
}

static inline struct mqlab_attr mqk_attr(struct __test_metadata *_metadata,
					 int fd)
{
	struct mqlab_attr a;
	int ret = mqk_getattr(fd, &a);

	ASSERT_EQ(0, ret) TH_LOG("GETATTR: %s", strerror(-ret));
	return a;
}

/*
 * Receive one message (up to 256 bytes) without blocking and assert
 * that it is @want.
 */
static inline void mqk_expect_msg(struct __test_metadata *_metadata, int fd,
				  const char *want)
{
	struct mqlab_recv r;
	char buf[256];
	int ret;

	ret = mqk_recv(fd, buf, sizeof(buf), MQLAB_IO_NONBLOCK, NULL, &r);
	ASSERT_EQ(0, ret) TH_LOG("recv (want \"%s\"): %s", want,
				 strerror(-ret));
	ASSERT_EQ(strlen(want), r.len);
	ASSERT_EQ(0, memcmp(buf, want, r.len))
		TH_LOG("got \"%.*s\", want \"%s\"", (int)r.len, buf, want);
}

/*
 * Poll the queue behind @fd until its waiting_senders (@senders) or
 * waiting_receivers count equals @want.  Returns 0, or -ETIMEDOUT with
 * the last value seen in *@last.
 */
static inline int mqk_wait_waiters(int fd, bool senders, __u32 want,
				   __u32 *last)
{
	struct mqlab_attr a;
	int ms;

	for (ms = 0; ms < MQK_WAIT_MS; ms += 5) {
		if (mqk_getattr(fd, &a) < 0)
			return -errno;
		*last = senders ? a.waiting_senders : a.waiting_receivers;
		if (*last == want)
			return 0;
		mqk_sleep_ms(5);
	}
	return -ETIMEDOUT;
}

#define ASSERT_WAITERS(fd, senders, want) do {				\
	bool __senders = (senders);					\
	__u32 __want = (want), __last = 0;				\
	int __ret = mqk_wait_waiters(fd, __senders, __want, &__last);	\
									\
	ASSERT_EQ(0, __ret) TH_LOG("waiting_%s stayed %u, want %u",	\
				   __senders ? "senders" : "receivers",	\
				   __last, __want);			\
} while (0)

/*
 * The device behind @fd reports feature @bit in MQLAB_IOC_VERSION, and
 * the header counts it in MQLAB_FEAT_ALL.
 */
#define ASSERT_FEATURE(fd, bit) do {					\
	struct mqlab_version __v;					\
									\
	ASSERT_EQ(0, mqk_ioctl((fd), MQLAB_IOC_VERSION, &__v));		\
	EXPECT_EQ((__u64)(bit), __v.features & (bit));			\
	EXPECT_EQ((__u64)(bit), MQLAB_FEAT_ALL & (bit));		\
} while (0)

/* fork(), remembering the child so that the teardown can kill it. */
static inline pid_t mqk_fork(struct __test_metadata *_metadata, struct mqk *k)
{
	pid_t pid;

	ASSERT_LT(k->nkids, MQK_MAX_KIDS);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (pid > 0)
		k->kids[k->nkids++] = pid;
	return pid;
}

static inline void mqk_forget(struct mqk *k, pid_t pid)
{
	int i;

	for (i = 0; i < k->nkids; i++) {
		if (k->kids[i] == pid) {
			k->kids[i] = k->kids[--k->nkids];
			return;
		}
	}
}

static inline int mqk_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/*
 * Wait up to @ms for the child @pid (or any remembered child when @pid
 * is -1) to exit.  Returns its exit status (128 + signal when killed)
 * and its pid in *@who, or -ETIMEDOUT.
 */
static inline int mqk_reap_timed(struct mqk *k, pid_t pid, int ms,
				 pid_t *who)
{
	int status, waited;
	pid_t got;

	for (waited = 0; ; waited += 2) {
		got = waitpid(pid, &status, WNOHANG);
		if (got > 0)
			break;
		if (got < 0)
			return -errno;
		if (waited >= ms)
			return -ETIMEDOUT;
		mqk_sleep_ms(2);
	}
	mqk_forget(k, got);
	if (who)
		*who = got;
	return mqk_status(status);
}

static inline int mqk_reap(struct mqk *k, pid_t pid)
{
	return mqk_reap_timed(k, pid, MQK_WAIT_MS, NULL);
}

/*
 * Fork a child that receives once from @fd with @flags and input @prio
 * (blocking unless @flags says otherwise) and exits 0 when the call
 * returns @want_ret and, on success, the message is @want at priority
 * @want_prio.
 */
static inline pid_t mqk_spawn_recv(struct __test_metadata *_metadata,
				   struct mqk *k, int fd, __u32 flags,
				   __u32 prio, int want_ret, const char *want,
				   __u32 want_prio)
{
	pid_t pid = mqk_fork(_metadata, k);

	if (pid == 0) {
		struct mqlab_recv r;
		char buf[256];
		int ret;

		ret = mqk_recv_sel(fd, buf, sizeof(buf), flags, prio, NULL, &r);
		CHILD_CHECK(ret == want_ret);
		if (!ret) {
			CHILD_CHECK(r.len == strlen(want));
			CHILD_CHECK(!memcmp(buf, want, r.len));
			CHILD_CHECK(r.prio == want_prio);
		}
		_exit(0);
	}
	return pid;
}

/*
 * Fork a child that sends @text at @prio on @fd (blocking unless the
 * fd says otherwise) and exits 0 when the send succeeds.
 */
static inline pid_t mqk_spawn_send(struct __test_metadata *_metadata,
				   struct mqk *k, int fd, const char *text,
				   __u32 prio)
{
	pid_t pid = mqk_fork(_metadata, k);

	if (pid == 0) {
		CHILD_CHECK(mqk_sends(fd, text, prio) == 0);
		_exit(0);
	}
	return pid;
}

static inline void mqk_ignore_signal(int sig)
{
	(void)sig;
}

/*
 * A receive with @flags and input @prio, blocked on @fd in a child,
 * ends with EINTR when a signal (handler without SA_RESTART) arrives;
 * it leaves no blocked receiver behind.
 */
static inline void mqk_blocked_recv_eintr(struct __test_metadata *_metadata,
					  struct mqk *k, int fd, __u32 flags,
					  __u32 prio)
{
	pid_t pid = mqk_fork(_metadata, k);

	if (pid == 0) {
		struct sigaction sa = { .sa_handler = mqk_ignore_signal };
		char buf[256];

		sigemptyset(&sa.sa_mask);
		CHILD_CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
		CHILD_CHECK(mqk_recv_sel(fd, buf, sizeof(buf), flags, prio,
					 NULL, NULL) == -EINTR);
		_exit(0);
	}
	ASSERT_WAITERS(fd, false, 1);
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	ASSERT_EQ(0, mqk_reap(k, pid));
	ASSERT_WAITERS(fd, false, 0);
}

/*
 * The same receive ends with EIDRM when the queue @name behind @fd is
 * destroyed (MQLAB_UNLINK_DESTROY).
 */
static inline void mqk_blocked_recv_eidrm(struct __test_metadata *_metadata,
					  struct mqk *k, int fd,
					  const char *name, __u32 flags,
					  __u32 prio)
{
	pid_t pid = mqk_spawn_recv(_metadata, k, fd, flags, prio, -EIDRM,
				   NULL, 0);
	int ufd;

	ASSERT_WAITERS(fd, false, 1);
	ufd = mqk_open(O_RDWR);
	ASSERT_LE(0, ufd);
	ASSERT_EQ(0, mqk_unlink_len(ufd, name, strlen(name),
				    MQLAB_UNLINK_DESTROY));
	close(ufd);
	ASSERT_EQ(0, mqk_reap(k, pid));
}

/*
 * Pin the caller to CPU 0, under SCHED_FIFO when @fifo: a task woken on
 * CPU 0 then cannot run before the caller leaves SCHED_FIFO, which makes
 * the order of a wake-up and the caller's next calls certain.
 * @return 0 or -errno (-EPERM without CAP_SYS_NICE).
 */
static inline int mqk_pin(bool fifo)
{
	struct sched_param sp = { .sched_priority = fifo ? 1 : 0 };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	if (sched_setscheduler(0, fifo ? SCHED_FIFO : SCHED_OTHER, &sp))
		return -errno;
	return 0;
}

/*
 * In a child: become @uid with group @gid and the @n supplementary
 * groups @groups.
 */
static inline int mqk_become_groups(uid_t uid, gid_t gid, size_t n,
				    const gid_t *groups)
{
	if (setgroups(n, groups) < 0)
		return -errno;
	if (setresgid(gid, gid, gid) < 0)
		return -errno;
	if (setresuid(uid, uid, uid) < 0)
		return -errno;
	return 0;
}

/* In a child: become uid/gid MQK_NOBODY (@gid for the group). */
static inline int mqk_become(uid_t uid, gid_t gid)
{
	return mqk_become_groups(uid, gid, 0, NULL);
}

#define MQK_CAPBIT(c)	(1U << (c))

/*
 * Keep only the capabilities in @keep (a mask of MQK_CAPBIT()s of
 * bits < 32), permitted and effective.  After setuid() with
 * PR_SET_KEEPCAPS only the permitted set is left, so they are made
 * effective again.
 */
static inline int mqk_caps_keep(__u32 keep)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	d[0].permitted &= keep;
	d[0].effective = d[0].permitted;
	d[0].inheritable = 0;
	memset(&d[1], 0, sizeof(d[1]));
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

/* In a child: become @uid (and gid @uid), keeping only @keep's capabilities. */
static inline int mqk_become_with(uid_t uid, __u32 keep)
{
	int ret;

	if (prctl(PR_SET_KEEPCAPS, 1) < 0)
		return -errno;
	ret = mqk_become(uid, uid);
	return ret ? ret : mqk_caps_keep(keep);
}

/*
 * In a child that is uid/gid MQK_NOBODY: enter a new user namespace in
 * which 0 is nobody (uid and gid, setgroups denied), as root of it with
 * every capability there.  0, or the errno of unshare() (the caller
 * reports a SKIP); a failure after it ends the child (CHILD_CHECK).
 */
static inline int mqk_userns_as_root(void)
{
	/* setuid() made us undumpable: /proc/self/uid_map is root's */
	CHILD_CHECK(prctl(PR_SET_DUMPABLE, 1) == 0);
	if (unshare(CLONE_NEWUSER) < 0)
		return errno;
	CHILD_CHECK(mqk_write_file("/proc/self/uid_map", "0 65534 1") == 0);
	CHILD_CHECK(mqk_write_file("/proc/self/setgroups", "deny") == 0);
	CHILD_CHECK(mqk_write_file("/proc/self/gid_map", "0 65534 1") == 0);
	return 0;
}

/* Create @name as uid/gid @uid with @mode (maxmsg 2, msgsize 8), in a child. */
static inline void mqk_create_as(struct __test_metadata *_metadata,
				 struct mqk *k, const char *name, uid_t uid,
				 __u32 mode)
{
	pid_t pid = mqk_fork(_metadata, k);

	if (pid == 0) {
		int fd;

		CHILD_CHECK(mqk_become(uid, uid) == 0);
		fd = mqk_open(O_RDWR);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_bind(fd, name, MQLAB_BIND_CREATE |
				     MQLAB_BIND_EXCL, mode, 2, 8) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(k, pid));
}

/*
 * Find the /proc/mqueue-lab line of the queue @name: a line with a
 * whitespace-separated field equal to @name.  Copies the header (the
 * first line) to @hdr and the queue's line to @line.  Returns 1 when
 * found, 0 when not, -errno when the file cannot be read.
 */
static inline int mqk_proc_line(const char *name, char *hdr, size_t hdrsz,
				char *line, size_t linesz)
{
	char buf[1024], tmp[1024], *tok, *save;
	int lineno = 0, found = 0;
	FILE *f;

	f = fopen(MQLAB_PROC_PATH, "re");
	if (!f)
		return -errno;
	while (!found && fgets(buf, sizeof(buf), f)) {
		if (lineno++ == 0) {
			snprintf(hdr, hdrsz, "%s", buf);
			continue;
		}
		snprintf(tmp, sizeof(tmp), "%s", buf);
		for (tok = strtok_r(tmp, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save)) {
			if (!strcmp(tok, name)) {
				snprintf(line, linesz, "%s", buf);
				found = 1;
				break;
			}
		}
	}
	fclose(f);
	return found;
}

/* Number of queue lines in /proc/mqueue-lab (lines after the header). */
static inline int mqk_proc_count(void)
{
	char buf[1024];
	int n = -1;
	FILE *f;

	f = fopen(MQLAB_PROC_PATH, "re");
	if (!f)
		return -errno;
	while (fgets(buf, sizeof(buf), f))
		if (strchr(buf, '\n'))
			n++;
	fclose(f);
	return n < 0 ? 0 : n;
}

/*
 * The value in column @col (named in @hdr, the header line) of @line,
 * parsed as an unsigned number.  Returns 0, or -ENOENT when there is no
 * such column, -EINVAL when the field is not a number.
 */
static inline int mqk_column(const char *hdr, const char *line,
			     const char *col, __u64 *val)
{
	char h[1024], l[1024], *ht, *lt, *hs, *ls, *end;
	int want = -1, i;

	snprintf(h, sizeof(h), "%s", hdr);
	snprintf(l, sizeof(l), "%s", line);
	for (i = 0, ht = strtok_r(h, " \t\n", &hs); ht;
	     i++, ht = strtok_r(NULL, " \t\n", &hs))
		if (!strcmp(ht, col))
			want = i;
	if (want < 0)
		return -ENOENT;
	for (i = 0, lt = strtok_r(l, " \t\n", &ls); lt && i < want;
	     i++, lt = strtok_r(NULL, " \t\n", &ls))
		;
	if (!lt)
		return -ENOENT;
	errno = 0;
	*val = strtoull(lt, &end, 0);
	return (*end || errno || end == lt) ? -EINVAL : 0;
}

/* Column @col of queue @name's /proc/mqueue-lab line: 0 or -errno. */
static inline int mqk_proc_value(const char *name, const char *col,
				 __u64 *val)
{
	char hdr[1024], line[1024];
	int ret = mqk_proc_line(name, hdr, sizeof(hdr), line, sizeof(line));

	if (ret <= 0)
		return ret ? ret : -ENOENT;
	return mqk_column(hdr, line, col, val);
}

/*
 * The line of /proc/mqueue-lab-users whose first field is @who (a uid
 * in decimal, or "total"): its queues, bytes and held_bytes.  Returns 1
 * when found, 0 when not, -errno when the file cannot be read.
 */
static inline int mqk_users_line(const char *who, __u64 *queues,
				 __u64 *bytes, __u64 *held)
{
	unsigned long long q, b, h;
	char buf[256], first[64];
	int found = 0;
	FILE *f;

	f = fopen(MQLAB_PROC_USERS_PATH, "re");
	if (!f)
		return -errno;
	while (!found && fgets(buf, sizeof(buf), f)) {
		if (sscanf(buf, "%63s %llu %llu %llu", first, &q, &b, &h) == 4 &&
		    !strcmp(first, who)) {
			*queues = q;
			*bytes = b;
			*held = h;
			found = 1;
		}
	}
	fclose(f);
	return found;
}

/* Does the whitespace-separated @line contain the field @field? */
static inline bool mqk_has_field(const char *line, const char *field)
{
	char tmp[1024], *tok, *save;

	snprintf(tmp, sizeof(tmp), "%s", line);
	for (tok = strtok_r(tmp, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save))
		if (!strcmp(tok, field))
			return true;
	return false;
}

/*
 * Create bulk queue "<bulk_prefix><i>" (see struct mqk; the teardown
 * unlinks it) exclusively, with @mode and @maxmsg x @msgsize.  Its fd
 * goes to *@keep when @keep is not NULL, else it is closed.  Returns 0
 * or -errno.
 */
static inline int mqk_bulk_create(struct mqk *k, unsigned long i, __u32 mode,
				  __u64 maxmsg, __u64 msgsize, int *keep)
{
	char name[MQK_NAME_SIZE];
	int fd, ret;

	snprintf(name, sizeof(name), "%s%lu", k->bulk_prefix, i);
	fd = mqk_open(O_RDWR);
	if (fd < 0)
		return fd;
	if (k->bulk_count < i + 1)
		k->bulk_count = i + 1;
	ret = mqk_bind(fd, name, MQLAB_BIND_CREATE | MQLAB_BIND_EXCL, mode,
		       maxmsg, msgsize);
	if (ret || !keep)
		close(fd);
	else
		*keep = fd;
	return ret;
}

/*
 * Fixture setup shared by every test: skip when the device is missing,
 * make the mode bits of created queues exact (umask 0), map a faulting
 * page for the EFAULT cases.
 *
 * The SKIP() statement jumps back into the harness: with the 6.1
 * harness a plain "return" from FIXTURE_SETUP() would still run the
 * test body.
 */
static inline void mqk_setup(struct __test_metadata *_metadata, struct mqk *k)
{
	int fd;

	memset(k, 0, sizeof(*k));
	fd = mqk_open(O_RDWR);
	if (fd == -ENOENT)
		SKIP(longjmp(_metadata->env, 1),
		     "%s missing (module mqueue_lab not loaded)",
		     MQLAB_DEVICE_PATH);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", MQLAB_DEVICE_PATH,
				strerror(-fd));
	close(fd);
	umask(0);
	k->badptr = mmap(NULL, getpagesize(), PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, k->badptr);
}

/* Kill and reap leftover children, unlink every queue the test named. */
static inline void mqk_teardown(struct mqk *k)
{
	char name[MQK_NAME_SIZE];
	unsigned long i;
	int j;

	for (j = 0; j < k->nkids; j++)
		kill(k->kids[j], SIGKILL);
	for (j = 0; j < k->nkids; j++)
		waitpid(k->kids[j], NULL, 0);
	k->nkids = 0;
	for (j = 0; j < k->nnames; j++)
		mqk_unlink(k->names[j]);
	for (i = 0; i < k->bulk_count; i++) {
		snprintf(name, sizeof(name), "%s%lu", k->bulk_prefix, i);
		mqk_unlink(name);
	}
	if (k->badptr && k->badptr != MAP_FAILED)
		munmap(k->badptr, getpagesize());
}

/*
 * The names of queues left by these tests (names starting "kst-") in
 * /proc/mqueue-lab, space-separated in @out.  Returns how many.
 */
static inline int mqk_proc_leftovers(char *out, size_t size)
{
	char buf[1024], *tok, *save;
	int lineno = 0, n = 0;
	size_t used = 0;
	FILE *f;

	out[0] = '\0';
	f = fopen(MQLAB_PROC_PATH, "re");
	if (!f)
		return -errno;
	while (fgets(buf, sizeof(buf), f)) {
		if (lineno++ == 0)
			continue;
		tok = strtok_r(buf, " \t\n", &save);
		if (!tok || strncmp(tok, "kst-", 4))
			continue;
		n++;
		if (used + strlen(tok) + 2 < size)
			used += snprintf(out + used, size - used, "%s ", tok);
	}
	fclose(f);
	return n;
}

#endif /* MQLAB_KST_H */
