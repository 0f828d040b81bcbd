// SPDX-License-Identifier: GPL-2.0
/*
 * msg.c - messages: allocation, the priority tree, blocking and hand-off
 *
 * The rules, taken from ipc/mqueue.c:
 *   - A message is allocated and filled from user space before the queue
 *     lock is taken, and copied to user space after it is dropped.
 *   - A sender that finds a blocked receiver gives it the message
 *     directly (pipelined send) and wakes only that receiver.  A receiver
 *     that frees a slot in a full queue moves the first blocked sender's
 *     message into the queue (pipelined receive) and wakes only that
 *     sender.  So a woken task never has to retry, and N blocked tasks
 *     are not all woken for one message.
 *   - Wake-ups are issued after the queue lock is dropped.
 *
 *   - A message that fits a page with its header is one allocation;
 *     a longer one is a header and whole pages (segcache.c), each
 *     filled from user space as soon as it is had: no message needs a
 *     large contiguous or vmalloc'ed buffer, and a send whose buffer
 *     faults takes no more than a page past the fault.  A queue keeps
 *     the pages of a freed message for its next ones.
 *
 * Batched send/receive (batch.c) loop over mqlab_deliver_at(), mqlab_peek()
 * and mqlab_dequeue() with mqlab_refill().
 * The trace events (mqueue_lab_trace.h) sit where a message moves: send
 * and receive entry and return, enqueue, dequeue, hand-off, block, wake.
 */
#include <linux/cred.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "queue.h"
#include "mqueue_lab_trace.h"

/*
 * MEMORY ORDERING (the MQ_BARRIER comment of ipc/mqueue.c, adapted)
 *
 * A blocked task sleeps in mqlab_wait() with a struct mqlab_waiter on its
 * stack.  The task that completes its operation (the "waker") does, under
 * the queue lock:
 *
 *	list_del(&w->list);
 *	w->msg = ... / w->result = ...;		(the outcome)
 *	task = get_task_struct(w->task);
 *	smp_store_release(&w->state, MQLAB_WAIT_READY);
 *
 * and calls wake_up_process(task) after dropping the lock.  The waiter,
 * woken by that call, by a signal or by its timer, first checks
 *
 *	if (READ_ONCE(w->state) == MQLAB_WAIT_READY)
 *		smp_acquire__after_ctrl_dep();	and returns, lock-free
 *
 * 1) The release/acquire pair makes the outcome written before the
 *    store visible to the waiter after the load: it never reads a stale
 *    w->msg.
 * 2) Once the waiter sees READY it may return, exit, and its task_struct
 *    may be freed.  So the waker pins the task with get_task_struct()
 *    *before* the store, and never touches @w after it.
 * 3) Otherwise the waiter takes the queue lock and checks the state
 *    again: a hand-off that raced with a signal or timeout still wins,
 *    and the operation completes successfully (no message lost or
 *    half-sent).  Only if the state is still NONE does the waiter remove
 *    itself from the list and report the signal or timeout.
 * 4) No barrier is needed when setting TASK_INTERRUPTIBLE: we hold the
 *    queue lock, the waker changes the state under the same lock, and
 *    wake_up_process() after the store makes the task runnable again.
 */

/*
 * The longest payload kept in struct mqlab_msg's own allocation; a longer
 * one is in whole pages of its own (segcache.c), behind a header.
 */
#define MQLAB_MSG_INLINE (PAGE_SIZE - sizeof(struct mqlab_msg))

/*
 * The header of a message longer than MQLAB_MSG_INLINE: its payload is
 * in @pages (page->lru), in order, every page full but the last.
 */
struct mqlab_msg_paged {
	struct list_head pages; /* immutable once queued */
	struct mqlab_msg msg; /* last: its data[] is empty */
};

static struct mqlab_msg_paged *mqlab_msg_paged(const struct mqlab_msg *msg)
{
	return container_of(msg, struct mqlab_msg_paged, msg);
}

/*
 * Small messages, header and payload in one object, come from caches of
 * their own instead of kmalloc: a 64-byte message is one 128-byte object
 * (kmalloc would round 72 + 64 up to 192 with the old header), and a
 * message of up to 32 bytes one of 96, as kmalloc-96 gave it.  The caches
 * are SLAB_ACCOUNT, so a message stays charged to the sender's memory
 * cgroup as GFP_KERNEL_ACCOUNT charged it.  Larger messages keep kmalloc,
 * and those longer than MQLAB_MSG_INLINE whole pages (segcache.c).
 */
static const u32 mqlab_msg_class_len[] = { 32, 64 };
#define MQLAB_MSG_CLASSES ARRAY_SIZE(mqlab_msg_class_len)
static struct kmem_cache *mqlab_msg_cache[MQLAB_MSG_CLASSES];

/* The cache that holds a message of @len bytes, or NULL: kmalloc. */
static struct kmem_cache *mqlab_msg_cache_of(u64 len)
{
	if (len > MQLAB_MSG_SMALL)
		return NULL;
	return mqlab_msg_cache[len > mqlab_msg_class_len[0]];
}

int mqlab_msg_init(void)
{
	static const char *const names[MQLAB_MSG_CLASSES] = {
		"mqlab_msg_32",
		"mqlab_msg_64",
	};
	size_t i;

	BUILD_BUG_ON(mqlab_msg_class_len[MQLAB_MSG_CLASSES - 1] !=
		     MQLAB_MSG_SMALL);
	/* The header must leave a 64-byte message within 128 bytes. */
	BUILD_BUG_ON(IS_ENABLED(CONFIG_64BIT) &&
		     sizeof(struct mqlab_msg) + MQLAB_MSG_SMALL > 128);
	for (i = 0; i < MQLAB_MSG_CLASSES; i++) {
		/*
		 * The payload is copied to and from user space: whitelist
		 * it for hardened usercopy (which also keeps the cache from
		 * being merged with another one of the same size).
		 */
		u32 len = mqlab_msg_class_len[i];

		size_t size = sizeof(struct mqlab_msg) + len;
		size_t off = offsetof(struct mqlab_msg, data);
		struct kmem_cache *c;

		c = kmem_cache_create_usercopy(names[i], size,
					       __alignof__(struct mqlab_msg),
					       SLAB_ACCOUNT, off, len, NULL);
		mqlab_msg_cache[i] = c;
		if (!mqlab_msg_cache[i])
			goto out_destroy;
	}
	return 0;

out_destroy:
	while (i--)
		kmem_cache_destroy(mqlab_msg_cache[i]);
	return -ENOMEM;
}

/*
 * After mqlab_table_exit(): every queue, so every message, is freed.
 * rcu_barrier() first, so that a queue freed after a grace period (from
 * an RCU callback, with its messages) cannot outlive the caches.
 */
void mqlab_msg_exit(void)
{
	size_t i;

	rcu_barrier();
	for (i = 0; i < MQLAB_MSG_CLASSES; i++)
		kmem_cache_destroy(mqlab_msg_cache[i]);
}

/*
 * The memory a message of @len payload bytes takes, as allocated by
 * mqlab_msg_load(): what per-user and module-wide limits are charged.
 */
u64 mqlab_msg_charge(u64 len)
{
	struct kmem_cache *cache = mqlab_msg_cache_of(len);

	if (cache)
		return kmem_cache_size(cache);
	if (len <= MQLAB_MSG_INLINE)
		return kmalloc_size_roundup(sizeof(struct mqlab_msg) + len);
	return kmalloc_size_roundup(sizeof(struct mqlab_msg_paged)) +
	       DIV_ROUND_UP_ULL(len, PAGE_SIZE) * PAGE_SIZE;
}

void mqlab_msg_free(struct mqlab_msg *msg)
{
	struct kmem_cache *cache = mqlab_msg_cache_of(msg->len);
	struct mqlab_msg_paged *pm;

	put_pid(msg->sender);
	if (cache) {
		kmem_cache_free(cache, msg);
	} else if (msg->len <= MQLAB_MSG_INLINE) {
		kfree(msg);
	} else {
		pm = mqlab_msg_paged(msg);
		mqlab_pages_free(msg->spares, &pm->pages,
				 DIV_ROUND_UP(msg->len, PAGE_SIZE));
		kfree(pm);
	}
}

/*
 * A message longer than MQLAB_MSG_INLINE: a header, and the payload
 * page by page, each filled from user space as soon as it is had; the
 * queue's spare pages first (segcache.c).  On a fault the pages had so
 * far go back, and no more than one page past the fault was taken.
 */
static struct mqlab_msg *mqlab_msg_load_paged(struct mqlab_segcache *c,
					      const void __user *buf, u32 len)
{
	struct llist_node *spares;
	struct mqlab_msg_paged *pm;
	struct page *page;
	int ret = -EFAULT;
	u32 used = 0, nr = 0;
	size_t chunk;
	u32 done;

	pm = kmalloc(sizeof(*pm), GFP_KERNEL_ACCOUNT);
	if (!pm)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&pm->pages);
	pm->msg.len = len;
	pm->msg.sender = NULL;
	pm->msg.spares = c;

	spares = mqlab_spares_take(c);
	for (done = 0; done < len; done += chunk) {
		chunk = min_t(size_t, len - done, PAGE_SIZE);
		page = mqlab_page_get(&spares, &used);
		if (!page) {
			ret = -ENOMEM;
			goto out_free;
		}
		list_add_tail(&page->lru, &pm->pages);
		nr++;
		if (copy_from_user(page_address(page), buf + done, chunk))
			goto out_free;
	}
	mqlab_spares_done(c, spares, used);
	return &pm->msg;

out_free:
	mqlab_spares_done(c, spares, used);
	mqlab_pages_free(c, &pm->pages, nr);
	kfree(pm);
	return ERR_PTR(ret);
}

/*
 * The one place that allocates a message: @len bytes from @buf, for
 * @q.  The small caches are SLAB_ACCOUNT and the rest is
 * GFP_KERNEL_ACCOUNT: all of it is charged to the sender's memory cgroup.
 * Only @len, @spares and the payload are filled in.  ERR_PTR(-ENOMEM) or
 * ERR_PTR(-EFAULT).
 */
static struct mqlab_msg *mqlab_msg_load(const struct mqlab_queue *q,
					const void __user *buf, u32 len)
{
	struct kmem_cache *cache = mqlab_msg_cache_of(len);
	struct mqlab_msg *msg;

	/*
	 * The spares are the one part of a queue that building a message
	 * changes; they need no lock (segcache.c).
	 */
	if (len > MQLAB_MSG_INLINE)
		return mqlab_msg_load_paged((struct mqlab_segcache *)&q->spares,
					    buf, len);
	if (cache)
		msg = kmem_cache_alloc(cache, GFP_KERNEL);
	else
		msg = kmalloc(sizeof(*msg) + len, GFP_KERNEL_ACCOUNT);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	msg->len = len;
	msg->sender = NULL;
	msg->spares = NULL;
	if (copy_from_user(msg->data, buf, len)) {
		mqlab_msg_free(msg);
		return ERR_PTR(-EFAULT);
	}
	return msg;
}

/*
 * Batches (batch.c): the small messages of descriptors @d, up to @nr of
 * them, all small (mqlab_msg_small()), as many as share the cache of
 * the first, in one slab call.  As mqlab_msg_load() leaves them, but
 * with no payload yet and @sender NULL: the caller fills both in.
 * @return how many were allocated, 0 for none (no memory).
 */
u32 mqlab_msg_alloc_run(const struct mqlab_batch_msg *d, u32 nr,
			struct mqlab_msg **msgs)
{
	struct kmem_cache *cache = mqlab_msg_cache_of(d[0].len);
	u32 i;

	for (i = 1; i < nr && mqlab_msg_cache_of(d[i].len) == cache; i++)
		;
	nr = i;
	if (!kmem_cache_alloc_bulk(cache, GFP_KERNEL, nr, (void **)msgs))
		return 0;
	for (i = 0; i < nr; i++) {
		msgs[i]->fit = d[i].len; /* no TTL */
		msgs[i]->sender = NULL;
		msgs[i]->spares = NULL;
	}
	return nr;
}

/*
 * Free @nr messages: the sender references of a run of one sender are
 * dropped at once, and small messages of one cache go back in one slab
 * call.  The array is clobbered.
 */
void mqlab_msg_free_bulk(struct mqlab_msg **msgs, u32 nr)
{
	struct kmem_cache *cache;
	struct pid *pid;
	u32 i, j;

	for (i = 0; i < nr; i = j) {
		pid = msgs[i]->sender;
		for (j = i + 1; j < nr && msgs[j]->sender == pid; j++)
			;
		/* We hold j - i references: this leaves at least one. */
		if (pid && j - i > 1)
			WARN_ON(refcount_sub_and_test(j - i - 1, &pid->count));
		put_pid(pid);
	}
	for (i = 0; i < nr; i = j) {
		cache = mqlab_msg_cache_of(msgs[i]->len);
		for (j = i + 1; cache && j < nr; j++)
			if (mqlab_msg_cache_of(msgs[j]->len) != cache)
				break;
		if (!cache) {
			msgs[i]->sender = NULL; /* put above */
			mqlab_msg_free(msgs[i]);
			continue;
		}
		kmem_cache_free_bulk(cache, j - i, (void **)&msgs[i]);
	}
}

/*
 * The payload of small message @msg (@msg->len bytes) from @buf in one
 * user access window, without the object check of copy_from_user():
 * the length is bounded here by the inline payload's size, and the
 * window holds nothing but the loads.  0 or -EFAULT.
 */
int mqlab_msg_fill_small(struct mqlab_msg *msg, const void __user *buf)
{
	u32 len = msg->len;
	u8 *dst = msg->data;

	if (WARN_ON_ONCE(len > MQLAB_MSG_SMALL))
		return -EFAULT;
	if (!user_read_access_begin(buf, len))
		return -EFAULT;
	for (; len >= 8; len -= 8, dst += 8, buf += 8)
		unsafe_get_user(*(u64 *)dst, (const u64 __user *)buf, efault);
	if (len >= 4) {
		unsafe_get_user(*(u32 *)dst, (const u32 __user *)buf, efault);
		len -= 4, dst += 4, buf += 4;
	}
	for (; len; len--, dst++, buf++)
		unsafe_get_user(*dst, (const u8 __user *)buf, efault);
	user_read_access_end();
	return 0;

efault:
	user_read_access_end();
	return -EFAULT;
}

/*
 * Copy the payload of @msg to @buf, as mqlab_msg_store(); a small one in
 * one user access window (see mqlab_msg_fill_small()).
 */
int mqlab_msg_store_fast(void __user *buf, const struct mqlab_msg *msg)
{
	if (msg->len > MQLAB_MSG_SMALL)
		return mqlab_msg_store(buf, msg);
	if (!user_write_access_begin(buf, msg->len))
		return -EFAULT;
	unsafe_copy_to_user(buf, msg->data, msg->len, efault);
	user_write_access_end();
	return 0;

efault:
	user_write_access_end();
	return -EFAULT;
}

/* Copy the payload of @msg to @buf, page by page; 0 or -EFAULT. */
int mqlab_msg_store(void __user *buf, const struct mqlab_msg *msg)
{
	struct page *page;
	u32 left = msg->len;
	size_t chunk;

	if (left <= MQLAB_MSG_INLINE)
		return copy_to_user(buf, msg->data, left) ? -EFAULT : 0;
	list_for_each_entry(page, &mqlab_msg_paged(msg)->pages, lru) {
		chunk = min_t(size_t, left, PAGE_SIZE);
		if (copy_to_user(buf, page_address(page), chunk))
			return -EFAULT;
		buf += chunk;
		left -= chunk;
	}
	return 0;
}

/*
 * Copy the payload of @msg to @dst, which has room for it: a peek
 * (select.c) copies under the queue lock, as msgrcv(MSG_COPY) does.
 */
void mqlab_msg_copy(void *dst, const struct mqlab_msg *msg)
{
	struct page *page;
	u32 left = msg->len;
	size_t chunk;

	if (left <= MQLAB_MSG_INLINE) {
		memcpy(dst, msg->data, left);
		return;
	}
	list_for_each_entry(page, &mqlab_msg_paged(msg)->pages, lru) {
		chunk = min_t(size_t, left, PAGE_SIZE);
		memcpy(dst, page_address(page), chunk);
		dst += chunk;
		left -= chunk;
	}
}

/* Tree order: higher priority first. */
static bool mqlab_msg_less(struct rb_node *a, const struct rb_node *b)
{
	const struct mqlab_msg *ma = rb_entry(a, struct mqlab_msg, node);
	const struct mqlab_msg *mb = rb_entry(b, struct mqlab_msg, node);

	return ma->prio > mb->prio;
}

/*
 * Queue @msg after every message of its priority.  One rbtree keyed by
 * priority gives O(log n) insertion and O(1) access to the next message
 * (the cached leftmost), without a tree node per priority to
 * preallocate.  rb_add_cached() puts a node that is not less than an
 * existing one to its right, so a message goes after every queued
 * message of its priority: arrival order needs no sequence number.
 *
 * @ttl: @msg may have a time to live (expire.c).  @waiters: receivers
 * may be blocked, which while messages are queued are peekers or
 * selective ones (select.c): tell those @msg matches.  A caller that
 * knows better passes false, and the test folds away: a plain send
 * pays for neither.  Queue lock held.  Inlined into its callers: a
 * call per queued message costs more than its body's tests.
 */
static __always_inline void __mqlab_enqueue(struct mqlab_queue *q,
					    struct mqlab_msg *msg,
					    struct mqlab_wake *wake, bool ttl,
					    bool waiters)
{
	lockdep_assert_held(&q->lock);

	rb_add_cached(&msg->node, &q->msgs, mqlab_msg_less);
	q->curmsgs++;
	q->curbytes += msg->len;
	if (ttl && unlikely(msg->ttl_ms))
		mqlab_expire_add(q, msg);
	trace_mqlab_enqueue(q, msg);
	if (waiters && unlikely(q->nr_recv_waiters))
		mqlab_sel_queued(q, msg, wake);
}

/* Tree order of a message put back: before every message of its priority. */
static bool mqlab_msg_less_eq(struct rb_node *a, const struct rb_node *b)
{
	const struct mqlab_msg *ma = rb_entry(a, struct mqlab_msg, node);
	const struct mqlab_msg *mb = rb_entry(b, struct mqlab_msg, node);

	return ma->prio >= mb->prio;
}

/*
 * Put back @msg, which was taken from the head of its priority, in front
 * of every queued message of that priority.  Messages taken in a row go
 * back in the reverse order, so that they end up as they were.
 * Caller must hold queue lock.
 */
void mqlab_requeue(struct mqlab_queue *q, struct mqlab_msg *msg)
{
	lockdep_assert_held(&q->lock);

	rb_add_cached(&msg->node, &q->msgs, mqlab_msg_less_eq);
	q->curmsgs++;
	q->curbytes += msg->len;
	if (unlikely(msg->ttl_ms))
		mqlab_expire_add(q, msg);
	if (unlikely(q->nr_recv_waiters))
		mqlab_sel_queued(q, msg, NULL);
}

/* The next message to receive, or NULL.  Caller must hold queue lock. */
struct mqlab_msg *mqlab_peek(struct mqlab_queue *q)
{
	struct rb_node *node = rb_first_cached(&q->msgs);

	lockdep_assert_held(&q->lock);
	return node ? rb_entry(node, struct mqlab_msg, node) : NULL;
}

/*
 * Remove @msg from the tree.  @ttl: @msg may have a time to live; a
 * receive passes false when the message's @fit passed its buffer's size,
 * which says it has none.  Caller must hold queue lock.  Inlined into
 * __mqlab_take() as it is without its tracepoint: a call per received
 * message would be most of what a disabled event costs.
 * mqlab_dequeue() is it for the others.
 */
static __always_inline void __mqlab_dequeue(struct mqlab_queue *q,
					    struct mqlab_msg *msg, bool ttl)
{
	lockdep_assert_held(&q->lock);

	rb_erase_cached(&msg->node, &q->msgs);
	q->curmsgs--;
	q->curbytes -= msg->len;
	if (ttl)
		mqlab_expire_del(q, msg);
	trace_mqlab_dequeue(q, msg);
}

void mqlab_dequeue(struct mqlab_queue *q, struct mqlab_msg *msg)
{
	__mqlab_dequeue(q, msg, true);
}

/*
 * Free every message of a tree that nobody else can reach any more.  Up
 * to maxmsg_max (65,536) of them: let others run between them, or a
 * debug kernel, whose every free checks for live debug objects, stalls
 * RCU.  Every caller may sleep.
 */
void mqlab_msg_free_tree(struct rb_root *root)
{
	struct mqlab_msg *msg, *tmp;

	might_sleep();
	rbtree_postorder_for_each_entry_safe(msg, tmp, root, node) {
		mqlab_msg_free(msg);
		cond_resched();
	}
	*root = RB_ROOT;
}

/* Free every queued message; the queue is dead, no lock needed. */
void mqlab_msg_free_all(struct mqlab_queue *q)
{
	mqlab_msg_free_tree(&q->msgs.rb_root);
	q->msgs = RB_ROOT_CACHED;
	/* After the messages, which give their pages back to it. */
	mqlab_spares_drain(&q->spares);
}

/*
 * The events of mqlab_waiter_done() and mqlab_wait(), out of line and
 * called only while enabled: inline, the loads of their fields would
 * run, event or not, on every wake-up and every sleep.
 */
static noinline __cold void
mqlab_trace_wake(struct mqlab_queue *q, struct mqlab_waiter *w, u32 *nr_waiters)
{
	trace_mqlab_wake(q, w->task,
			 nr_waiters == &q->nr_recv_waiters ? MQLAB_TRACE_RECV :
							     MQLAB_TRACE_SEND,
			 w->result);
}

static noinline __cold void mqlab_trace_block(struct mqlab_queue *q,
					      struct mqlab_waiter *w,
					      struct list_head *waiters)
{
	if (waiters == &q->recv_waiters)
		trace_mqlab_block(q, MQLAB_TRACE_RECV, mqlab_waiter_buf_len(w),
				  0);
	else
		trace_mqlab_block(q, MQLAB_TRACE_SEND, w->msg->len,
				  w->msg->prio);
}

/*
 * Finish the operation of blocked task @w (its outcome is already
 * written) and take it off its list; see MEMORY ORDERING.  With @wake
 * the wake-up is deferred until after the unlock.  struct mqlab_wake
 * holds one task, and a batch's @more array more of them; any other
 * (only blocked receivers told EMSGSIZE, a rare case) is woken at once,
 * under the lock: still correct, as the task is pinned, only a little
 * slower for the waker.
 * Caller must hold queue lock.
 */
void mqlab_waiter_done(struct mqlab_queue *q, struct mqlab_waiter *w,
		       u32 *nr_waiters, struct mqlab_wake *wake)
{
	struct task_struct *task;

	lockdep_assert_held(&q->lock);

	if (trace_mqlab_wake_enabled())
		mqlab_trace_wake(q, w, nr_waiters);
	list_del(&w->list);
	(*nr_waiters)--;
	task = get_task_struct(w->task);
	/* Publish the outcome; @w may be gone after this (MEMORY ORDERING). */
	smp_store_release(&w->state, MQLAB_WAIT_READY);

	if (wake && !wake->task) {
		wake->task = task;
		return;
	}
	if (wake && wake->nr_more < wake->max_more) {
		wake->more[wake->nr_more++] = task;
		return;
	}
	wake_up_process(task);
	put_task_struct(task);
}

/* Do what was collected under the queue lock.  Call without it. */
void mqlab_wake_flush(struct mqlab_queue *q, struct mqlab_wake *wake)
{
	u32 i;

	if (wake->task) {
		wake_up_process(wake->task);
		put_task_struct(wake->task);
	}
	for (i = 0; i < wake->nr_more; i++) {
		wake_up_process(wake->more[i]);
		put_task_struct(wake->more[i]);
	}
	if (wake->notice.owner)
		mqlab_notice_deliver(&wake->notice);
	/*
	 * Most sends and receives have no poll()er to tell, and the wake-up
	 * would take the wait-queue lock with interrupts off every time.
	 * wq_has_sleeper() is enough: a poller adds itself to poll_wq before
	 * it reads the queue state under q->lock, and we changed that state
	 * under q->lock before this check, so either it sees the new state or
	 * we see it on the wait queue (and the smp_mb() in wq_has_sleeper()
	 * orders our check after the unlock).
	 */
	if (wake->poll && wq_has_sleeper(&q->poll_wq))
		wake_up_interruptible_poll(&q->poll_wq, wake->poll);
}

/*
 * Block until a peer completes our operation (MQLAB_WAIT_READY), a
 * signal arrives or @dl passes.  Blocked tasks are served in FIFO order.
 * Inlined into the blocking halves of a send and a receive, which are
 * out of line already: a blocking call pays one call, not two, and the
 * tests of @waiters fold away.  mqlab_wait() is it for the others.
 *
 * Caller must hold queue lock. After return lock isn't held.
 */
static __always_inline int
__mqlab_wait(struct mqlab_queue *q, struct mqlab_waiter *w,
	     struct list_head *waiters, u32 *nr_waiters,
	     const struct mqlab_deadline *dl) __releases(&q->lock)
{
	ktime_t expires, *until;
	bool capped;
	int ret;

	lockdep_assert_held(&q->lock);

	if (trace_mqlab_block_enabled())
		mqlab_trace_block(q, w, waiters);
	w->task = current;
	WRITE_ONCE(w->state, MQLAB_WAIT_NONE);
	list_add_tail(&w->list, waiters);
	(*nr_waiters)++;

	for (;;) {
		expires = dl->expires;
		until = dl->timed ? &expires : NULL;
		/* A blocked sender also watches the first expiry (expire.c). */
		capped = waiters == &q->send_waiters && unlikely(q->nr_ttl) &&
			 mqlab_expire_cap(q, dl->clock, &until, &expires);
		/* No barrier: see MEMORY ORDERING, 4. */
		__set_current_state(TASK_INTERRUPTIBLE);
		spin_unlock(&q->lock);

		ret = schedule_hrtimeout_range_clock(until, 0, HRTIMER_MODE_ABS,
						     dl->clock);

		if (READ_ONCE(w->state) == MQLAB_WAIT_READY) {
			/* See MEMORY ORDERING, 1 and 2. */
			smp_acquire__after_ctrl_dep();
			return 0;
		}

		/* Expired messages go, and may move this sender in. */
		mqlab_lock_unexpired(q);
		/* The lock orders this read; MEMORY ORDERING, 3. */
		if (READ_ONCE(w->state) == MQLAB_WAIT_READY) {
			ret = 0;
			goto out_unlock;
		}
		if (signal_pending(current)) {
			ret = dl->intr_err;
			break;
		}
		/* 0 means the timer expired; -EINTR is any other wake-up. */
		if (dl->timed && !ret && !capped) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	list_del(&w->list);
	(*nr_waiters)--;
out_unlock:
	spin_unlock(&q->lock);
	return ret;
}

int mqlab_wait(struct mqlab_queue *q, struct mqlab_waiter *w,
	       struct list_head *waiters, u32 *nr_waiters,
	       const struct mqlab_deadline *dl) __releases(&q->lock)
{
	return __mqlab_wait(q, w, waiters, nr_waiters, dl);
}

/*
 * Give @msg to the first blocked receiver that takes it (no selector, or
 * one that matches; never a peeker) and whose buffer can hold it
 * (pipelined send): true.  A blocked receiver that takes it but whose
 * buffer is too small is told EMSGSIZE with the size needed; it is not
 * given the message.  False when no receiver took it.  Caller must hold
 * queue lock.
 */
static __always_inline bool __mqlab_handoff(struct mqlab_queue *q,
					    struct mqlab_msg *msg,
					    struct mqlab_wake *wake)
{
	struct mqlab_waiter *r, *tmp;

	lockdep_assert_held(&q->lock);

	list_for_each_entry_safe(r, tmp, &q->recv_waiters, list) {
		/* A plain receiver whose buffer holds @msg: one test. */
		if (likely(r->fit >= msg->len))
			goto give;
		if (r->fit < 0) {
			/* A peeker or a selective receiver (select.c) */
			if (!mqlab_sel_match(r->sel, r->sel_prio, msg->prio))
				continue;
			if (mqlab_waiter_buf_len(r) >= msg->len)
				goto give;
		}
		r->result = -EMSGSIZE;
		r->needed = msg->len;
		mqlab_waiter_done(q, r, &q->nr_recv_waiters, NULL);
	}
	return false;

give:
	trace_mqlab_handoff(q, msg, r->task);
	r->msg = msg;
	q->received++;
	mqlab_waiter_done(q, r, &q->nr_recv_waiters, wake);
	return true;
}

bool mqlab_handoff(struct mqlab_queue *q, struct mqlab_msg *msg,
		   struct mqlab_wake *wake)
{
	return __mqlab_handoff(q, msg, wake);
}

/* @msg was just queued: poll() and the mq_notify() rule.  Lock held. */
static __always_inline void mqlab_queued(struct mqlab_queue *q,
					 struct mqlab_wake *wake)
{
	wake->poll |= EPOLLIN | EPOLLRDNORM;
	/* Empty to non-empty with nobody blocked: the mq_notify() rule. */
	if (q->curmsgs == 1)
		mqlab_notify_fire(q, wake);
}

/*
 * mqlab_deliver_at() with receivers blocked: hand @msg over, or queue it
 * and tell the blocked receivers it matches.  Queue lock held.
 */
static noinline void mqlab_deliver_waiting(struct mqlab_queue *q,
					   struct mqlab_msg *msg,
					   struct mqlab_wake *wake)
{
	if (__mqlab_handoff(q, msg, wake))
		return;
	__mqlab_enqueue(q, msg, wake, true, true);
	mqlab_queued(q, wake);
}

/*
 * A message leaves its sender at @now_ns: give it to a blocked receiver,
 * or queue it (also when the only receivers had too small a buffer, for
 * a later receive with a larger one).  @ttl: @msg may have a time to
 * live.  With no receiver blocked, nothing is left to test but that.
 * Caller must hold queue lock.
 */
static __always_inline void
__mqlab_deliver_at(struct mqlab_queue *q, struct mqlab_msg *msg, u64 now_ns,
		   struct mqlab_wake *wake, bool ttl)
{
	lockdep_assert_held(&q->lock);

	msg->timestamp_ns = now_ns;
	q->sent++;

	if (q->nr_recv_waiters) {
		mqlab_deliver_waiting(q, msg, wake);
		return;
	}
	__mqlab_enqueue(q, msg, wake, ttl, false);
	mqlab_queued(q, wake);
}

/*
 * __mqlab_deliver_at() for a message without a time to live, such as
 * every message of a batch (batch.c), with the enqueue time they share.
 * Caller must hold queue lock.
 */
void mqlab_deliver_at(struct mqlab_queue *q, struct mqlab_msg *msg, u64 now_ns,
		      struct mqlab_wake *wake)
{
	__mqlab_deliver_at(q, msg, now_ns, wake, false);
}

/*
 * A slot just became free.  If a sender is blocked on the full queue,
 * move its message in (pipelined receive) and wake only that sender;
 * otherwise tell poll() there is room.  A batched sender (@nr_more) is
 * woken only when its last message is in.  Nothing moves while a batched
 * receive that put messages back keeps the queue above maxmsg.
 * Caller must hold queue lock.
 */
void mqlab_refill(struct mqlab_queue *q, struct mqlab_wake *wake)
{
	struct mqlab_waiter *s;

	lockdep_assert_held(&q->lock);

	if (q->curmsgs >= q->maxmsg)
		return;
	s = list_first_entry_or_null(&q->send_waiters, struct mqlab_waiter,
				     list);
	if (!s) {
		wake->poll |= EPOLLOUT | EPOLLWRNORM;
		return;
	}
	s->msg->timestamp_ns = ktime_get_ns();
	q->sent++;
	__mqlab_enqueue(q, s->msg, wake, true, true);
	if (s->nr_more) {
		s->msg = *s->more++;
		s->nr_more--;
		return;
	}
	mqlab_waiter_done(q, s, &q->nr_send_waiters, wake);
}

/*
 * The blocking half of mqlab_send_msg(), for a full queue: queue lock
 * held, released.  Out of line, so that its waiter, zeroed like every
 * stack variable (CONFIG_INIT_STACK_ALL_ZERO), costs nothing when there
 * is room.  A sender that blocks keeps @msg meanwhile: it is charged to
 * the sender (@pf's opener) before it sleeps, and refunded when it
 * wakes, whatever the outcome (by then @msg is in the queue, which is
 * charged for it, or it is the caller's to free).
 */
static noinline int mqlab_send_block(struct mqlab_file *pf,
				     struct mqlab_queue *q,
				     struct mqlab_msg *msg, bool nonblock,
				     const struct mqlab_deadline *dl)
	__releases(&q->lock)
{
	struct mqlab_waiter w = { .msg = msg };
	u64 held;
	int ret;

	/* Only a sender that blocks needs its message's size. */
	held = mqlab_msg_charge(msg->len);
	ret = nonblock ? -EAGAIN :
			 mqlab_charge_held(pf->acct, held, pf->unlimited);
	if (ret) {
		spin_unlock(&q->lock);
		return ret;
	}
	/* A receiver moves @msg into the queue: mqlab_refill(). */
	ret = __mqlab_wait(q, &w, &q->send_waiters, &q->nr_send_waiters, dl);
	mqlab_uncharge_held(pf->acct, held);
	/* 0, or EIDRM: destroyed while we waited (destroy.c). */
	return ret ?: w.result;
}

/*
 * A send found @room 0 (mqlab_send_msg()): true if the queue is full or
 * destroyed once its expired messages are gone (expire.c).  Queue lock
 * held; it may be dropped and taken again.
 */
static noinline bool mqlab_send_full(struct mqlab_queue *q)
{
	mqlab_unexpire_locked(q);
	return q->dead || q->curmsgs >= q->maxmsg;
}

/*
 * Queue @msg or block; on success @msg belongs to the queue.  @ttl: @msg
 * may have a time to live.  A queue that uses neither expiry nor destroy
 * pays one test here, as before either existed: is it full?  @room is 0
 * while the queue holds a TTL message and once it is destroyed
 * (mqlab_room_reset()), so only a sender that finds no room looks at
 * which it is, and a full plain queue costs one test more than that.
 */
static __always_inline int mqlab_send_msg(struct mqlab_file *pf,
					  struct mqlab_queue *q,
					  struct mqlab_msg *msg, bool nonblock,
					  const struct mqlab_deadline *dl,
					  bool ttl)
{
	struct mqlab_wake wake = {};

	spin_lock(&q->lock);
	if (q->curmsgs >= q->room) {
		if (unlikely(!q->room)) {
			if (!mqlab_send_full(q))
				goto deliver;
			if (q->dead)
				return mqlab_dead_unlock(q);
		}
		return mqlab_send_block(pf, q, msg, nonblock, dl);
	}
deliver:
	__mqlab_deliver_at(q, msg, ktime_get_ns(), &wake, ttl);
	spin_unlock(&q->lock);

	mqlab_wake_flush(q, &wake);
	return 0;
}

/*
 * A message of @len bytes from @buf at @prio with a time to live of
 * @ttl_ms (0: none, expire.c) from the current task, for @q;
 * ERR_PTR(-EMSGSIZE), ERR_PTR(-ENOMEM) or ERR_PTR(-EFAULT).  Inlined
 * into the sends; mqlab_msg_build() is it for batch.c.
 */
static __always_inline struct mqlab_msg *
__mqlab_msg_build(const struct mqlab_queue *q, const void __user *buf, u32 len,
		  u32 prio, u32 ttl_ms)
{
	struct mqlab_msg *msg;

	if (len > q->msgsize)
		return ERR_PTR(-EMSGSIZE);

	msg = mqlab_msg_load(q, buf, len);
	if (IS_ERR(msg))
		return msg;
	/* @len, and with it a zero @ttl_ms (struct mqlab_msg) */
	msg->fit = len;
	msg->prio = prio;
	msg->uid = current_uid();
	msg->sender = get_pid(task_tgid(current));
	if (ttl_ms)
		msg->ttl_ms = ttl_ms;
	return msg;
}

struct mqlab_msg *mqlab_msg_build(const struct mqlab_queue *q,
				  const void __user *buf, u32 len, u32 prio)
{
	return __mqlab_msg_build(q, buf, len, prio, 0);
}

/*
 * Send @len bytes from @buf at @prio, with a time to live of @ttl_ms
 * (0: none), through @pf, bound to @q.  The message is built outside the
 * queue lock; see the top of this file.  Inlined into mqlab_send(),
 * where @ttl_ms is 0 and every test of it folds away, and into
 * mqlab_send_ttl().
 */
static __always_inline int __mqlab_send(struct mqlab_file *pf,
					struct mqlab_queue *q,
					const void __user *buf, u32 len,
					u32 prio, u32 ttl_ms, bool nonblock,
					const struct mqlab_deadline *dl)
{
	struct mqlab_msg *msg;
	int ret;

	msg = __mqlab_msg_build(q, buf, len, prio, ttl_ms);
	if (IS_ERR(msg)) {
		ret = PTR_ERR(msg);
		goto out;
	}

	ret = mqlab_send_msg(pf, q, msg, nonblock, dl, ttl_ms != 0);
	if (ret)
		mqlab_msg_free(msg);
out:
	trace_mqlab_send_return(q, ret);
	return ret;
}

/* A send without a time to live: it pays for none (docs/SEMANTICS.md). */
int mqlab_send(struct mqlab_file *pf, struct mqlab_queue *q,
	       const void __user *buf, u32 len, u32 prio, bool nonblock,
	       const struct mqlab_deadline *dl)
{
	return __mqlab_send(pf, q, buf, len, prio, 0, nonblock, dl);
}

/* A send whose message expires @ttl_ms after it is queued (expire.c). */
int mqlab_send_ttl(struct mqlab_file *pf, struct mqlab_queue *q,
		   const void __user *buf, u32 len, u32 prio, u32 ttl_ms,
		   bool nonblock, const struct mqlab_deadline *dl)
{
	return __mqlab_send(pf, q, buf, len, prio, ttl_ms, nonblock, dl);
}

/*
 * Take @msg, which fits (@fit: no TTL either).  Caller must hold queue
 * lock. After return lock isn't held.
 */
static __always_inline int __mqlab_take(struct mqlab_queue *q,
					struct mqlab_msg *msg,
					struct mqlab_msg **msgp, bool ttl)
	__releases(&q->lock)
{
	struct mqlab_wake wake = {};

	lockdep_assert_held(&q->lock);

	__mqlab_dequeue(q, msg, ttl);
	q->received++;
	mqlab_refill(q, &wake);
	spin_unlock(&q->lock);

	mqlab_wake_flush(q, &wake);
	*msgp = msg;
	return 0;
}

/*
 * Take @msg, the next message for a receive with a @buf_len buffer,
 * when its @fit is larger: it has a TTL, or is longer than @buf_len.
 * Expired messages first go (expire.c), and then MQLAB_WAIT_RETRY says
 * to look again.  0 with *@msgp, or -EMSGSIZE with *@needed.
 * Caller must hold queue lock. After return lock isn't held.
 */
static noinline int mqlab_take_slow(struct mqlab_queue *q,
				    struct mqlab_msg *msg, u32 buf_len,
				    struct mqlab_msg **msgp, u32 *needed)
	__releases(&q->lock)
{
	lockdep_assert_held(&q->lock);

	if (msg->ttl_ms && ktime_get_ns() >= q->next_expiry) {
		spin_unlock(&q->lock);
		mqlab_expire_purge(q);
		return MQLAB_WAIT_RETRY;
	}
	if (msg->len > buf_len) {
		/* The message stays queued. */
		*needed = msg->len;
		spin_unlock(&q->lock);
		return -EMSGSIZE;
	}
	return __mqlab_take(q, msg, msgp, true);
}

static int mqlab_receive_again(struct mqlab_queue *q, u32 sel, u32 sel_prio,
			       u32 buf_len, const struct mqlab_deadline *dl,
			       struct mqlab_msg **msgp, u32 *needed);

/*
 * The blocking half of mqlab_receive_msg(): queue lock held, released.
 * 0 with *@msgp handed over, or -errno.  Woken to look again
 * (MQLAB_WAIT_RETRY, select.c): with @again, it does that itself, in
 * mqlab_receive_again(), so that a plain receive tests nothing on return
 * but the result it always had; without, it returns MQLAB_WAIT_RETRY.
 * Out of line (below), so that its waiter, zeroed like every stack
 * variable (CONFIG_INIT_STACK_ALL_ZERO), costs nothing when a message is
 * there.
 */
static __always_inline int
__mqlab_receive_block(struct mqlab_queue *q, u32 sel, u32 sel_prio, u32 buf_len,
		      const struct mqlab_deadline *dl, struct mqlab_msg **msgp,
		      u32 *needed, bool again) __releases(&q->lock)
{
	struct mqlab_waiter w = { .fit = mqlab_waiter_fit(sel, buf_len),
				  .sel = sel,
				  .sel_prio = sel_prio };
	int ret;

	ret = __mqlab_wait(q, &w, &q->recv_waiters, &q->nr_recv_waiters, dl);
	if (ret)
		return ret;
	if (w.result) {
		if (unlikely(w.result == MQLAB_WAIT_RETRY))
			return again ? mqlab_receive_again(q, sel, sel_prio,
							   buf_len, dl, msgp,
							   needed) :
				       MQLAB_WAIT_RETRY;
		*needed = w.needed;
		return w.result;
	}
	*msgp = w.msg;
	return 0;
}

/* A plain receive's (no selector: nothing to fold in) and any other's. */
static noinline int mqlab_receive_block(struct mqlab_queue *q, u32 buf_len,
					const struct mqlab_deadline *dl,
					struct mqlab_msg **msgp, u32 *needed)
	__releases(&q->lock)
{
	return __mqlab_receive_block(q, 0, 0, buf_len, dl, msgp, needed, true);
}

static noinline int mqlab_receive_block_sel(struct mqlab_queue *q, u32 sel,
					    u32 sel_prio, u32 buf_len,
					    const struct mqlab_deadline *dl,
					    struct mqlab_msg **msgp,
					    u32 *needed) __releases(&q->lock)
{
	return __mqlab_receive_block(q, sel, sel_prio, buf_len, dl, msgp,
				     needed, false);
}

/*
 * Dequeue a message (the first that selector @sel, @sel_prio matches,
 * select.c) or block; on success *@msgp is ours to free.  Inlined into
 * mqlab_receive(), where @sel is 0 and every test of it folds away, and
 * into mqlab_receive_sel() and mqlab_receive_again().  @plain: the
 * blocking half looks again itself (mqlab_receive_block()); only a plain
 * receive passes true.
 */
static __always_inline int
mqlab_receive_msg(struct mqlab_queue *q, u32 sel, u32 sel_prio, u32 buf_len,
		  bool nonblock, const struct mqlab_deadline *dl,
		  struct mqlab_msg **msgp, u32 *needed, bool plain)
{
	struct mqlab_msg *msg;
	int ret;

again:
	spin_lock(&q->lock);
	msg = !sel ? mqlab_peek(q) : mqlab_sel_first(q, sel, sel_prio);
	if (msg) {
		/* It fits, and has no TTL: the one test (struct mqlab_msg). */
		if (likely(msg->fit <= buf_len))
			return __mqlab_take(q, msg, msgp, false);
		ret = mqlab_take_slow(q, msg, buf_len, msgp, needed);
		if (unlikely(ret == MQLAB_WAIT_RETRY))
			goto again;
		return ret;
	}
	/* Destroyed: it is empty for good (destroy.c). */
	if (unlikely(q->dead))
		return mqlab_dead_unlock(q);
	if (nonblock) {
		spin_unlock(&q->lock);
		return -EAGAIN;
	}

	if (plain)
		return mqlab_receive_block(q, buf_len, dl, msgp, needed);
	ret = mqlab_receive_block_sel(q, sel, sel_prio, buf_len, dl, msgp,
				      needed);
	/* A matching message was queued, not handed over: take it. */
	if (unlikely(ret == MQLAB_WAIT_RETRY))
		goto again;
	return ret;
}

/*
 * A plain receive woken to look again (mqlab_receive_block()): the rest
 * of it, which loops here for as long as it is woken so.  Queue lock not
 * held.
 */
static noinline int mqlab_receive_again(struct mqlab_queue *q, u32 sel,
					u32 sel_prio, u32 buf_len,
					const struct mqlab_deadline *dl,
					struct mqlab_msg **msgp, u32 *needed)
{
	return mqlab_receive_msg(q, sel, sel_prio, buf_len, false, dl, msgp,
				 needed, false);
}

/*
 * The body of mqlab_receive() and mqlab_receive_sel(), for a receive
 * that takes the message.  If the copy to user space faults the message
 * is lost, as with mq_timedreceive().
 */
static __always_inline int __mqlab_receive(struct mqlab_queue *q, u32 sel,
					   u32 sel_prio, void __user *buf,
					   u32 buf_len, bool nonblock,
					   const struct mqlab_deadline *dl,
					   struct mqlab_msginfo *info)
{
	struct mqlab_msg *msg;
	int ret;

	memset(info, 0, sizeof(*info));
	ret = mqlab_receive_msg(q, sel, sel_prio, buf_len, nonblock, dl, &msg,
				&info->len, !sel);
	if (ret) {
		trace_mqlab_receive_return(q, ret, NULL);
		return ret;
	}

	/* Outside the queue lock: this may fault and sleep. */
	ret = mqlab_msg_store(buf, msg);
	if (!ret)
		mqlab_msg_info(msg, info);
	trace_mqlab_receive_return(q, ret, msg);
	mqlab_msg_free(msg);
	return ret;
}

/*
 * Receive one message into @buf (@buf_len bytes) and describe it in
 * @info: the first one selector @sel (MQLAB_IO_PEEK | MQLAB_IO_PRIO_*;
 * 0 works, but mqlab_receive() is the fast one) with @sel_prio matches;
 * a peek leaves it queued (select.c).  On -EMSGSIZE, info->len is the
 * size needed.
 */
int mqlab_receive_sel(struct mqlab_queue *q, u32 sel, u32 sel_prio,
		      void __user *buf, u32 buf_len, bool nonblock,
		      const struct mqlab_deadline *dl,
		      struct mqlab_msginfo *info)
{
	int ret;

	if (sel & MQLAB_IO_PEEK) {
		memset(info, 0, sizeof(*info));
		ret = mqlab_peek_msg(q, sel, sel_prio, buf, buf_len, nonblock,
				     dl, info);
		trace_mqlab_receive_return(q, ret, NULL);
		return ret;
	}
	return __mqlab_receive(q, sel, sel_prio, buf, buf_len, nonblock, dl,
			       info);
}

/*
 * Receive the next message, as mqlab_receive_sel() without a selector:
 * a queue that uses none of them pays for none (docs/SEMANTICS.md).
 */
int mqlab_receive(struct mqlab_queue *q, void __user *buf, u32 buf_len,
		  bool nonblock, const struct mqlab_deadline *dl,
		  struct mqlab_msginfo *info)
{
	return __mqlab_receive(q, 0, 0, buf, buf_len, nonblock, dl, info);
}

/*
 * Describe @msg as the current task sees it (its namespaces).  Every
 * receive does this, so the initial namespaces, where a pid is its
 * number there and a valid uid its own value, skip the out-of-line
 * lookups (task_active_pid_ns(), pid_nr_ns(), from_kuid_munged() and
 * the time namespace's offset, compat.h): the same numbers, fewer calls.
 */
void mqlab_msg_info(const struct mqlab_msg *msg, struct mqlab_msginfo *info)
{
	struct pid_namespace *pid_ns = ns_of_pid(task_pid(current));
	struct user_namespace *user_ns = current_user_ns();

	info->len = msg->len;
	info->prio = msg->prio;
	info->pid = pid_ns->level ? pid_nr_ns(msg->sender, pid_ns) :
				    pid_nr(msg->sender);
	info->uid = user_ns == &init_user_ns && uid_valid(msg->uid) ?
			    __kuid_val(msg->uid) :
			    from_kuid_munged(user_ns, msg->uid);
	info->timestamp_ns = mqlab_timens_from_host(msg->timestamp_ns);
}
