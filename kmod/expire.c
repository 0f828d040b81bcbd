// SPDX-License-Identifier: GPL-2.0
/*
 * expire.c - messages with a time to live (MQLAB_IOC_SEND_TTL)
 *
 * A message sent with a TTL carries it in mqlab_msg.ttl_ms, the four
 * bytes the 64-byte header had left: its deadline is its enqueue time
 * (timestamp_ns, host CLOCK_MONOTONIC) plus the TTL, rounded up to whole
 * milliseconds, so it never expires early.  Each queue counts its
 * queued messages with a TTL (nr_ttl) and keeps a lower bound of their
 * deadlines (next_expiry): a queue whose nr_ttl is 0 does no expiry
 * work at all, only that test (mqlab_lock_unexpired(), queue.h).
 *
 * Nothing runs on a timer.  Every path that takes messages or looks at
 * the queue's state purges when next_expiry has passed, so no receive
 * ever takes an expired message.  The batches, GETATTR and poll lock the
 * queue with mqlab_lock_unexpired().  A single send calls
 * mqlab_unexpire_locked() only when q->room is 0, which it is while
 * nr_ttl is not (mqlab_room_reset()): a send tests room anyway (is the
 * queue full?).  A single receive purges only when the message it is
 * about to take has a TTL and next_expiry has passed (mqlab_take_slow(),
 * msg.c), and then looks again: a message without a TTL is no less
 * due for the expired ones behind it, and the TTL is in the word the
 * receive compares with its buffer's size anyway (mqlab_msg.fit).  So
 * neither pays a test of its own for expiry.  A purge
 * walks the tree once (what it costs is bounded by maxmsg, and it runs
 * at most once per passing of next_expiry, which it recomputes
 * exactly), frees the expired messages after the unlock, and refills
 * each freed slot from the blocked senders, as a receive does.
 *
 * A sender blocked on a full queue that holds TTL messages sleeps no
 * later than next_expiry (mqlab_expire_cap(), from mqlab_wait()); waking
 * then, it purges, which moves the first blocked sender in.  When a
 * message lowers next_expiry while senders are blocked, they are woken
 * to sleep again with the new bound, so the earliest expiry always has
 * a sender watching it.
 */
#include <linux/ktime.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>

#include "queue.h"

static u64 mqlab_msg_deadline(const struct mqlab_msg *msg)
{
	return msg->timestamp_ns + (u64)msg->ttl_ms * NSEC_PER_MSEC;
}

/*
 * @msg, which has a TTL, went into the queue (its timestamp is set).
 * Caller must hold queue lock.
 */
void mqlab_expire_add(struct mqlab_queue *q, const struct mqlab_msg *msg)
{
	u64 deadline = mqlab_msg_deadline(msg);
	struct mqlab_waiter *s;

	lockdep_assert_held(&q->lock);

	q->room = 0; /* the fast paths take the slow one: mqlab_room_reset() */
	if (!q->nr_ttl++ || deadline < q->next_expiry) {
		q->next_expiry = deadline;
		/*
		 * Blocked senders sleep until the old bound at the latest:
		 * let them sleep again with this one.  They are on the list,
		 * so still there (they leave it under the lock).
		 */
		list_for_each_entry(s, &q->send_waiters, list)
			wake_up_process(s->task);
	}
}

/* Any order will do: the tree only holds messages to free. */
static bool mqlab_expire_less(struct rb_node *a, const struct rb_node *b)
{
	return false;
}

/*
 * Drop every expired message of @q, count it and free it; refill the
 * slots from blocked senders.  Takes the queue lock; may sleep.
 */
void mqlab_expire_purge(struct mqlab_queue *q)
{
	struct mqlab_wake wake = {};
	struct rb_root dead = RB_ROOT;
	struct rb_node *node, *next;
	u64 now, deadline, first = U64_MAX;
	struct mqlab_msg *msg;
	u32 freed = 0;

	spin_lock(&q->lock);
	if (unlikely(q->dead) || !q->nr_ttl) {
		spin_unlock(&q->lock);
		return;
	}
	now = ktime_get_ns();
	for (node = rb_first_cached(&q->msgs); node; node = next) {
		next = rb_next(node);
		msg = rb_entry(node, struct mqlab_msg, node);
		if (!msg->ttl_ms)
			continue;
		deadline = mqlab_msg_deadline(msg);
		if (deadline > now) {
			first = min(first, deadline);
			continue;
		}
		mqlab_dequeue(q, msg);
		q->expired++;
		freed++;
		rb_add(&msg->node, &dead, mqlab_expire_less);
	}
	/* Before the refill: the messages it moves in lower it again. */
	q->next_expiry = first;
	while (freed--)
		mqlab_refill(q, &wake);
	spin_unlock(&q->lock);

	mqlab_wake_flush(q, &wake);
	mqlab_msg_free_tree(&dead);
}

/*
 * A sender about to sleep until *@until (NULL: forever) on @clock: make
 * it sleep no later than the first expiry, in @expires.  True when that
 * is what it waits for.  Caller must hold queue lock.
 */
bool mqlab_expire_cap(struct mqlab_queue *q, clockid_t clock, ktime_t **until,
		      ktime_t *expires)
{
	ktime_t t;

	lockdep_assert_held(&q->lock);

	if (likely(!q->nr_ttl))
		return false;
	t = ns_to_ktime(q->next_expiry);
	if (clock == CLOCK_REALTIME)
		t = ktime_mono_to_any(t, TK_OFFS_REAL);
	if (*until && **until <= t)
		return false;
	*expires = t;
	*until = expires;
	return true;
}
