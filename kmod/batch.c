// SPDX-License-Identifier: GPL-2.0
/*
 * batch.c - MQLAB_IOC_SEND_BATCH and MQLAB_IOC_RECV_BATCH
 *
 * The rules of msg.c, for up to MQLAB_BATCH_MAX messages at a time:
 *   - A send batch builds all its messages (copies them from user space)
 *     before it takes the queue lock; a receive batch copies them to user
 *     space after it has dropped it.
 *   - Everything that fits is moved under one lock: each message handed
 *     to a blocked receiver wakes that receiver, each slot a receive
 *     batch frees moves a blocked sender's message in.  The wake-ups are
 *     collected (struct mqlab_wake, with the batch's array for more than
 *     one task) and issued after the unlock.
 *   - A send batch that finds the queue full blocks once, as one blocked
 *     sender holding the rest of its messages (mqlab_waiter.more):
 *     receivers move them in one per freed slot (mqlab_refill()) and it
 *     is woken when the last one is in.
 *   - A receive batch that faults on a buffer puts that message and the
 *     ones after it back where they were (their old sequence numbers):
 *     none is lost or duplicated.
 * The return value is the sendmmsg()/recvmmsg() one: how many messages
 * were moved, or the error when none was.
 */
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "queue.h"
#include "mqueue_lab_trace.h"

/*
 * The working state of one batch call, too large for the stack: the
 * caller's descriptors, the messages, and the tasks to wake.  Only the
 * task that made the call uses it.
 */
struct mqlab_batch_ctx {
	struct mqlab_batch_msg d[MQLAB_BATCH_MAX];
	struct mqlab_msg *msg[MQLAB_BATCH_MAX];
	struct task_struct *tasks[MQLAB_BATCH_MAX];
};

/* Allocate a context and read the @count descriptors at @umsgs. */
static struct mqlab_batch_ctx *
mqlab_batch_get(const struct mqlab_batch_msg __user *umsgs, u32 count)
{
	struct mqlab_batch_ctx *b = kmalloc(sizeof(*b), GFP_KERNEL);

	if (!b)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(b->d, umsgs, count * sizeof(b->d[0]))) {
		kfree(b);
		return ERR_PTR(-EFAULT);
	}
	return b;
}

static void mqlab_batch_wake_init(struct mqlab_batch_ctx *b,
				  struct mqlab_wake *wake)
{
	memset(wake, 0, sizeof(*wake));
	wake->more = b->tasks;
	wake->max_more = MQLAB_BATCH_MAX;
}

static bool mqlab_wake_pending(const struct mqlab_wake *wake)
{
	return wake->task || wake->nr_more || wake->poll || wake->notice.owner;
}

/* Descriptor @d of a send batch, checked: 0 or -errno. */
static int mqlab_batch_check(const struct mqlab_queue *q,
			     const struct mqlab_batch_msg *d)
{
	trace_mqlab_send(q, d->len, d->prio);
	if (d->prio >= MQLAB_PRIO_MAX || d->pid || d->uid || d->timestamp_ns)
		return -EINVAL;
	return d->len > q->msgsize ? -EMSGSIZE : 0;
}

/*
 * Build small messages from the checked descriptors b->d[@i .. @n - 1]:
 * those that share the first one's cache in one slab call, one sender
 * reference count update, and each payload copied in one user access
 * window.  @return how many were built, at least one unless the first
 * faults (then 0) or there is no memory (-ENOMEM); those that share the
 * cache but were not built faulted.
 */
static int mqlab_batch_build_small(struct mqlab_batch_ctx *b, u32 i, u32 n,
				   u32 *run)
{
	struct pid *pid = task_tgid(current);
	kuid_t uid = current_uid();
	struct mqlab_msg *msg;
	u32 j;

	*run = mqlab_msg_alloc_run(&b->d[i], n - i, &b->msg[i]);
	if (!*run)
		return -ENOMEM;
	n = i + *run;
	for (j = i; j < n; j++) {
		msg = b->msg[j];
		if (mqlab_msg_fill_small(msg, u64_to_user_ptr(b->d[j].buf)))
			break;
		msg->prio = b->d[j].prio;
		msg->uid = uid;
		msg->sender = pid;
	}
	if (j > i)
		refcount_add(j - i, &pid->count);
	if (j < n)
		mqlab_msg_free_bulk(&b->msg[j], n - j);
	return j - i;
}

/*
 * Check and build the messages of the @count descriptors of @b, in
 * order, until one is bad.  @return how many were built; *@err is the
 * error of the one that ended them.
 */
static u32 mqlab_batch_build(const struct mqlab_queue *q,
			     struct mqlab_batch_ctx *b, u32 count, int *err)
{
	struct mqlab_msg *msg;
	u32 good, i, n, run;
	int ret = 0, built;

	/* The first bad descriptor ends the batch. */
	for (good = 0; good < count; good++) {
		ret = mqlab_batch_check(q, &b->d[good]);
		if (ret)
			break;
	}
	for (i = 0; i < good; i += built) {
		if (!mqlab_msg_small(b->d[i].len)) {
			msg = mqlab_msg_build(q, u64_to_user_ptr(b->d[i].buf),
					      b->d[i].len, b->d[i].prio);
			if (IS_ERR(msg)) {
				*err = PTR_ERR(msg);
				return i;
			}
			b->msg[i] = msg;
			built = 1;
			continue;
		}
		for (n = i + 1; n < good && mqlab_msg_small(b->d[n].len); n++)
			;
		built = mqlab_batch_build_small(b, i, n, &run);
		if (built < 0) {
			*err = built;
			return i;
		}
		if (built < run) {
			*err = -EFAULT;
			return i + built;
		}
	}
	*err = ret;
	return good;
}

/*
 * Deliver the @n messages of @b, blocking on a full queue unless
 * @nonblock.  @return how many went into the queue or to receivers
 * (they are the queue's now: b->msg[0 .. ret - 1]), or the error when
 * none did.  The others are still the caller's.
 */
static int mqlab_send_msgs(struct mqlab_file *pf, struct mqlab_queue *q,
			   struct mqlab_batch_ctx *b, u32 n, bool nonblock,
			   const struct mqlab_deadline *dl)
{
	struct mqlab_waiter w = {};
	struct mqlab_wake wake;
	u64 held = 0, now;
	u32 i = 0, j;
	int ret;

	mqlab_batch_wake_init(b, &wake);
	for (;;) {
		mqlab_lock_unexpired(q);
		/* Nothing is pending in @wake here: flushed below. */
		if (unlikely(q->dead)) {
			ret = mqlab_dead_unlock(q);
			return i ? i : ret;
		}
		/* Those that go in under one lock share their enqueue time. */
		now = ktime_get_ns();
		while (i < n && q->curmsgs < q->maxmsg)
			mqlab_deliver_at(q, b->msg[i++], now, &wake);
		if (i == n || nonblock)
			goto out_unlock;
		/* Those we handed over must not wait for us: wake them. */
		if (!mqlab_wake_pending(&wake))
			break;
		spin_unlock(&q->lock);
		mqlab_wake_flush(q, &wake);
		mqlab_batch_wake_init(b, &wake);
	}

	/* Full: block, holding b->msg[i .. n - 1], charged to us. */
	for (j = i; j < n; j++)
		held += mqlab_msg_charge(b->msg[j]->len);
	ret = mqlab_charge_held(pf->acct, held, pf->unlimited);
	if (ret) {
		spin_unlock(&q->lock);
		return i ? i : ret;
	}
	w.msg = b->msg[i];
	w.more = &b->msg[i + 1];
	w.nr_more = n - i - 1;
	ret = mqlab_wait(q, &w, &q->send_waiters, &q->nr_send_waiters, dl);
	mqlab_uncharge_held(pf->acct, held);
	/* EIDRM: destroyed while we waited, and taken off the list. */
	if (!ret)
		ret = w.result;
	if (!ret)
		return n;
	/* Off the list: w.msg and the w.nr_more after it were not sent. */
	i = n - 1 - w.nr_more;
	return i ? i : ret;

out_unlock:
	spin_unlock(&q->lock);
	mqlab_wake_flush(q, &wake);
	return i ? i : -EAGAIN;
}

int mqlab_send_batch(struct mqlab_file *pf, struct mqlab_queue *q,
		     struct mqlab_batch_msg __user *umsgs, u32 count,
		     bool nonblock, const struct mqlab_deadline *dl)
{
	struct mqlab_batch_ctx *b;
	u32 n, i;
	int ret;

	b = mqlab_batch_get(umsgs, count);
	if (IS_ERR(b))
		return PTR_ERR(b);

	/* A bad message ends the batch before it (sendmmsg()). */
	n = mqlab_batch_build(q, b, count, &ret);
	if (n) {
		ret = mqlab_send_msgs(pf, q, b, n, nonblock, dl);
		i = ret > 0 ? ret : 0;
		mqlab_msg_free_bulk(&b->msg[i], n - i);
	}
	kfree(b);
	trace_mqlab_send_return(q, ret);
	return ret;
}

/*
 * Take queued messages into b->msg[@i ..] while they fit in their
 * buffers, at most up to @count; a slot freed moves a blocked sender's
 * message in.  @return the new count; *@needed is the length of a
 * message that did not fit.  Caller must hold queue lock.
 */
static u32 mqlab_batch_take(struct mqlab_queue *q, struct mqlab_batch_ctx *b,
			    u32 i, u32 count, struct mqlab_wake *wake,
			    u32 *needed)
{
	struct mqlab_msg *msg;

	lockdep_assert_held(&q->lock);

	for (; i < count; i++) {
		msg = mqlab_peek(q);
		if (!msg)
			break;
		if (msg->len > b->d[i].len) {
			*needed = msg->len; /* it stays queued */
			break;
		}
		mqlab_dequeue(q, msg);
		q->received++;
		/* mqlab_refill(), which only tells poll() with no sender. */
		if (unlikely(q->nr_send_waiters))
			mqlab_refill(q, wake);
		else if (q->curmsgs < q->maxmsg)
			wake->poll |= EPOLLOUT | EPOLLWRNORM;
		b->msg[i] = msg;
	}
	return i;
}

/*
 * Put the @nr messages at @msgs, taken by this batch but not delivered,
 * back where they were, in their order: to receivers that blocked
 * meanwhile (which they only do on an empty queue), and the rest in
 * front of whatever arrived since, each before the queued messages of
 * its priority (mqlab_requeue(), in the reverse order).
 */
static void mqlab_batch_putback(struct mqlab_queue *q,
				struct mqlab_batch_ctx *b,
				struct mqlab_msg **msgs, u32 nr)
{
	struct mqlab_wake wake;
	u32 j, k;

	mqlab_batch_wake_init(b, &wake);
	spin_lock(&q->lock);
	if (unlikely(q->dead)) {
		/* Destroyed meanwhile: they go with its other messages. */
		spin_unlock(&q->lock);
		for (j = 0; j < nr; j++)
			mqlab_msg_free(msgs[j]);
		return;
	}
	q->received -= nr;
	for (j = 0; j < nr; j++)
		if (!mqlab_handoff(q, msgs[j], &wake))
			break;
	for (k = nr; k > j; k--)
		mqlab_requeue(q, msgs[k - 1]);
	if (j < nr)
		wake.poll |= EPOLLIN | EPOLLRDNORM;
	spin_unlock(&q->lock);
	mqlab_wake_flush(q, &wake);
}

/*
 * Copy the @n messages of @b to their buffers and descriptors.  Stops
 * at the first fault; @return how many were copied.  What a receiver
 * learns of the sender is computed once per run of one sender, and the
 * time namespace's offset once; the descriptors go out in one copy.
 */
static u32 mqlab_batch_store(struct mqlab_batch_ctx *b, u32 n,
			     struct mqlab_batch_msg __user *umsgs)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct user_namespace *user_ns = current_user_ns();
	ktime_t off = mqlab_timens_monotonic_offset();
	const struct mqlab_msg *msg = b->msg[0];
	struct pid *sender = msg->sender;
	u32 pid = pid_nr_ns(sender, ns);
	kuid_t kuid = msg->uid;
	u32 uid = from_kuid_munged(user_ns, kuid);
	struct mqlab_batch_msg *d;
	unsigned long left;
	u32 i;

	for (i = 0; i < n; i++) {
		msg = b->msg[i];
		if (mqlab_msg_store_fast(u64_to_user_ptr(b->d[i].buf), msg))
			break;
		if (msg->sender != sender) {
			sender = msg->sender;
			pid = pid_nr_ns(sender, ns);
		}
		if (!uid_eq(msg->uid, kuid)) {
			kuid = msg->uid;
			uid = from_kuid_munged(user_ns, kuid);
		}
		/* @buf goes back as it came; the rest is output. */
		d = &b->d[i];
		d->len = msg->len;
		d->prio = msg->prio;
		d->pid = pid;
		d->uid = uid;
		d->timestamp_ns =
			mqlab_timens_from_host_off(msg->timestamp_ns, off);
	}
	/* Only whole descriptors count. */
	left = copy_to_user(umsgs, b->d, i * sizeof(*d));
	if (left)
		i -= DIV_ROUND_UP(left, sizeof(*d));
	return i;
}

/* The first message does not fit: tell the size needed, as RECV does. */
static int mqlab_batch_emsgsize(struct mqlab_batch_msg __user *umsgs,
				u32 needed)
{
	return put_user(needed, &umsgs[0].len) ? -EFAULT : -EMSGSIZE;
}

int mqlab_recv_batch(struct mqlab_queue *q,
		     struct mqlab_batch_msg __user *umsgs, u32 count,
		     bool nonblock, const struct mqlab_deadline *dl)
{
	struct mqlab_waiter w = {};
	struct mqlab_batch_ctx *b;
	struct mqlab_wake wake;
	u32 n, i, needed = 0;
	int ret;

	b = mqlab_batch_get(umsgs, count);
	if (IS_ERR(b))
		return PTR_ERR(b);
	trace_mqlab_receive(q, b->d[0].len, 0);
	mqlab_batch_wake_init(b, &wake);

	mqlab_lock_unexpired(q);
	n = mqlab_batch_take(q, b, 0, count, &wake, &needed);
	if (n || mqlab_peek(q)) {
		spin_unlock(&q->lock);
	} else if (unlikely(q->dead)) {
		ret = mqlab_dead_unlock(q);
		goto out_free;
	} else if (nonblock) {
		spin_unlock(&q->lock);
		ret = -EAGAIN;
		goto out_free;
	} else {
		/* Empty: wait for one message, then take what is there. */
		w.fit = b->d[0].len;
		ret = mqlab_wait(q, &w, &q->recv_waiters, &q->nr_recv_waiters,
				 dl);
		if (ret)
			goto out_free;
		if (w.result) {
			ret = w.result == -EMSGSIZE ?
				      mqlab_batch_emsgsize(umsgs, w.needed) :
				      w.result;
			goto out_free;
		}
		b->msg[0] = w.msg;
		n = 1;
		if (count > 1) {
			mqlab_lock_unexpired(q);
			n = mqlab_batch_take(q, b, 1, count, &wake, &needed);
			spin_unlock(&q->lock);
		}
	}
	mqlab_wake_flush(q, &wake);
	if (!n) {
		ret = mqlab_batch_emsgsize(umsgs, needed);
		goto out_free;
	}

	/* Outside the queue lock: this may fault and sleep. */
	i = mqlab_batch_store(b, n, umsgs);
	if (i < n)
		mqlab_batch_putback(q, b, &b->msg[i], n - i);
	ret = i ? i : -EFAULT;
	mqlab_msg_free_bulk(b->msg, i);
out_free:
	kfree(b);
	trace_mqlab_receive_return(q, ret, NULL);
	return ret;
}
