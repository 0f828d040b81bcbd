// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl.c - one helper per MQLAB_IOC_* command
 *
 * Each helper copies its argument struct in, rejects unknown flags and
 * non-zero pad, reserved or unused fields (so they can be given a
 * meaning later), decodes names and timeouts into kernel form before
 * any lock is taken, and zeroes every struct it copies out.
 */
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "queue.h"
#include "mqueue_lab_trace.h"

/*
 * Copy a queue name from user space into @buf (MQLAB_NAME_MAX + 1
 * bytes) and NUL-terminate it.  The rules are those of a file name
 * in a single directory.
 */
int mqlab_get_name(char *buf, u64 uptr, u32 len)
{
	if (!len)
		return -EINVAL;
	if (len > MQLAB_NAME_MAX)
		return -ENAMETOOLONG;
	if (copy_from_user(buf, u64_to_user_ptr(uptr), len))
		return -EFAULT;
	buf[len] = '\0';

	if (memchr(buf, '/', len) || memchr(buf, '\0', len))
		return -EINVAL;
	if (!strcmp(buf, ".") || !strcmp(buf, ".."))
		return -EINVAL;
	return 0;
}

/*
 * Decode the timeout of a send or receive into a deadline on a host
 * clock, once, so that a wait woken early (and retried) keeps it:
 *   - A relative timeout is a duration, on CLOCK_MONOTONIC whatever
 *     MQLAB_IO_REALTIME says: setting the clock must not stretch or cut
 *     it (as hrtimers put relative CLOCK_REALTIME timers on the
 *     monotonic base).
 *   - An absolute CLOCK_MONOTONIC time is read in the caller's time
 *     namespace and converted to host time, as timerfd does.
 *   - An absolute CLOCK_REALTIME time stays on CLOCK_REALTIME, which no
 *     time namespace offsets, so it follows clock_settime().
 * Only relative waits end with EINTR on a signal; the others restart
 * under SA_RESTART, and decode the same deadline again (a namespace's
 * offsets are frozen once a task has entered it).
 */
static int mqlab_get_deadline(u32 flags, const struct mqlab_timespec *uts,
			      struct mqlab_deadline *dl)
{
	struct timespec64 ts;
	ktime_t timeout;

	dl->timed = false;
	dl->clock = CLOCK_MONOTONIC;
	dl->expires = 0;
	dl->intr_err = -ERESTARTSYS;

	if (!(flags & MQLAB_IO_TIMEOUT)) {
		if (flags & (MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME))
			return -EINVAL;
		/* Unused, so it must be zero, as a pad field. */
		if (uts->tv_sec || uts->tv_nsec)
			return -EINVAL;
		return 0;
	}

	if ((s64)uts->tv_sec < 0 || uts->tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	ts.tv_sec = uts->tv_sec;
	ts.tv_nsec = uts->tv_nsec;
	timeout = timespec64_to_ktime(ts); /* saturates at KTIME_MAX */

	dl->timed = true;
	if (!(flags & MQLAB_IO_ABSTIME)) {
		dl->expires = ktime_add_safe(ktime_get(), timeout);
		dl->intr_err = -EINTR;
	} else if (flags & MQLAB_IO_REALTIME) {
		dl->clock = CLOCK_REALTIME;
		dl->expires = timeout;
	} else {
		dl->expires = mqlab_timens_to_host(timeout);
	}
	return 0;
}

/*
 * The queue that a send (@fmode FMODE_WRITE) or receive (FMODE_READ) on
 * @file works on: ERR_PTR(-EBADFD) when the fd is not bound yet, and
 * ERR_PTR(-EBADF) when it was not opened for that direction.
 */
struct mqlab_queue *mqlab_io_queue(struct file *file, fmode_t fmode)
{
	struct mqlab_queue *q = mqlab_file_queue(file->private_data);

	if (!q)
		return ERR_PTR(-EBADFD);
	if (!(file->f_mode & fmode))
		return ERR_PTR(-EBADF);
	return q;
}

static bool mqlab_nonblock(const struct file *file, u32 io_flags)
{
	return (file->f_flags & O_NONBLOCK) || (io_flags & MQLAB_IO_NONBLOCK);
}

long mqlab_ioc_version(void __user *argp)
{
	struct mqlab_version v;

	memset(&v, 0, sizeof(v));
	v.major = MQLAB_VERSION_MAJOR;
	v.minor = MQLAB_VERSION_MINOR;
	v.features = MQLAB_FEAT_NOTIFY | MQLAB_FEAT_TIMEOUT |
		     MQLAB_FEAT_ACCOUNT | MQLAB_FEAT_TIMENS |
		     MQLAB_FEAT_POLL_UNBOUND | MQLAB_FEAT_BATCH |
		     MQLAB_FEAT_DESTROY | MQLAB_FEAT_PEEK | MQLAB_FEAT_SELECT |
		     MQLAB_FEAT_CHOWN | MQLAB_FEAT_EXPIRE | MQLAB_FEAT_IPCNS;
	if (mqlab_kernel_limits)
		v.features |= MQLAB_FEAT_KERNEL_LIMITS;
	v.name_max = MQLAB_NAME_MAX;
	v.prio_max = MQLAB_PRIO_MAX;
	v.max_queues = mqlab_max_queues;
	v.default_maxmsg = mqlab_default_maxmsg;
	v.default_msgsize = mqlab_default_msgsize;
	v.maxmsg_max = mqlab_maxmsg_max;
	v.msgsize_max = mqlab_msgsize_max;
	v.total_bytes_max = mqlab_max_total_bytes;

	return copy_to_user(argp, &v, sizeof(v)) ? -EFAULT : 0;
}

/*
 * The attributes (mode, maxmsg, msgsize) are checked by mqlab_bind(),
 * and only when it really creates a queue.
 */
static int mqlab_check_bind(const struct mqlab_bind *req)
{
	if ((req->flags & ~MQLAB_BIND_FLAGS) || req->pad)
		return -EINVAL;
	if ((req->flags & MQLAB_BIND_EXCL) && !(req->flags & MQLAB_BIND_CREATE))
		return -EINVAL;
	return 0;
}

long mqlab_ioc_bind(struct file *file, void __user *argp)
{
	char name[MQLAB_NAME_MAX + 1];
	struct mqlab_bind req;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	ret = mqlab_check_bind(&req);
	if (ret)
		return ret;
	ret = mqlab_get_name(name, req.name, req.name_len);
	if (ret)
		return ret;

	return mqlab_bind(file, file->private_data, &req, name);
}

long mqlab_ioc_unlink(struct file *file, void __user *argp)
{
	char name[MQLAB_NAME_MAX + 1];
	struct mqlab_unlink req;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~MQLAB_UNLINK_FLAGS)
		return -EINVAL;
	ret = mqlab_get_name(name, req.name, req.name_len);
	if (ret)
		return ret;

	return mqlab_unlink(file, name, req.name_len, req.flags);
}

/*
 * The entry events of SEND and RECV fire here, not in mqlab_send() and
 * mqlab_receive(): out of line, only while the event is enabled, from
 * what the dispatcher keeps anyway (the file and the request, in
 * memory), before the queue is looked up, and only for an fd that
 * passes mqlab_io_queue() (the lookup after it finds the same queue: a
 * bound fd's queue never changes).  So a disabled event costs the hot
 * path one patched-out jump, and no register kept alive across the
 * tracepoint's call (docs/PERFORMANCE.md, "Trace events").
 */
static noinline __cold void mqlab_trace_send(struct file *file,
					     const struct mqlab_send_ttl *req)
{
	struct mqlab_queue *q = mqlab_io_queue(file, FMODE_WRITE);

	if (!IS_ERR(q))
		trace_mqlab_send(q, req->len, req->prio);
}

static noinline __cold void mqlab_trace_recv(struct file *file,
					     const struct mqlab_recv *req)
{
	struct mqlab_queue *q = mqlab_io_queue(file, FMODE_READ);

	if (!IS_ERR(q))
		trace_mqlab_receive(q, req->len, 0);
}

/* A SEND_TTL with a time to live, which is kept in whole ms, rounded up */
static noinline long mqlab_ioc_send_ttl_msg(struct file *file,
					    struct mqlab_queue *q,
					    const struct mqlab_send_ttl *req,
					    const struct mqlab_deadline *dl)
{
	u32 ttl_ms = DIV_ROUND_UP_ULL(req->ttl_ns, NSEC_PER_MSEC);

	return mqlab_send_ttl(file->private_data, q, u64_to_user_ptr(req->buf),
			      req->len, req->prio, ttl_ms,
			      mqlab_nonblock(file, req->flags), dl);
}

/*
 * MQLAB_IOC_SEND and MQLAB_IOC_SEND_TTL, whose struct begins with the
 * fields of SEND's: with @has_ttl false only those are read (a SEND has
 * no TTL and no reserved words).  Inlined into each: a plain SEND then
 * pays no call and no test or store for what SEND_TTL adds, and goes to
 * mqlab_send(), which has no TTL to test either.
 */
static __always_inline long mqlab_send_req(struct file *file,
					   const struct mqlab_send_ttl *req,
					   bool has_ttl)
{
	struct mqlab_queue *q;
	/* Written whole by mqlab_get_deadline(); see mqlab_ioc_recv(). */
	struct mqlab_deadline dl __uninitialized;
	int ret;

	if ((req->flags & ~MQLAB_IO_FLAGS) || req->pad ||
	    req->prio >= MQLAB_PRIO_MAX)
		return -EINVAL;
	if (has_ttl && (req->ttl_ns > MQLAB_TTL_MAX_NS || req->reserved[0] ||
			req->reserved[1]))
		return -EINVAL;
	ret = mqlab_get_deadline(req->flags, &req->timeout, &dl);
	if (ret)
		return ret;
	if (trace_mqlab_send_enabled())
		mqlab_trace_send(file, req);
	q = mqlab_io_queue(file, FMODE_WRITE);
	if (IS_ERR(q))
		return PTR_ERR(q);

	if (has_ttl && req->ttl_ns)
		return mqlab_ioc_send_ttl_msg(file, q, req, &dl);
	return mqlab_send(file->private_data, q, u64_to_user_ptr(req->buf),
			  req->len, req->prio, mqlab_nonblock(file, req->flags),
			  &dl);
}

long mqlab_ioc_send(struct file *file, void __user *argp)
{
	/* SEND's fields copied in; the tail is never read (@has_ttl). */
	struct mqlab_send_ttl req __uninitialized;

	BUILD_BUG_ON(offsetof(struct mqlab_send_ttl, ttl_ns) !=
		     sizeof(struct mqlab_send));
	if (copy_from_user(&req, argp, sizeof(struct mqlab_send)))
		return -EFAULT;
	return mqlab_send_req(file, &req, false);
}

long mqlab_ioc_send_ttl(struct file *file, void __user *argp)
{
	struct mqlab_send_ttl req __uninitialized;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	return mqlab_send_req(file, &req, true);
}

/*
 * CONFIG_INIT_STACK_ALL_ZERO would zero @req, @info and @dl at every
 * call (gcc cannot see that the calls write them first): about 100
 * bytes of stores a message.  None is read before it is written: @req
 * is copied in whole (a short copy returns EFAULT), @info is set by
 * mqlab_receive() or _sel() (a memset first), @dl by mqlab_get_deadline();
 * so the one struct copied out, @req, has every byte written, and the
 * header's rule (no uninitialised byte reaches user space) holds.
 */
static __always_inline long __mqlab_ioc_recv(struct file *file,
					     void __user *argp,
					     struct mqlab_recv *req, u32 sel)
{
	struct mqlab_queue *q;
	struct mqlab_msginfo info __uninitialized;
	struct mqlab_deadline dl __uninitialized;
	int ret;

	/* At most one selector, for a priority that exists (select.c). */
	if ((sel & MQLAB_IO_PRIO_SEL) &&
	    (hweight32(sel & MQLAB_IO_PRIO_SEL) > 1 ||
	     req->prio >= MQLAB_PRIO_MAX))
		return -EINVAL;
	ret = mqlab_get_deadline(req->flags, &req->timeout, &dl);
	if (ret)
		return ret;
	if (trace_mqlab_receive_enabled())
		mqlab_trace_recv(file, req);
	q = mqlab_io_queue(file, FMODE_READ);
	if (IS_ERR(q))
		return PTR_ERR(q);

	if (!sel)
		ret = mqlab_receive(q, u64_to_user_ptr(req->buf), req->len,
				    mqlab_nonblock(file, req->flags), &dl,
				    &info);
	else
		ret = mqlab_receive_sel(q, sel, req->prio,
					u64_to_user_ptr(req->buf), req->len,
					mqlab_nonblock(file, req->flags), &dl,
					&info);
	if (ret && ret != -EMSGSIZE)
		return ret;

	/* The input fields go back as they came; the outputs are set. */
	req->len = info.len;
	/* EMSGSIZE leaves a selector's @prio, for the retry. */
	if (!ret || !(sel & MQLAB_IO_PRIO_SEL))
		req->prio = info.prio;
	req->pid = info.pid;
	req->uid = info.uid;
	req->timestamp_ns = info.timestamp_ns;
	if (copy_to_user(argp, req, sizeof(*req)))
		return -EFAULT;
	return ret;
}

/*
 * A receive with a flag other than MQLAB_IO_FLAGS, or a non-zero pad: a
 * peek or a selector (select.c), or -EINVAL.
 */
static noinline long mqlab_ioc_recv_sel(struct file *file, void __user *argp,
					struct mqlab_recv *req)
{
	if ((req->flags & ~MQLAB_IO_RECV_FLAGS) || req->pad)
		return -EINVAL;
	return __mqlab_ioc_recv(file, argp, req,
				req->flags &
					(MQLAB_IO_PEEK | MQLAB_IO_PRIO_SEL));
}

/*
 * A plain receive pays nothing for the peek and selector flags: the one
 * test of flags and pad that it always made sends every other receive,
 * valid or not, out of line.  __mqlab_ioc_recv() folds with @sel 0.
 */
long mqlab_ioc_recv(struct file *file, void __user *argp)
{
	struct mqlab_recv req __uninitialized;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (unlikely((req.flags & ~MQLAB_IO_FLAGS) | req.pad))
		return mqlab_ioc_recv_sel(file, argp, &req);
	return __mqlab_ioc_recv(file, argp, &req, 0);
}

long mqlab_ioc_getattr(struct file *file, void __user *argp)
{
	struct mqlab_queue *q = mqlab_file_queue(file->private_data);
	struct user_namespace *ns = current_user_ns();
	struct mqlab_owner o;
	struct mqlab_attr a;

	if (!q)
		return -EBADFD;
	if (mqlab_queue_dead(q))
		return -EIDRM;

	memset(&a, 0, sizeof(a));
	a.maxmsg = q->maxmsg;
	a.msgsize = q->msgsize;
	mqlab_owner_read(q, &o);
	a.mode = o.mode;
	a.uid = from_kuid_munged(ns, o.uid);
	a.gid = from_kgid_munged(ns, o.gid);
	if (READ_ONCE(file->f_flags) & O_NONBLOCK)
		a.fd_flags |= MQLAB_FD_NONBLOCK;

	mqlab_lock_unexpired(q); /* expired messages do not count */
	a.curmsgs = q->curmsgs;
	a.curbytes = q->curbytes;
	a.sent = q->sent;
	a.received = q->received;
	a.waiting_senders = q->nr_send_waiters;
	a.waiting_receivers = q->nr_recv_waiters;
	a.reserved[MQLAB_ATTR_EXPIRED] = q->expired;
	spin_unlock(&q->lock);

	return copy_to_user(argp, &a, sizeof(a)) ? -EFAULT : 0;
}

long mqlab_ioc_setattr(struct file *file, void __user *argp)
{
	struct mqlab_queue *q = mqlab_file_queue(file->private_data);
	struct mqlab_setattr req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if ((req.fd_flags & ~MQLAB_FD_FLAGS) || req.pad)
		return -EINVAL;
	if (!q)
		return -EBADFD;
	if (mqlab_queue_dead(q))
		return -EIDRM;

	/* O_NONBLOCK is the fd's own flag, changed as mq_setattr() does. */
	spin_lock(&file->f_lock);
	if (req.fd_flags & MQLAB_FD_NONBLOCK)
		file->f_flags |= O_NONBLOCK;
	else
		file->f_flags &= ~O_NONBLOCK;
	spin_unlock(&file->f_lock);
	return 0;
}

/*
 * signo: the kernel's valid_signal() range, 1 .. 64 on x86, which is
 * 1 .. _NSIG - 1 with the C library's _NSIG (65).  Fields an action
 * does not use count as padding and must be zero.
 */
static int mqlab_check_notify(const struct mqlab_notify *req)
{
	switch (req->action) {
	case MQLAB_NOTIFY_SIGNAL:
		if (!req->signo || !valid_signal(req->signo))
			return -EINVAL;
		return 0;
	case MQLAB_NOTIFY_REMOVE:
	case MQLAB_NOTIFY_NONE:
	case MQLAB_NOTIFY_EVENT:
	case MQLAB_NOTIFY_ACK:
		return (req->signo || req->value) ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

long mqlab_ioc_notify(struct file *file, void __user *argp)
{
	struct mqlab_queue *q = mqlab_file_queue(file->private_data);
	struct mqlab_notify req;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	ret = mqlab_check_notify(&req);
	if (ret)
		return ret;
	if (!q)
		return -EBADFD;
	if (mqlab_queue_dead(q))
		return -EIDRM;

	return mqlab_notify_set(file->private_data, q, &req);
}

/*
 * The batch header of MQLAB_IOC_SEND_BATCH (@fmode FMODE_WRITE) or
 * MQLAB_IOC_RECV_BATCH (FMODE_READ), checked and decoded; the queue.
 */
static struct mqlab_queue *mqlab_get_batch(struct file *file, void __user *argp,
					   fmode_t fmode,
					   struct mqlab_batch *req,
					   struct mqlab_deadline *dl)
{
	int ret;

	if (copy_from_user(req, argp, sizeof(*req)))
		return ERR_PTR(-EFAULT);
	if ((req->flags & ~MQLAB_IO_FLAGS) || !req->count ||
	    req->count > MQLAB_BATCH_MAX)
		return ERR_PTR(-EINVAL);
	ret = mqlab_get_deadline(req->flags, &req->timeout, dl);
	if (ret)
		return ERR_PTR(ret);
	return mqlab_io_queue(file, fmode);
}

long mqlab_ioc_send_batch(struct file *file, void __user *argp)
{
	struct mqlab_deadline dl;
	struct mqlab_batch req;
	struct mqlab_queue *q;

	q = mqlab_get_batch(file, argp, FMODE_WRITE, &req, &dl);
	if (IS_ERR(q))
		return PTR_ERR(q);
	return mqlab_send_batch(file->private_data, q,
				u64_to_user_ptr(req.msgs), req.count,
				mqlab_nonblock(file, req.flags), &dl);
}

long mqlab_ioc_recv_batch(struct file *file, void __user *argp)
{
	struct mqlab_deadline dl;
	struct mqlab_batch req;
	struct mqlab_queue *q;

	q = mqlab_get_batch(file, argp, FMODE_READ, &req, &dl);
	if (IS_ERR(q))
		return PTR_ERR(q);
	return mqlab_recv_batch(q, u64_to_user_ptr(req.msgs), req.count,
				mqlab_nonblock(file, req.flags), &dl);
}
