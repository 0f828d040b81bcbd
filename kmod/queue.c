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
 *
 * The name table is an rhashtable, so a lookup costs the same with one
 * queue or a million.  BIND of a queue that exists looks it up under
 * rcu_read_lock() alone and takes its reference with
 * kref_get_unless_zero(): binds of existing queues never serialise.
 * Creation and unlink change the table under mqlab_table_mutex, which
 * keeps "look up, charge, insert" atomic against another creation or
 * unlink of the same name; both are O(1) under it.  A queue is freed an
 * RCU grace period after its last reference (kfree_rcu()), because a
 * lock-free lookup may still be reading its name.
 *
 * Names are per IPC namespace (ipcns.c): the key is the caller's
 * namespace object and the name, and a queue holds a reference on the
 * object of the namespace that made it.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "queue.h"
#include "mqueue_lab_trace.h"

/* What a lookup compares: a namespace, a name not NUL-terminated. */
struct mqlab_name_key {
	const struct mqlab_ns *ns;
	const char *name;
	u32 len;
};

/*
 * Guards changes to the two objects below (lookups in mqlab_table only
 * need rcu_read_lock()) and mqlab_queue.all and .named.
 */
static DEFINE_MUTEX(mqlab_table_mutex);
static struct rhashtable mqlab_table; /* named queues, by name */
static LIST_HEAD(mqlab_all_queues); /* every live queue, named or not */

void mqlab_table_lock(void)
{
	mutex_lock(&mqlab_table_mutex);
}

void mqlab_table_unlock(void)
{
	mutex_unlock(&mqlab_table_mutex);
}

static u32 mqlab_key_hash(const void *data, u32 len, u32 seed)
{
	const struct mqlab_name_key *key = data;

	return jhash(key->name, key->len, seed ^ hash_ptr(key->ns, 32));
}

static u32 mqlab_obj_hash(const void *data, u32 len, u32 seed)
{
	const struct mqlab_queue *q = data;

	return jhash(q->name, q->name_len, seed ^ hash_ptr(q->ns, 32));
}

/* 0 when @obj is the queue named by @arg->key, as memcmp(). */
static int mqlab_obj_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct mqlab_name_key *key = arg->key;
	const struct mqlab_queue *q = obj;

	return q->ns != key->ns || q->name_len != key->len ||
	       memcmp(q->name, key->name, key->len);
}

static const struct rhashtable_params mqlab_table_params = {
	.head_offset = offsetof(struct mqlab_queue, hnode),
	.key_len = sizeof(struct mqlab_name_key),
	.hashfn = mqlab_key_hash,
	.obj_hashfn = mqlab_obj_hash,
	.obj_cmpfn = mqlab_obj_cmp,
	.automatic_shrinking = true,
};

int mqlab_table_init(void)
{
	return rhashtable_init(&mqlab_table, &mqlab_table_params);
}

/*
 * Find a queue named in @ns and take a reference on it, with or
 * without the table lock.  A queue found whose count is already zero is
 * on its way out (unlinked, the last fd closing): as good as not found.
 * No object (@ns NULL): the namespace has no queue.
 */
static struct mqlab_queue *mqlab_lookup(const struct mqlab_ns *ns,
					const char *name, u32 len)
{
	const struct mqlab_name_key key = { .ns = ns,
					    .name = name,
					    .len = len };
	struct mqlab_queue *q;

	if (!ns)
		return NULL;
	rcu_read_lock();
	q = rhashtable_lookup(&mqlab_table, &key, mqlab_table_params);
	if (q && !kref_get_unless_zero(&q->ref))
		q = NULL;
	rcu_read_unlock();
	return q;
}

/*
 * Everything a queue of @maxmsg messages of @msgsize bytes can take:
 * the queue itself and @maxmsg of its largest messages, headers and
 * allocator rounding included.  The caps keep this far from
 * overflowing; U64_MAX (which no limit admits) if it ever did.
 */
static u64 mqlab_queue_charge(u64 maxmsg, u64 msgsize)
{
	u64 self = kmalloc_size_roundup(sizeof(struct mqlab_queue));
	u64 bytes;

	if (check_mul_overflow(maxmsg, mqlab_msg_charge(msgsize), &bytes) ||
	    check_add_overflow(bytes, self, &bytes))
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

	kref_init(&q->ref); /* the name table's reference */
	q->name_len = req->name_len;
	memcpy(q->name, name, req->name_len);
	seqlock_init(&q->owner_lock);
	q->uid = file->f_cred->fsuid;
	q->gid = file->f_cred->fsgid;
	q->mode = req->mode & ~current_umask();
	q->maxmsg = c->maxmsg;
	q->room = q->maxmsg;
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
 * Charge a new queue to its creator and make it visible in @ns.  The
 * queue then holds a reference on its accounting and on @ns.  Caller
 * must hold the table lock and have found no queue of that name.
 * queues_max counts the queues of the namespace (ENOSPC), as the
 * kernel's mq_queues_count does.
 */
static int mqlab_queue_insert(struct mqlab_queue *q, struct mqlab_ns *ns,
			      const struct mqlab_create *c)
{
	int ret;

	lockdep_assert_held(&mqlab_table_mutex);

	if (ns->nr_queues >= c->queues_max)
		return -ENOSPC;
	q->ns = ns; /* before the hash: it is part of the key */
	ret = mqlab_charge_queue(q->acct, q->charge, c);
	if (ret)
		return ret;
	/*
	 * Charged first: once inserted, a lock-free BIND may take the queue
	 * at once.  rhashtable errors (-ENOMEM, -EBUSY, -E2BIG while it
	 * cannot grow) all mean "no memory for the table" to the caller;
	 * -EBUSY would read as "fd already bound".
	 */
	ret = rhashtable_insert_fast(&mqlab_table, &q->hnode,
				     mqlab_table_params);
	if (ret) {
		mqlab_uncharge_queue(q->acct, q->charge, q->mq_bytes);
		return -ENOMEM;
	}
	mqlab_user_hold(q->acct);
	mqlab_ns_hold(ns);
	ns->nr_queues++;
	q->named = true;
	list_add_tail(&q->all, &mqlab_all_queues);
	return 0;
}

/* Take @q out of the name table.  Caller must hold the table lock. */
static void mqlab_queue_unname(struct mqlab_queue *q)
{
	lockdep_assert_held(&mqlab_table_mutex);

	WARN_ON(rhashtable_remove_fast(&mqlab_table, &q->hnode,
				       mqlab_table_params));
	q->named = false;
	trace_mqlab_queue_unlink(q);
}

/* Take a queue that is going off the list of live ones.  Table lock. */
static void mqlab_queue_unlist(struct mqlab_queue *q)
{
	lockdep_assert_held(&mqlab_table_mutex);

	list_del(&q->all);
	q->ns->nr_queues--;
}

/* Free an unlisted queue.  With or without the table lock. */
static void mqlab_queue_free(struct mqlab_queue *q)
{
	/*
	 * Unnamed by now (the table's reference goes first) and with no fd
	 * bound, so no registration is left either; put_pid(NULL) is a no-op.
	 * Nothing here needs a namespace: this may run at exit.
	 */
	trace_mqlab_queue_free(q);
	mqlab_msg_free_all(q);
	put_pid(q->notify.owner);
	mqlab_uncharge_queue(q->acct, q->charge, q->mq_bytes);
	mqlab_user_put(q->acct);
	mqlab_ns_put(q->ns);
	/* A lookup that found it before the unlink may still read it. */
	kfree_rcu(q, rcu);
}

static void mqlab_queue_release(struct kref *ref)
{
	struct mqlab_queue *q = container_of(ref, struct mqlab_queue, ref);

	mutex_lock(&mqlab_table_mutex);
	mqlab_queue_unlist(q);
	mutex_unlock(&mqlab_table_mutex);
	mqlab_queue_free(q);
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
 * BIND with CREATE of a name the lock-free lookup did not find.  The
 * new queue is built before the table lock is taken, and thrown away
 * again if the name exists by then; so are its attributes, which only
 * a queue that is really created must pass.  Returns the queue with a
 * reference for the fd, and sets *@created if it is the new one; or an
 * ERR_PTR().
 */
static struct mqlab_queue *
mqlab_create(struct file *file, const struct mqlab_bind *req, const char *name,
	     struct mqlab_user *acct, bool unlimited, bool *created)
{
	struct mqlab_queue *new = NULL;
	struct mqlab_create c;
	struct mqlab_queue *q;
	struct mqlab_ns *ns;
	int ret;

	ret = mqlab_create_limits(req, unlimited, &c);
	if (!ret) {
		new = mqlab_queue_alloc(req, &c, name, file, acct);
		if (IS_ERR(new)) {
			ret = PTR_ERR(new);
			new = NULL;
		}
	}

	mutex_lock(&mqlab_table_mutex);
	ns = mqlab_ns_current_make();
	if (IS_ERR(ns)) {
		q = NULL;
		ret = ret ?: PTR_ERR(ns);
	} else {
		q = mqlab_lookup(ns, name, req->name_len);
	}
	if (!q && !ret) {
		ret = mqlab_queue_insert(new, ns, &c);
		if (!ret) {
			q = new;
			new = NULL;
			kref_get(&q->ref); /* the fd's reference */
			*created = true;
			trace_mqlab_queue_create(q);
		}
	}
	mutex_unlock(&mqlab_table_mutex);

	kfree(new); /* never visible, so a plain kfree() is enough */
	return q ?: ERR_PTR(ret);
}

/*
 * MQLAB_IOC_BIND: @req is validated and @name copied in by the caller.
 * An existing queue is found without the table lock; only creation
 * takes it (mqlab_create()).  pf->bind_mutex makes a second BIND of the
 * same fd wait for the first, then fail with EBUSY.
 */
int mqlab_bind(struct file *file, struct mqlab_file *pf,
	       const struct mqlab_bind *req, const char *name)
{
	struct mqlab_user *acct;
	struct mqlab_queue *q;
	bool created = false;
	bool unlimited;
	int ret;

	/* Neither read nor write (access mode 3): EINVAL, as mq_open(). */
	if (!mqlab_want(file))
		return -EINVAL;
	/* Asked once: the LSM may log every capability check. */
	unlimited = mqlab_unlimited(file);

	acct = mqlab_user_get(file->f_cred->uid);
	if (!acct)
		return -ENOMEM;

	mutex_lock(&pf->bind_mutex);
	if (pf->q) {
		ret = -EBUSY;
		goto out_unlock;
	}

	q = mqlab_lookup(mqlab_ns_current(), name, req->name_len);
	if (!q && (req->flags & MQLAB_BIND_CREATE))
		q = mqlab_create(file, req, name, acct, unlimited, &created);
	if (!q) {
		ret = -ENOENT;
		goto out_unlock;
	}
	if (IS_ERR(q)) {
		ret = PTR_ERR(q);
		goto out_unlock;
	}
	if (!created) {
		/* Found before a destroy unnamed it: as if not found. */
		ret = mqlab_queue_dead(q) ?
			      -ENOENT :
			      mqlab_open_existing(q, file, req->flags);
		if (ret) {
			mqlab_queue_put(q);
			goto out_unlock;
		}
	}

	/* The fd keeps the accounting reference taken above. */
	pf->acct = acct;
	pf->unlimited = unlimited;
	acct = NULL;
	/* Pairs with smp_load_acquire() in mqlab_file_queue(). */
	smp_store_release(&pf->q, q);
	mqlab_poll_bind(pf, q);
	ret = 0;

out_unlock:
	mutex_unlock(&pf->bind_mutex);
	if (acct)
		mqlab_user_put(acct);
	return ret;
}

/*
 * MQLAB_IOC_UNLINK through @file: remove the name now; the queue lives
 * on while fds are bound to it, unless @flags has MQLAB_UNLINK_DESTROY
 * (destroy.c).  Who may: mqlab_may_unlink().
 */
int mqlab_unlink(const struct file *file, const char *name, u32 name_len,
		 u32 flags)
{
	struct mqlab_queue *q;
	int ret;

	mutex_lock(&mqlab_table_mutex);
	q = mqlab_lookup(mqlab_ns_current(), name, name_len);
	if (!q) {
		mutex_unlock(&mqlab_table_mutex);
		return -ENOENT;
	}
	ret = mqlab_may_unlink(file, q);
	if (!ret)
		mqlab_queue_unname(q);
	mutex_unlock(&mqlab_table_mutex);

	if (!ret && (flags & MQLAB_UNLINK_DESTROY))
		mqlab_destroy(q);
	/* The lookup's reference, then the table's, outside the mutex. */
	mqlab_queue_put(q);
	if (!ret)
		mqlab_queue_put(q);
	return ret;
}

/*
 * The queue named @name in the caller's IPC namespace, with a reference
 * taken, or NULL, for a caller that holds the table lock (owner.c).
 */
struct mqlab_queue *mqlab_table_find(const char *name, u32 len)
{
	lockdep_assert_held(&mqlab_table_mutex);

	return mqlab_lookup(mqlab_ns_current(), name, len);
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

/* The last reference, dropped with the table lock held. */
static void mqlab_queue_release_locked(struct kref *ref)
{
	struct mqlab_queue *q = container_of(ref, struct mqlab_queue, ref);

	mqlab_queue_unlist(q);
	mqlab_queue_free(q);
}

/*
 * Unname every queue of a dead namespace (ipcns.c marked its object),
 * as UNLINK does: one still bound by an fd lives on until the last
 * closes.  Caller holds the table lock, so a queue that loses its last
 * reference here is freed here, without the lock being taken again.
 */
void mqlab_table_reclaim(void)
{
	struct mqlab_queue *q, *tmp;

	lockdep_assert_held(&mqlab_table_mutex);

	list_for_each_entry_safe(q, tmp, &mqlab_all_queues, all) {
		if (!q->named || !q->ns->dead)
			continue;
		mqlab_queue_unname(q);
		kref_put(&q->ref, mqlab_queue_release_locked);
	}
}

/* Module unload: drop the table's reference of one named queue. */
static void mqlab_table_exit_one(void *ptr, void *arg)
{
	struct mqlab_queue *q = ptr;

	q->named = false;
	mqlab_queue_put(q);
}

/*
 * Module unload.  No fd is open (each pins the module), so the table's
 * reference is the last one on every queue that is still named, and
 * nobody looks the table up any more.
 */
void mqlab_table_exit(void)
{
	rhashtable_free_and_destroy(&mqlab_table, mqlab_table_exit_one, NULL);
	WARN_ON(!list_empty(&mqlab_all_queues));
	/* Every kfree_rcu() of a queue done before the module goes. */
	rcu_barrier();
}
