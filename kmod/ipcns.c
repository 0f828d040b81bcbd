// SPDX-License-Identifier: GPL-2.0
/*
 * ipcns.c - queue names scoped to the caller's IPC namespace
 *
 * A name is looked up, created and unlinked in the IPC namespace of the
 * calling task, as mq_open() and mq_unlink() do; an fd bound to a queue
 * keeps working on it wherever the fd goes.  The module keeps one
 * struct mqlab_ns for every IPC namespace that has created a queue, and
 * the name table's key is (that object, name).
 *
 * Keying and lifetime, on 6.1 and 6.12 alike (kmod/compat.h has the
 * one line that tells the initial namespace apart).  A module cannot
 * hold a reference on an ipc_namespace: get_ipc_ns() is inline, but
 * put_ipc_ns() is not exported on 6.1.  What both kernels export is
 * mntget() and mntput().  Every IPC namespace has ns->mq_mnt, its
 * internal mqueue mount (CONFIG_POSIX_MQUEUE), made when the namespace
 * is and released by free_ipc_ns() with kern_unmount().  Each
 * struct mqlab_ns holds mntget(ns->mq_mnt), which pins the vfsmount and
 * its superblock: while we hold it the pointer cannot be reused for a
 * new namespace, so it is a safe key.  When the namespace dies,
 * put_ipc_ns() calls mq_clear_sbinfo() before anything is freed, which
 * sets ns->mq_mnt->mnt_sb->s_fs_info to NULL (ipc/namespace.c,
 * ipc/mqueue.c; the same in 6.1 and 6.12).  With the superblock pinned,
 * a NULL s_fs_info is a safe "this namespace is dead" test, and it is
 * the only thing the module ever reads of a namespace that is not the
 * caller's own.
 *
 * Lookup.  A task's own IPC namespace is alive while it runs, so
 * current->nsproxy->ipc_ns->mq_mnt is valid during a call, and the
 * object whose @mnt equals it is that namespace's: found under RCU
 * alone, and not reclaimed before the namespace dies, so the pointer
 * stays valid until the call returns.  BIND of an existing queue stays
 * lock-free.  Nothing on release() needs a namespace (at exit,
 * current->nsproxy may already be NULL): a queue keeps its object by a
 * reference, not by a lookup.
 *
 * Reclaim.  A sweep finds the objects whose namespace is dead, takes
 * them out of the lookup hash (so no namespace, old or new, can find
 * them), unnames every queue of theirs as UNLINK does (a queue still
 * bound by an fd lives on, unnamed, until its last fd closes, and then
 * returns its charges), and drops the mount.  It runs from a delayed
 * work every MQLAB_NS_SWEEP_MS while an object of a namespace other than
 * the initial one exists, before /proc/mqueue-lab is read, and at
 * module unload.
 *
 * Limits: fs.mqueue.queues_max of a namespace counts that namespace's
 * queues (named or unlinked), as the kernel counts mq_queues_count.
 * max_queues, max_total_bytes and the per-user limits stay module-wide.
 */
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/ipc_namespace.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "queue.h"

#define MQLAB_NS_HASH_BITS 4
#define MQLAB_NS_SWEEP_MS 2000

/*
 * The lookup hash, by mount, and the number of objects in it of a
 * namespace other than the initial one.  Changed under the table lock
 * (mqlab_table_lock()); read under RCU.
 */
static DEFINE_HASHTABLE(mqlab_ns_hash, MQLAB_NS_HASH_BITS);
static unsigned int mqlab_ns_transient;

static void mqlab_ns_sweep_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(mqlab_ns_sweep_work, mqlab_ns_sweep_fn);

/* Another reference, for a caller that holds the table lock. */
void mqlab_ns_hold(struct mqlab_ns *ns)
{
	refcount_inc(&ns->ref);
}

/* Drop a reference: no namespace needed, safe at exit. */
void mqlab_ns_put(struct mqlab_ns *ns)
{
	if (refcount_dec_and_test(&ns->ref))
		kfree_rcu(ns, rcu);
}

/* The object of @mnt, or NULL.  Caller holds rcu_read_lock(). */
static struct mqlab_ns *mqlab_ns_find(const struct vfsmount *mnt)
{
	struct mqlab_ns *ns;

	hash_for_each_possible_rcu(mqlab_ns_hash, ns, node, (unsigned long)mnt)
		if (ns->mnt == mnt)
			return ns;
	return NULL;
}

/* The mqueue mount of current's IPC namespace (alive while we run). */
static struct vfsmount *mqlab_ns_current_mnt(void)
{
	return current->nsproxy->ipc_ns->mq_mnt;
}

/*
 * The object of current's IPC namespace, or NULL if it has none (it has
 * no queue).  Valid until the caller returns to user space.
 */
struct mqlab_ns *mqlab_ns_current(void)
{
	struct mqlab_ns *ns;

	rcu_read_lock();
	ns = mqlab_ns_find(mqlab_ns_current_mnt());
	rcu_read_unlock();
	return ns;
}

/*
 * The object of current's IPC namespace, made if it has none; an
 * ERR_PTR(-ENOMEM) when out of memory.  Caller holds the table lock.
 */
struct mqlab_ns *mqlab_ns_current_make(void)
{
	struct vfsmount *mnt = mqlab_ns_current_mnt();
	struct mqlab_ns *ns;

	ns = mqlab_ns_current();
	if (ns)
		return ns;

	ns = kzalloc(sizeof(*ns), GFP_KERNEL_ACCOUNT);
	if (!ns)
		return ERR_PTR(-ENOMEM);
	refcount_set(&ns->ref, 1); /* the hash's */
	ns->mnt = mntget(mnt);
	ns->initial = mqlab_ipc_ns_initial(current->nsproxy->ipc_ns);
	hash_add_rcu(mqlab_ns_hash, &ns->node, (unsigned long)mnt);
	if (!ns->initial && !mqlab_ns_transient++)
		schedule_delayed_work(&mqlab_ns_sweep_work,
				      msecs_to_jiffies(MQLAB_NS_SWEEP_MS));
	return ns;
}

/*
 * Take every object whose namespace died out of the hash, onto @dead
 * (linked by ->reap), and mark it.  Caller holds the table lock.
 */
static bool mqlab_ns_collect(struct list_head *dead)
{
	struct hlist_node *tmp;
	struct mqlab_ns *ns;
	int bkt;

	hash_for_each_safe(mqlab_ns_hash, bkt, tmp, ns, node) {
		/* Pinned by our mount reference; see the top comment. */
		if (READ_ONCE(ns->mnt->mnt_sb->s_fs_info))
			continue;
		hash_del_rcu(&ns->node);
		ns->dead = true;
		if (!ns->initial)
			mqlab_ns_transient--;
		list_add_tail(&ns->reap, dead);
	}
	return !list_empty(dead);
}

/* Drop the hash's reference of each object on @list. */
static void mqlab_ns_release_list(struct list_head *list)
{
	struct mqlab_ns *ns, *tmp;

	list_for_each_entry_safe(ns, tmp, list, reap) {
		/* kern_unmount() may be done: then ours is the last. */
		mntput(ns->mnt);
		mqlab_ns_put(ns);
	}
}

/*
 * Reclaim every dead namespace: unname its queues, drop its mount.
 * Returns whether an object of a namespace other than the initial one
 * is still alive.  May sleep.
 */
static bool mqlab_ns_sweep(void)
{
	LIST_HEAD(dead);
	bool more;

	mqlab_table_lock();
	if (mqlab_ns_collect(&dead))
		mqlab_table_reclaim();
	more = mqlab_ns_transient;
	mqlab_table_unlock();

	/* Outside the lock: the last mntput() tears a superblock down. */
	mqlab_ns_release_list(&dead);
	return more;
}

/* Sweep now: before /proc/mqueue-lab is read. */
void mqlab_ns_reclaim(void)
{
	mqlab_ns_sweep();
}

static void mqlab_ns_sweep_fn(struct work_struct *work)
{
	if (mqlab_ns_sweep())
		schedule_delayed_work(&mqlab_ns_sweep_work,
				      msecs_to_jiffies(MQLAB_NS_SWEEP_MS));
}

/*
 * Module unload, before the table goes: no fd is open, so no BIND can
 * make an object any more.  Dead namespaces are reclaimed; the table's
 * exit then frees every queue, and mqlab_ns_exit() the rest.
 */
void mqlab_ns_stop(void)
{
	cancel_delayed_work_sync(&mqlab_ns_sweep_work);
	mqlab_ns_sweep();
}

/* Module unload, after the table: no queue holds an object any more. */
void mqlab_ns_exit(void)
{
	struct hlist_node *tmp;
	struct mqlab_ns *ns;
	LIST_HEAD(all);
	int bkt;

	mqlab_table_lock();
	hash_for_each_safe(mqlab_ns_hash, bkt, tmp, ns, node) {
		hash_del_rcu(&ns->node);
		WARN_ON(refcount_read(&ns->ref) != 1);
		list_add_tail(&ns->reap, &all);
	}
	mqlab_ns_transient = 0;
	mqlab_table_unlock();

	mqlab_ns_release_list(&all);
	/* Every kfree_rcu() of an object done before the module goes. */
	rcu_barrier();
}
