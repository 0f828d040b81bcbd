// SPDX-License-Identifier: GPL-2.0
/*
 * notify.c - MQLAB_IOC_NOTIFY, the mq_notify() of mqueue-lab
 *
 * A queue has at most one registration: the registering process (its
 * thread group's struct pid) and the fd it registered through.  The
 * registration fires once, when a message arrives on an empty queue
 * while no receiver is blocked, and is dropped then, or when that
 * process removes it, or closes that fd (or exits), or the fd is
 * released.  See do_mq_notify() and __do_notify() in ipc/mqueue.c.
 */
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "queue.h"
#include "mqueue_lab_trace.h"

/*
 * Clear the registration and hand back its owner reference, for the
 * caller to put after unlocking.  Caller must hold queue lock.
 */
static struct pid *mqlab_notify_take(struct mqlab_queue *q)
{
	struct pid *owner = q->notify.owner;

	lockdep_assert_held(&q->lock);
	memset(&q->notify, 0, sizeof(q->notify));
	return owner;
}

/* Register, remove or acknowledge; @req is already validated. */
int mqlab_notify_set(struct mqlab_file *pf, struct mqlab_queue *q,
		     const struct mqlab_notify *req)
{
	struct pid *me = task_tgid(current);
	struct pid *old = NULL;
	int ret = 0;

	spin_lock(&q->lock);
	switch (req->action) {
	case MQLAB_NOTIFY_ACK:
		pf->notify_pending = false;
		break;
	case MQLAB_NOTIFY_REMOVE:
		/* Only the owner's registration; no error without one. */
		if (q->notify.owner == me)
			old = mqlab_notify_take(q);
		break;
	default:
		/* Even the owner must REMOVE before registering again. */
		if (q->notify.owner) {
			ret = -EBUSY;
			break;
		}
		q->notify.owner = get_pid(me);
		q->notify.file = pf;
		q->notify.exec_id = current->self_exec_id;
		q->notify.action = req->action;
		q->notify.signo = req->signo;
		q->notify.value = req->value;
		break;
	}
	spin_unlock(&q->lock);

	put_pid(old);
	return ret;
}

/*
 * The queue went from empty to non-empty with no receiver blocked.
 * An EVENT registration marks its fd at once (that needs the queue lock
 * that we hold); a SIGNAL is only collected in @wake, to be sent by
 * mqlab_notice_deliver() after the lock is dropped.
 * Caller must hold queue lock.
 */
void mqlab_notify_fire(struct mqlab_queue *q, struct mqlab_wake *wake)
{
	lockdep_assert_held(&q->lock);

	if (!q->notify.owner)
		return;

	trace_mqlab_notify(q, &q->notify);
	if (q->notify.action == MQLAB_NOTIFY_EVENT) {
		q->notify.file->notify_pending = true;
		wake->poll |= EPOLLPRI;
	}
	wake->notice = q->notify;
	/* The fd may be closed once we unlock; the notice must not use it. */
	wake->notice.file = NULL;
	memset(&q->notify, 0, sizeof(q->notify));
}

/*
 * Send the signal of a fired SIGNAL registration, from the sender's
 * context, and drop the owner reference.  Call without the queue lock.
 *
 * kill_pid_info() and group_send_sig_info() are not exported to
 * modules, and kill_pid_usb_asyncio() forces si_code SI_ASYNCIO.  The
 * exported send_sig_info() is thread-directed, so we send to the
 * thread-group leader, found with pid_task(owner, PIDTYPE_TGID) under
 * RCU.  The difference from a process-directed signal: if the leader
 * blocks the signal (or has exited while other threads live on), the
 * signal waits on the leader instead of going to another thread.
 *
 * send_sig_info() skips the kill permission check, as __do_notify()
 * does: the owner asked for this signal.  The self_exec_id check keeps
 * it from a program the owner has exec()ed into since it registered.
 */
static void mqlab_send_notify_signal(const struct mqlab_notify_reg *n)
{
	struct kernel_siginfo info;
	struct task_struct *task;

	clear_siginfo(&info);
	info.si_signo = n->signo;
	info.si_code = SI_MESGQ;
	info.si_value.sival_ptr = u64_to_user_ptr(n->value);

	rcu_read_lock();
	/* Our tgid as seen from the owner's pid namespace. */
	info.si_pid = task_tgid_nr_ns(current, ns_of_pid(n->owner));
	/*
	 * Our uid in our own user namespace: the signal code maps si_uid
	 * from the sender's to the receiver's user namespace itself.
	 */
	info.si_uid = from_kuid_munged(current_user_ns(), current_uid());
	task = pid_task(n->owner, PIDTYPE_TGID);
	if (task && task->self_exec_id == n->exec_id)
		get_task_struct(task);
	else
		task = NULL;
	rcu_read_unlock();

	if (task) {
		send_sig_info(n->signo, &info, task);
		put_task_struct(task);
	}
}

void mqlab_notice_deliver(struct mqlab_notify_reg *notice)
{
	if (notice->action == MQLAB_NOTIFY_SIGNAL)
		mqlab_send_notify_signal(notice);
	put_pid(notice->owner);
	notice->owner = NULL;
}

/*
 * Drop the registration made through @pf, if @owner made it (close by
 * that process, like mqueue_flush_file()), or whoever made it (@owner
 * NULL: the fd is being released).
 */
void mqlab_notify_drop_file(struct mqlab_queue *q, struct mqlab_file *pf,
			    struct pid *owner)
{
	struct pid *old = NULL;

	spin_lock(&q->lock);
	if (q->notify.owner && q->notify.file == pf &&
	    (!owner || q->notify.owner == owner))
		old = mqlab_notify_take(q);
	spin_unlock(&q->lock);

	put_pid(old);
}
