// SPDX-License-Identifier: GPL-2.0
/*
 * failnth_test - /dev/mqueue-lab under systematic fault injection.
 *
 * For each call (open, close, read, write, poll and every ioctl) the
 * walker arms /proc/self/task/<tid>/fail-nth with N = 1, 2, ... so that
 * the N-th fault-injection point of the call fails (a slab allocation, a
 * page allocation or a user copy: failslab, fail_page_alloc,
 * fail_usercopy), until a call runs with no fault injected.  After each
 * call it checks, with injection off:
 *   - the call returned success, ENOMEM or EFAULT, nothing else;
 *   - the device state is what that result promises: a failed BIND made
 *     no queue, a failed SEND queued nothing, a failed receive lost no
 *     message (but RECV and read(), whose copy-out faulted, may lose the
 *     one they dequeued: documented, as for mq_timedreceive()), no
 *     message is duplicated, messages keep their order and bytes;
 *   - the same call on the same fd works again;
 *   - after cleanup no queue of the test is left, not even an unlinked
 *     one that a leaked reference keeps alive (root sees those in
 *     /proc/mqueue-lab), and root's charges (/proc/mqueue-lab-users) are
 *     back where they were.
 * kmemleak, after the module's last unload (tools/vm/guest-run.sh), finds
 * any memory an error path forgot.  Each call prints how many injection
 * points it has.
 *
 * Needs a kernel with CONFIG_FAULT_INJECTION (fail-nth), FAILSLAB,
 * FAIL_PAGE_ALLOC, FAULT_INJECTION_USERCOPY and debugfs: the debug
 * lane's.  Elsewhere every test SKIPs, saying what is missing.
 */
#define _GNU_SOURCE

#include <sys/syscall.h>

#include "mqlab_kst.h"

/* No call of the device has anywhere near this many injection points. */
#define FN_MAX_POINTS	500
#define FN_MAXMSG	8
/* A message in three pieces (the head and two page-sized segments). */
#define FN_LARGE	(2 * 4096 + 100)
#define FN_MSGSIZE	FN_LARGE
#define FN_SMALL	40
#define FN_DEBUGFS	"/sys/kernel/debug/"

FIXTURE(failnth) {
	struct mqk k;
	int nth_fd;		/* this thread's fail-nth */
	const char *name;	/* the queue the calls work on */
	int fd, fd2;		/* fds of the current attempt, or -1 */
	int found;		/* root's /proc/mqueue-lab-users line ... */
	__u64 queues, bytes, held;	/* ... before the walk */
	struct mqlab_recv r;
	struct mqlab_batch_msg d[3];
	char buf[3][FN_MSGSIZE];
	struct mqlab_version ver;
	struct mqlab_attr attr;
};

/* The bytes of test message @idx, @len long, into @buf. */
static void fn_msg(char *buf, unsigned int idx, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)(idx * 37 + i * 7 + 1);
}

static const size_t fn_len[] = { FN_SMALL, FN_LARGE, FN_SMALL + 1, 1 };

/*
 * Configure one fault type: fail-nth overrides probability, interval
 * and times, but the type's own filters still apply, so let it fail
 * sleeping (GFP_KERNEL) and highmem allocations of every order.
 */
static int fn_config(const char *type, bool alloc)
{
	static const char *const common[][2] = {
		{ "verbose", "0" }, { "space", "0" }, { "probability", "0" },
		{ "task-filter", "N" },
	};
	static const char *const allocs[][2] = {
		{ "ignore-gfp-wait", "N" }, { "ignore-gfp-highmem", "N" },
		{ "min-order", "0" },
	};
	char path[256];
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		snprintf(path, sizeof(path), FN_DEBUGFS "%s/%s", type,
			 common[i][0]);
		ret = mqk_write_file(path, common[i][1]);
		if (ret)
			return ret;
	}
	for (i = 0; alloc && i < sizeof(allocs) / sizeof(allocs[0]); i++) {
		snprintf(path, sizeof(path), FN_DEBUGFS "%s/%s", type,
			 allocs[i][0]);
		/* failslab has no highmem or order knob */
		if (access(path, F_OK))
			continue;
		ret = mqk_write_file(path, allocs[i][1]);
		if (ret)
			return ret;
	}
	return 0;
}

FIXTURE_SETUP(failnth)
{
	static const char *const types[] = {
		"failslab", "fail_page_alloc", "fail_usercopy",
	};
	char path[128];
	unsigned int i;
	int ret;

	self->nth_fd = -1;
	self->fd = self->fd2 = -1;
	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth",
		 (int)syscall(SYS_gettid));
	if (access(path, F_OK))
		SKIP(longjmp(_metadata->env, 1),
		     "no %s: the kernel lacks CONFIG_FAULT_INJECTION", path);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char dir[128];

		snprintf(dir, sizeof(dir), FN_DEBUGFS "%s", types[i]);
		if (access(dir, F_OK))
			SKIP(longjmp(_metadata->env, 1),
			     "no %s: the kernel lacks it or debugfs is not mounted",
			     dir);
		ret = fn_config(types[i], i < 2);
		ASSERT_EQ(0, ret) TH_LOG("configure %s: %s", dir,
					 strerror(-ret));
	}
	mqk_setup(_metadata, &self->k);
	self->nth_fd = open(path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->nth_fd) TH_LOG("open %s: %s", path,
					  strerror(errno));
	self->name = mqk_name(_metadata, &self->k, "q");
	self->found = mqk_users_line("0", &self->queues, &self->bytes,
				     &self->held);
	ASSERT_LE(0, self->found);
}

FIXTURE_TEARDOWN(failnth)
{
	if (self->nth_fd >= 0) {
		if (write(self->nth_fd, "0", 1) != 1)
			perror("fail-nth");
		close(self->nth_fd);
	}
	mqk_teardown(&self->k);
}

/* Make the @n-th fault-injection point of this thread fail. */
static int fn_arm(FIXTURE_DATA(failnth) *self, unsigned int n)
{
	char s[16];
	int len = snprintf(s, sizeof(s), "%u", n);

	return write(self->nth_fd, s, len) == len ? 0 : -errno;
}

/*
 * Injection off again.  True when the armed fault was injected (fail-nth
 * reads 0).  The read itself is an injection point: when it fails, the
 * count was still running, so no fault hit the call.
 */
static bool fn_disarm(FIXTURE_DATA(failnth) *self)
{
	char s[16] = "";
	ssize_t n = pread(self->nth_fd, s, sizeof(s) - 1, 0);
	bool injected = n > 0 && strtoul(s, NULL, 10) == 0;

	/*
	 * This write is an injection point too, when the count still runs:
	 * it fails (EFAULT) and the count is spent; the second one works.
	 */
	if (write(self->nth_fd, "0", 1) != 1 &&
	    write(self->nth_fd, "0", 1) != 1)
		perror("fail-nth");
	return injected;
}

struct fn_op {
	const char *what;
	/* state before the call; may ASSERT */
	void (*prep)(struct __test_metadata *_metadata,
		     FIXTURE_DATA(failnth) *self);
	/* the call, with the fault armed: 0 or a count, or -errno */
	int (*call)(FIXTURE_DATA(failnth) *self);
	/* check the state that @ret promises, then clean up */
	void (*check)(struct __test_metadata *_metadata,
		      FIXTURE_DATA(failnth) *self, int ret);
};

static void fn_close(FIXTURE_DATA(failnth) *self)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->fd2 >= 0)
		close(self->fd2);
	self->fd = self->fd2 = -1;
}

/*
 * After every attempt: no queue of ours is left, named or not, and
 * root's charges are as before the walk.
 */
static void fn_common_check(struct __test_metadata *_metadata,
			    FIXTURE_DATA(failnth) *self, unsigned int n)
{
	char hdr[1024], line[1024];
	__u64 q = 0, b = 0, h = 0;
	int found;

	fn_close(self);
	mqk_unlink(self->name);
	ASSERT_EQ(0, mqk_proc_line(self->name, hdr, sizeof(hdr), line,
				   sizeof(line)))
		TH_LOG("fault %u: queue left behind: %s", n, line);
	found = mqk_users_line("0", &q, &b, &h);
	ASSERT_EQ(self->found, found) TH_LOG("fault %u", n);
	ASSERT_EQ(self->queues, q) TH_LOG("fault %u: root's queues", n);
	ASSERT_EQ(self->bytes, b) TH_LOG("fault %u: root's bytes", n);
	ASSERT_EQ(self->held, h) TH_LOG("fault %u: root's held bytes", n);
}

static void fn_walk(struct __test_metadata *_metadata,
		    FIXTURE_DATA(failnth) *self, const struct fn_op *op)
{
	__u64 t0 = mqk_now_ns(CLOCK_MONOTONIC);
	unsigned int n, failed = 0;
	bool injected = true;
	int ret;

	for (n = 1; injected && n < FN_MAX_POINTS; n++) {
		op->prep(_metadata, self);
		ASSERT_EQ(0, fn_arm(self, n));
		ret = op->call(self);
		injected = fn_disarm(self);
		ASSERT_TRUE(ret >= 0 || ret == -ENOMEM || ret == -EFAULT)
			TH_LOG("%s, fault %u: %s", op->what, n, strerror(-ret));
		ASSERT_TRUE(injected || ret >= 0)
			TH_LOG("%s failed with no fault injected: %s",
			       op->what, strerror(-ret));
		if (ret < 0)
			failed++;
		op->check(_metadata, self, ret);
		fn_common_check(_metadata, self, n);
	}
	ASSERT_FALSE(injected) TH_LOG("%s: more than %u injection points",
				      op->what, FN_MAX_POINTS);
	ksft_print_msg("%s: %u injection points, %u of them failed the call, %.2f s\n",
		       op->what, n - 2, failed,
		       (mqk_now_ns(CLOCK_MONOTONIC) - t0) / 1e9);
	/* the harness ends a test's process with _exit() */
	fflush(stdout);
}

/* A new queue (FN_MAXMSG x FN_MSGSIZE) and an fd bound to it in fd. */
static void fn_make(struct __test_metadata *_metadata,
		    FIXTURE_DATA(failnth) *self)
{
	self->fd = mqk_create(_metadata, self->name, O_RDWR, 0600,
			      FN_MAXMSG, FN_MSGSIZE);
}

/* Queue test messages @from .. @to - 1 through fd. */
static void fn_fill(struct __test_metadata *_metadata,
		    FIXTURE_DATA(failnth) *self, unsigned int from,
		    unsigned int to)
{
	char buf[FN_MSGSIZE];
	unsigned int i;

	for (i = from; i < to; i++) {
		fn_msg(buf, i, fn_len[i]);
		ASSERT_EQ(0, mqk_send(self->fd, buf, fn_len[i], 0, 0, NULL));
	}
}

/* @got (@len bytes) is test message @idx. */
static bool fn_is_msg(const char *got, size_t len, unsigned int idx)
{
	char want[FN_MSGSIZE];

	fn_msg(want, idx, fn_len[idx]);
	return len == fn_len[idx] && !memcmp(got, want, len);
}

/* The queue behind fd holds exactly test messages @from .. @to - 1. */
static void fn_expect(struct __test_metadata *_metadata,
		      FIXTURE_DATA(failnth) *self, unsigned int from,
		      unsigned int to)
{
	struct mqlab_recv r;
	char buf[FN_MSGSIZE];
	unsigned int i;
	int ret;

	for (i = from; i < to; i++) {
		ret = mqk_recv(self->fd, buf, sizeof(buf), MQLAB_IO_NONBLOCK,
			       NULL, &r);
		ASSERT_EQ(0, ret) TH_LOG("message %u: %s", i, strerror(-ret));
		ASSERT_TRUE(fn_is_msg(buf, r.len, i))
			TH_LOG("message %u: wrong bytes or length %u", i,
			       r.len);
	}
	ASSERT_EQ(-EAGAIN, mqk_recv(self->fd, buf, sizeof(buf),
				    MQLAB_IO_NONBLOCK, NULL, &r))
		TH_LOG("more than messages %u .. %u queued", from, to - 1);
}

/* open() and close() */

static void prep_none(struct __test_metadata *_metadata,
		      FIXTURE_DATA(failnth) *self)
{
	(void)_metadata;
	(void)self;
}

static int call_open(FIXTURE_DATA(failnth) *self)
{
	self->fd = mqk_open(O_RDWR);
	return self->fd < 0 ? self->fd : 0;
}

static void check_open(struct __test_metadata *_metadata,
		       FIXTURE_DATA(failnth) *self, int ret)
{
	if (ret < 0) {
		self->fd = -1;
		ASSERT_EQ(0, call_open(self));
	}
	/* the fd works */
	ASSERT_EQ(0, mqk_bind(self->fd, self->name, MQLAB_BIND_CREATE, 0600,
			      FN_MAXMSG, FN_MSGSIZE));
	fn_fill(_metadata, self, 0, 1);
	fn_expect(_metadata, self, 0, 1);
}

/* The last close of a queue's last fd after its unlink frees it all. */
static void prep_release(struct __test_metadata *_metadata,
			 FIXTURE_DATA(failnth) *self)
{
	fn_make(_metadata, self);
	fn_fill(_metadata, self, 0, 2);
	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_NONE, 0, 0));
	ASSERT_EQ(0, mqk_unlink(self->name));
}

static int call_release(FIXTURE_DATA(failnth) *self)
{
	int ret = close(self->fd) < 0 ? -errno : 0;

	self->fd = -1;
	return ret;
}

static void check_nothing(struct __test_metadata *_metadata,
			  FIXTURE_DATA(failnth) *self, int ret)
{
	(void)_metadata;
	(void)self;
	(void)ret;
}

/* ioctls that need no queue */

static int call_version(FIXTURE_DATA(failnth) *self)
{
	return mqk_ioctl(self->fd, MQLAB_IOC_VERSION, &self->ver);
}

static void prep_open(struct __test_metadata *_metadata,
		      FIXTURE_DATA(failnth) *self)
{
	self->fd = mqk_open(O_RDWR);
	ASSERT_LE(0, self->fd);
}

static void check_version(struct __test_metadata *_metadata,
			  FIXTURE_DATA(failnth) *self, int ret)
{
	if (ret < 0)
		ASSERT_EQ(0, call_version(self));
	ASSERT_EQ(MQLAB_VERSION_MAJOR, self->ver.major);
}

/* BIND, creating */

static int call_create(FIXTURE_DATA(failnth) *self)
{
	return mqk_bind(self->fd, self->name,
			MQLAB_BIND_CREATE | MQLAB_BIND_EXCL, 0600, FN_MAXMSG,
			FN_MSGSIZE);
}

static void check_create(struct __test_metadata *_metadata,
			 FIXTURE_DATA(failnth) *self, int ret)
{
	if (ret < 0) {
		/* no half-made queue: nobody can find it */
		ASSERT_EQ(-ENOENT, mqk_try_bind(self->name, O_RDWR, 0));
		ASSERT_EQ(-EBADFD, mqk_getattr(self->fd, &self->attr));
		ASSERT_EQ(0, call_create(self));
	}
	self->attr = mqk_attr(_metadata, self->fd);
	ASSERT_EQ(FN_MAXMSG, self->attr.maxmsg);
	ASSERT_EQ(0, self->attr.curmsgs);
	fn_fill(_metadata, self, 0, 2);
	fn_expect(_metadata, self, 0, 2);
}

/* BIND to an existing queue */

static void prep_bind(struct __test_metadata *_metadata,
		      FIXTURE_DATA(failnth) *self)
{
	fn_make(_metadata, self);
	fn_fill(_metadata, self, 0, 1);
	self->fd2 = mqk_open(O_RDWR);
	ASSERT_LE(0, self->fd2);
}

static int call_bind(FIXTURE_DATA(failnth) *self)
{
	return mqk_bind(self->fd2, self->name, 0, 0, 0, 0);
}

static void check_bind(struct __test_metadata *_metadata,
		       FIXTURE_DATA(failnth) *self, int ret)
{
	int fd;

	if (ret < 0) {
		ASSERT_EQ(-EBADFD, mqk_getattr(self->fd2, &self->attr));
		ASSERT_EQ(0, call_bind(self));
	}
	/* bound to the same queue: it sees the message */
	fd = self->fd;
	self->fd = self->fd2;
	fn_expect(_metadata, self, 0, 1);
	self->fd = fd;
}

/* UNLINK, while an fd keeps the queue */

static int call_unlink(FIXTURE_DATA(failnth) *self)
{
	return mqk_unlink_len(self->fd2, self->name, strlen(self->name), 0);
}

static void check_unlink(struct __test_metadata *_metadata,
			 FIXTURE_DATA(failnth) *self, int ret)
{
	if (ret < 0) {
		ASSERT_EQ(0, mqk_try_bind(self->name, O_RDWR, 0));
		ASSERT_EQ(0, call_unlink(self));
	}
	ASSERT_EQ(-ENOENT, mqk_try_bind(self->name, O_RDWR, 0));
	/* the fd still works on the unlinked queue */
	fn_expect(_metadata, self, 0, 1);
}

/* SEND and write(): message 1 (small) or 2 (large) after message 0 */

static void prep_queue1(struct __test_metadata *_metadata,
			FIXTURE_DATA(failnth) *self)
{
	fn_make(_metadata, self);
	fn_fill(_metadata, self, 0, 1);
	fn_msg(self->buf[0], 1, fn_len[1]);
}

static int call_send(FIXTURE_DATA(failnth) *self)
{
	return mqk_send(self->fd, self->buf[0], fn_len[1], 0, 0, NULL);
}

static int call_write(FIXTURE_DATA(failnth) *self)
{
	ssize_t n = write(self->fd, self->buf[0], fn_len[1]);

	if (n < 0)
		return -errno;
	return n == (ssize_t)fn_len[1] ? 0 : -EIO;
}

static void check_send_common(struct __test_metadata *_metadata,
			      FIXTURE_DATA(failnth) *self, int ret,
			      int (*call)(FIXTURE_DATA(failnth) *self))
{
	if (ret < 0) {
		ASSERT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
		ASSERT_EQ(0, call(self));
	}
	fn_expect(_metadata, self, 0, 2);
}

static void check_send(struct __test_metadata *_metadata,
		       FIXTURE_DATA(failnth) *self, int ret)
{
	check_send_common(_metadata, self, ret, call_send);
}

static void check_write(struct __test_metadata *_metadata,
			FIXTURE_DATA(failnth) *self, int ret)
{
	check_send_common(_metadata, self, ret, call_write);
}

/*
 * SEND to an empty queue with a SIGNAL notification registered: the
 * signal is sent from the sender's context.  A failed send leaves the
 * registration in place.
 */
static void prep_notified(struct __test_metadata *_metadata,
			  FIXTURE_DATA(failnth) *self)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	fn_make(_metadata, self);
	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_SIGNAL, SIGUSR1, 7));
	fn_msg(self->buf[0], 1, fn_len[1]);
}

static void check_notified(struct __test_metadata *_metadata,
			   FIXTURE_DATA(failnth) *self, int ret)
{
	struct timespec zero = { 0 };
	sigset_t set;

	if (ret < 0) {
		ASSERT_EQ(-EBUSY, mqk_notify(self->fd, MQLAB_NOTIFY_NONE, 0, 0));
		ASSERT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
		ASSERT_EQ(0, call_send(self));
	}
	/* fired and dropped */
	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_NONE, 0, 0));
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	/* no assertion on the signal: a signal may be lost without memory */
	sigtimedwait(&set, NULL, &zero);
	ASSERT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);
}

/* RECV and read(): message 0 of 0 and 1 */

static void prep_queue2(struct __test_metadata *_metadata,
			FIXTURE_DATA(failnth) *self)
{
	fn_make(_metadata, self);
	/* 1 first: the large one is received */
	fn_fill(_metadata, self, 1, 3);
	memset(self->buf[0], 0, sizeof(self->buf[0]));
}

static int call_recv(FIXTURE_DATA(failnth) *self)
{
	return mqk_recv(self->fd, self->buf[0], FN_MSGSIZE, 0, NULL,
			&self->r);
}

static int call_read(FIXTURE_DATA(failnth) *self)
{
	ssize_t n = read(self->fd, self->buf[0], FN_MSGSIZE);

	if (n < 0)
		return -errno;
	self->r.len = n;
	return 0;
}

static void check_recv(struct __test_metadata *_metadata,
		       FIXTURE_DATA(failnth) *self, int ret)
{
	__u64 left;

	if (ret == 0) {
		ASSERT_TRUE(fn_is_msg(self->buf[0], self->r.len, 1));
		fn_expect(_metadata, self, 2, 3);
		return;
	}
	left = mqk_attr(_metadata, self->fd).curmsgs;
	if (ret == -EFAULT && left == 1) {
		/* the copy-out faulted: message 1 is lost, as documented */
		fn_expect(_metadata, self, 2, 3);
		return;
	}
	ASSERT_EQ(2, left) TH_LOG("%s lost a message", strerror(-ret));
	fn_expect(_metadata, self, 1, 3);
}

/* GETATTR, SETATTR, NOTIFY */

static void prep_queue(struct __test_metadata *_metadata,
		       FIXTURE_DATA(failnth) *self)
{
	fn_make(_metadata, self);
}

static int call_getattr(FIXTURE_DATA(failnth) *self)
{
	return mqk_getattr(self->fd, &self->attr);
}

static void check_getattr(struct __test_metadata *_metadata,
			  FIXTURE_DATA(failnth) *self, int ret)
{
	if (ret < 0)
		ASSERT_EQ(0, call_getattr(self));
	ASSERT_EQ(FN_MAXMSG, self->attr.maxmsg);
}

static int call_setattr(FIXTURE_DATA(failnth) *self)
{
	return mqk_setattr(self->fd, MQLAB_FD_NONBLOCK);
}

static void check_setattr(struct __test_metadata *_metadata,
			  FIXTURE_DATA(failnth) *self, int ret)
{
	int fl = fcntl(self->fd, F_GETFL);

	ASSERT_EQ(ret == 0, !!(fl & O_NONBLOCK));
	if (ret < 0)
		ASSERT_EQ(0, call_setattr(self));
	ASSERT_EQ(MQLAB_FD_NONBLOCK, mqk_attr(_metadata, self->fd).fd_flags);
}

static int call_notify(FIXTURE_DATA(failnth) *self)
{
	return mqk_notify(self->fd, MQLAB_NOTIFY_EVENT, 0, 0);
}

static void check_notify(struct __test_metadata *_metadata,
			 FIXTURE_DATA(failnth) *self, int ret)
{
	if (ret < 0)
		ASSERT_EQ(0, call_notify(self));
	ASSERT_EQ(-EBUSY, call_notify(self));
	fn_fill(_metadata, self, 0, 1);
	ASSERT_TRUE(mqk_poll1(self->fd, POLLPRI) & POLLPRI);
}

/* SEND_BATCH: messages 1 .. 3 after message 0 */

static void prep_send_batch(struct __test_metadata *_metadata,
			    FIXTURE_DATA(failnth) *self)
{
	unsigned int i;

	fn_make(_metadata, self);
	fn_fill(_metadata, self, 0, 1);
	memset(self->d, 0, sizeof(self->d));
	for (i = 0; i < 3; i++) {
		fn_msg(self->buf[i], i + 1, fn_len[i + 1]);
		self->d[i].buf = mqk_ptr(self->buf[i]);
		self->d[i].len = fn_len[i + 1];
	}
}

static int call_batch(FIXTURE_DATA(failnth) *self, unsigned long cmd)
{
	struct mqlab_batch b = {
		.msgs = mqk_ptr(self->d),
		.count = 3,
		.flags = MQLAB_IO_NONBLOCK,
	};

	return mqk_ioctl(self->fd, cmd, &b);
}

static int call_send_batch(FIXTURE_DATA(failnth) *self)
{
	return call_batch(self, MQLAB_IOC_SEND_BATCH);
}

static void check_send_batch(struct __test_metadata *_metadata,
			     FIXTURE_DATA(failnth) *self, int ret)
{
	unsigned int sent = ret > 0 ? ret : 0;

	ASSERT_NE(0, ret);
	ASSERT_LE(sent, 3);
	ASSERT_EQ(1 + sent, mqk_attr(_metadata, self->fd).curmsgs);
	fn_expect(_metadata, self, 0, 1 + sent);
}

/* RECV_BATCH: messages 0 .. 2 */

static void prep_recv_batch(struct __test_metadata *_metadata,
			    FIXTURE_DATA(failnth) *self)
{
	unsigned int i;

	fn_make(_metadata, self);
	fn_fill(_metadata, self, 0, 3);
	memset(self->d, 0, sizeof(self->d));
	for (i = 0; i < 3; i++) {
		self->d[i].buf = mqk_ptr(self->buf[i]);
		self->d[i].len = FN_MSGSIZE;
	}
}

static int call_recv_batch(FIXTURE_DATA(failnth) *self)
{
	return call_batch(self, MQLAB_IOC_RECV_BATCH);
}

static void check_recv_batch(struct __test_metadata *_metadata,
			     FIXTURE_DATA(failnth) *self, int ret)
{
	unsigned int got = ret > 0 ? ret : 0, i;

	ASSERT_NE(0, ret);
	ASSERT_LE(got, 3);
	for (i = 0; i < got; i++)
		ASSERT_TRUE(fn_is_msg(self->buf[i], self->d[i].len, i))
			TH_LOG("descriptor %u", i);
	/* none lost: the rest went back to the head, in order */
	fn_expect(_metadata, self, got, 3);
}

/* poll() of a bound fd with a message queued */

static int call_poll(FIXTURE_DATA(failnth) *self)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN | POLLOUT };
	int ret = poll(&p, 1, 0);

	if (ret < 0)
		return -errno;
	return p.revents == (POLLIN | POLLOUT) ? 0 : -EIO;
}

static void check_poll(struct __test_metadata *_metadata,
		       FIXTURE_DATA(failnth) *self, int ret)
{
	if (ret < 0)
		ASSERT_EQ(0, call_poll(self));
	fn_expect(_metadata, self, 0, 1);
}

#define FN_OP(name, prep, call, check) \
	TEST_F(failnth, name) \
	{ \
		static const struct fn_op op = { #name, prep, call, check }; \
		fn_walk(_metadata, self, &op); \
	}

FN_OP(open, prep_none, call_open, check_open)
FN_OP(release, prep_release, call_release, check_nothing)
FN_OP(version, prep_open, call_version, check_version)
FN_OP(bind_create, prep_open, call_create, check_create)
FN_OP(bind_existing, prep_bind, call_bind, check_bind)
FN_OP(unlink, prep_bind, call_unlink, check_unlink)
FN_OP(send_large, prep_queue1, call_send, check_send)
FN_OP(send_notify, prep_notified, call_send, check_notified)
FN_OP(write_large, prep_queue1, call_write, check_write)
FN_OP(recv_large, prep_queue2, call_recv, check_recv)
FN_OP(read_large, prep_queue2, call_read, check_recv)
FN_OP(getattr, prep_queue, call_getattr, check_getattr)
FN_OP(setattr, prep_queue, call_setattr, check_setattr)
FN_OP(notify, prep_queue, call_notify, check_notify)
FN_OP(send_batch, prep_send_batch, call_send_batch, check_send_batch)
FN_OP(recv_batch, prep_recv_batch, call_recv_batch, check_recv_batch)
FN_OP(poll, prep_queue1, call_poll, check_poll)

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
