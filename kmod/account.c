// SPDX-License-Identifier: GPL-2.0
/*
 * account.c - what each user's queues and messages may take
 *
 * The model is RLIMIT_MSGQUEUE with ucounts (ipc/mqueue.c): a queue is
 * charged, when it is created, for everything it can ever hold, message
 * headers included (mqlab_msg_charge() per message, plus the queue
 * itself), and the charge is refunded when the queue is freed.  A send
 * that has to block keeps its message while it waits; that message is
 * charged too, before the sender sleeps, and refunded when the send
 * returns (by then the message is in the queue, which was charged for
 * it, or freed).
 *
 * Charges go to a user: the real uid of the process that opened the fd
 * (file->f_cred->uid), as the kernel charges a queue to the creator's
 * ucounts.  A kuid is global, so two user namespaces never share a
 * user's charges.  Limits:
 *
 *   module-wide:  max_queues queues and max_total_bytes bytes (ENOSPC
 *                 for a queue, ENOMEM for a blocked send); nobody
 *                 exceeds them.
 *   per user:     max_user_queues queues and max_user_bytes bytes
 *                 (EMFILE for a queue, as RLIMIT_MSGQUEUE gives, and
 *                 ENOMEM for a blocked send); CAP_SYS_RESOURCE exceeds
 *                 them.
 */
#include <linux/hashtable.h>
#include <linux/refcount.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>

#include "queue.h"

#define MQLAB_USER_HASH_BITS 6

/*
 * One user's charges.  The table holds no reference: an entry lives as
 * long as a queue it created or an fd its processes bound refers to it.
 */
struct mqlab_user {
	struct hlist_node node; /* in mqlab_users; acct lock */
	refcount_t ref;
	kuid_t uid; /* immutable */
	unsigned int queues; /* live queues it created; acct lock */
	u64 bytes; /* their charges; acct lock */
	u64 held; /* messages of its blocked senders; acct lock */
	u64 mq_bytes; /* their kernel charges (limits.c); acct lock */
};

/* Guards the table, every struct mqlab_user and the two totals. */
static DEFINE_SPINLOCK(mqlab_acct_lock);
static DEFINE_HASHTABLE(mqlab_users, MQLAB_USER_HASH_BITS);
static unsigned int mqlab_nr_queues; /* live queues, named or not */
static u64 mqlab_total_bytes; /* every queue charge and held byte */

static struct mqlab_user *mqlab_user_find(kuid_t uid)
{
	struct mqlab_user *u;

	lockdep_assert_held(&mqlab_acct_lock);

	hash_for_each_possible(mqlab_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

/* The accounting of @uid with a reference taken, or NULL. */
static struct mqlab_user *mqlab_user_find_get(kuid_t uid)
{
	struct mqlab_user *u;

	spin_lock(&mqlab_acct_lock);
	u = mqlab_user_find(uid);
	if (u)
		refcount_inc(&u->ref);
	spin_unlock(&mqlab_acct_lock);
	return u;
}

/*
 * The accounting of @uid, with a reference; NULL when out of memory.
 * May sleep: a user seen for the first time gets an entry allocated
 * outside the lock (and thrown away if another task added one first).
 */
struct mqlab_user *mqlab_user_get(kuid_t uid)
{
	struct mqlab_user *new, *u;

	u = mqlab_user_find_get(uid);
	if (u)
		return u;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return NULL;
	refcount_set(&new->ref, 1);
	new->uid = uid;

	spin_lock(&mqlab_acct_lock);
	u = mqlab_user_find(uid);
	if (u) {
		refcount_inc(&u->ref);
	} else {
		hash_add(mqlab_users, &new->node, __kuid_val(uid));
		u = new;
		new = NULL;
	}
	spin_unlock(&mqlab_acct_lock);

	kfree(new);
	return u;
}

/* Another reference on @u, for a caller that holds one already. */
void mqlab_user_hold(struct mqlab_user *u)
{
	refcount_inc(&u->ref);
}

/*
 * Drop a reference.  The last one goes under the lock, so that a
 * concurrent mqlab_user_get() cannot find the entry as it is freed.
 */
void mqlab_user_put(struct mqlab_user *u)
{
	bool last;

	spin_lock(&mqlab_acct_lock);
	last = refcount_dec_and_test(&u->ref);
	if (last) {
		/* Nothing refers to it, so nothing can be charged to it. */
		WARN_ON(u->queues || u->bytes || u->held || u->mq_bytes);
		hash_del(&u->node);
	}
	spin_unlock(&mqlab_acct_lock);

	if (last)
		kfree(u);
}

/* Would @bytes more fit under the module-wide cap? */
static bool mqlab_total_fits(u64 bytes)
{
	lockdep_assert_held(&mqlab_acct_lock);
	return bytes <= mqlab_max_total_bytes - mqlab_total_bytes;
}

/* Would @bytes more fit under @u's cap? */
static bool mqlab_user_fits(const struct mqlab_user *u, u64 bytes)
{
	u64 used = u->bytes + u->held;

	lockdep_assert_held(&mqlab_acct_lock);
	return used <= mqlab_max_user_bytes &&
	       bytes <= mqlab_max_user_bytes - used;
}

/*
 * Charge a new queue of @bytes, created under @c, to @u.  -ENOSPC when
 * a module-wide limit is reached (the IPC namespace's queues_max is
 * checked by mqlab_queue_insert(), per namespace),
 * -EMFILE when a per-user one (unless @c->unlimited) or the creator's
 * RLIMIT_MSGQUEUE is.
 */
int mqlab_charge_queue(struct mqlab_user *u, u64 bytes,
		       const struct mqlab_create *c)
{
	int ret = 0;

	spin_lock(&mqlab_acct_lock);
	if (mqlab_nr_queues >= mqlab_max_queues || !mqlab_total_fits(bytes))
		ret = -ENOSPC;
	else if (!c->unlimited && (u->queues >= mqlab_max_user_queues ||
				   !mqlab_user_fits(u, bytes)))
		ret = -EMFILE;
	else if (u->mq_bytes + c->mq_bytes < u->mq_bytes ||
		 u->mq_bytes + c->mq_bytes > c->rlimit)
		ret = -EMFILE;
	if (!ret) {
		mqlab_nr_queues++;
		mqlab_total_bytes += bytes;
		u->queues++;
		u->bytes += bytes;
		u->mq_bytes += c->mq_bytes;
	}
	spin_unlock(&mqlab_acct_lock);
	return ret;
}

void mqlab_uncharge_queue(struct mqlab_user *u, u64 bytes, u64 mq_bytes)
{
	spin_lock(&mqlab_acct_lock);
	mqlab_nr_queues--;
	mqlab_total_bytes -= bytes;
	u->queues--;
	u->bytes -= bytes;
	u->mq_bytes -= mq_bytes;
	spin_unlock(&mqlab_acct_lock);
}

/*
 * Charge the message a sender keeps while it blocks.  -ENOMEM when it
 * fits under neither the module-wide cap nor (unless @unlimited) the
 * sender's own.  May be called under a queue lock.
 */
int mqlab_charge_held(struct mqlab_user *u, u64 bytes, bool unlimited)
{
	int ret = 0;

	spin_lock(&mqlab_acct_lock);
	if (!mqlab_total_fits(bytes) ||
	    (!unlimited && !mqlab_user_fits(u, bytes))) {
		ret = -ENOMEM;
	} else {
		mqlab_total_bytes += bytes;
		u->held += bytes;
	}
	spin_unlock(&mqlab_acct_lock);
	return ret;
}

void mqlab_uncharge_held(struct mqlab_user *u, u64 bytes)
{
	spin_lock(&mqlab_acct_lock);
	mqlab_total_bytes -= bytes;
	u->held -= bytes;
	spin_unlock(&mqlab_acct_lock);
}

/*
 * /proc/mqueue-lab-users: a header, then one line per user with
 *
 *   uid queues bytes held_bytes
 *
 * (live queues it created, what they are charged, what its blocked
 * senders hold).  uid is seen from the reader's user namespace.  A
 * reader sees its own line; the administrator (mqlab_sees_all()) every
 * line.  The last line is the module's total, with uid "total".
 */
void mqlab_users_show(struct seq_file *m)
{
	struct user_namespace *ns = seq_user_ns(m);
	bool all = mqlab_sees_all(m->file);
	kuid_t me = m->file->f_cred->uid;
	struct mqlab_user *u;
	u64 held = 0;
	int bkt;

	seq_puts(m, "uid queues bytes held_bytes\n");
	spin_lock(&mqlab_acct_lock);
	hash_for_each(mqlab_users, bkt, u, node) {
		held += u->held;
		if (!all && !uid_eq(u->uid, me))
			continue;
		seq_printf(m, "%u %u %llu %llu\n", from_kuid_munged(ns, u->uid),
			   u->queues, u->bytes, u->held);
	}
	if (all)
		seq_printf(m, "total %u %llu %llu\n", mqlab_nr_queues,
			   mqlab_total_bytes - held, held);
	spin_unlock(&mqlab_acct_lock);
}

/* Module unload: every queue and fd is gone, so every charge is refunded. */
void mqlab_account_exit(void)
{
	WARN_ON(mqlab_nr_queues || mqlab_total_bytes ||
		!hash_empty(mqlab_users));
}
