// SPDX-License-Identifier: GPL-2.0
/*
 * owner.c - MQLAB_IOC_CHOWN: a queue's mode, owner and group after
 * creation
 *
 * chmod(2) and chown(2) of a queue, by name as UNLINK is (so the owner
 * of a mode 0000 queue, who cannot bind it, may still chmod it).  The
 * rules are those setattr_prepare() (fs/attr.c) applies to a file, with
 * the credentials of the fd's opener as everywhere in the module
 * (perm.c):
 *
 *   - mode:  the owner, or CAP_FOWNER over the queue
 *            (inode_owner_or_capable());
 *   - owner: CAP_CHOWN over the queue, or the owner "changing" it to
 *            the uid it already has (chown_ok());
 *   - group: CAP_CHOWN over the queue, or the owner changing it to a
 *            group it is in (in_group_p()) or to the one it has
 *            (chgrp_ok()).
 *
 * Every rule is checked against the owner and group before the call;
 * then all the changes are made at once, or none.  Only later binds see
 * them: an fd bound before keeps the access it was given, as an open
 * file does.  The queue's charge stays with its creator's accounting
 * (q->acct), as the kernel's POSIX mq keeps charging the creator's
 * user: a chown moves no bytes between users.
 *
 * Locking: the writers are serialised by the table lock, which also
 * keeps the queue named (so not destroyed) while its permission is
 * checked and changed; the fields are written inside a write section
 * of q->owner_lock, so that the readers that do not hold the table
 * lock (BIND, GETATTR) see owner, group and mode from the same moment.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/seqlock.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include "queue.h"

/* A consistent copy of @q's owner, group and mode. */
void mqlab_owner_read(const struct mqlab_queue *q, struct mqlab_owner *o)
{
	unsigned int seq;

	do {
		seq = read_seqbegin(&q->owner_lock);
		o->uid = q->uid;
		o->gid = q->gid;
		o->mode = q->mode;
	} while (read_seqretry(&q->owner_lock, seq));
}

/*
 * Check the request, and turn its ids (seen from the opener's user
 * namespace, whose credentials count) into kernel ids in @new.
 */
static int mqlab_check_chown(const struct file *file,
			     const struct mqlab_chown *req,
			     struct mqlab_owner *new)
{
	struct user_namespace *ns = file->f_cred->user_ns;

	if (!req->flags || (req->flags & ~MQLAB_CHOWN_FLAGS) || req->pad)
		return -EINVAL;
	/* A field that is not set is padding: zero, as chown(2)'s -1. */
	if ((!(req->flags & MQLAB_CHOWN_MODE) && req->mode) ||
	    (!(req->flags & MQLAB_CHOWN_UID) && req->uid) ||
	    (!(req->flags & MQLAB_CHOWN_GID) && req->gid))
		return -EINVAL;
	if (req->mode & ~0777)
		return -EINVAL;

	new->mode = req->mode;
	new->uid = make_kuid(ns, req->uid);
	new->gid = make_kgid(ns, req->gid);
	if ((req->flags & MQLAB_CHOWN_UID) && !uid_valid(new->uid))
		return -EINVAL;
	if ((req->flags & MQLAB_CHOWN_GID) && !gid_valid(new->gid))
		return -EINVAL;
	return 0;
}

/*
 * Apply @flags of @new to @q if the opener of @file may, all or
 * nothing: 0 or -EPERM.  Caller holds the table lock (mqlab_table_find()
 * asserts it), the only lock the writers take before owner_lock.
 */
static int mqlab_chown_queue(const struct file *file, struct mqlab_queue *q,
			     u32 flags, struct mqlab_owner *new)
{
	const struct cred *cred = file->f_cred;
	struct mqlab_owner old;
	bool owner;

	mqlab_owner_read(q, &old);
	owner = uid_eq(cred->fsuid, old.uid);

	if (!(flags & MQLAB_CHOWN_UID))
		new->uid = old.uid;
	else if (!(owner && uid_eq(new->uid, old.uid)) &&
		 !mqlab_capable_wrt_owner(file, &old, CAP_CHOWN))
		return -EPERM;

	if (!(flags & MQLAB_CHOWN_GID))
		new->gid = old.gid;
	else if (!(owner && (gid_eq(new->gid, old.gid) ||
			     mqlab_cred_in_group(cred, new->gid))) &&
		 !mqlab_capable_wrt_owner(file, &old, CAP_CHOWN))
		return -EPERM;

	if (!(flags & MQLAB_CHOWN_MODE))
		new->mode = old.mode;
	else if (!owner && !mqlab_capable_wrt_owner(file, &old, CAP_FOWNER))
		return -EPERM;

	write_seqlock(&q->owner_lock);
	q->uid = new->uid;
	q->gid = new->gid;
	q->mode = new->mode;
	write_sequnlock(&q->owner_lock);
	return 0;
}

long mqlab_ioc_chown(struct file *file, void __user *argp)
{
	char name[MQLAB_NAME_MAX + 1];
	struct mqlab_owner new;
	struct mqlab_chown req;
	struct mqlab_queue *q;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	ret = mqlab_check_chown(file, &req, &new);
	if (ret)
		return ret;
	ret = mqlab_get_name(name, req.name, req.name_len);
	if (ret)
		return ret;

	mqlab_table_lock();
	q = mqlab_table_find(name, req.name_len);
	if (q)
		ret = mqlab_chown_queue(file, q, req.flags, &new);
	mqlab_table_unlock();
	if (!q)
		return -ENOENT;
	/* The lookup's reference, outside the table lock. */
	mqlab_queue_put(q);
	return ret;
}
