// SPDX-License-Identifier: GPL-2.0
/*
 * select.c - peek (MQLAB_IO_PEEK) and receive by priority
 * (MQLAB_IO_PRIO_EQ, _LE, _NE) for MQLAB_IOC_RECV
 *
 * A receive's selector lives in its struct mqlab_waiter (@sel, @sel_prio)
 * while it is blocked; peekers and selective receivers wait on the
 * queue's recv_waiters list like every receiver, in FIFO order, so that
 * a destroy (EIDRM) and GETATTR's waiting_receivers count them too.
 *
 * Hand-off (msg.c, mqlab_handoff()): a sender gives its message to the
 * first blocked receiver that takes it: one with no selector or a
 * matching one, never a peeker.  Those two keep their buffer's size in
 * mqlab_waiter.fit as a negative number (mqlab_waiter_fit()), so that
 * the one test a plain receiver costs sends them to the closer look.
 * When nobody takes it, the message is queued and mqlab_sel_queued()
 * wakes, with MQLAB_WAIT_RETRY, every blocked peeker it matches (none
 * consumes it) and every blocked selective receiver it matches (which
 * only happens when a blocked sender's message moves in, or a batch
 * puts messages back): those look at the tree again under the lock.  So a plain
 * queue, where no receiver is ever blocked while a message is queued,
 * pays nothing for it on a send (__mqlab_enqueue(), msg.c), and one
 * test of nr_recv_waiters when a receive moves a blocked sender's
 * message in (mqlab_refill()).
 *
 * The tree (msg.c) is ordered by priority, highest first, then arrival:
 * every lookup here is one descent, O(log n).
 */
#include <linux/mm.h>
#include <linux/minmax.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "queue.h"

/* Does a message of priority @prio match the MQLAB_IO_PRIO_* in @sel? */
static bool mqlab_prio_match(u32 sel, u32 sel_prio, u32 prio)
{
	switch (sel & MQLAB_IO_PRIO_SEL) {
	case MQLAB_IO_PRIO_EQ:
		return prio == sel_prio;
	case MQLAB_IO_PRIO_LE:
		return prio <= sel_prio;
	case MQLAB_IO_PRIO_NE:
		return prio != sel_prio;
	default:
		return true;
	}
}

/* May a blocked receiver with selector @sel be handed a @prio message? */
bool mqlab_sel_match(u32 sel, u32 sel_prio, u32 prio)
{
	return !(sel & MQLAB_IO_PEEK) && mqlab_prio_match(sel, sel_prio, prio);
}

/*
 * The first queued message (highest priority, oldest within it) whose
 * priority is <= @prio, or NULL: the leftmost such node.  Nodes of a
 * higher priority all lie to its left.  Caller must hold queue lock.
 */
static struct mqlab_msg *mqlab_first_le(struct mqlab_queue *q, u32 prio)
{
	struct rb_node *node = q->msgs.rb_root.rb_node;
	struct mqlab_msg *best = NULL, *m;

	lockdep_assert_held(&q->lock);

	while (node) {
		m = rb_entry(node, struct mqlab_msg, node);
		if (m->prio <= prio) {
			best = m;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return best;
}

/*
 * The next message that selector @sel (MQLAB_IO_PRIO_*, or none: the
 * head) with @sel_prio picks, or NULL.  Caller must hold queue lock.
 */
struct mqlab_msg *mqlab_sel_first(struct mqlab_queue *q, u32 sel, u32 sel_prio)
{
	struct mqlab_msg *m = mqlab_peek(q);

	if (!m)
		return NULL;
	switch (sel & MQLAB_IO_PRIO_SEL) {
	case MQLAB_IO_PRIO_EQ:
		m = m->prio == sel_prio ? m : mqlab_first_le(q, sel_prio);
		return m && m->prio == sel_prio ? m : NULL;
	case MQLAB_IO_PRIO_LE:
		return m->prio <= sel_prio ? m : mqlab_first_le(q, sel_prio);
	case MQLAB_IO_PRIO_NE:
		if (m->prio != sel_prio)
			return m;
		return sel_prio ? mqlab_first_le(q, sel_prio - 1) : NULL;
	default:
		return m;
	}
}

/*
 * @msg was just queued with receivers blocked: wake every peeker and
 * every selective receiver it matches, to look again (see the top of
 * this file).  Not just the first receiver: its selector may make it
 * take another message (LE, NE), or its buffer may be too small
 * (EMSGSIZE), and then nobody would be left awake for @msg.  Those that
 * find nothing for them wait again.  Caller must hold queue lock.
 */
void mqlab_sel_queued(struct mqlab_queue *q, const struct mqlab_msg *msg,
		      struct mqlab_wake *wake)
{
	struct mqlab_waiter *w, *tmp;

	lockdep_assert_held(&q->lock);

	list_for_each_entry_safe(w, tmp, &q->recv_waiters, list) {
		if (!mqlab_prio_match(w->sel, w->sel_prio, msg->prio))
			continue;
		w->result = MQLAB_WAIT_RETRY;
		mqlab_waiter_done(q, w, &q->nr_recv_waiters, wake);
	}
}

/*
 * Peek: copy the first message selector @sel picks to @buf and describe
 * it in @info, leaving it queued, or block until there is one.  The
 * payload is copied under the queue lock into @copy, allocated before
 * it, then to user space without it: the message may be received and
 * freed meanwhile.  On -EMSGSIZE, info->len is the size needed.
 */
int mqlab_peek_msg(struct mqlab_queue *q, u32 sel, u32 sel_prio,
		   void __user *buf, u32 buf_len, bool nonblock,
		   const struct mqlab_deadline *dl, struct mqlab_msginfo *info)
{
	struct mqlab_waiter w = { .fit = mqlab_waiter_fit(sel, buf_len),
				  .sel = sel,
				  .sel_prio = sel_prio };
	u32 cap = min_t(u64, buf_len, q->msgsize);
	struct mqlab_msg *msg;
	void *copy = NULL;
	int ret;

	if (cap) {
		copy = kvmalloc(cap, GFP_KERNEL_ACCOUNT);
		if (!copy)
			return -ENOMEM;
	}

	mqlab_lock_unexpired(q);
	while (!(msg = mqlab_sel_first(q, sel, sel_prio))) {
		/* A destroyed queue is empty: only this slow path looks. */
		if (unlikely(q->dead)) {
			ret = mqlab_dead_unlock(q);
			goto out_free;
		}
		if (nonblock) {
			spin_unlock(&q->lock);
			ret = -EAGAIN;
			goto out_free;
		}
		ret = mqlab_wait(q, &w, &q->recv_waiters, &q->nr_recv_waiters,
				 dl);
		if (ret)
			goto out_free;
		/* Woken by a queued message (RETRY), or EIDRM. */
		if (w.result != MQLAB_WAIT_RETRY) {
			ret = w.result;
			goto out_free;
		}
		w.result = 0;
		mqlab_lock_unexpired(q);
	}
	if (msg->len > cap) {
		/* Longer than @buf_len: msgsize bounds every message. */
		info->len = msg->len;
		spin_unlock(&q->lock);
		ret = -EMSGSIZE;
		goto out_free;
	}
	mqlab_msg_copy(copy, msg);
	mqlab_msg_info(msg, info);
	spin_unlock(&q->lock);

	ret = copy_to_user(buf, copy, info->len) ? -EFAULT : 0;
out_free:
	kvfree(copy);
	return ret;
}
