// SPDX-License-Identifier: GPL-2.0
/*
 * proc.c - /proc/mqueue-lab and /proc/mqueue-lab-users
 *
 * /proc/mqueue-lab: the first line is the header, then one line per
 * queue:
 *
 *   name uid gid mode maxmsg msgsize curmsgs curbytes
 *   receivers_waiting senders_waiting charged state expired
 *
 * (one line in the file).
 *
 * Columns are separated by single spaces.  In the name, a space, tab,
 * newline or backslash and every non-printable or non-ASCII byte are
 * written as a backslash and three octal digits ("\040" for a space),
 * so the name is always one column.  uid and gid are seen from the
 * reader's user namespace (the overflow id if unmapped), mode is octal,
 * and the rest are decimal.  charged is what the queue is charged for
 * (account.c), state is "named", "unlinked" or "destroyed" (destroy.c),
 * expired counts the messages dropped by expiry (expire.c).
 *
 * What a reader sees (perm.c): the named queues it owns or could bind;
 * the administrator sees every named queue and also the unlinked ones
 * that fds still keep alive, which hold their charges until closed.
 * Either way only the queues of the reader's IPC namespace (ipcns.c),
 * that of the task reading, as a name is resolved in it; a dead
 * namespace's queues are reclaimed first.
 *
 * /proc/mqueue-lab-users: each user's charges; see mqlab_users_show().
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string_helpers.h>
#include <linux/uidgid.h>

#include "queue.h"

#define MQLAB_PROC_USERS_NAME (MQLAB_PROC_USERS_PATH + sizeof("/proc/") - 1)

/* What mqlab_proc_show_queue() is handed. */
struct mqlab_proc_ctx {
	struct seq_file *m;
	const struct mqlab_ns *ipc_ns; /* the reader's, or NULL: no queue */
};

static void mqlab_proc_show_queue(struct mqlab_queue *q, void *arg)
{
	const struct mqlab_proc_ctx *ctx = arg;
	struct seq_file *m = ctx->m;
	struct user_namespace *ns = seq_user_ns(m);
	struct mqlab_owner o;
	u32 nr_recv, nr_send;
	u64 curmsgs, curbytes, expired;

	if (q->ns != ctx->ipc_ns)
		return;
	if (q->named ? !mqlab_may_see(m->file, q) : !mqlab_sees_all(m->file))
		return;

	spin_lock(&q->lock);
	curmsgs = q->curmsgs;
	curbytes = q->curbytes;
	nr_recv = q->nr_recv_waiters;
	nr_send = q->nr_send_waiters;
	expired = q->expired;
	spin_unlock(&q->lock);
	mqlab_owner_read(q, &o);

	seq_escape_mem(m, q->name, q->name_len,
		       ESCAPE_OCTAL | ESCAPE_NAP | ESCAPE_APPEND, " \t\n\\");
	seq_printf(m, " %u %u %04o %llu %llu %llu %llu %u %u %llu %s %llu\n",
		   from_kuid_munged(ns, o.uid), from_kgid_munged(ns, o.gid),
		   o.mode, q->maxmsg, q->msgsize, curmsgs, curbytes, nr_recv,
		   nr_send, q->charge,
		   q->named	       ? "named" :
		   mqlab_queue_dead(q) ? "destroyed" :
					 "unlinked",
		   expired);
}

static int mqlab_proc_show(struct seq_file *m, void *v)
{
	struct mqlab_proc_ctx ctx = { .m = m };

	/* The first line: the columns' names. */
	seq_puts(m, "name uid gid mode maxmsg msgsize curmsgs curbytes ");
	seq_puts(m, "receivers_waiting senders_waiting charged state ");
	seq_puts(m, "expired\n");

	/* A dead namespace's names go first, so that none is ever listed. */
	mqlab_ns_reclaim();
	mqlab_table_lock();
	ctx.ipc_ns = mqlab_ns_current();
	if (ctx.ipc_ns)
		mqlab_table_for_each(mqlab_proc_show_queue, &ctx);
	mqlab_table_unlock();
	return 0;
}

static int mqlab_proc_users_show(struct seq_file *m, void *v)
{
	mqlab_users_show(m);
	return 0;
}

int mqlab_proc_init(void)
{
	if (!proc_create_single(MQLAB_DEVICE_NAME, 0444, NULL, mqlab_proc_show))
		return -ENOMEM;
	if (!proc_create_single(MQLAB_PROC_USERS_NAME, 0444, NULL,
				mqlab_proc_users_show)) {
		remove_proc_entry(MQLAB_DEVICE_NAME, NULL);
		return -ENOMEM;
	}
	return 0;
}

void mqlab_proc_exit(void)
{
	remove_proc_entry(MQLAB_PROC_USERS_NAME, NULL);
	remove_proc_entry(MQLAB_DEVICE_NAME, NULL);
}
