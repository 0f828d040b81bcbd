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

/* Guards the two objects below and mqlab_queue.hnode, .all and .named. */
static DEFINE_MUTEX(mqlab_table_mutex);
static DEFINE_HASHTABLE(mqlab_table, MQLAB_HASH_BITS);
static LIST_HEAD(mqlab_all_queues);	/* every live queue, named or not */

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
 * Everything a queue of @maxmsg messages of @msgsize bytes can take:
 * the queue itself and @maxmsg of its largest messages, headers and
 * allocator rounding included.  The caps keep this far from
 * overflowing; U64_MAX (which no limit admits) if it ever did.
 */
static u64 mqlab_queue_charge(u64 maxmsg, u64 msgsize)
{
	u64 bytes;

	if (check_mul_overflow(maxmsg, mqlab_msg_charge(msgsize), &bytes) ||
	    check_add_overflow(bytes, (u64)kmalloc_size_roundup(sizeof(struct mqlab_queue)),
			       &bytes))
		return U64_MAX;
	return bytes;
}

/*
 * Allocate and fully initialise a queue for @req with the attributes
 * in @c, created through @file and charged to @acct.  It is invisible
 * to everybody else until mqlab_bind() inserts it into the table.
 */
static struct mqlab_queue *mqlab_queue_alloc(const struct mqlab_bind *req,
					     const struct mqlab_create *c,
					     const char *name,
					     const struct file *file,
					     struct mqlab_user *acct)
{
	struct mqlab_queue *q;

	q = kzalloc(sizeof(*q), GFP_KERNEL_ACCOUNT);
	if (!q)
		return ERR_PTR(-ENOMEM);

	kref_init(&q->ref);		/* the name table's reference */
	q->name_len = req->name_len;
	memcpy(q->name, name, req->name_len);
	q->uid = file->f_cred->fsuid;
	q->gid = file->f_cred->fsgid;
	q->mode = req->mode & ~current_umask();
	q->maxmsg = c->maxmsg;
	q->msgsize = c->msgsize;
	q->charge = mqlab_queue_charge(q->maxmsg, q->msgsize);
	q->mq_bytes = c->mq_bytes;
	q->acct = acct;
	INIT_LIST_HEAD(&q->all);

	spin_lock_init(&q->lock);
	q->msgs = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&q->send_waiters);
	INIT_LIST_HEAD(&q->recv_waiters);
	init_waitqueue_head(&q->poll_wq);
	return q;
}

/*
 * Charge a new queue to its creator and make it visible.  The queue
 * then holds a reference on its accounting.  Caller must hold the
 * table lock.
 */
static int mqlab_queue_insert(struct mqlab_queue *q,
			      const struct mqlab_create *c)
{
	int ret;

	lockdep_assert_held(&mqlab_table_mutex);

	ret = mqlab_charge_queue(q->acct, q->charge, c);
	if (ret)
		return ret;
	mqlab_user_hold(q->acct);
	hash_add(mqlab_table, &q->hnode, mqlab_name_hash(q->name, q->name_len));
	q->named = true;
	list_add_tail(&q->all, &mqlab_all_queues);
	return 0;
}

static void mqlab_queue_release(struct kref *ref)
{
	struct mqlab_queue *q = container_of(ref, struct mqlab_queue, ref);

	/*
	 * Unnamed by now (the table's reference goes first) and with no fd
	 * bound, so no registration is left either; put_pid(NULL) is a no-op.
	 */
	mutex_lock(&mqlab_table_mutex);
	list_del(&q->all);
	mutex_unlock(&mqlab_table_mutex);

	mqlab_msg_free_all(q);
	put_pid(q->notify.owner);
	mqlab_uncharge_queue(q->acct, q->charge, q->mq_bytes);
	mqlab_user_put(q->acct);
	kfree(q);
}

/* Drop a reference.  Must not be called with the table lock held. */
void mqlab_queue_put(struct mqlab_queue *q)
{
	kref_put(&q->ref, mqlab_queue_release);
}

/* The MAY_READ / MAY_WRITE that binding @file asks for. */
static int mqlab_want(const struct file *file)
{
	return (file->f_mode & FMODE_READ ? MAY_READ : 0) |
	       (file->f_mode & FMODE_WRITE ? MAY_WRITE : 0);
}

/* Bind to an existing queue (a reference is already held on @q). */
static int mqlab_open_existing(struct mqlab_queue *q, struct file *file,
			       u32 flags)
{
	const u32 excl = MQLAB_BIND_CREATE | MQLAB_BIND_EXCL;

	if ((flags & excl) == excl)
		return -EEXIST;
	return mqlab_may_open(file, q, mqlab_want(file));
}

/*
 * MQLAB_IOC_BIND: @req is validated and @name copied in by the caller.
 * With CREATE the new queue is built before the table lock is taken,
 * and thrown away again if the name turns out to exist; so are its
 * attributes, which only a queue that is really created must pass.
 */
int mqlab_bind(struct file *file, struct mqlab_file *pf,
	       const struct mqlab_bind *req, const char *name)
{
	struct mqlab_queue *new = NULL;
	struct mqlab_user *acct;
	struct mqlab_create c;
	struct mqlab_queue *q;
	int create_err = 0;
	int ret;

	/* Neither read nor write (access mode 3): EINVAL, as mq_open(). */
	if (!mqlab_want(file))
		return -EINVAL;

	acct = mqlab_user_get(file->f_cred->uid);
	if (!acct)
		return -ENOMEM;

	if (req->flags & MQLAB_BIND_CREATE) {
		create_err = mqlab_create_limits(file, req, &c);
		if (!create_err) {
			new = mqlab_queue_alloc(req, &c, name, file, acct);
			if (IS_ERR(new)) {
				create_err = PTR_ERR(new);
				new = NULL;
			}
		}
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
	} else if (create_err) {
		ret = create_err;
		goto out_unlock;
	} else if (new) {
		ret = mqlab_queue_insert(new, &c);
		if (ret)
			goto out_unlock;
		q = new;
		new = NULL;
		kref_get(&q->ref);	/* the fd's reference */
	} else {
		ret = -ENOENT;
		goto out_unlock;
	}

	/* The fd keeps the accounting reference taken above. */
	pf->acct = acct;
	pf->unlimited = mqlab_unlimited(file);
	acct = NULL;
	/* Pairs with smp_load_acquire() in mqlab_file_queue(). */
	smp_store_release(&pf->q, q);
	mqlab_poll_bind(pf, q);
	ret = 0;

out_unlock:
	mutex_unlock(&mqlab_table_mutex);
out_free_new:
	kfree(new);	/* never visible, so a plain kfree() is enough */
	if (acct)
		mqlab_user_put(acct);
	return ret;
}

/*
 * MQLAB_IOC_UNLINK through @file: remove the name now; the queue lives
 * on while fds are bound to it.  Who may: mqlab_may_unlink().
 */
int mqlab_unlink(const struct file *file, const char *name, u32 name_len)
{
	struct mqlab_queue *q;
	int ret = 0;

	mutex_lock(&mqlab_table_mutex);
	q = mqlab_lookup(name, name_len);
	if (!q) {
		ret = -ENOENT;
		goto out_unlock;
	}
	ret = mqlab_may_unlink(file, q);
	if (ret)
		goto out_unlock_put;
	hash_del(&q->hnode);
	q->named = false;
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

/*
 * Call @fn for every live queue, named or unlinked, oldest first.
 * Caller must hold the table lock.
 */
void mqlab_table_for_each(void (*fn)(struct mqlab_queue *q, void *arg),
			  void *arg)
{
	struct mqlab_queue *q;

	lockdep_assert_held(&mqlab_table_mutex);

	list_for_each_entry(q, &mqlab_all_queues, all)
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
		q->named = false;
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
	WARN_ON(!list_empty(&mqlab_all_queues));
}
