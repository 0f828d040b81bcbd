// SPDX-License-Identifier: MIT
/*
 * POSIX message queue conformance test.
 *
 * Written against <mqueue.h> only, so that the same binary can be run on
 * the kernel's own POSIX message queues and, with
 * LD_PRELOAD=/usr/lib/libmqdev-posix.so, on /dev/mqueue-lab.  Both runs
 * must print the same lines: nothing that depends on pids, descriptor
 * numbers or timing is ever printed.
 *
 * Each case runs in a forked child (its own process group) so that a
 * hang, a stray signal or a leaked registration cannot spill over into
 * the next case; the parent bounds every case with a timeout and unlinks
 * the case's queues afterwards.
 *
 * Usage: mq_conformance           run all cases, print TAP
 *        mq_conformance --probe   print where a new queue's descriptor
 *                                 points (used by the VM script to prove
 *                                 that LD_PRELOAD took effect)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

#define NOBODY		65534	/* unprivileged uid/gid for permission tests */
#define NQ		8	/* queue names per case (index 0 .. NQ - 1) */
#define SMAX		4	/* maxmsg of the small test queues */
#define SSIZE		64	/* msgsize of the small test queues */
#define CASE_TIMEOUT_MS	20000	/* per case, generous for TCG */
#define CHILD_ALARM	15	/* seconds; bounds every helper process */
#define QUIET_MS	300	/* how long "no signal arrives" is watched */

static pid_t main_pid;
static int cur_case;
static char diag[512];

/* ---- diagnostics ------------------------------------------------------ */

static const char *ename(int e)
{
	const char *s;

	if (e == 0)
		return "success";
	s = strerrorname_np(e);
	return s ? s : "unknown errno";
}

/* Record the first failure of a case; always returns 0 (= failed). */
static int __printf(1, 2) fail(const char *fmt, ...)
{
	va_list ap;

	if (diag[0])
		return 0;
	va_start(ap, fmt);
	vsnprintf(diag, sizeof(diag), fmt, ap);
	va_end(ap);
	return 0;
}

static int want_err(const char *what, long rc, int err, int want)
{
	if (rc != -1)
		return fail("expected %s got success [%s]", ename(want), what);
	if (err != want)
		return fail("expected %s got %s [%s]", ename(want), ename(err),
			    what);
	return 1;
}

/* The call must fail with errno @want. */
#define CHECK_ERR(want, call) do {					\
	long rc_;							\
	errno = 0;							\
	rc_ = (long)(call);						\
	if (!want_err(#call, rc_, errno, (want)))			\
		return 0;						\
} while (0)

/* The call must succeed (not return -1); evaluates to its result. */
#define CHECK_OK(call) ({						\
	long rc_;							\
	errno = 0;							\
	rc_ = (long)(call);						\
	if (rc_ == -1)							\
		return fail("expected success got %s [%s]",		\
			    ename(errno), #call);			\
	rc_;								\
})

/* Two integer values must be equal. */
#define CHECK_EQ(what, want, got) do {					\
	long long w_ = (long long)(want), g_ = (long long)(got);	\
	if (w_ != g_)							\
		return fail("expected %s == %lld got %lld", (what),	\
			    w_, g_);					\
} while (0)

/* A condition that must hold; @exp and @got describe it. */
#define CHECK(cond, exp, got) do {					\
	if (!(cond))							\
		return fail("expected %s got %s", (exp), (got));	\
} while (0)

/* ---- queues ----------------------------------------------------------- */

#define NAME_LEN	64

static void qname(char *buf, int k)
{
	snprintf(buf, NAME_LEN, "/mqconf-%d-%d-%d", (int)main_pid, cur_case,
		 k);
}

/* A name of exactly @len bytes after the leading '/', unique per case. */
static char *long_name(int len)
{
	char *p = malloc(len + 2);
	int n;

	if (!p)
		abort();
	n = snprintf(p, len + 2, "/mqconf-%d-%d-L", (int)main_pid,
		     cur_case);
	memset(p + n, 'x', len + 1 - n);
	p[len + 1] = '\0';
	return p;
}

static mqd_t qopen_attr(int k, int oflag, mode_t mode, long maxmsg,
			long msgsize)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
	char name[NAME_LEN];

	qname(name, k);
	return mq_open(name, oflag, mode, &a);
}

/* A new small queue (SMAX x SSIZE), created exclusively, mode 0600. */
static mqd_t qnew(int k, int oflag)
{
	return qopen_attr(k, oflag | O_CREAT | O_EXCL, 0600, SMAX, SSIZE);
}

static mqd_t qopen(int k, int oflag)
{
	char name[NAME_LEN];

	qname(name, k);
	return mq_open(name, oflag);
}

static long curmsgs(mqd_t q)
{
	struct mq_attr a;

	if (mq_getattr(q, &a))
		return -1;
	return a.mq_curmsgs;
}

/* ---- time ------------------------------------------------------------- */

/* @ms milliseconds as a relative timespec. */
static struct timespec ms_ts(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	return t;
}

/* CLOCK_REALTIME @ms milliseconds from now, for the mq_timed* calls. */
static struct timespec rt_after(long ms)
{
	struct timespec t, d = ms_ts(ms);

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += d.tv_sec;
	t.tv_nsec += d.tv_nsec;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static int ts_reached(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return now.tv_sec > deadline->tv_sec ||
	       (now.tv_sec == deadline->tv_sec &&
		now.tv_nsec >= deadline->tv_nsec);
}

static void sleep_ms(long ms)
{
	struct timespec t = ms_ts(ms);

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

/* ---- processes -------------------------------------------------------- */

static void become_nobody(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		_exit(250);
}

/*
 * Run @fn(@arg) in a child (optionally as nobody) and return its exit
 * status (0..255), or -1 when it did not exit normally.
 */
static pid_t spawn(int (*fn)(void *), void *arg, int nobody)
{
	pid_t pid = fork();

	if (pid == 0) {
		alarm(CHILD_ALARM);
		if (nobody)
			become_nobody();
		_exit(fn(arg) & 0xff);
	}
	return pid;
}

static int reap(pid_t pid)
{
	int st;

	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int run_child(int (*fn)(void *), void *arg, int nobody)
{
	return reap(spawn(fn, arg, nobody));
}

/* Describe a child's exit status that is an errno value (0 = success). */
static const char *child_res(int st)
{
	if (st < 0)
		return "child died";
	if (st == 250)
		return "child could not become nobody";
	return ename(st);
}

/* A child's exit status @st must be errno @want (0 = success). */
static int child_is(int st, int want, const char *what)
{
	if (st != want)
		return fail("expected %s got %s [%s]", ename(want),
			    child_res(st), what);
	return 1;
}

/* The same inside a case: return 0 when it does not hold. */
#define CHECK_CHILD(want, what, st) do {				\
	if (!child_is((st), (want), (what)))				\
		return 0;						\
} while (0)

/* Wait until task @pid sleeps (state S), then a little more. */
static int wait_blocked(pid_t pid)
{
	char path[64], buf[512], *p;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (i = 0; i < 500; i++) {
		FILE *f = fopen(path, "r");
		size_t n = 0;

		if (f) {
			n = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
		}
		buf[n] = '\0';
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S') {
			sleep_ms(100);
			return 1;
		}
		sleep_ms(10);
	}
	return 0;
}

/* ---- signals ---------------------------------------------------------- */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	(void)sig;
	got_signal++;
}

static void set_handler(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void block_signal(int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

/* 1 when @sig arrives within @ms (info in @si), 0 otherwise. */
static int wait_signal(int sig, long ms, siginfo_t *si)
{
	struct timespec t = ms_ts(ms);
	siginfo_t dummy;
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	for (;;) {
		int r = sigtimedwait(&s, si ? si : &dummy, &t);

		if (r == sig)
			return 1;
		if (r < 0 && errno == EINTR)
			continue;
		return 0;
	}
}

static int sigev_register(mqd_t q, int sig, void *value)
{
	struct sigevent ev;

	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = sig;
	ev.sigev_value.sival_ptr = value;
	return mq_notify(q, &ev);
}

static int sigev_none(mqd_t q)
{
	struct sigevent ev;

	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_NONE;
	return mq_notify(q, &ev);
}

/*
 * A new small queue (qnew(0, O_RDWR)) with a SIGEV_SIGNAL registration of
 * this process for SIGUSR1, blocked so that wait_signal() can take it.
 * Returns -1 with errno set when either step fails.
 */
static mqd_t qnew_notified(void *value)
{
	mqd_t q;

	block_signal(SIGUSR1);
	q = qnew(0, O_RDWR);
	if (q == (mqd_t)-1 || sigev_register(q, SIGUSR1, value))
		return (mqd_t)-1;
	return q;
}

/* ---- child bodies (return 0 or an errno value) ------------------------ */

struct openarg {
	int k;
	int oflag;
};

static int c_open(void *p)
{
	struct openarg *a = p;
	mqd_t q = qopen(a->k, a->oflag);

	return q == (mqd_t)-1 ? errno : 0;
}

static int c_unlink(void *p)
{
	char name[NAME_LEN];

	qname(name, *(int *)p);
	return mq_unlink(name) ? errno : 0;
}

static int c_send(void *p)
{
	return mq_send(*(mqd_t *)p, "child", 5, 3) ? errno : 0;
}

static int c_send_nobody(void *p)
{
	become_nobody();
	return mq_send(*(mqd_t *)p, "n", 1, 1) ? errno : 0;
}

static int c_receive(void *p)
{
	char buf[SSIZE];
	unsigned int prio;
	ssize_t n = mq_receive(*(mqd_t *)p, buf, sizeof(buf), &prio);

	if (n < 0)
		return errno;
	return n == 6 && !memcmp(buf, "parent", 6) && prio == 2 ? 0 : 201;
}

/* Blocks (bounded) in mq_timedreceive; 0 if it gets "m". */
static int c_receive_m(void *p)
{
	struct timespec dl = rt_after(8000);
	char buf[SSIZE];
	ssize_t n = mq_timedreceive(*(mqd_t *)p, buf, sizeof(buf), NULL, &dl);

	if (n < 0)
		return errno;
	return n == 1 && buf[0] == 'm' ? 0 : 201;
}

static int c_notify_signal(void *p)
{
	return sigev_register(*(mqd_t *)p, SIGUSR2, NULL) ? errno : 0;
}

static int c_notify_none(void *p)
{
	return sigev_none(*(mqd_t *)p) ? errno : 0;
}

static int c_notify_null(void *p)
{
	return mq_notify(*(mqd_t *)p, NULL) ? errno : 0;
}

/* Open queue index *p by name and try to register there. */
static int c_open_notify(void *p)
{
	mqd_t q = qopen(*(int *)p, O_RDWR);

	if (q == (mqd_t)-1)
		return 200;
	return sigev_register(q, SIGUSR2, NULL) ? errno : 0;
}

/* Signal the parent with SIGUSR1 once it is blocked. */
static int c_kick_parent(void *p)
{
	(void)p;
	if (!wait_blocked(getppid()))
		return 202;
	kill(getppid(), SIGUSR1);
	return 0;
}

/* Signal the parent once blocked, wait, then send it "late". */
static int c_kick_then_send(void *p)
{
	if (!wait_blocked(getppid()))
		return 202;
	kill(getppid(), SIGUSR1);
	sleep_ms(200);
	if (!wait_blocked(getppid()))
		return 202;
	return mq_send(*(mqd_t *)p, "late", 4, 0) ? errno : 0;
}

/* Receive one message once the parent is blocked; 0 if it is "1". */
static int c_receive_when_blocked(void *p)
{
	char buf[SSIZE];

	if (!wait_blocked(getppid()))
		return 202;
	if (mq_receive(*(mqd_t *)p, buf, sizeof(buf), NULL) != 1)
		return errno ? errno : 201;
	return buf[0] == '1' ? 0 : 201;
}

/* Send "m" once the parent is blocked. */
static int c_send_when_blocked(void *p)
{
	if (!wait_blocked(getppid()))
		return 202;
	return mq_send(*(mqd_t *)p, "m", 1, 0) ? errno : 0;
}

/* ---- cases: names and defaults ---------------------------------------- */

static int t_no_slash(void)
{
	char name[NAME_LEN];
	struct mq_attr a = { .mq_maxmsg = SMAX, .mq_msgsize = SSIZE };

	qname(name, 0);
	CHECK_ERR(EINVAL, mq_open(name + 1, O_RDWR | O_CREAT, 0600, &a));
	CHECK_ERR(EINVAL, mq_open(name + 1, O_RDWR));
	return 1;
}

static int t_name_255(void)
{
	char *name = long_name(NAME_MAX);
	struct mq_attr a = { .mq_maxmsg = SMAX, .mq_msgsize = SSIZE };
	char buf[SSIZE];
	mqd_t q, q2;

	q = CHECK_OK(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &a));
	q2 = CHECK_OK(mq_open(name, O_RDWR));
	CHECK_OK(mq_send(q, "abc", 3, 0));
	CHECK_EQ("mq_receive via second open", 3,
		 CHECK_OK(mq_receive(q2, buf, sizeof(buf), NULL)));
	CHECK_OK(mq_unlink(name));
	CHECK_ERR(ENOENT, mq_open(name, O_RDWR));
	return 1;
}

static int t_name_256(void)
{
	char *name = long_name(NAME_MAX + 1);
	char *huge = long_name(PATH_MAX + 16);
	struct mq_attr a = { .mq_maxmsg = SMAX, .mq_msgsize = SSIZE };

	CHECK_ERR(ENAMETOOLONG, mq_open(name, O_RDWR | O_CREAT, 0600, &a));
	CHECK_ERR(ENAMETOOLONG, mq_open(name, O_RDWR));
	CHECK_ERR(ENAMETOOLONG, mq_unlink(name));
	CHECK_ERR(ENAMETOOLONG, mq_open(huge, O_RDWR | O_CREAT, 0600, &a));
	return 1;
}

static int t_inner_slash(void)
{
	char name[NAME_LEN + 8];
	struct mq_attr a = { .mq_maxmsg = SMAX, .mq_msgsize = SSIZE };

	qname(name, 0);
	strcat(name, "/sub");
	CHECK_ERR(EACCES, mq_open(name, O_RDWR | O_CREAT, 0600, &a));
	CHECK_ERR(EACCES, mq_open(name, O_RDWR));
	return 1;
}

static int t_dot_names(void)
{
	struct mq_attr a = { .mq_maxmsg = SMAX, .mq_msgsize = SSIZE };

	/* "/" is an empty path (ENOENT); "." and ".." are not names */
	CHECK_ERR(ENOENT, mq_open("/", O_RDWR | O_CREAT, 0600, &a));
	CHECK_ERR(ENOENT, mq_open("/", O_RDWR));
	CHECK_ERR(ENOENT, mq_unlink("/"));
	CHECK_ERR(EACCES, mq_open("/.", O_RDWR | O_CREAT, 0600, &a));
	CHECK_ERR(EACCES, mq_open("/..", O_RDWR | O_CREAT, 0600, &a));
	CHECK_ERR(EACCES, mq_open("/..", O_RDWR));
	CHECK_ERR(EACCES, mq_unlink("/."));
	return 1;
}

static int t_excl(void)
{
	CHECK_OK(qnew(0, O_RDWR));
	CHECK_ERR(EEXIST, qnew(0, O_RDWR));
	CHECK_ERR(EEXIST, qnew(0, O_RDONLY));
	return 1;
}

static int t_missing(void)
{
	CHECK_ERR(ENOENT, qopen(0, O_RDWR));
	CHECK_ERR(ENOENT, qopen(0, O_RDONLY | O_EXCL));
	return 1;
}

static int t_excl_no_creat(void)
{
	CHECK_OK(qnew(0, O_RDWR));
	CHECK_OK(qopen(0, O_RDWR | O_EXCL));
	return 1;
}

/* Try @oflag on queue @k as nobody; the result must be @want. */
static int nobody_try(int k, int oflag, int want, const char *what)
{
	struct openarg a = { k, oflag };

	return child_is(run_child(c_open, &a, 1), want, what);
}

static int t_mode_deny(void)
{
	umask(0);
	CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT, 0600, SMAX, SSIZE));
	if (!nobody_try(0, O_RDONLY, EACCES, "nobody O_RDONLY on 0600") ||
	    !nobody_try(0, O_WRONLY, EACCES, "nobody O_WRONLY on 0600") ||
	    !nobody_try(0, O_RDWR, EACCES, "nobody O_RDWR on 0600"))
		return 0;
	return 1;
}

static int t_mode_allow(void)
{
	umask(0);
	CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT, 0604, SMAX, SSIZE));
	CHECK_OK(qopen_attr(1, O_RDWR | O_CREAT, 0602, SMAX, SSIZE));
	if (!nobody_try(0, O_RDONLY, 0, "nobody O_RDONLY on 0604") ||
	    !nobody_try(0, O_WRONLY, EACCES, "nobody O_WRONLY on 0604") ||
	    !nobody_try(0, O_RDWR, EACCES, "nobody O_RDWR on 0604") ||
	    !nobody_try(1, O_WRONLY, 0, "nobody O_WRONLY on 0602") ||
	    !nobody_try(1, O_RDONLY, EACCES, "nobody O_RDONLY on 0602"))
		return 0;
	return 1;
}

static int t_umask(void)
{
	umask(022);
	CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT, 0666, SMAX, SSIZE));
	umask(0);
	CHECK_OK(qopen_attr(1, O_RDWR | O_CREAT, 0666, SMAX, SSIZE));
	if (!nobody_try(0, O_RDONLY, 0, "nobody O_RDONLY, 0666 & ~022") ||
	    !nobody_try(0, O_WRONLY, EACCES,
			"nobody O_WRONLY, 0666 & ~022") ||
	    !nobody_try(1, O_RDWR, 0, "nobody O_RDWR, 0666 & ~0"))
		return 0;
	return 1;
}

static long read_long(const char *path, long dflt)
{
	FILE *f = fopen(path, "r");
	long v;

	if (!f)
		return dflt;
	if (fscanf(f, "%ld", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

static int t_defaults(void)
{
	long maxmsg = read_long("/proc/sys/fs/mqueue/msg_default", 10);
	long msgsize = read_long("/proc/sys/fs/mqueue/msgsize_default", 8192);
	char name[NAME_LEN];
	struct mq_attr a;
	mqd_t q;

	qname(name, 0);
	q = CHECK_OK(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL));
	CHECK_OK(mq_getattr(q, &a));
	CHECK_EQ("mq_maxmsg (msg_default)", maxmsg, a.mq_maxmsg);
	CHECK_EQ("mq_msgsize (msgsize_default)", msgsize, a.mq_msgsize);
	CHECK_EQ("mq_curmsgs", 0, a.mq_curmsgs);
	CHECK_EQ("mq_flags", 0, a.mq_flags);
	return 1;
}

/* ---- the fs.mqueue sysctls and RLIMIT_MSGQUEUE ------------------------ */

#define SYSCTL(n)	"/proc/sys/fs/mqueue/" n

static const char *const mq_sysctls[] = {
	SYSCTL("msg_max"), SYSCTL("msgsize_max"), SYSCTL("msg_default"),
	SYSCTL("msgsize_default"), SYSCTL("queues_max"),
};

static int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return 0;
	ok = fprintf(f, "%ld\n", v) > 0;
	return !fclose(f) && ok;
}

/* Run @fn with the sysctls set as it sets them, then restore them all. */
static int with_sysctls(int (*fn)(void))
{
	long saved[ARRAY_SIZE(mq_sysctls)];
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(mq_sysctls); i++)
		saved[i] = read_long(mq_sysctls[i], -1);
	ret = fn();
	for (i = 0; i < ARRAY_SIZE(mq_sysctls); i++)
		if (saved[i] > 0)
			write_long(mq_sysctls[i], saved[i]);
	return ret;
}

#define SET_SYSCTL(n, v)						\
	CHECK(write_long(SYSCTL(n), (v)), "writing " n, "a failure")

/* The attributes of a new queue @k opened without attributes. */
static int null_attr_is(int k, long maxmsg, long msgsize)
{
	char name[NAME_LEN];
	struct mq_attr a;
	mqd_t q;

	qname(name, k);
	q = CHECK_OK(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL));
	CHECK_OK(mq_getattr(q, &a));
	CHECK_EQ("mq_maxmsg", maxmsg, a.mq_maxmsg);
	CHECK_EQ("mq_msgsize", msgsize, a.mq_msgsize);
	return 1;
}

static int sysctl_defaults(void)
{
	SET_SYSCTL("msg_max", 10);
	SET_SYSCTL("msgsize_max", 8192);
	SET_SYSCTL("msg_default", 5);
	SET_SYSCTL("msgsize_default", 200);
	if (!null_attr_is(0, 5, 200))
		return 0;
	/* a default above the maximum is cut to the maximum */
	SET_SYSCTL("msg_max", 12);
	SET_SYSCTL("msgsize_max", 5000);
	SET_SYSCTL("msg_default", 20);
	SET_SYSCTL("msgsize_default", 9000);
	return null_attr_is(1, 12, 5000);
}

static int t_sysctl_defaults(void)
{
	return with_sysctls(sysctl_defaults);
}

/* In a child: create queue @k with @maxmsg x @msgsize; the errno. */
struct attr_try {
	int k;
	long maxmsg, msgsize;
};

static int c_create(void *arg)
{
	const struct attr_try *t = arg;
	mqd_t q = qopen_attr(t->k, O_RDWR | O_CREAT | O_EXCL, 0600, t->maxmsg,
			     t->msgsize);

	return q == (mqd_t)-1 ? errno : 0;
}

static int nobody_creates(int k, long maxmsg, long msgsize, int want)
{
	struct attr_try t = { k, maxmsg, msgsize };

	CHECK_CHILD(want, "mq_open O_CREAT as nobody",
		    run_child(c_create, &t, 1));
	return 1;
}

static int sysctl_max(void)
{
	SET_SYSCTL("msg_max", 6);
	SET_SYSCTL("msgsize_max", 200);
	if (!nobody_creates(0, 7, SSIZE, EINVAL) ||
	    !nobody_creates(0, 6, 201, EINVAL) ||
	    !nobody_creates(0, 6, 200, 0))
		return 0;
	/* CAP_SYS_RESOURCE may go above them */
	CHECK_OK(qopen_attr(1, O_RDWR | O_CREAT | O_EXCL, 0600, 7, 201));
	return 1;
}

static int t_sysctl_max(void)
{
	return with_sysctls(sysctl_max);
}

/*
 * In a child: RLIMIT_MSGQUEUE of 3 small queues, as the kernel counts
 * them; queues *@arg to *@arg + 3.
 */
static int c_rlimit(void *arg)
{
	/* payload, a struct msg_msg and a priority tree node per message */
	long lim = 3 * (SMAX * SSIZE + SMAX * 48 + SMAX * 48);
	struct rlimit rl = { lim, lim };
	int k, first = *(int *)arg;

	if (setrlimit(RLIMIT_MSGQUEUE, &rl))
		return 251;
	for (k = first; k < first + 3; k++)
		if (qnew(k, O_RDWR) == (mqd_t)-1)
			return 252;
	return qnew(first + 3, O_RDWR) == (mqd_t)-1 ? errno : 0;
}

static int t_rlimit(void)
{
	int first = 0;

	CHECK_CHILD(EMFILE, "4th queue over RLIMIT_MSGQUEUE, as nobody",
		    run_child(c_rlimit, &first, 1));
	first = 4;
	CHECK_CHILD(EMFILE, "4th queue over RLIMIT_MSGQUEUE, as root",
		    run_child(c_rlimit, &first, 0));
	return 1;
}

static int queues_max(void)
{
	SET_SYSCTL("queues_max", 3);
	if (!nobody_creates(0, SMAX, SSIZE, 0) ||
	    !nobody_creates(1, SMAX, SSIZE, 0) ||
	    !nobody_creates(2, SMAX, SSIZE, 0) ||
	    !nobody_creates(3, SMAX, SSIZE, ENOSPC))
		return 0;
	/* CAP_SYS_RESOURCE may go above it */
	CHECK_OK(qnew(3, O_RDWR));
	return 1;
}

static int t_queues_max(void)
{
	return with_sysctls(queues_max);
}

static int bad_attr(long maxmsg, long msgsize)
{
	CHECK_ERR(EINVAL, qopen_attr(0, O_RDWR | O_CREAT, 0600, maxmsg,
				     msgsize));
	CHECK_ERR(ENOENT, qopen(0, O_RDWR));
	return 1;
}

static int t_attr_maxmsg_0(void)
{
	return bad_attr(0, SSIZE);
}

static int t_attr_maxmsg_neg(void)
{
	return bad_attr(-1, SSIZE) && bad_attr(LONG_MIN, SSIZE);
}

static int t_attr_msgsize_0(void)
{
	return bad_attr(SMAX, 0);
}

static int t_attr_msgsize_neg(void)
{
	return bad_attr(SMAX, -1) && bad_attr(SMAX, LONG_MIN);
}

static int t_attr_existing(void)
{
	struct mq_attr a;
	mqd_t q;

	CHECK_OK(qnew(0, O_RDWR));
	q = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT, 0600, 7, 100));
	CHECK_OK(mq_getattr(q, &a));
	CHECK_EQ("mq_maxmsg after reopen with other attr", SMAX,
		 a.mq_maxmsg);
	CHECK_EQ("mq_msgsize after reopen with other attr", SSIZE,
		 a.mq_msgsize);
	q = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT, 0600, 0, -1));
	CHECK_OK(mq_getattr(q, &a));
	CHECK_EQ("mq_maxmsg after reopen with invalid attr", SMAX,
		 a.mq_maxmsg);
	return 1;
}

static int t_getattr_created(void)
{
	struct mq_attr a;
	mqd_t q;

	q = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT | O_EXCL, 0600, 3, 100));
	CHECK_OK(mq_getattr(q, &a));
	CHECK_EQ("mq_maxmsg", 3, a.mq_maxmsg);
	CHECK_EQ("mq_msgsize", 100, a.mq_msgsize);
	CHECK_EQ("mq_flags", 0, a.mq_flags);
	q = CHECK_OK(qopen(0, O_RDONLY | O_NONBLOCK));
	CHECK_OK(mq_getattr(q, &a));
	CHECK_EQ("mq_flags of O_NONBLOCK open", O_NONBLOCK, a.mq_flags);
	return 1;
}

/* ---- cases: access and ordering --------------------------------------- */

static int t_rdonly(void)
{
	char buf[SSIZE];
	mqd_t w, r;

	w = CHECK_OK(qnew(0, O_WRONLY));
	r = CHECK_OK(qopen(0, O_RDONLY | O_NONBLOCK));
	CHECK_ERR(EBADF, mq_send(r, "x", 1, 0));
	CHECK_ERR(EAGAIN, mq_receive(r, buf, sizeof(buf), NULL));
	CHECK_OK(mq_send(w, "x", 1, 0));
	CHECK_EQ("mq_receive on O_RDONLY", 1,
		 CHECK_OK(mq_receive(r, buf, sizeof(buf), NULL)));
	return 1;
}

static int t_wronly(void)
{
	char buf[SSIZE];
	mqd_t w;

	w = CHECK_OK(qnew(0, O_WRONLY | O_NONBLOCK));
	CHECK_ERR(EBADF, mq_receive(w, buf, sizeof(buf), NULL));
	CHECK_OK(mq_send(w, "x", 1, 0));
	CHECK_ERR(EBADF, mq_receive(w, buf, sizeof(buf), NULL));
	CHECK_EQ("mq_curmsgs", 1, curmsgs(w));
	return 1;
}

static int t_rdwr(void)
{
	char buf[SSIZE];
	unsigned int prio = 99;
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR));
	CHECK_OK(mq_send(q, "hello", 5, 7));
	CHECK_EQ("message length", 5,
		 CHECK_OK(mq_receive(q, buf, sizeof(buf), &prio)));
	CHECK(!memcmp(buf, "hello", 5), "\"hello\"", "other bytes");
	CHECK_EQ("priority", 7, prio);
	return 1;
}

static int t_send_emsgsize(void)
{
	char buf[SSIZE + 1] = { 0 };
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR | O_NONBLOCK));
	CHECK_ERR(EMSGSIZE, mq_send(q, buf, SSIZE + 1, 0));
	CHECK_EQ("mq_curmsgs", 0, curmsgs(q));
	CHECK_OK(mq_send(q, buf, SSIZE, 0));
	return 1;
}

static int t_recv_emsgsize(void)
{
	char buf[1024];
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR | O_NONBLOCK));
	/* checked against mq_msgsize, even on an empty queue */
	CHECK_ERR(EMSGSIZE, mq_receive(q, buf, SSIZE - 1, NULL));
	CHECK_ERR(EMSGSIZE, mq_receive(q, buf, 0, NULL));
	CHECK_OK(mq_send(q, "a", 1, 0));
	CHECK_ERR(EMSGSIZE, mq_receive(q, buf, SSIZE - 1, NULL));
	CHECK_EQ("mq_curmsgs after EMSGSIZE", 1, curmsgs(q));
	CHECK_EQ("receive with msg_len == mq_msgsize", 1,
		 CHECK_OK(mq_receive(q, buf, SSIZE, NULL)));
	CHECK_OK(mq_send(q, "bc", 2, 0));
	CHECK_EQ("receive with msg_len > mq_msgsize", 2,
		 CHECK_OK(mq_receive(q, buf, sizeof(buf), NULL)));
	return 1;
}

static int t_order(void)
{
	static const struct { const char *m; unsigned int prio; } in[] = {
		{ "a", 1 }, { "b", 5 }, { "c", 1 }, { "d", 5 },
		{ "e", 0 }, { "f", 9 }, { "g", 0 }, { "h", 5 },
	};
	static const char out[] = "fbdhacegX";
	char buf[SSIZE], exp[32], got[32];
	unsigned int prio;
	size_t i;
	mqd_t q;

	q = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK,
				0600, 8, SSIZE));
	for (i = 0; i < 8; i++)
		CHECK_OK(mq_send(q, in[i].m, 1, in[i].prio));
	for (i = 0; i < 8; i++) {
		CHECK_EQ("message length", 1,
			 CHECK_OK(mq_receive(q, buf, sizeof(buf), &prio)));
		snprintf(exp, sizeof(exp), "message %zu = %c", i, out[i]);
		snprintf(got, sizeof(got), "%c (prio %u)", buf[0], prio);
		CHECK(buf[0] == out[i], exp, got);
	}
	CHECK_ERR(EAGAIN, mq_receive(q, buf, sizeof(buf), NULL));
	return 1;
}

static int t_prio_max(void)
{
	long pmax = sysconf(_SC_MQ_PRIO_MAX);
	char buf[SSIZE];
	unsigned int prio;
	mqd_t q;

	CHECK(pmax >= 32, "sysconf(_SC_MQ_PRIO_MAX) >= 32", "less");
	q = CHECK_OK(qnew(0, O_RDWR | O_NONBLOCK));
	CHECK_OK(mq_send(q, "lo", 2, 0));
	CHECK_OK(mq_send(q, "hi", 2, pmax - 1));
	CHECK_ERR(EINVAL, mq_send(q, "no", 2, pmax));
	CHECK_ERR(EINVAL, mq_send(q, "no", 2, UINT_MAX));
	CHECK_EQ("mq_curmsgs", 2, curmsgs(q));
	CHECK_OK(mq_receive(q, buf, sizeof(buf), &prio));
	CHECK_EQ("priority of first message", pmax - 1, prio);
	CHECK(!memcmp(buf, "hi", 2), "\"hi\" first", "other message");
	return 1;
}

static int t_zero_len(void)
{
	char buf[SSIZE];
	unsigned int prio = 0;
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR | O_NONBLOCK));
	CHECK_OK(mq_send(q, buf, 0, 4));
	CHECK_EQ("mq_curmsgs", 1, curmsgs(q));
	CHECK_EQ("received length", 0,
		 CHECK_OK(mq_receive(q, buf, sizeof(buf), &prio)));
	CHECK_EQ("priority", 4, prio);
	return 1;
}

/* ---- cases: blocking and timeouts ------------------------------------- */

static int t_nonblock_full(void)
{
	mqd_t q;

	q = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK,
				0600, 2, SSIZE));
	CHECK_OK(mq_send(q, "1", 1, 0));
	CHECK_OK(mq_send(q, "2", 1, 0));
	CHECK_ERR(EAGAIN, mq_send(q, "3", 1, 0));
	CHECK_ERR(EAGAIN, mq_send(q, "3", 1, 31));
	CHECK_EQ("mq_curmsgs", 2, curmsgs(q));
	return 1;
}

static int t_nonblock_empty(void)
{
	char buf[SSIZE];
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDONLY | O_NONBLOCK));
	CHECK_ERR(EAGAIN, mq_receive(q, buf, sizeof(buf), NULL));
	return 1;
}

static int t_setattr_toggle(void)
{
	struct mq_attr nw = { 0 }, old, a;
	struct timespec dl;
	char buf[SSIZE];
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR));
	CHECK_OK(mq_send(q, "x", 1, 0));
	nw.mq_flags = O_NONBLOCK;
	memset(&old, 0x55, sizeof(old));
	CHECK_OK(mq_setattr(q, &nw, &old));
	CHECK_EQ("old mq_flags", 0, old.mq_flags);
	CHECK_EQ("old mq_maxmsg", SMAX, old.mq_maxmsg);
	CHECK_EQ("old mq_msgsize", SSIZE, old.mq_msgsize);
	CHECK_EQ("old mq_curmsgs", 1, old.mq_curmsgs);
	CHECK_OK(mq_getattr(q, &a));
	CHECK_EQ("mq_flags after set", O_NONBLOCK, a.mq_flags);
	CHECK_OK(mq_receive(q, buf, sizeof(buf), NULL));
	CHECK_ERR(EAGAIN, mq_receive(q, buf, sizeof(buf), NULL));
	nw.mq_flags = 0;
	CHECK_OK(mq_setattr(q, &nw, &old));
	CHECK_EQ("old mq_flags", O_NONBLOCK, old.mq_flags);
	CHECK_EQ("old mq_curmsgs", 0, old.mq_curmsgs);
	CHECK_OK(mq_getattr(q, &a));
	CHECK_EQ("mq_flags after clear", 0, a.mq_flags);
	dl = rt_after(100);
	CHECK_ERR(ETIMEDOUT, mq_timedreceive(q, buf, sizeof(buf), NULL, &dl));
	nw.mq_flags = O_NONBLOCK;
	CHECK_OK(mq_setattr(q, &nw, NULL));
	CHECK_ERR(EAGAIN, mq_receive(q, buf, sizeof(buf), NULL));
	return 1;
}

static int t_getattr_curmsgs(void)
{
	char buf[SSIZE];
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR | O_NONBLOCK));
	CHECK_EQ("mq_curmsgs of new queue", 0, curmsgs(q));
	CHECK_OK(mq_send(q, "1", 1, 0));
	CHECK_OK(mq_send(q, "2", 1, 0));
	CHECK_OK(mq_send(q, "3", 1, 0));
	CHECK_EQ("mq_curmsgs after 3 sends", 3, curmsgs(q));
	CHECK_OK(mq_receive(q, buf, sizeof(buf), NULL));
	CHECK_EQ("mq_curmsgs after 1 receive", 2, curmsgs(q));
	return 1;
}

static int t_setattr_ignores(void)
{
	struct mq_attr nw = { .mq_flags = 0, .mq_maxmsg = 99,
			      .mq_msgsize = 999, .mq_curmsgs = 5 };
	struct mq_attr a;
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR));
	CHECK_OK(mq_setattr(q, &nw, NULL));
	CHECK_OK(mq_getattr(q, &a));
	CHECK_EQ("mq_maxmsg", SMAX, a.mq_maxmsg);
	CHECK_EQ("mq_msgsize", SSIZE, a.mq_msgsize);
	CHECK_EQ("mq_curmsgs", 0, a.mq_curmsgs);
	CHECK_EQ("mq_flags", 0, a.mq_flags);
	return 1;
}

static int t_setattr_badflags(void)
{
	struct mq_attr nw = { .mq_flags = O_NONBLOCK | O_APPEND };
	struct mq_attr a;
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR));
	CHECK_ERR(EINVAL, mq_setattr(q, &nw, NULL));
	CHECK_OK(mq_getattr(q, &a));
	CHECK_EQ("mq_flags unchanged", 0, a.mq_flags);
	return 1;
}

static int t_timedreceive(void)
{
	struct timespec dl;
	char buf[SSIZE];
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR));
	dl = rt_after(200);
	CHECK_ERR(ETIMEDOUT, mq_timedreceive(q, buf, sizeof(buf), NULL, &dl));
	CHECK(ts_reached(&dl), "return after the deadline", "early return");
	return 1;
}

static int t_timedsend(void)
{
	struct timespec dl;
	mqd_t q;

	q = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT | O_EXCL, 0600, 1, SSIZE));
	CHECK_OK(mq_send(q, "1", 1, 0));
	dl = rt_after(200);
	CHECK_ERR(ETIMEDOUT, mq_timedsend(q, "2", 1, 0, &dl));
	CHECK(ts_reached(&dl), "return after the deadline", "early return");
	CHECK_EQ("mq_curmsgs", 1, curmsgs(q));
	return 1;
}

static int t_timed_past(void)
{
	struct timespec dl = { 1, 0 };
	char buf[SSIZE];
	mqd_t q;

	q = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT | O_EXCL, 0600, 1, SSIZE));
	CHECK_ERR(ETIMEDOUT, mq_timedreceive(q, buf, sizeof(buf), NULL, &dl));
	CHECK_OK(mq_timedsend(q, "1", 1, 0, &dl));
	CHECK_ERR(ETIMEDOUT, mq_timedsend(q, "2", 1, 0, &dl));
	CHECK_EQ("received length", 1,
		 CHECK_OK(mq_timedreceive(q, buf, sizeof(buf), NULL, &dl)));
	return 1;
}

static int t_timed_arrives(void)
{
	struct timespec dl = rt_after(8000);
	char buf[SSIZE];
	pid_t pid;
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR));
	pid = spawn(c_send_when_blocked, &q, 0);
	CHECK_EQ("received length", 1,
		 CHECK_OK(mq_timedreceive(q, buf, sizeof(buf), NULL, &dl)));
	CHECK_CHILD(0, "sender", reap(pid));
	return 1;
}

static int t_send_unblocks(void)
{
	struct timespec dl = rt_after(8000);
	char buf[SSIZE];
	pid_t pid;
	mqd_t q;

	q = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT | O_EXCL, 0600, 1, SSIZE));
	CHECK_OK(mq_send(q, "1", 1, 0));
	pid = spawn(c_receive_when_blocked, &q, 0);
	CHECK_OK(mq_timedsend(q, "2", 1, 0, &dl));
	CHECK_CHILD(0, "receiver got the first message", reap(pid));
	CHECK_EQ("mq_curmsgs", 1, curmsgs(q));
	CHECK_OK(mq_receive(q, buf, sizeof(buf), NULL));
	CHECK(buf[0] == '2', "\"2\" queued", "other message");
	return 1;
}

/* Deadlines a second ahead with tv_nsec too big and negative. */
static void bad_deadlines(struct timespec *big, struct timespec *neg)
{
	*big = rt_after(1000);
	big->tv_nsec = 1000000000L;
	*neg = rt_after(1000);
	neg->tv_nsec = -1;
}

static int t_bad_nsec_block(void)
{
	struct timespec big, neg;
	char buf[SSIZE];
	mqd_t q;

	q = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT | O_EXCL, 0600, 1, SSIZE));
	bad_deadlines(&big, &neg);
	/* receive on an empty queue would block */
	CHECK_ERR(EINVAL, mq_timedreceive(q, buf, sizeof(buf), NULL, &big));
	CHECK_ERR(EINVAL, mq_timedreceive(q, buf, sizeof(buf), NULL, &neg));
	/* send on a full queue would block */
	CHECK_OK(mq_send(q, "1", 1, 0));
	CHECK_ERR(EINVAL, mq_timedsend(q, "2", 1, 0, &big));
	CHECK_ERR(EINVAL, mq_timedsend(q, "2", 1, 0, &neg));
	CHECK_EQ("mq_curmsgs", 1, curmsgs(q));
	return 1;
}

static int t_bad_nsec_ready(void)
{
	struct timespec big, neg;
	char buf[SSIZE];
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR));
	bad_deadlines(&big, &neg);
	/* Linux validates the timeout before looking at the queue */
	CHECK_ERR(EINVAL, mq_timedsend(q, "1", 1, 0, &big));
	CHECK_ERR(EINVAL, mq_timedsend(q, "1", 1, 0, &neg));
	CHECK_EQ("mq_curmsgs after rejected sends", 0, curmsgs(q));
	CHECK_OK(mq_send(q, "1", 1, 0));
	CHECK_ERR(EINVAL, mq_timedreceive(q, buf, sizeof(buf), NULL, &big));
	CHECK_ERR(EINVAL, mq_timedreceive(q, buf, sizeof(buf), NULL, &neg));
	CHECK_EQ("mq_curmsgs after rejected receives", 1, curmsgs(q));
	return 1;
}

static int t_bad_nsec_nonblock(void)
{
	struct timespec big = rt_after(1000);
	char buf[SSIZE];
	mqd_t q;

	big.tv_nsec = 1000000000L;
	q = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK,
				0600, 1, SSIZE));
	CHECK_ERR(EINVAL, mq_timedreceive(q, buf, sizeof(buf), NULL, &big));
	CHECK_OK(mq_send(q, "1", 1, 0));
	CHECK_ERR(EINVAL, mq_timedsend(q, "2", 1, 0, &big));
	return 1;
}

static int t_neg_sec(void)
{
	struct timespec neg = { -1, 0 };
	char buf[SSIZE];
	mqd_t q;

	q = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT | O_EXCL, 0600, 1, SSIZE));
	CHECK_ERR(EINVAL, mq_timedreceive(q, buf, sizeof(buf), NULL, &neg));
	CHECK_OK(mq_send(q, "1", 1, 0));
	CHECK_ERR(EINVAL, mq_timedsend(q, "2", 1, 0, &neg));
	return 1;
}

static int t_eintr_receive(void)
{
	char buf[SSIZE];
	pid_t pid;
	mqd_t q;

	set_handler(SIGUSR1, 0);
	q = CHECK_OK(qnew(0, O_RDWR));
	pid = spawn(c_kick_parent, NULL, 0);
	CHECK_ERR(EINTR, mq_receive(q, buf, sizeof(buf), NULL));
	CHECK_CHILD(0, "signaller", reap(pid));
	CHECK_EQ("handler calls", 1, got_signal);
	return 1;
}

static int t_eintr_send(void)
{
	pid_t pid;
	mqd_t q;

	set_handler(SIGUSR1, 0);
	q = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT | O_EXCL, 0600, 1, SSIZE));
	CHECK_OK(mq_send(q, "1", 1, 0));
	pid = spawn(c_kick_parent, NULL, 0);
	CHECK_ERR(EINTR, mq_send(q, "2", 1, 0));
	CHECK_CHILD(0, "signaller", reap(pid));
	CHECK_EQ("handler calls", 1, got_signal);
	CHECK_EQ("mq_curmsgs", 1, curmsgs(q));
	return 1;
}

static int t_restart(void)
{
	char buf[SSIZE];
	pid_t pid;
	mqd_t q;

	set_handler(SIGUSR1, SA_RESTART);
	q = CHECK_OK(qnew(0, O_RDWR));
	pid = spawn(c_kick_then_send, &q, 0);
	CHECK_EQ("received length", 4,
		 CHECK_OK(mq_receive(q, buf, sizeof(buf), NULL)));
	CHECK_CHILD(0, "signaller", reap(pid));
	CHECK_EQ("handler calls", 1, got_signal);
	CHECK(!memcmp(buf, "late", 4), "\"late\"", "other bytes");
	return 1;
}

/* ---- cases: unlink ---------------------------------------------------- */

static int t_unlink_survives(void)
{
	char name[NAME_LEN], buf[SSIZE];
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR | O_NONBLOCK));
	CHECK_OK(mq_send(q, "old", 3, 0));
	qname(name, 0);
	CHECK_OK(mq_unlink(name));
	CHECK_OK(mq_send(q, "new", 3, 0));
	CHECK_EQ("mq_curmsgs", 2, curmsgs(q));
	CHECK_EQ("length", 3, CHECK_OK(mq_receive(q, buf, sizeof(buf), NULL)));
	CHECK(!memcmp(buf, "old", 3), "\"old\"", "other bytes");
	CHECK_EQ("length", 3, CHECK_OK(mq_receive(q, buf, sizeof(buf), NULL)));
	CHECK(!memcmp(buf, "new", 3), "\"new\"", "other bytes");
	return 1;
}

static int t_unlink_enoent(void)
{
	char name[NAME_LEN];
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR));
	qname(name, 0);
	CHECK_OK(mq_unlink(name));
	CHECK_ERR(ENOENT, qopen(0, O_RDWR));
	CHECK_ERR(ENOENT, mq_unlink(name));
	CHECK_OK(mq_send(q, "x", 1, 0));
	return 1;
}

static int t_unlink_recreate(void)
{
	char name[NAME_LEN], buf[SSIZE];
	struct mq_attr a;
	mqd_t q, q2;

	q = CHECK_OK(qnew(0, O_RDWR | O_NONBLOCK));
	CHECK_OK(mq_send(q, "old", 3, 0));
	qname(name, 0);
	CHECK_OK(mq_unlink(name));
	q2 = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK,
				 0600, 2, 32));
	CHECK_OK(mq_getattr(q2, &a));
	CHECK_EQ("new queue mq_curmsgs", 0, a.mq_curmsgs);
	CHECK_EQ("new queue mq_maxmsg", 2, a.mq_maxmsg);
	CHECK_ERR(EAGAIN, mq_receive(q2, buf, sizeof(buf), NULL));
	CHECK_OK(mq_send(q2, "n", 1, 0));
	CHECK_EQ("old queue mq_curmsgs", 1, curmsgs(q));
	CHECK_EQ("length from old queue", 3,
		 CHECK_OK(mq_receive(q, buf, sizeof(buf), NULL)));
	return 1;
}

static int t_unlink_misc(void)
{
	char name[NAME_LEN];

	qname(name, 0);
	CHECK_ERR(ENOENT, mq_unlink(name));
	CHECK_OK(qnew(0, O_RDWR));
	CHECK_ERR(EINVAL, mq_unlink(name + 1));
	CHECK_OK(mq_unlink(name));
	return 1;
}

static int t_unlink_other_user(void)
{
	int k = 0;

	umask(0);
	CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT | O_EXCL, 0666, SMAX, SSIZE));
	CHECK_CHILD(EACCES, "mq_unlink as nobody", run_child(c_unlink, &k, 1));
	CHECK_OK(qopen(0, O_RDWR));
	return 1;
}

/* ---- cases: descriptors ----------------------------------------------- */

static int t_closed(void)
{
	struct mq_attr a;
	char buf[SSIZE];
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR));
	CHECK_OK(mq_close(q));
	CHECK_ERR(EBADF, mq_send(q, "x", 1, 0));
	CHECK_ERR(EBADF, mq_receive(q, buf, sizeof(buf), NULL));
	CHECK_ERR(EBADF, mq_getattr(q, &a));
	CHECK_ERR(EBADF, mq_setattr(q, &a, NULL));
	CHECK_ERR(EBADF, mq_close(q));
	CHECK_ERR(EBADF, mq_close((mqd_t)-1));
	CHECK_ERR(EBADF, mq_send((mqd_t)-1, "x", 1, 0));
	return 1;
}

static int t_not_a_queue(void)
{
	struct mq_attr a;
	char buf[SSIZE];
	int p[2];

	CHECK_OK(pipe(p));
	CHECK_ERR(EBADF, mq_send(p[1], "x", 1, 0));
	CHECK_ERR(EBADF, mq_receive(p[0], buf, sizeof(buf), NULL));
	CHECK_ERR(EBADF, mq_getattr(p[0], &a));
	CHECK_ERR(EBADF, mq_notify(p[0], NULL));
	return 1;
}

static int t_cloexec(void)
{
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR));
	CHECK(CHECK_OK(fcntl(q, F_GETFD)) & FD_CLOEXEC,
	      "FD_CLOEXEC set", "FD_CLOEXEC clear");
	q = CHECK_OK(qopen(0, O_RDONLY));
	CHECK(CHECK_OK(fcntl(q, F_GETFD)) & FD_CLOEXEC,
	      "FD_CLOEXEC set on second open", "FD_CLOEXEC clear");
	return 1;
}

static int t_fork(void)
{
	char buf[SSIZE];
	unsigned int prio;
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR));
	CHECK_CHILD(0, "child mq_send", run_child(c_send, &q, 0));
	CHECK_EQ("mq_curmsgs", 1, curmsgs(q));
	CHECK_EQ("length", 5, CHECK_OK(mq_receive(q, buf, sizeof(buf), &prio)));
	CHECK(!memcmp(buf, "child", 5), "\"child\"", "other bytes");
	CHECK_EQ("priority", 3, prio);
	CHECK_OK(mq_send(q, "parent", 6, 2));
	CHECK_CHILD(0, "child mq_receive of \"parent\"",
		    run_child(c_receive, &q, 0));
	return 1;
}

static int sel(mqd_t q, int *rd, int *wr)
{
	struct timeval tv = { 0, 0 };
	fd_set r, w;
	int n;

	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(q, &r);
	FD_SET(q, &w);
	n = select(q + 1, &r, &w, NULL, &tv);
	*rd = n > 0 && FD_ISSET(q, &r);
	*wr = n > 0 && FD_ISSET(q, &w);
	return n;
}

static int t_select(void)
{
	char buf[SSIZE];
	int rd, wr;
	mqd_t q;

	q = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT | O_EXCL, 0600, 1, SSIZE));
	CHECK_OK(sel(q, &rd, &wr));
	CHECK(!rd && wr, "empty: writable, not readable", "other state");
	CHECK_OK(mq_send(q, "x", 1, 0));
	CHECK_OK(sel(q, &rd, &wr));
	CHECK(rd && !wr, "full: readable, not writable", "other state");
	CHECK_OK(mq_receive(q, buf, sizeof(buf), NULL));
	CHECK_OK(sel(q, &rd, &wr));
	CHECK(!rd && wr, "drained: writable, not readable", "other state");
	return 1;
}

static int t_poll(void)
{
	const short mask = POLLIN | POLLOUT | POLLERR | POLLHUP | POLLNVAL;
	struct pollfd p;
	mqd_t q;

	q = CHECK_OK(qopen_attr(0, O_RDWR | O_CREAT | O_EXCL, 0600, 2, SSIZE));
	p.fd = q;
	p.events = POLLIN | POLLOUT;
	CHECK_EQ("poll on empty queue", 1, CHECK_OK(poll(&p, 1, 0)));
	CHECK_EQ("revents empty (POLLOUT)", POLLOUT, p.revents & mask);
	CHECK_OK(mq_send(q, "x", 1, 0));
	CHECK_EQ("poll on half-full queue", 1, CHECK_OK(poll(&p, 1, 0)));
	CHECK_EQ("revents half (POLLIN|POLLOUT)", POLLIN | POLLOUT,
		 p.revents & mask);
	CHECK_OK(mq_send(q, "y", 1, 0));
	CHECK_EQ("poll on full queue", 1, CHECK_OK(poll(&p, 1, 0)));
	CHECK_EQ("revents full (POLLIN)", POLLIN, p.revents & mask);
	p.events = POLLOUT;
	CHECK_EQ("poll POLLOUT on full queue", 0, CHECK_OK(poll(&p, 1, 0)));
	return 1;
}

static int t_poll_wakeup(void)
{
	struct pollfd p;
	pid_t pid;
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR));
	p.fd = q;
	p.events = POLLIN;
	pid = spawn(c_send_when_blocked, &q, 0);
	CHECK_EQ("poll result", 1, CHECK_OK(poll(&p, 1, 8000)));
	CHECK(p.revents & POLLIN, "POLLIN", "no POLLIN");
	CHECK_CHILD(0, "sender", reap(pid));
	CHECK_EQ("mq_curmsgs", 1, curmsgs(q));
	return 1;
}

/* ---- cases: mq_notify ------------------------------------------------- */

static int t_notify_none(void)
{
	char buf[SSIZE];
	mqd_t q;

	block_signal(SIGUSR2);
	q = CHECK_OK(qnew(0, O_RDWR));
	CHECK_OK(sigev_none(q));
	CHECK_CHILD(EBUSY, "other process, SIGEV_NONE registered",
		    run_child(c_notify_signal, &q, 0));
	CHECK_OK(mq_send(q, "x", 1, 0));
	CHECK_OK(mq_receive(q, buf, sizeof(buf), NULL));
	/* the first message consumed the registration */
	CHECK_CHILD(0, "other process after SIGEV_NONE fired",
		    run_child(c_notify_signal, &q, 0));
	return 1;
}

static int t_notify_busy_other(void)
{
	mqd_t q;

	q = CHECK_OK(qnew_notified(NULL));
	CHECK_CHILD(EBUSY, "other process SIGEV_SIGNAL",
		    run_child(c_notify_signal, &q, 0));
	CHECK_CHILD(EBUSY, "other process SIGEV_NONE",
		    run_child(c_notify_none, &q, 0));
	return 1;
}

static int t_notify_busy_self(void)
{
	mqd_t q, q2;

	q = CHECK_OK(qnew_notified(NULL));
	q2 = CHECK_OK(qopen(0, O_RDONLY));
	CHECK_ERR(EBUSY, sigev_register(q, SIGUSR1, NULL));
	CHECK_ERR(EBUSY, sigev_none(q));
	CHECK_ERR(EBUSY, sigev_register(q2, SIGUSR1, NULL));
	return 1;
}

static int t_notify_siginfo(void)
{
	void *val = (void *)(uintptr_t)0x5eed1234;
	siginfo_t si;
	pid_t pid;
	mqd_t q;

	q = CHECK_OK(qnew_notified(val));
	pid = spawn(c_send_nobody, &q, 0);
	CHECK_CHILD(0, "sender (nobody)", reap(pid));
	CHECK(wait_signal(SIGUSR1, 3000, &si), "SIGUSR1", "no signal");
	CHECK_EQ("si_signo", SIGUSR1, si.si_signo);
	CHECK_EQ("si_code (SI_MESGQ)", SI_MESGQ, si.si_code);
	CHECK(si.si_value.sival_ptr == val, "si_value as registered",
	      "other si_value");
	CHECK(si.si_pid == pid, "si_pid == sender's pid", "other pid");
	CHECK_EQ("si_uid", NOBODY, si.si_uid);
	return 1;
}

static int t_notify_nonempty(void)
{
	char buf[SSIZE];
	mqd_t q;

	block_signal(SIGUSR1);
	q = CHECK_OK(qnew(0, O_RDWR));
	CHECK_OK(mq_send(q, "1", 1, 0));
	CHECK_OK(sigev_register(q, SIGUSR1, NULL));
	CHECK_OK(mq_send(q, "2", 1, 0));
	CHECK(!wait_signal(SIGUSR1, QUIET_MS, NULL),
	      "no signal (queue not empty)", "a signal");
	CHECK_OK(mq_receive(q, buf, sizeof(buf), NULL));
	CHECK_OK(mq_receive(q, buf, sizeof(buf), NULL));
	CHECK_OK(mq_send(q, "3", 1, 0));
	CHECK(wait_signal(SIGUSR1, 3000, NULL),
	      "signal (registration kept, queue was empty)", "no signal");
	return 1;
}

static int t_notify_receiver(void)
{
	pid_t pid;
	mqd_t q;

	q = CHECK_OK(qnew_notified(NULL));
	pid = spawn(c_receive_m, &q, 0);
	CHECK(wait_blocked(pid), "receiver blocks", "receiver not blocked");
	CHECK_OK(mq_send(q, "m", 1, 0));
	CHECK_CHILD(0, "blocked receiver got the message", reap(pid));
	CHECK(!wait_signal(SIGUSR1, QUIET_MS, NULL),
	      "no signal (receiver was blocked)", "a signal");
	CHECK_EQ("mq_curmsgs", 0, curmsgs(q));
	CHECK_OK(mq_send(q, "n", 1, 0));
	CHECK(wait_signal(SIGUSR1, 3000, NULL),
	      "signal (registration kept)", "no signal");
	return 1;
}

/*
 * The SIGUSR1 registration on the empty queue @q is gone (@why): a new
 * message raises no signal and another process may register.
 */
static int registration_gone(mqd_t q, const char *why)
{
	CHECK_OK(mq_send(q, "x", 1, 0));
	if (wait_signal(SIGUSR1, QUIET_MS, NULL))
		return fail("expected no signal got a signal [%s]", why);
	CHECK_CHILD(0, why, run_child(c_notify_none, &q, 0));
	return 1;
}

static int t_notify_oneshot(void)
{
	char buf[SSIZE];
	mqd_t q;

	q = CHECK_OK(qnew_notified(NULL));
	CHECK_OK(mq_send(q, "1", 1, 0));
	CHECK(wait_signal(SIGUSR1, 3000, NULL), "first signal", "no signal");
	CHECK_OK(mq_receive(q, buf, sizeof(buf), NULL));
	return registration_gone(q, "after the first signal");
}

static int t_notify_unregister(void)
{
	mqd_t q;

	q = CHECK_OK(qnew_notified(NULL));
	CHECK_OK(mq_notify(q, NULL));
	CHECK_OK(mq_notify(q, NULL));
	return registration_gone(q, "after mq_notify(NULL)");
}

static int t_notify_null_other(void)
{
	mqd_t q;

	q = CHECK_OK(qnew_notified(NULL));
	CHECK_CHILD(0, "mq_notify(NULL) by non-owner",
		    run_child(c_notify_null, &q, 0));
	CHECK_CHILD(EBUSY, "registration still in place",
		    run_child(c_notify_none, &q, 0));
	CHECK_OK(mq_send(q, "1", 1, 0));
	CHECK(wait_signal(SIGUSR1, 3000, NULL), "signal", "no signal");
	return 1;
}

static pthread_mutex_t th_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t th_cond = PTHREAD_COND_INITIALIZER;
static int th_calls;
static pthread_t th_self;
static void *th_value;

static void notify_fn(union sigval v)
{
	pthread_mutex_lock(&th_lock);
	th_calls++;
	th_self = pthread_self();
	th_value = v.sival_ptr;
	pthread_cond_broadcast(&th_cond);
	pthread_mutex_unlock(&th_lock);
}

static int wait_calls(int n, long ms)
{
	struct timespec dl = rt_after(ms);
	int r;

	pthread_mutex_lock(&th_lock);
	while (th_calls < n)
		if (pthread_cond_timedwait(&th_cond, &th_lock, &dl))
			break;
	r = th_calls;
	pthread_mutex_unlock(&th_lock);
	return r;
}

static int t_notify_thread(void)
{
	static int marker;
	struct sigevent ev;
	char buf[SSIZE];
	mqd_t q;
	int st;

	q = CHECK_OK(qnew(0, O_RDWR));
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = notify_fn;
	ev.sigev_value.sival_ptr = &marker;
	CHECK_OK(mq_notify(q, &ev));
	CHECK_CHILD(EBUSY, "other process, SIGEV_THREAD registered",
		    run_child(c_notify_none, &q, 0));
	CHECK_OK(mq_send(q, "1", 1, 0));
	CHECK_EQ("notification calls", 1, wait_calls(1, 3000));
	pthread_mutex_lock(&th_lock);
	st = pthread_equal(th_self, pthread_self());
	pthread_mutex_unlock(&th_lock);
	CHECK(!st, "function in a new thread", "main thread");
	CHECK(th_value == &marker, "sigev_value as registered",
	      "other value");
	CHECK_OK(mq_receive(q, buf, sizeof(buf), NULL));
	CHECK_OK(mq_send(q, "2", 1, 0));
	CHECK_EQ("notification calls (one-shot)", 1,
		 wait_calls(2, QUIET_MS));
	return 1;
}

static int t_notify_close(void)
{
	int k = 0;
	mqd_t q;

	q = CHECK_OK(qnew_notified(NULL));
	CHECK_CHILD(EBUSY, "other process before close",
		    run_child(c_open_notify, &k, 0));
	CHECK_OK(mq_close(q));
	CHECK_CHILD(0, "other process after close",
		    run_child(c_open_notify, &k, 0));
	return 1;
}

static int c_register_and_wait(void *p)
{
	int *fds = p;
	mqd_t q = qopen(0, O_RDWR);
	char c = 'r';

	if (q == (mqd_t)-1)
		return 200;
	if (sigev_none(q))
		return errno;
	if (write(fds[1], &c, 1) != 1 || read(fds[2], &c, 1) != 1)
		return 203;
	return 0;
}

static int t_notify_exit(void)
{
	int fds[4] = { -1, -1, -1, -1 }, up[2], down[2];
	pid_t pid;
	mqd_t q;
	char c;

	q = CHECK_OK(qnew(0, O_RDWR));
	CHECK_OK(pipe(up));
	CHECK_OK(pipe(down));
	fds[1] = up[1];
	fds[2] = down[0];
	pid = spawn(c_register_and_wait, fds, 0);
	close(up[1]);
	close(down[0]);
	CHECK(read(up[0], &c, 1) == 1, "child registered", "child failed");
	CHECK_ERR(EBUSY, sigev_none(q));
	CHECK(write(down[1], "g", 1) == 1, "child released", "write error");
	CHECK_CHILD(0, "child", reap(pid));
	CHECK_OK(sigev_none(q));
	return 1;
}

static int t_notify_einval(void)
{
	struct sigevent ev;
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR));
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = 1234;
	CHECK_ERR(EINVAL, mq_notify(q, &ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = 1000;
	CHECK_ERR(EINVAL, mq_notify(q, &ev));
	CHECK_OK(sigev_none(q));
	return 1;
}

static int t_notify_ebadf(void)
{
	mqd_t q;

	q = CHECK_OK(qnew(0, O_RDWR));
	CHECK_OK(mq_close(q));
	CHECK_ERR(EBADF, sigev_none(q));
	CHECK_ERR(EBADF, mq_notify(q, NULL));
	return 1;
}

/* ---- driver ----------------------------------------------------------- */

static const struct tcase {
	int (*fn)(void);
	const char *desc;
} cases[] = {
	{ t_no_slash, "name without leading slash: EINVAL" },
	{ t_name_255, "name of NAME_MAX (255) bytes after '/' works" },
	{ t_name_256, "name of 256 bytes (and > PATH_MAX): ENAMETOOLONG" },
	{ t_inner_slash, "name with an inner '/': EACCES" },
	{ t_dot_names, "name \"/\": ENOENT; \"/.\" and \"/..\": EACCES" },
	{ t_excl, "O_CREAT|O_EXCL on an existing queue: EEXIST" },
	{ t_missing, "missing queue without O_CREAT: ENOENT" },
	{ t_excl_no_creat, "O_EXCL without O_CREAT is ignored" },
	{ t_mode_deny, "mode 0600 denies another user: EACCES" },
	{ t_mode_allow, "mode bits grant read or write separately" },
	{ t_umask, "umask is applied to the creation mode" },
	{ t_defaults, "NULL attr gives msg_default/msgsize_default" },
	{ t_sysctl_defaults, "NULL attr follows the sysctls, cut to the maxima" },
	{ t_sysctl_max, "above msg_max/msgsize_max: EINVAL, not for root" },
	{ t_rlimit, "over RLIMIT_MSGQUEUE: EMFILE, for root too" },
	{ t_queues_max, "above queues_max: ENOSPC, not for root" },
	{ t_attr_maxmsg_0, "mq_maxmsg 0: EINVAL" },
	{ t_attr_maxmsg_neg, "mq_maxmsg negative: EINVAL" },
	{ t_attr_msgsize_0, "mq_msgsize 0: EINVAL" },
	{ t_attr_msgsize_neg, "mq_msgsize negative: EINVAL" },
	{ t_attr_existing, "O_CREAT on an existing queue ignores attr" },
	{ t_getattr_created, "mq_getattr reports creation attr and flags" },
	{ t_rdonly, "O_RDONLY: mq_send EBADF, mq_receive works" },
	{ t_wronly, "O_WRONLY: mq_receive EBADF, mq_send works" },
	{ t_rdwr, "O_RDWR: send and receive, length and priority" },
	{ t_send_emsgsize, "mq_send longer than mq_msgsize: EMSGSIZE" },
	{ t_recv_emsgsize, "mq_receive msg_len < mq_msgsize: EMSGSIZE" },
	{ t_order, "messages by priority, then FIFO" },
	{ t_prio_max, "priority limit is sysconf(_SC_MQ_PRIO_MAX)" },
	{ t_zero_len, "zero-length message" },
	{ t_nonblock_full, "O_NONBLOCK send on a full queue: EAGAIN" },
	{ t_nonblock_empty, "O_NONBLOCK receive on an empty queue: EAGAIN" },
	{ t_setattr_toggle, "mq_setattr toggles O_NONBLOCK, returns old" },
	{ t_getattr_curmsgs, "mq_getattr reports mq_curmsgs" },
	{ t_setattr_ignores, "mq_setattr ignores all but mq_flags" },
	{ t_setattr_badflags, "mq_setattr with unknown mq_flags: EINVAL" },
	{ t_timedreceive, "mq_timedreceive on empty queue: ETIMEDOUT" },
	{ t_timedsend, "mq_timedsend on full queue: ETIMEDOUT" },
	{ t_timed_past, "deadline in the past: ETIMEDOUT only if blocking" },
	{ t_timed_arrives, "mq_timedreceive gets a message sent meanwhile" },
	{ t_send_unblocks, "blocked mq_send completes when room is made" },
	{ t_bad_nsec_block, "bad tv_nsec when the call would block: EINVAL" },
	{ t_bad_nsec_ready,
	  "bad tv_nsec when it would not block: EINVAL, no transfer" },
	{ t_bad_nsec_nonblock, "bad tv_nsec with O_NONBLOCK: EINVAL" },
	{ t_neg_sec, "negative tv_sec: EINVAL" },
	{ t_eintr_receive, "signal interrupts blocked mq_receive: EINTR" },
	{ t_eintr_send, "signal interrupts blocked mq_send: EINTR" },
	{ t_restart, "SA_RESTART handler: blocked mq_receive restarts" },
	{ t_unlink_survives, "unlinked queue lives on while open" },
	{ t_unlink_enoent, "after unlink, open without O_CREAT: ENOENT" },
	{ t_unlink_recreate, "after unlink, O_CREAT makes a new empty queue" },
	{ t_unlink_misc, "mq_unlink: ENOENT, EINVAL without slash" },
	{ t_unlink_other_user, "mq_unlink by another user: EACCES" },
	{ t_closed, "closed descriptor: EBADF" },
	{ t_not_a_queue, "descriptor that is not a queue: EBADF" },
	{ t_cloexec, "mq_open descriptors are close-on-exec" },
	{ t_fork, "descriptors are inherited across fork" },
	{ t_select, "select: readable when queued, writable with room" },
	{ t_poll, "poll: POLLIN when queued, POLLOUT with room" },
	{ t_poll_wakeup, "poll wakes on a send from another process" },
	{ t_notify_none, "mq_notify SIGEV_NONE registers, fires silently" },
	{ t_notify_busy_other, "mq_notify by another process: EBUSY" },
	{ t_notify_busy_self, "mq_notify twice by one process: EBUSY" },
	{ t_notify_siginfo, "SIGEV_SIGNAL: SI_MESGQ, si_value, si_pid, si_uid" },
	{ t_notify_nonempty, "no notification for a non-empty queue" },
	{ t_notify_receiver, "no notification while a receiver is blocked" },
	{ t_notify_oneshot, "notification is one-shot" },
	{ t_notify_unregister, "mq_notify(NULL) unregisters" },
	{ t_notify_null_other, "mq_notify(NULL) by non-owner is a no-op" },
	{ t_notify_thread, "SIGEV_THREAD: new thread, sigev_value, one-shot" },
	{ t_notify_close, "registration dropped when the owner closes" },
	{ t_notify_exit, "registration dropped when the owner exits" },
	{ t_notify_einval, "mq_notify bad sigev_notify or signo: EINVAL" },
	{ t_notify_ebadf, "mq_notify on a closed descriptor: EBADF" },
};

#define NCASES ((int)ARRAY_SIZE(cases))

static void cleanup_case(void)
{
	char name[NAME_LEN], *l;
	int k;

	for (k = 0; k < NQ; k++) {
		qname(name, k);
		mq_unlink(name);
	}
	l = long_name(NAME_MAX);
	mq_unlink(l);
	free(l);
}

/*
 * Run case @i in a child; 1 = pass.  Fills diag on failure.  The child
 * reports "1" or "0", the diagnostic and a newline through a pipe.
 */
static int run_case(int i)
{
	char res[sizeof(diag) + 2];
	struct pollfd p;
	size_t len = 0;
	int pfd[2], ok, st;
	long waited = 0;
	pid_t pid;

	diag[0] = '\0';
	if (pipe(pfd))
		return fail("expected pipe got %s", ename(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return fail("expected fork got %s", ename(errno));
	if (pid == 0) {
		close(pfd[0]);
		setpgid(0, 0);
		alarm(CASE_TIMEOUT_MS / 1000 + 10);
		ok = cases[i].fn();
		if (!ok && !diag[0])
			fail("expected pass got failure without diagnostic");
		snprintf(res, sizeof(res), "%d%s\n", ok, diag);
		_exit(write(pfd[1], res, strlen(res)) < 0);
	}
	setpgid(pid, pid);
	close(pfd[1]);
	p.fd = pfd[0];
	p.events = POLLIN;
	while (!memchr(res, '\n', len) && len < sizeof(res)) {
		ssize_t n;
		int r = poll(&p, 1, 100);

		if (r > 0) {
			n = read(pfd[0], res + len, sizeof(res) - len);
			if (n <= 0)
				break;
			len += n;
			continue;
		}
		if (r < 0 && errno != EINTR)
			break;
		waited += 100;
		if (waited >= CASE_TIMEOUT_MS) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			close(pfd[0]);
			reap(pid);
			return fail("expected completion got timeout");
		}
	}
	close(pfd[0]);
	st = reap(pid);
	kill(-pid, SIGKILL);	/* stragglers of the case's group */
	if (!memchr(res, '\n', len))
		return fail("expected a result got %s",
			    st < 0 ? "a crash" : "no report");
	*(char *)memchr(res, '\n', len) = '\0';
	strncpy(diag, res + 1, sizeof(diag) - 1);
	diag[sizeof(diag) - 1] = '\0';
	return res[0] == '1';
}

static int probe(void)
{
	char name[NAME_LEN], path[64], target[256], line[512];
	int listed = 0;
	ssize_t n;
	FILE *f;
	mqd_t q;

	cur_case = 0;
	qname(name, 99);
	q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	if (q == (mqd_t)-1) {
		printf("open: %s\n", ename(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", (int)q);
	n = readlink(path, target, sizeof(target) - 1);
	target[n < 0 ? 0 : n] = '\0';
	if (n < 0)
		printf("fd: (not a descriptor)\n");
	else if (strstr(target, name + 1))
		printf("fd: the queue's own name (kernel mqueue fs)\n");
	else
		printf("fd: %s\n", target);
	f = fopen("/proc/mqueue-lab", "r");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (strstr(line, name + 1))
				listed = 1;
		fclose(f);
		printf("proc: %s\n", listed ? "listed" : "not listed");
	} else {
		printf("proc: absent\n");
	}
	mq_unlink(name);
	mq_close(q);
	return 0;
}

int main(int argc, char **argv)
{
	int i, failed = 0;

	main_pid = getpid();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "--probe"))
		return probe();
	printf("TAP version 13\n1..%d\n", NCASES);
	for (i = 0; i < NCASES; i++) {
		int ok;

		cur_case = i + 1;
		ok = run_case(i);
		printf("%sok %d - %s\n", ok ? "" : "not ", i + 1,
		       cases[i].desc);
		if (!ok) {
			printf("# %s\n", diag);
			failed++;
		}
		cleanup_case();
	}
	if (failed)
		printf("# %d of %d cases failed\n", failed, NCASES);
	return failed ? 1 : 0;
}
