// SPDX-License-Identifier: GPL-2.0
/*
 * limits.c - the attributes and limits a new queue is created under
 *
 * The device's own limits are its module parameters.  With the module
 * parameter kernel_limits (the default), a BIND that creates a queue
 * also follows the limits that the kernel's POSIX mq applies to
 * mq_open() (ipc/mqueue.c, mqueue_get_inode() and mqueue_create_attr()),
 * read from the caller's IPC namespace (the fs.mqueue sysctls) and
 * from the caller's RLIMIT_MSGQUEUE, with the kernel's rules and errno
 * values.  Where both apply, the stricter wins.
 *
 *   maxmsg, msgsize 0   min(msg_default, msg_max) and
 *                       min(msgsize_default, msgsize_max), within the
 *                       device's caps for the caller
 *   maxmsg, msgsize     at most msg_max and msgsize_max; with
 *                       CAP_SYS_RESOURCE at most HARD_MSGMAX and
 *                       HARD_MSGSIZEMAX (EINVAL)
 *   queues_max          the device's queues of the namespace, named or
 *                       unlinked, may not exceed it unless
 *                       CAP_SYS_RESOURCE (ENOSPC); counted per
 *                       namespace (ipcns.c), as the kernel counts
 *   RLIMIT_MSGQUEUE     the caller's user's queues on the device, each
 *                       counted as the kernel counts a queue (below),
 *                       may not exceed it (EMFILE); no capability
 *                       exceeds an rlimit.  The kernel's own queues are
 *                       counted apart, against the same limit.
 *
 * CAP_SYS_RESOURCE is asked of the opener in the initial user namespace,
 * as the device's per-user limits ask it (perm.c).
 */
#include <linux/ipc_namespace.h>
#include <linux/minmax.h>
#include <linux/msg.h>
#include <linux/mqueue.h>
#include <linux/nsproxy.h>
#include <linux/overflow.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

#include "queue.h"

/*
 * The node of the kernel's priority tree, struct posix_msg_tree_node of
 * ipc/mqueue.c (private there, the same in 6.1 and 6.12): its size is
 * part of the kernel's charge.
 */
struct mqlab_kernel_tree_node {
	struct rb_node rb_node;
	struct list_head msg_list;
	int priority;
};

/*
 * What mqueue_get_inode() charges to RLIMIT_MSGQUEUE for a queue: the
 * payload, a struct msg_msg per message, and a tree node per priority
 * that could be used.  The caps keep it far from overflowing; U64_MAX
 * (which no limit admits) if it ever did.
 */
static u64 mqlab_kernel_mq_bytes(u64 maxmsg, u64 msgsize)
{
	u64 bytes, tree;

	tree = maxmsg * sizeof(struct msg_msg) +
	       min_t(u64, maxmsg, MQ_PRIO_MAX) *
		       sizeof(struct mqlab_kernel_tree_node);
	if (check_mul_overflow(maxmsg, msgsize, &bytes) ||
	    check_add_overflow(bytes, tree, &bytes))
		return U64_MAX;
	return bytes;
}

/*
 * Decide the attributes and the limits of the queue that @req would
 * create for an opener that has CAP_SYS_RESOURCE (@unlimited, see
 * mqlab_unlimited()) or not: fills @c, or returns -EINVAL.  Called
 * before any lock is taken; the sysctls are read once, with READ_ONCE().
 */
int mqlab_create_limits(const struct mqlab_bind *req, bool unlimited,
			struct mqlab_create *c)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	u64 msgsize_cap = unlimited ? mqlab_msgsize_max :
				      mqlab_user_msgsize_max;
	u64 msg_max, msgsize_max;

	if (req->mode & ~0777)
		return -EINVAL;

	c->unlimited = unlimited;
	c->maxmsg = req->maxmsg ?: mqlab_default_maxmsg;
	c->msgsize = req->msgsize ?: mqlab_default_msgsize;
	c->mq_bytes = 0;
	c->rlimit = U64_MAX;
	c->queues_max = UINT_MAX;

	if (mqlab_kernel_limits) {
		msg_max = unlimited ? HARD_MSGMAX : READ_ONCE(ns->mq_msg_max);
		msgsize_max = unlimited ? HARD_MSGSIZEMAX :
					  READ_ONCE(ns->mq_msgsize_max);
		if (!req->maxmsg)
			c->maxmsg = min3((u64)READ_ONCE(ns->mq_msg_default),
					 (u64)READ_ONCE(ns->mq_msg_max),
					 (u64)mqlab_maxmsg_max);
		if (!req->msgsize)
			c->msgsize =
				min3((u64)READ_ONCE(ns->mq_msgsize_default),
				     (u64)READ_ONCE(ns->mq_msgsize_max),
				     msgsize_cap);
		if (!c->maxmsg || !c->msgsize || c->maxmsg > msg_max ||
		    c->msgsize > msgsize_max)
			return -EINVAL;
		c->mq_bytes = mqlab_kernel_mq_bytes(c->maxmsg, c->msgsize);
		c->rlimit = rlimit(RLIMIT_MSGQUEUE);
		if (!unlimited)
			c->queues_max = READ_ONCE(ns->mq_queues_max);
	}

	/* The device's own caps. */
	if (c->maxmsg > mqlab_maxmsg_max || c->msgsize > msgsize_cap)
		return -EINVAL;
	return 0;
}
