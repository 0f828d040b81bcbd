// SPDX-License-Identifier: GPL-2.0
/*
 * queue.c - the table of named queues and the life of a queue
 *
 * A queue is created by MQLAB_IOC_BIND with MQLAB_BIND_CREATE and is
 * reference counted: the name table holds one reference while the queue
 * is named, and every bound fd holds one.  MQLAB_IOC_UNLINK removes the
 * name (and the table's reference) at once; the queue itself goes away
 * with its last fd.  Module unload (only possible with no fd open) drops
 * the table's references, which frees every remaining queue.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "queue.h"

#define MQLAB_HASH_BITS	6

/* Guards the three objects below and mqlab_queue.hnode. */
static DEFINE_MUTEX(mqlab_table_mutex);
static DEFINE_HASHTABLE(mqlab_table, MQLAB_HASH_BITS);
static unsigned int mqlab_nr_queues;	/* live queues, named or not */
static u64 mqlab_reserved_bytes;	/* sum of their ->reserved */

void mqlab_table_lock(void)
{
	mutex_lock(&mqlab_table_mutex);
}

void mqlab_table_unlock(void)
{
	mutex_unlock(&mqlab_table_mutex);
}

static u32 mqlab_name_hash(const char *name, u32 len)
{
	return jhash(name, len, 0);
}

/*
 * Find a named queue and take a reference on it.  Caller must hold the
 * table lock.  kref_get_unless_zero() keeps this correct even if a
 * queue could ever be found while its last reference is being dropped.
 */
static struct mqlab_queue *mqlab_lookup(const char *name, u32 len)
{
	struct mqlab_queue *q;

	lockdep_assert_held(&mqlab_table_mutex);

	hash_for_each_possible(mqlab_table, q, hnode,
			       mqlab_name_hash(name, len)) {
		if (q->name_len == len && !memcmp(q->name, name, len))
			return kref_get_unless_zero(&q->ref) ? q : NULL;
	}
	return NULL;
}

/*
 * Allocate and fully initialise a queue for @req.  It is invisible to
 * everybody else until mqlab_bind() inserts it into the table.
 */
static struct mqlab_queue *mqlab_queue_alloc(const struct mqlab_bind *req,
					     const char *name)
{
	struct mqlab_queue *q;

	q = kzalloc(sizeof(*q), GFP_KERNEL_ACCOUNT);
	if (!q)
		return ERR_PTR(-ENOMEM);

	kref_init(&q->ref);		/* the name table's reference */
	q->name_len = req->name_len;
	memcpy(q->name, name, req->name_len);
	q->uid = current_fsuid();
	q->gid = current_fsgid();
	q->mode = req->mode & ~current_umask();
	q->maxmsg = req->maxmsg ?: mqlab_default_maxmsg;
	q->msgsize = req->msgsize ?: mqlab_default_msgsize;
	/* The caps keep this far from overflowing; check anyway. */
	if (check_mul_overflow(q->maxmsg, q->msgsize, &q->reserved)) {
		kfree(q);
		return ERR_PTR(-ENOSPC);
	}

	spin_lock_init(&q->lock);
	q->msgs = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&q->send_waiters);
	INIT_LIST_HEAD(&q->recv_waiters);
	init_waitqueue_head(&q->poll_wq);
	return q;
}

/*
 * Charge a new queue against the module-wide limits and make it
 * visible.  Caller must hold the table lock.
 */
static int mqlab_queue_insert(struct mqlab_queue *q)
{
	lockdep_assert_held(&mqlab_table_mutex);

	if (mqlab_nr_queues >= mqlab_max_queues)
		return -ENOSPC;
	if (q->reserved > mqlab_max_total_bytes - mqlab_reserved_bytes)
		return -ENOSPC;

	mqlab_nr_queues++;
	mqlab_reserved_bytes += q->reserved;
	hash_add(mqlab_table, &q->hnode, mqlab_name_hash(q->name, q->name_len));
	return 0;
}

static void mqlab_queue_release(struct kref *ref)
{
	struct mqlab_queue *q = container_of(ref, struct mqlab_queue, ref);

	/*
	 * Unnamed by now (the table's reference goes first) and with no fd
	 * bound, so no registration is left either; put_pid(NULL) is a no-op.
	 */
	mqlab_msg_free_all(q);
	put_pid(q->notify.owner);

	mutex_lock(&mqlab_table_mutex);
	mqlab_nr_queues--;
	mqlab_reserved_bytes -= q->reserved;
	mutex_unlock(&mqlab_table_mutex);

	kfree(q);
}

/* Drop a reference.  Must not be called with the table lock held. */
void mqlab_queue_put(struct mqlab_queue *q)
{
	kref_put(&q->ref, mqlab_queue_release);
}

/*
 * May the caller open @q with the access mode of @file?  The rule of
 * generic_permission(): the owner's bits if the caller's fsuid owns the
 * queue, else the group's if it is in the group, else the others'.
 * CAP_DAC_OVERRIDE wins, as it does for inode_permission().
 */
static int mqlab_may_open(const struct mqlab_queue *q,
			  const struct file *file)
{
	unsigned int mode = q->mode;
	unsigned int want = 0;

	if (file->f_mode & FMODE_READ)
		want |= 04;
	if (file->f_mode & FMODE_WRITE)
		want |= 02;

	if (uid_eq(current_fsuid(), q->uid))
		mode >>= 6;
	else if (in_group_p(q->gid))
		mode >>= 3;

	if (!(want & ~mode))
		return 0;
	if (capable(CAP_DAC_OVERRIDE))
		return 0;
	return -EACCES;
}

/* Bind to an existing queue (a reference is already held on @q). */
static int mqlab_open_existing(struct mqlab_queue *q, struct file *file,
			       u32 flags)
{
	const u32 excl = MQLAB_BIND_CREATE | MQLAB_BIND_EXCL;

	if ((flags & excl) == excl)
		return -EEXIST;
	return mqlab_may_open(q, file);
}

/*
 * MQLAB_IOC_BIND: @req is validated and @name copied in by the caller.
 * With CREATE the new queue is built before the table lock is taken,
 * and thrown away again if the name turns out to exist.
 */
int mqlab_bind(struct file *file, struct mqlab_file *pf,
	       const struct mqlab_bind *req, const char *name)
{
	struct mqlab_queue *new = NULL;
	struct mqlab_queue *q;
	int ret;

	if (req->flags & MQLAB_BIND_CREATE) {
		new = mqlab_queue_alloc(req, name);
		if (IS_ERR(new))
			return PTR_ERR(new);
	}

	mutex_lock(&mqlab_table_mutex);
	if (pf->q) {
		ret = -EBUSY;
		goto out_unlock;
	}

	q = mqlab_lookup(name, req->name_len);
	if (q) {
		ret = mqlab_open_existing(q, file, req->flags);
		if (ret) {
			mutex_unlock(&mqlab_table_mutex);
			mqlab_queue_put(q);
			goto out_free_new;
		}
	} else if (new) {
		ret = mqlab_queue_insert(new);
		if (ret)
			goto out_unlock;
		q = new;
		new = NULL;
		kref_get(&q->ref);	/* the fd's reference */
	} else {
		ret = -ENOENT;
		goto out_unlock;
	}

	/* Pairs with smp_load_acquire() in mqlab_file_queue(). */
	smp_store_release(&pf->q, q);
	mqlab_poll_bind(pf, q);
	ret = 0;

out_unlock:
	mutex_unlock(&mqlab_table_mutex);
out_free_new:
	kfree(new);	/* never visible, so a plain kfree() is enough */
	return ret;
}

/*
 * MQLAB_IOC_UNLINK: remove the name now; the queue lives on while fds
 * are bound to it.  Only the owner or CAP_FOWNER may do it, the rule of
 * a sticky directory such as the mqueue file system's root; others get
 * EACCES, as mq_unlink() gives them.
 */
int mqlab_unlink(const char *name, u32 name_len)
{
	struct mqlab_queue *q;
	int ret = 0;

	mutex_lock(&mqlab_table_mutex);
	q = mqlab_lookup(name, name_len);
	if (!q) {
		ret = -ENOENT;
		goto out_unlock;
	}
	if (!uid_eq(current_fsuid(), q->uid) && !capable(CAP_FOWNER)) {
		ret = -EACCES;
		goto out_unlock_put;
	}
	hash_del(&q->hnode);
	mutex_unlock(&mqlab_table_mutex);

	/* The lookup's reference, then the table's, outside the mutex. */
	mqlab_queue_put(q);
	mqlab_queue_put(q);
	return 0;

out_unlock_put:
	mutex_unlock(&mqlab_table_mutex);
	mqlab_queue_put(q);
	return ret;
out_unlock:
	mutex_unlock(&mqlab_table_mutex);
	return ret;
}

/* Call @fn for every named queue.  Caller must hold the table lock. */
void mqlab_table_for_each(void (*fn)(struct mqlab_queue *q, void *arg),
			  void *arg)
{
	struct mqlab_queue *q;
	int bkt;

	lockdep_assert_held(&mqlab_table_mutex);

	hash_for_each(mqlab_table, bkt, q, hnode)
		fn(q, arg);
}

/* Take any named queue out of the table; NULL when it is empty. */
static struct mqlab_queue *mqlab_table_pop(void)
{
	struct mqlab_queue *q;
	int bkt;

	mutex_lock(&mqlab_table_mutex);
	hash_for_each(mqlab_table, bkt, q, hnode) {
		hash_del(&q->hnode);
		mutex_unlock(&mqlab_table_mutex);
		return q;
	}
	mutex_unlock(&mqlab_table_mutex);
	return NULL;
}

/*
 * Module unload.  No fd is open (each pins the module), so the table's
 * reference is the last one on every queue that is still named.
 */
void mqlab_table_exit(void)
{
	struct mqlab_queue *q;

	while ((q = mqlab_table_pop()))
		mqlab_queue_put(q);
	WARN_ON(mqlab_nr_queues || mqlab_reserved_bytes);
}
