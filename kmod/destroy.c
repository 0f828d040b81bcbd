// SPDX-License-Identifier: GPL-2.0
/*
 * destroy.c - MQLAB_UNLINK_DESTROY: a queue that ends at once
 *
 * A plain unlink only removes the name; the queue lives on with its
 * fds.  A destroy (queue.c unnames the queue first, with the unlink
 * permission rule) also ends the queue, the way IPC_RMID ends a SysV
 * queue:
 *   - q->dead is set under the queue lock, once.  Every data path that
 *     could queue, take or wait checks it under the same lock
 *     (msg.c, batch.c) and fails with EIDRM; the checks that need no
 *     lock (GETATTR, SETATTR, NOTIFY in ioctl.c, BIND in queue.c) read
 *     it with READ_ONCE().
 *   - Every blocked sender and receiver is taken off its list with
 *     result -EIDRM, as a hand-off completes a waiter (MEMORY ORDERING,
 *     msg.c).  A sender keeps its message, which it frees; a batched
 *     sender's w.msg and w.nr_more still say what was not sent.  A
 *     waiter completed before (a message handed over) is no longer on
 *     a list, so it returns its message whole.
 *   - The queued messages leave the tree under the lock and are freed
 *     after it.  The queue is then empty for good: nothing can enter
 *     it, so a receive looks only when it finds no message (msg.c).
 *   - poll() reports EPOLLERR | EPOLLHUP from then on (poll.c); the
 *     pollers are woken once with that.
 * The memory, the charge and a notification registration go when the
 * last fd does, as for an unlinked queue (mqlab_queue_release()).
 *
 * Only this path wakes many tasks at once.  It wakes them under the
 * lock (mqlab_waiter_done() without a struct mqlab_wake), as msg.c does
 * for receivers told EMSGSIZE: the tasks are pinned, and a woken task
 * sees MQLAB_WAIT_READY without taking the lock.
 */
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "queue.h"

/* Complete every waiter of @waiters with EIDRM.  Queue lock held. */
static void mqlab_destroy_waiters(struct mqlab_queue *q,
				  struct list_head *waiters, u32 *nr_waiters)
{
	struct mqlab_waiter *w, *tmp;

	lockdep_assert_held(&q->lock);

	list_for_each_entry_safe(w, tmp, waiters, list) {
		w->result = -EIDRM;
		mqlab_waiter_done(q, w, nr_waiters, NULL);
	}
}

/*
 * End @q (already unnamed by the caller): wake everybody with EIDRM,
 * free its messages, make every later operation fail.  Idempotent.
 */
void mqlab_destroy(struct mqlab_queue *q)
{
	struct rb_root msgs;

	spin_lock(&q->lock);
	if (q->dead) {
		spin_unlock(&q->lock);
		return;
	}
	WRITE_ONCE(q->dead, true);
	mqlab_destroy_waiters(q, &q->send_waiters, &q->nr_send_waiters);
	mqlab_destroy_waiters(q, &q->recv_waiters, &q->nr_recv_waiters);
	msgs = q->msgs.rb_root;
	q->msgs = RB_ROOT_CACHED;
	q->curmsgs = 0;
	q->curbytes = 0;
	/* No TTL message is left to expire (expire.c). */
	q->nr_ttl = 0;
	q->next_expiry = U64_MAX;
	mqlab_room_reset(q); /* 0: a send sees it (msg.c) */
	spin_unlock(&q->lock);

	mqlab_msg_free_tree(&msgs);
	wake_up_interruptible_poll(&q->poll_wq, EPOLLERR | EPOLLHUP);
}

/*
 * A data path found @q destroyed: EIDRM.  Queue lock held; it is
 * released.
 */
int mqlab_dead_unlock(struct mqlab_queue *q) __releases(&q->lock)
{
	lockdep_assert_held(&q->lock);

	spin_unlock(&q->lock);
	return -EIDRM;
}
