// SPDX-License-Identifier: MIT
/*
 * posix.c - libmqdev-posix.so: the <mqueue.h> functions on top of
 * /dev/mqueue-lab, for LD_PRELOAD or direct linking.  An mqd_t is the
 * device fd itself.  Only the mq_* functions are exported.
 *
 * SIGEV_THREAD: the device's MQLAB_NOTIFY_EVENT makes the fd report
 * POLLPRI.  mq_notify() starts one helper thread per registration that
 * poll()s the fd and an eventfd; on POLLPRI it ACKs and starts the
 * user's function in a new detached thread, then ends (one-shot).  The
 * eventfd stops it early (mq_notify(NULL), mq_close()).  The helpers
 * are kept in notify_list; only the API functions walk the list and
 * join helpers, never a helper itself, so joining under notify_lock
 * cannot deadlock.
 *
 * glibc declares some pointer arguments nonnull that the kernel accepts
 * as NULL (mq_timedsend()'s timeout, mq_setattr()'s new attributes...).
 * The work is therefore done in static functions without that
 * attribute, the public wrappers hide what they know about such a
 * pointer from the optimiser (launder()), and this file is built with
 * -fno-delete-null-pointer-checks, so that no NULL check is optimised
 * away.
 */
#undef _FORTIFY_SOURCE		/* we define mq_open, not call it */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "posix_xlate.h"

#define MQPOSIX_API __attribute__((visibility("default")))

/* The optimiser may no longer assume that @p is not NULL. */
#define launder(p)	({ __typeof__(p) __p = (p);		\
			   __asm__("" : "+r" (__p));		\
			   __p; })

/*
 * The msgsize of the queue behind each descriptor, so that a receive
 * needs no GETATTR for the POSIX EMSGSIZE rule: a queue's msgsize never
 * changes.  Keyed by fd; an entry holds msgsize + 1, 0 = unknown.
 * mq_open() and mq_close() reset the entry of their fd; the first
 * receive through an fd that is unknown (a dup(), one inherited over
 * exec, a number past the table, a msgsize of 4 GiB or more) asks
 * GETATTR and fills the entry.  fork() copies the fds and this table
 * together; exec starts with an empty table.  An fd closed with close()
 * instead of mq_close() and reused for another queue by something other
 * than mq_open() (dup2(), the native API) may keep a stale entry: a
 * buffer shorter than the stale size asks GETATTR again before it says
 * EMSGSIZE, so only a buffer between the two sizes behaves as for the
 * old queue.  Entries are read and written with relaxed atomics: a
 * racing mq_open()/mq_close() on the fd being received on is undefined
 * for the kernel's mq too.
 */
#define MSGSIZE_FDS	4096
static uint32_t msgsize_of[MSGSIZE_FDS];

static void msgsize_set(int fd, uint32_t entry)
{
	if (fd >= 0 && fd < MSGSIZE_FDS)
		__atomic_store_n(&msgsize_of[fd], entry, __ATOMIC_RELAXED);
}

/* @fd's entry: its msgsize + 1, or 0 (unknown).  Inline: every receive. */
static inline uint32_t msgsize_cached(int fd)
{
	if (fd < 0 || fd >= MSGSIZE_FDS)
		return 0;
	return __atomic_load_n(&msgsize_of[fd], __ATOMIC_RELAXED);
}

/* @fd's queue's msgsize: the cached one unless @ask, else GETATTR. */
static int msgsize_get(int fd, bool ask, uint64_t *msgsize)
{
	struct mqlab_attr a;
	uint32_t entry = ask ? 0 : msgsize_cached(fd);
	int err;

	if (entry) {
		*msgsize = entry - 1;
		return 0;
	}
	err = mqcore_getattr(fd, &a);
	if (err)
		return err;
	if (a.msgsize < UINT32_MAX)
		msgsize_set(fd, (uint32_t)a.msgsize + 1);
	*msgsize = a.msgsize;
	return 0;
}

/* Set errno from a negative device/library error; return -1. */
static int fail(int err)
{
	errno = mqposix_errno(err);
	return -1;
}

MQPOSIX_API mqd_t mq_open(const char *name, int oflag, ...)
{
	struct mq_attr *attr = NULL;
	struct mqcore_oflag of;
	const char *dev;
	mode_t mode = 0;
	size_t len;
	int fd, err;

	if (oflag & O_CREAT) {
		va_list ap;

		va_start(ap, oflag);
		mode = va_arg(ap, mode_t);
		attr = va_arg(ap, struct mq_attr *);
		va_end(ap);
	}
	err = mqposix_name(name, &dev, &len);
	if (err)
		return fail(err);
	err = mqposix_oflag(oflag, &of);
	if (err)
		return fail(err);
	fd = mqcore_dev_open(NULL, of.open_flags);
	if (fd < 0)
		return fail(fd);

	/*
	 * Attributes above the device's caps need no MQLAB_IOC_VERSION
	 * here (766 instructions per mq_open()): the device, like the
	 * kernel, checks them only when it really creates the queue, with
	 * these errnos.  Only 0 (the device's "default") and negative
	 * values must be caught here.
	 */
	if (attr && (attr->mq_maxmsg <= 0 || attr->mq_msgsize <= 0)) {
		/*
		 * The kernel looks at the attributes only when it creates
		 * the queue: an existing queue opens (or is EEXIST under
		 * O_EXCL), a missing one is EINVAL.
		 */
		err = mqcore_bind(fd, dev, len, 0, 0, 0, 0);
		if (!err && (of.bind_flags & MQLAB_BIND_EXCL))
			err = -EEXIST;
		else if (err == -ENOENT)
			err = -EINVAL;
		if (err)
			goto out_close;
		msgsize_set(fd, 0);
		return fd;
	}
	/* The kernel keeps any mode bits; the device takes only 0777. */
	err = mqcore_bind(fd, dev, len, of.bind_flags, mode & 0777,
			  attr ? (uint64_t)attr->mq_maxmsg : 0,
			  attr ? (uint64_t)attr->mq_msgsize : 0);
	if (err)
		goto out_close;
	msgsize_set(fd, 0);
	return fd;

out_close:
	close(fd);
	return fail(err);
}

/*
 * What a program built with _FORTIFY_SOURCE calls for a two-argument
 * mq_open() whose oflag is not a constant (glibc's <bits/mqueue2.h>).
 * Exported so that such programs are redirected too.  O_CREAT needs the
 * mode and attr arguments, so glibc aborts there; so do we.
 */
MQPOSIX_API mqd_t __mq_open_2(const char *name, int oflag)
{
	if (oflag & O_CREAT) {
		static const char msg[] =
			"invalid mq_open call: O_CREAT without mode and attr\n";

		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
			abort();
		abort();
	}
	return mq_open(name, oflag);
}

MQPOSIX_API int mq_unlink(const char *name)
{
	const char *dev;
	size_t len;
	int err;

	err = mqposix_name(name, &dev, &len);
	if (!err)
		err = mqcore_unlink(NULL, dev, len, 0);
	/* The device says EPERM, as the system call does; glibc says EACCES. */
	if (err == -EPERM)
		err = -EACCES;
	return err ? fail(err) : 0;
}

static int do_timedsend(mqd_t mqdes, const char *msg_ptr, size_t msg_len,
			unsigned int msg_prio,
			const struct timespec *abs_timeout)
{
	struct mqlab_timespec ts = { 0, 0 };
	uint32_t ioflags = 0;
	int err = 0;

	/* The kernel checks these before it looks at the descriptor. */
	if (msg_prio >= MQ_PRIO_MAX)
		return fail(-EINVAL);
	/* mq_send(): no timeout to decode, no call. */
	if (abs_timeout)
		err = mqposix_abstime(abs_timeout, &ioflags, &ts);
	if (!err)
		err = mqcore_send(mqdes, msg_ptr, msg_len, msg_prio, ioflags,
				  &ts);
	return err ? fail(err) : 0;
}

MQPOSIX_API int mq_timedsend(mqd_t mqdes, const char *msg_ptr, size_t msg_len,
			     unsigned int msg_prio,
			     const struct timespec *abs_timeout)
{
	return do_timedsend(mqdes, msg_ptr, msg_len, msg_prio,
			    launder(abs_timeout));
}

MQPOSIX_API int mq_send(mqd_t mqdes, const char *msg_ptr, size_t msg_len,
			unsigned int msg_prio)
{
	return do_timedsend(mqdes, msg_ptr, msg_len, msg_prio, NULL);
}

static ssize_t do_timedreceive(mqd_t mqdes, char *msg_ptr, size_t msg_len,
			       unsigned int *msg_prio,
			       const struct timespec *abs_timeout)
{
	struct mqlab_timespec ts = { 0, 0 };
	uint32_t entry = msgsize_cached(mqdes);
	uint32_t ioflags = 0;
	struct mqlab_recv r;
	uint64_t msgsize;
	ssize_t ret;
	int err;

	/* mq_receive(): no timeout to decode, no call. */
	if (abs_timeout) {
		err = mqposix_abstime(abs_timeout, &ioflags, &ts);
		if (err)
			return fail(err);
	}
	/*
	 * POSIX: a buffer smaller than the queue's mq_msgsize is EMSGSIZE,
	 * whatever the next message's size; but a descriptor that may not
	 * receive is EBADF first, as in the kernel.  The msgsize is known
	 * from the first receive on (msgsize_of); a short buffer asks again,
	 * so that a stale entry never makes EMSGSIZE up.  The usual case, a
	 * known msgsize and a buffer that holds it, takes no call.
	 */
	if (entry && msg_len >= entry - 1) {
		msgsize = entry - 1;
	} else {
		err = msgsize_get(mqdes, false, &msgsize);
		if (!err && msg_len < msgsize)
			err = msgsize_get(mqdes, true, &msgsize);
		if (err)
			return fail(err);
	}
	if (msg_len < msgsize) {
		int fl = fcntl(mqdes, F_GETFL);

		if (fl >= 0 && (fl & O_ACCMODE) == O_WRONLY)
			return fail(-EBADF);
		return fail(-EMSGSIZE);
	}
	ret = mqcore_recv(mqdes, msg_ptr, msg_len, ioflags, &ts, &r);
	if (ret < 0)
		return fail((int)ret);
	if (msg_prio)
		*msg_prio = r.prio;
	return ret;
}

MQPOSIX_API ssize_t mq_timedreceive(mqd_t mqdes, char *msg_ptr,
				    size_t msg_len, unsigned int *msg_prio,
				    const struct timespec *abs_timeout)
{
	return do_timedreceive(mqdes, msg_ptr, msg_len, msg_prio,
			       launder(abs_timeout));
}

MQPOSIX_API ssize_t mq_receive(mqd_t mqdes, char *msg_ptr, size_t msg_len,
			       unsigned int *msg_prio)
{
	return do_timedreceive(mqdes, msg_ptr, msg_len, msg_prio, NULL);
}

/* mq_getattr(fd, NULL) checks the descriptor only, as in the kernel. */
static int do_getattr(mqd_t mqdes, struct mq_attr *mqstat)
{
	struct mqlab_attr a;
	int err;

	err = mqcore_getattr(mqdes, &a);
	if (err)
		return fail(err);
	if (mqstat)
		mqposix_attr_from_lab(&a, mqstat);
	return 0;
}

MQPOSIX_API int mq_getattr(mqd_t mqdes, struct mq_attr *mqstat)
{
	return do_getattr(mqdes, launder(mqstat));
}

/* mq_setattr(fd, NULL, old) is mq_getattr(), as in the kernel. */
static int do_setattr(mqd_t mqdes, const struct mq_attr *mqstat,
		      struct mq_attr *omqstat)
{
	struct mqlab_attr a;
	uint32_t fd_flags = 0;
	int err;

	/* Like the kernel: bad flags are EINVAL before EBADF. */
	if (mqstat) {
		err = mqposix_flags_to_lab(mqstat->mq_flags, &fd_flags);
		if (err)
			return fail(err);
	}
	/* The old values are read first: not atomic with the change. */
	if (omqstat || !mqstat) {
		err = mqcore_getattr(mqdes, &a);
		if (err)
			return fail(err);
	}
	if (mqstat) {
		err = mqcore_setattr(mqdes, fd_flags);
		if (err)
			return fail(err);
	}
	if (omqstat)
		mqposix_attr_from_lab(&a, omqstat);
	return 0;
}

MQPOSIX_API int mq_setattr(mqd_t mqdes, const struct mq_attr *mqstat,
			   struct mq_attr *omqstat)
{
	return do_setattr(mqdes, launder(mqstat), omqstat);
}

/* SIGEV_THREAD support. */

struct notify_thread {
	struct notify_thread *next;	/* notify_list, under notify_lock */
	int mqd;			/* the registered descriptor */
	int stopfd;			/* eventfd: stop request */
	pthread_t helper;		/* polls mqd and stopfd */
	void (*fn)(union sigval v);	/* sigev_notify_function */
	union sigval value;		/* sigev_value */
	pthread_attr_t attr;		/* for the thread that runs fn */
};

struct notify_call {
	void (*fn)(union sigval v);
	union sigval value;
};

static pthread_mutex_t notify_lock = PTHREAD_MUTEX_INITIALIZER;
static struct notify_thread *notify_list;	/* under notify_lock */
static pthread_once_t notify_once = PTHREAD_ONCE_INIT;

static void *notify_call_fn(void *arg)
{
	struct notify_call c = *(struct notify_call *)arg;
	sigset_t none;

	free(arg);
	/* The helper blocks every signal; the user's function does not. */
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	c.fn(c.value);
	return NULL;
}

static void notify_fire(struct notify_thread *nt)
{
	struct notify_call *c;
	pthread_t t;

	mqcore_notify(nt->mqd, MQLAB_NOTIFY_ACK, 0, 0);
	c = malloc(sizeof(*c));
	if (!c)
		return;
	c->fn = nt->fn;
	c->value = nt->value;
	if (pthread_create(&t, &nt->attr, notify_call_fn, c))
		free(c);
}

static void *notify_helper(void *arg)
{
	struct notify_thread *nt = arg;
	struct pollfd p[2];

	p[0].fd = nt->stopfd;
	p[0].events = POLLIN;
	p[1].fd = nt->mqd;
	p[1].events = POLLPRI;
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents)
			break;		/* stop request wins */
		if (p[1].revents & POLLPRI) {
			notify_fire(nt);
			break;		/* one-shot */
		}
		if (p[1].revents & (POLLNVAL | POLLERR | POLLHUP))
			break;
	}
	return NULL;
}

/* Stop a helper (it may have ended already) and free it. */
static void notify_free(struct notify_thread *nt)
{
	uint64_t one = 1;
	ssize_t n;

	/* An eventfd write of 1 cannot fail short of overflow. */
	n = write(nt->stopfd, &one, sizeof(one));
	(void)n;
	pthread_join(nt->helper, NULL);
	close(nt->stopfd);
	pthread_attr_destroy(&nt->attr);
	free(nt);
}

/* Remove @mqd's helper from the list.  Caller holds notify_lock. */
static struct notify_thread *notify_take(int mqd)
{
	struct notify_thread **pp, *nt;

	for (pp = &notify_list; (nt = *pp); pp = &nt->next) {
		if (nt->mqd == mqd) {
			*pp = nt->next;
			return nt;
		}
	}
	return NULL;
}

static void notify_reap(int mqd)
{
	struct notify_thread *nt;

	pthread_mutex_lock(&notify_lock);
	nt = notify_take(mqd);
	if (nt)
		notify_free(nt);
	pthread_mutex_unlock(&notify_lock);
}

static void notify_atfork_prepare(void)
{
	pthread_mutex_lock(&notify_lock);
}

static void notify_atfork_parent(void)
{
	pthread_mutex_unlock(&notify_lock);
}

/*
 * The child has no helper threads and no registrations (they belong to
 * the parent process): forget them without touching the parent's.
 */
static void notify_atfork_child(void)
{
	struct notify_thread *nt;

	while ((nt = notify_list)) {
		notify_list = nt->next;
		close(nt->stopfd);
		pthread_attr_destroy(&nt->attr);
		free(nt);
	}
	pthread_mutex_init(&notify_lock, NULL);
}

static void notify_init(void)
{
	pthread_atfork(notify_atfork_prepare, notify_atfork_parent,
		       notify_atfork_child);
}

/*
 * The attributes of the thread that runs the user's function: a copy
 * of @src (glibc copies them too), always detached.  A caller-supplied
 * stack address is not copied: threads must not share a stack.
 */
static int notify_attr_copy(pthread_attr_t *dst, const pthread_attr_t *src)
{
	struct sched_param sp;
	cpu_set_t cpus;
	size_t sz;
	int i, err;

	err = pthread_attr_init(dst);
	if (err)
		return err;
	if (src) {
		if (!pthread_attr_getstacksize(src, &sz))
			pthread_attr_setstacksize(dst, sz);
		if (!pthread_attr_getguardsize(src, &sz))
			pthread_attr_setguardsize(dst, sz);
		if (!pthread_attr_getinheritsched(src, &i))
			pthread_attr_setinheritsched(dst, i);
		if (!pthread_attr_getschedpolicy(src, &i))
			pthread_attr_setschedpolicy(dst, i);
		if (!pthread_attr_getschedparam(src, &sp))
			pthread_attr_setschedparam(dst, &sp);
		if (!pthread_attr_getscope(src, &i))
			pthread_attr_setscope(dst, i);
		if (!pthread_attr_getaffinity_np(src, sizeof(cpus), &cpus))
			pthread_attr_setaffinity_np(dst, sizeof(cpus), &cpus);
	}
	return pthread_attr_setdetachstate(dst, PTHREAD_CREATE_DETACHED);
}

static int notify_thread_start(mqd_t mqdes, const struct sigevent *sev)
{
	struct notify_thread *nt, *old;
	sigset_t all, saved;
	int err;

	pthread_once(&notify_once, notify_init);
	nt = calloc(1, sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	nt->mqd = mqdes;
	nt->fn = sev->sigev_notify_function;
	nt->value = sev->sigev_value;
	err = notify_attr_copy(&nt->attr, sev->sigev_notify_attributes);
	if (err)
		goto out_free;
	nt->stopfd = eventfd(0, EFD_CLOEXEC);
	if (nt->stopfd < 0) {
		err = errno;
		goto out_attr;
	}

	pthread_mutex_lock(&notify_lock);
	err = -mqcore_notify(mqdes, MQLAB_NOTIFY_EVENT, 0, 0);
	if (err)
		goto out_unlock;
	/* A helper still listed has fired, or its fd was reused. */
	old = notify_take(mqdes);
	if (old)
		notify_free(old);
	/* The helper takes no signals meant for the application. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	err = pthread_create(&nt->helper, NULL, notify_helper, nt);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (err) {
		mqcore_notify(mqdes, MQLAB_NOTIFY_REMOVE, 0, 0);
		goto out_unlock;
	}
	nt->next = notify_list;
	notify_list = nt;
	pthread_mutex_unlock(&notify_lock);
	return 0;

out_unlock:
	pthread_mutex_unlock(&notify_lock);
	close(nt->stopfd);
out_attr:
	pthread_attr_destroy(&nt->attr);
out_free:
	free(nt);
	return -err;
}

MQPOSIX_API int mq_notify(mqd_t mqdes, const struct sigevent *sevp)
{
	struct mqposix_notify n;
	int err;

	err = mqposix_sigevent(sevp, &n);
	if (err)
		return fail(err);
	if (n.action == MQLAB_NOTIFY_EVENT) {
		err = notify_thread_start(mqdes, sevp);
		return err ? fail(err) : 0;
	}
	err = mqcore_notify(mqdes, n.action, n.signo, n.value);
	if (err)
		return fail(err);
	/* Removed, or a new registration: no SIGEV_THREAD helper left. */
	notify_reap(mqdes);
	return 0;
}

MQPOSIX_API int mq_close(mqd_t mqdes)
{
	/* Stop a SIGEV_THREAD helper first: it polls this fd. */
	notify_reap(mqdes);
	msgsize_set(mqdes, 0);
	return close(mqdes);
}
