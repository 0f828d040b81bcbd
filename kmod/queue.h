/* SPDX-License-Identifier: GPL-2.0 */
/*
 * queue.h - internal declarations of the mqueue-lab module
 *
 * Objects and their locks, outermost first:
 *
 *   mqlab_file.bind_mutex (one per fd)
 *	serialises BIND through one fd.
 *   mqlab_table_lock (mutex, queue.c)
 *	changes to the table of named queues (lookups are lock-free,
 *	under RCU) and the list of every live queue, named or unlinked;
 *	every change of a queue's owner, group and mode (owner.c), and
 *	the IPC namespace objects (ipcns.c, lookups under RCU).
 *   mqlab_queue.owner_lock (seqlock, one per queue, owner.c)
 *	a queue's owner, group and mode, for the readers that do not
 *	hold the table lock; taken with nothing else nested in it.
 *   mqlab_queue.lock (spinlock, one per queue)
 *	everything that changes while a queue is in use: its messages,
 *	counters, blocked tasks and notification registration, and the
 *	notify_pending flag of every fd bound to it.
 *   mqlab_acct_lock (spinlock, account.c)
 *	the per-user accounting table and every charge: queues and bytes,
 *	per user and for the whole module.
 *   mqlab_queue.poll_wq.lock, then mqlab_file.poll_wq.lock (wait-queue
 *   spinlocks, poll.c)
 *	a wake-up of a queue's poll_wq is passed on, under its lock, to
 *	the wait queue of each fd that was polled before BIND.
 *
 * Order: an fd's bind mutex, then the table mutex, then a queue lock,
 * then the accounting lock; never the other way round.  Nothing sleeps,
 * allocates memory or touches user memory while a queue lock or the
 * accounting lock is held.
 */
#ifndef MQLAB_QUEUE_H
#define MQLAB_QUEUE_H

#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <asm/byteorder.h>

#include "compat.h"
#include <linux/mqueue_lab.h>

struct cred;
struct file;
struct pid;
struct seq_file;
struct poll_table_struct;
struct task_struct;
struct vfsmount;
struct mqlab_user;

/*
 * Module parameters (main.c).  They are read-only (0444) and checked
 * once at load time, so the rest of the module reads them without a
 * lock.  They are the only source of the limits.
 */
extern unsigned int mqlab_max_queues;
extern unsigned int mqlab_default_maxmsg;
extern unsigned long mqlab_default_msgsize;
extern unsigned long mqlab_maxmsg_max;
extern unsigned long mqlab_msgsize_max;
extern unsigned long mqlab_max_total_bytes;
extern unsigned int mqlab_max_user_queues;
extern unsigned long mqlab_max_user_bytes;
extern unsigned long mqlab_user_msgsize_max;
extern bool mqlab_kernel_limits;

/*
 * The attributes and limits of a queue about to be created, decided by
 * mqlab_create_limits() (limits.c) before any lock is taken.
 */
struct mqlab_create {
	u64 maxmsg;
	u64 msgsize;
	u64 mq_bytes; /* the kernel's charge, for RLIMIT_MSGQUEUE */
	u64 rlimit; /* the creator's RLIMIT_MSGQUEUE, or U64_MAX */
	unsigned int queues_max; /* fs.mqueue.queues_max, or UINT_MAX */
	bool unlimited; /* CAP_SYS_RESOURCE: no per-user limits */
};

/*
 * The spare payload pages of a queue's large messages (segcache.c): a
 * lock-free list, bounded, empty (all zero) when the queue is allocated.
 */
struct mqlab_segcache {
	struct llist_head free; /* linked through each page's first bytes */
	atomic_t nr; /* pages in @free, or taken from it and not yet used */
};

/*
 * One message.  Allocated (with its payload) and filled in by the
 * sender before it takes the queue lock; after that only the queue
 * bookkeeping fields change, under the lock of the queue that holds it.
 * 64 bytes on 64-bit, so that a 64-byte message fits a 128-byte object
 * of mqlab_msg_cache (msg.c).  No sequence number: the tree keeps
 * arrival order within a priority by itself (__mqlab_enqueue()).
 */
struct mqlab_msg {
	struct rb_node node; /* in mqlab_queue.msgs; queue lock */
	u64 timestamp_ns; /* CLOCK_MONOTONIC at enqueue; queue lock */
	struct pid *sender; /* sender's thread group; immutable */
	/*
	 * len > MQLAB_MSG_INLINE: where its pages go back, in the queue;
	 * immutable.  Whoever holds the message pins that queue (its fd
	 * is bound to it), so the message never outlives it.
	 */
	struct mqlab_segcache *spares;
	kuid_t uid; /* sender's uid; immutable */
	u32 prio; /* immutable */
	union {
		/*
		 * @len and @ttl_ms as one word: the size a buffer needs for
		 * a message without a TTL, and more than any buffer has
		 * (2^32 or more) for one with a TTL, which a receive looks
		 * at more closely.  So one compare (mqlab_receive_msg(), msg.c)
		 * tests both, and a send without a TTL writes @ttl_ms with
		 * @len.  Immutable.
		 */
		u64 fit;
		struct {
#if defined(__LITTLE_ENDIAN)
			u32 len; /* payload bytes */
			/* time to live from timestamp_ns, 0 = none (expire.c) */
			u32 ttl_ms;
#else
			u32 ttl_ms;
			u32 len;
#endif
		};
	};
	u8 data[] __aligned(8); /* the first bytes (msg.c); immutable */
};

/* Values of mqlab_waiter.state (see the MEMORY ORDERING comment, msg.c). */
#define MQLAB_WAIT_NONE 0 /* still waiting */
#define MQLAB_WAIT_READY 1 /* a peer completed the operation */
/* mqlab_waiter.result: a matching message was queued, look again */
#define MQLAB_WAIT_RETRY 1

/*
 * A task blocked in send or receive.  It lives on the stack of that
 * task.  All fields are written under the queue lock; the blocked task
 * reads @state without the lock (smp_load_acquire pairing), and once it
 * sees MQLAB_WAIT_READY the waker no longer touches the struct.
 */
struct mqlab_waiter {
	struct list_head list; /* in send_waiters/recv_waiters */
	struct task_struct *task;
	/* send: the message to deliver; recv: the message handed over */
	struct mqlab_msg *msg;
	/* batched send: the messages after @msg, still to deliver */
	struct mqlab_msg **more;
	/*
	 * recv: the size of the receiver's buffer; for a peeker or a
	 * selective receiver -1 minus it, so that hand-off's one test of it
	 * (mqlab_handoff()) is all a plain receiver costs (mqlab_waiter_fit())
	 */
	s64 fit;
	u32 nr_more;
	u32 needed; /* recv: set with result -EMSGSIZE */
	/* recv: MQLAB_IO_PEEK | MQLAB_IO_PRIO_*, 0 = any (select.c) */
	u32 sel;
	u32 sel_prio; /* recv: the selector's priority */
	/* 0, -EMSGSIZE for a receiver, MQLAB_WAIT_RETRY, or -EIDRM */
	int result;
	int state; /* MQLAB_WAIT_* */
};

/* The mq_notify()-like registration of a queue; queue lock. */
struct mqlab_notify_reg {
	struct pid *owner; /* registering thread group; NULL = none */
	struct mqlab_file *file; /* fd it registered through */
	u64 exec_id; /* owner's self_exec_id at registration */
	u64 value; /* SIGNAL: si_value.sival_ptr */
	u32 action; /* MQLAB_NOTIFY_NONE/SIGNAL/EVENT */
	u32 signo; /* SIGNAL: signal number */
};

/*
 * The module's object of one IPC namespace that has made a queue
 * (ipcns.c): part of the name table's key.
 */
struct mqlab_ns {
	struct hlist_node node; /* in ipcns.c's hash; table lock, or RCU */
	struct list_head reap; /* on a sweep's list of dead ones; table lock */
	struct vfsmount *mnt; /* ns->mq_mnt, a mntget() reference; immutable */
	refcount_t ref; /* the hash's while in it, and one per queue */
	unsigned int nr_queues; /* its live queues, named or not; table lock */
	bool initial; /* of the initial IPC namespace; immutable */
	bool dead; /* namespace died, out of the hash; table lock */
	struct rcu_head rcu; /* kfree_rcu() after the last reference */
};

struct mqlab_queue {
	/* One reference for the name table while named, one per bound fd. */
	struct kref ref;
	struct rhash_head hnode; /* in the name table; table lock, or RCU */
	struct list_head all; /* in the list of live queues; table lock */
	bool named; /* in the name table; table lock */
	struct mqlab_ns *ns; /* its IPC namespace's, a reference; immutable */
	struct rcu_head rcu; /* kfree_rcu() after the last reference */

	/*
	 * Owner, group and permission bits (MQLAB_IOC_CHOWN, owner.c):
	 * written under the table lock (which serialises the writers and
	 * their permission checks) and inside @owner_lock's write section;
	 * read with mqlab_owner_read(), or under the table lock.
	 */
	seqlock_t owner_lock;
	kuid_t uid;
	kgid_t gid;
	umode_t mode;

	/* Immutable once the queue is visible. */
	u32 name_len;
	char name[MQLAB_NAME_MAX + 1]; /* NUL-terminated copy */
	u64 maxmsg;
	u64 msgsize;
	/* What the queue can hold, charged to @acct at creation. */
	u64 charge;
	u64 mq_bytes; /* the kernel's charge (limits.c), or 0 */
	/* The creator's accounting; a reference.  Kept by MQLAB_IOC_CHOWN. */
	struct mqlab_user *acct;

	spinlock_t lock; /* protects everything below */
	struct rb_root_cached msgs; /* leftmost = next message to receive */
	u64 curmsgs;
	/*
	 * @maxmsg, or 0 while the queue holds a message with a TTL or once
	 * it is destroyed: the one word the fast path of a send tests for
	 * all three (mqlab_room_reset(), msg.c).  A receive's is the @fit of
	 * the message it finds.
	 */
	u64 room;
	u64 curbytes;
	u64 sent;
	u64 received;
	/* expire.c: the messages with a TTL and the earliest deadline */
	u64 expired; /* dropped by expiry over the queue's life */
	u64 next_expiry; /* ns; no queued TTL message expires before */
	u32 nr_ttl; /* queued messages with a TTL; 0: no expiry work */
	struct list_head send_waiters; /* FIFO of blocked senders */
	struct list_head recv_waiters; /* FIFO of blocked receivers */
	u32 nr_send_waiters;
	u32 nr_recv_waiters;
	/*
	 * Destroyed (destroy.c): no operation succeeds any more.  Set once,
	 * under the lock; read under it on the data paths, and with
	 * READ_ONCE() by the checks that need no lock.
	 */
	bool dead;
	struct mqlab_notify_reg notify;

	wait_queue_head_t poll_wq; /* poll(2) only; has its own lock */
	struct mqlab_segcache spares; /* segcache.c; atomics, no lock */
};

/* A consistent copy of a queue's owner, group and mode (owner.c). */
struct mqlab_owner {
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
};

/* Per-fd state, in file->private_data; allocated at open(). */
struct mqlab_file {
	/*
	 * NULL until MQLAB_IOC_BIND, then fixed for the life of the fd.
	 * Written once under @bind_mutex with smp_store_release(),
	 * read locklessly with mqlab_file_queue().
	 */
	struct mqlab_queue *q;
	/*
	 * Set with @q, before it is published, and fixed from then on: the
	 * opener's accounting, charged for messages held by this fd's
	 * blocked senders, and whether the opener may exceed the per-user
	 * limits (CAP_SYS_RESOURCE).
	 */
	struct mqlab_user *acct;
	bool unlimited;
	struct mutex bind_mutex; /* serialises BIND of this fd */
	bool notify_pending; /* EPOLLPRI until ACK; q->lock */
	/*
	 * poll() before BIND (poll.c).  Set once at BIND, under
	 * @bind_mutex, and read at release: the fd was polled while unbound, and
	 * @poll_fwd is on q->poll_wq (under that head's lock) until release.
	 */
	bool poll_fwd_on;
	struct wait_queue_entry poll_fwd;
	/* Where an unbound fd is polled; has its own lock. */
	wait_queue_head_t poll_wq;
};

static inline struct mqlab_queue *mqlab_file_queue(struct mqlab_file *pf)
{
	/* Pairs with smp_store_release() in mqlab_bind(). */
	return smp_load_acquire(&pf->q);
}

/*
 * A blocking deadline, decoded from struct mqlab_timespec before any
 * lock is taken.  @expires is absolute on @clock.
 */
struct mqlab_deadline {
	bool timed; /* false: wait forever */
	clockid_t clock; /* CLOCK_MONOTONIC or CLOCK_REALTIME */
	ktime_t expires;
	int intr_err; /* -EINTR (relative) or -ERESTARTSYS */
};

/* What a receiver learns about the message besides its payload. */
struct mqlab_msginfo {
	u32 len; /* length, or the size needed on EMSGSIZE */
	u32 prio;
	u32 pid;
	u32 uid;
	u64 timestamp_ns;
};

/*
 * Work collected under a queue lock and done after it is released, the
 * job ipc/mqueue.c gives to a wake_q (which modules cannot use: wake_q_add
 * and wake_up_q are not exported).  One send or receive wakes at most
 * one blocked task this way; a batch up to @max_more more, in @more
 * (an array of the batch's, or none: max_more 0).
 */
struct mqlab_wake {
	struct task_struct *task; /* pinned with get_task_struct() */
	struct task_struct **more; /* pinned too */
	u32 nr_more;
	u32 max_more;
	__poll_t poll; /* events to report to poll_wq */
	/* A fired notification; the owner reference moved here. */
	struct mqlab_notify_reg notice;
};

/* queue.c: the name table and queue lifetime */
int mqlab_bind(struct file *file, struct mqlab_file *pf,
	       const struct mqlab_bind *req, const char *name);
int mqlab_unlink(const struct file *file, const char *name, u32 name_len,
		 u32 flags);
void mqlab_queue_put(struct mqlab_queue *q);
int mqlab_table_init(void);
void mqlab_table_exit(void);
void mqlab_table_lock(void);
void mqlab_table_unlock(void);
struct mqlab_queue *mqlab_table_find(const char *name, u32 len);
void mqlab_table_for_each(void (*fn)(struct mqlab_queue *q, void *arg),
			  void *arg);
void mqlab_table_reclaim(void);

/* ipcns.c: names scoped to the caller's IPC namespace */
struct mqlab_ns *mqlab_ns_current(void);
struct mqlab_ns *mqlab_ns_current_make(void);
void mqlab_ns_hold(struct mqlab_ns *ns);
void mqlab_ns_put(struct mqlab_ns *ns);
void mqlab_ns_reclaim(void);
void mqlab_ns_stop(void);
void mqlab_ns_exit(void);

/* perm.c: who may do what, with the credentials of the fd's opener */
bool mqlab_cred_in_group(const struct cred *cred, kgid_t gid);
bool mqlab_capable_wrt_owner(const struct file *file,
			     const struct mqlab_owner *o, int cap);
int mqlab_may_open(const struct file *file, const struct mqlab_queue *q,
		   int want);
int mqlab_may_unlink(const struct file *file, const struct mqlab_queue *q);
bool mqlab_may_see(const struct file *file, const struct mqlab_queue *q);
bool mqlab_sees_all(const struct file *file);
bool mqlab_unlimited(const struct file *file);

/* limits.c: the attributes and limits of a new queue */
int mqlab_create_limits(const struct mqlab_bind *req, bool unlimited,
			struct mqlab_create *c);

/* account.c: per-user and module-wide charges */
struct mqlab_user *mqlab_user_get(kuid_t uid);
void mqlab_user_hold(struct mqlab_user *u);
void mqlab_user_put(struct mqlab_user *u);
int mqlab_charge_queue(struct mqlab_user *u, u64 bytes,
		       const struct mqlab_create *c);
void mqlab_uncharge_queue(struct mqlab_user *u, u64 bytes, u64 mq_bytes);
int mqlab_charge_held(struct mqlab_user *u, u64 bytes, bool unlimited);
void mqlab_uncharge_held(struct mqlab_user *u, u64 bytes);
void mqlab_users_show(struct seq_file *m);
void mqlab_account_exit(void);

/* msg.c: messages, blocking and hand-off */
int mqlab_msg_init(void);
void mqlab_msg_exit(void);
u64 mqlab_msg_charge(u64 len);
int mqlab_send(struct mqlab_file *pf, struct mqlab_queue *q,
	       const void __user *buf, u32 len, u32 prio, bool nonblock,
	       const struct mqlab_deadline *dl);
int mqlab_send_ttl(struct mqlab_file *pf, struct mqlab_queue *q,
		   const void __user *buf, u32 len, u32 prio, u32 ttl_ms,
		   bool nonblock, const struct mqlab_deadline *dl);
int mqlab_receive(struct mqlab_queue *q, void __user *buf, u32 buf_len,
		  bool nonblock, const struct mqlab_deadline *dl,
		  struct mqlab_msginfo *info);
void mqlab_msg_free_all(struct mqlab_queue *q);
void mqlab_msg_free_tree(struct rb_root *root);
void mqlab_waiter_done(struct mqlab_queue *q, struct mqlab_waiter *w,
		       u32 *nr_waiters, struct mqlab_wake *wake);
void mqlab_wake_flush(struct mqlab_queue *q, struct mqlab_wake *wake);
/* msg.c: the pieces batch.c builds on */
struct mqlab_msg *mqlab_msg_build(const struct mqlab_queue *q,
				  const void __user *buf, u32 len, u32 prio);
void mqlab_msg_free(struct mqlab_msg *msg);
int mqlab_msg_store(void __user *buf, const struct mqlab_msg *msg);
void mqlab_msg_info(const struct mqlab_msg *msg, struct mqlab_msginfo *info);
void mqlab_requeue(struct mqlab_queue *q, struct mqlab_msg *msg);
struct mqlab_msg *mqlab_peek(struct mqlab_queue *q);
void mqlab_dequeue(struct mqlab_queue *q, struct mqlab_msg *msg);
bool mqlab_handoff(struct mqlab_queue *q, struct mqlab_msg *msg,
		   struct mqlab_wake *wake);
void mqlab_deliver_at(struct mqlab_queue *q, struct mqlab_msg *msg, u64 now_ns,
		      struct mqlab_wake *wake);
void mqlab_refill(struct mqlab_queue *q, struct mqlab_wake *wake);
/*
 * msg.c: small messages, of up to MQLAB_MSG_SMALL bytes, are one object
 * of a small cache each, with all the payload inline; batch.c moves
 * them in bulk.
 */
#define MQLAB_MSG_SMALL 64 /* the largest class (msg.c) */
static inline bool mqlab_msg_small(u32 len)
{
	return len <= MQLAB_MSG_SMALL;
}

u32 mqlab_msg_alloc_run(const struct mqlab_batch_msg *d, u32 nr,
			struct mqlab_msg **msgs);
void mqlab_msg_free_bulk(struct mqlab_msg **msgs, u32 nr);
int mqlab_msg_fill_small(struct mqlab_msg *msg, const void __user *buf);
int mqlab_msg_store_fast(void __user *buf, const struct mqlab_msg *msg);
int mqlab_wait(struct mqlab_queue *q, struct mqlab_waiter *w,
	       struct list_head *waiters, u32 *nr_waiters,
	       const struct mqlab_deadline *dl) __releases(&q->lock);

void mqlab_msg_copy(void *dst, const struct mqlab_msg *msg);
int mqlab_receive_sel(struct mqlab_queue *q, u32 sel, u32 sel_prio,
		      void __user *buf, u32 buf_len, bool nonblock,
		      const struct mqlab_deadline *dl,
		      struct mqlab_msginfo *info);

/*
 * select.c: MQLAB_IO_PEEK and MQLAB_IO_PRIO_* (receive by priority).
 * A blocked receiver @w that takes @msg by hand-off: not a peeker, and
 * no selector or a matching one.
 */
bool mqlab_sel_match(u32 sel, u32 sel_prio, u32 prio);
struct mqlab_msg *mqlab_sel_first(struct mqlab_queue *q, u32 sel, u32 sel_prio);
void mqlab_sel_queued(struct mqlab_queue *q, const struct mqlab_msg *msg,
		      struct mqlab_wake *wake);
int mqlab_peek_msg(struct mqlab_queue *q, u32 sel, u32 sel_prio,
		   void __user *buf, u32 buf_len, bool nonblock,
		   const struct mqlab_deadline *dl, struct mqlab_msginfo *info);

/* mqlab_waiter.fit of a receiver with selector @sel and a @buf_len buffer */
static inline s64 mqlab_waiter_fit(u32 sel, u32 buf_len)
{
	return sel ? -1 - (s64)buf_len : buf_len;
}

/* The size of blocked receiver @w's buffer */
static inline u32 mqlab_waiter_buf_len(const struct mqlab_waiter *w)
{
	return w->fit < 0 ? -1 - w->fit : w->fit;
}

/* batch.c: MQLAB_IOC_SEND_BATCH and MQLAB_IOC_RECV_BATCH */
int mqlab_send_batch(struct mqlab_file *pf, struct mqlab_queue *q,
		     struct mqlab_batch_msg __user *umsgs, u32 count,
		     bool nonblock, const struct mqlab_deadline *dl);
int mqlab_recv_batch(struct mqlab_queue *q,
		     struct mqlab_batch_msg __user *umsgs, u32 count,
		     bool nonblock, const struct mqlab_deadline *dl);

/*
 * segcache.c: the pages of messages longer than MQLAB_MSG_INLINE, and
 * each queue's spares of them.
 */
struct llist_node *mqlab_spares_take(struct mqlab_segcache *c);
struct page *mqlab_page_get(struct llist_node **spares, u32 *used);
void mqlab_spares_done(struct mqlab_segcache *c, struct llist_node *spares,
		       u32 used);
void mqlab_pages_free(struct mqlab_segcache *c, struct list_head *pages, u32 n);
void mqlab_spares_drain(struct mqlab_segcache *c);

/* expire.c: messages with a time to live (MQLAB_IOC_SEND_TTL) */
void mqlab_expire_add(struct mqlab_queue *q, const struct mqlab_msg *msg);
void mqlab_expire_purge(struct mqlab_queue *q);
bool mqlab_expire_cap(struct mqlab_queue *q, clockid_t clock, ktime_t **until,
		      ktime_t *expires);
long mqlab_ioc_send_ttl(struct file *file, void __user *argp);

/*
 * With @q locked, leave no expired message in it; the lock may be
 * dropped and taken again.  The whole cost on a queue without TTL
 * messages is the test of @nr_ttl.
 */
static inline void mqlab_unexpire_locked(struct mqlab_queue *q)
{
	lockdep_assert_held(&q->lock);

	while (unlikely(q->nr_ttl) && !q->dead &&
	       ktime_get_ns() >= q->next_expiry) {
		spin_unlock(&q->lock);
		mqlab_expire_purge(q);
		spin_lock(&q->lock);
	}
}

/* Lock @q, with no expired message left in it. */
static inline void mqlab_lock_unexpired(struct mqlab_queue *q)
	__acquires(&q->lock)
{
	spin_lock(&q->lock);
	mqlab_unexpire_locked(q);
}

/*
 * @room after @nr_ttl or @dead changed: 0 while the queue holds a TTL
 * message or is destroyed, so that the fast path of a send (msg.c) tests
 * one word for both and for a full queue.  Caller must hold queue lock.
 */
static inline void mqlab_room_reset(struct mqlab_queue *q)
{
	lockdep_assert_held(&q->lock);

	q->room = q->nr_ttl || q->dead ? 0 : q->maxmsg;
}

/* A message with a TTL left the queue.  Caller must hold queue lock. */
static inline void mqlab_expire_del(struct mqlab_queue *q,
				    const struct mqlab_msg *msg)
{
	if (unlikely(msg->ttl_ms) && !--q->nr_ttl)
		mqlab_room_reset(q);
}

/* destroy.c: MQLAB_UNLINK_DESTROY, the end of a queue (EIDRM) */
void mqlab_destroy(struct mqlab_queue *q);
int mqlab_dead_unlock(struct mqlab_queue *q) __releases(&q->lock);

static inline bool mqlab_queue_dead(const struct mqlab_queue *q)
{
	return READ_ONCE(q->dead);
}

/* notify.c */
int mqlab_notify_set(struct mqlab_file *pf, struct mqlab_queue *q,
		     const struct mqlab_notify *req);
void mqlab_notify_fire(struct mqlab_queue *q, struct mqlab_wake *wake);
void mqlab_notify_drop_file(struct mqlab_queue *q, struct mqlab_file *pf,
			    struct pid *owner);
void mqlab_notice_deliver(struct mqlab_notify_reg *notice);

/* owner.c: MQLAB_IOC_CHOWN, and the readers of a queue's owner */
void mqlab_owner_read(const struct mqlab_queue *q, struct mqlab_owner *o);
long mqlab_ioc_chown(struct file *file, void __user *argp);

/* ioctl.c: one helper per command, and the check every data path makes */
int mqlab_get_name(char *buf, u64 uptr, u32 len);
struct mqlab_queue *mqlab_io_queue(struct file *file, fmode_t fmode);
long mqlab_ioc_version(void __user *argp);
long mqlab_ioc_bind(struct file *file, void __user *argp);
long mqlab_ioc_unlink(struct file *file, void __user *argp);
long mqlab_ioc_send(struct file *file, void __user *argp);
long mqlab_ioc_recv(struct file *file, void __user *argp);
long mqlab_ioc_getattr(struct file *file, void __user *argp);
long mqlab_ioc_setattr(struct file *file, void __user *argp);
long mqlab_ioc_notify(struct file *file, void __user *argp);
long mqlab_ioc_send_batch(struct file *file, void __user *argp);
long mqlab_ioc_recv_batch(struct file *file, void __user *argp);

/* poll.c: poll(2) of an fd, bound or not */
void mqlab_poll_init(struct mqlab_file *pf);
__poll_t mqlab_poll(struct file *file, struct poll_table_struct *wait);
void mqlab_poll_bind(struct mqlab_file *pf, struct mqlab_queue *q);
void mqlab_poll_release(struct mqlab_file *pf, struct mqlab_queue *q);

/* proc.c */
int mqlab_proc_init(void);
void mqlab_proc_exit(void);

#endif /* MQLAB_QUEUE_H */
