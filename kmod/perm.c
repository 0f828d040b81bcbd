// SPDX-License-Identifier: GPL-2.0
/*
 * perm.c - who may bind, unlink and see a queue
 *
 * (Who may change its owner and mode: owner.c, with the helpers here.)
 *
 * A queue has no inode, so the checks that the VFS makes for a file in
 * the kernel's mqueue file system are made here, in the same way:
 *
 *   - Every check uses the credentials of the process that opened
 *     /dev/mqueue-lab (file->f_cred), as file operations do, not those
 *     of whoever makes the ioctl: an fd handed to another process
 *     carries its opener's rights, and a privileged process that is
 *     handed an fd cannot be tricked into using its own.
 *   - Mode bits follow generic_permission(): the owner's bits when the
 *     opener's fsuid owns the queue, else the group's when the opener
 *     is in the queue's group, else the others'.
 *   - A capability counts the way capable_wrt_inode_uidgid() counts it:
 *     held in the opener's user namespace, and only over a queue whose
 *     owner and group are both mapped into that namespace.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include "queue.h"

/* in_group_p() for @cred rather than current (groups_search() is not exported). */
bool mqlab_cred_in_group(const struct cred *cred, kgid_t gid)
{
	const struct group_info *gi = cred->group_info;
	int i;

	if (gid_eq(cred->fsgid, gid))
		return true;
	for (i = 0; i < gi->ngroups; i++)
		if (gid_eq(gi->gid[i], gid))
			return true;
	return false;
}

/*
 * The opener has @cap over a queue owned as @o, in the sense of
 * capable_wrt_inode_uidgid().
 */
bool mqlab_capable_wrt_owner(const struct file *file,
			     const struct mqlab_owner *o, int cap)
{
	struct user_namespace *ns = file->f_cred->user_ns;

	return file_ns_capable(file, ns, cap) && kuid_has_mapping(ns, o->uid) &&
	       kgid_has_mapping(ns, o->gid);
}

/*
 * May the opener of @file use @q for @want (MAY_READ and/or MAY_WRITE)?
 * CAP_DAC_OVERRIDE grants both and CAP_DAC_READ_SEARCH grants reading,
 * as for a file.  0 or -EACCES.
 */
int mqlab_may_open(const struct file *file, const struct mqlab_queue *q,
		   int want)
{
	const struct cred *cred = file->f_cred;
	struct mqlab_owner o;
	unsigned int mode;

	mqlab_owner_read(q, &o);
	mode = o.mode;
	if (uid_eq(cred->fsuid, o.uid))
		mode >>= 6;
	else if (mqlab_cred_in_group(cred, o.gid))
		mode >>= 3;

	if (!(want & ~mode & (MAY_READ | MAY_WRITE)))
		return 0;
	if (mqlab_capable_wrt_owner(file, &o, CAP_DAC_OVERRIDE))
		return 0;
	if (!(want & MAY_WRITE) &&
	    mqlab_capable_wrt_owner(file, &o, CAP_DAC_READ_SEARCH))
		return 0;
	return -EACCES;
}

/*
 * Unlink is the rule of a sticky directory such as the root of the
 * mqueue file system (check_sticky()): the queue's owner, or
 * CAP_FOWNER over it.  Everybody else gets EPERM, which is what the
 * mq_unlink system call returns (glibc turns it into EACCES).
 */
int mqlab_may_unlink(const struct file *file, const struct mqlab_queue *q)
{
	struct mqlab_owner o;

	mqlab_owner_read(q, &o);
	if (uid_eq(file->f_cred->fsuid, o.uid))
		return 0;
	if (mqlab_capable_wrt_owner(file, &o, CAP_FOWNER))
		return 0;
	return -EPERM;
}

/*
 * Does /proc/mqueue-lab show @q to the reader that opened @file?  Its
 * owner sees it, and so does whoever could bind it for reading or for
 * writing; nobody else learns that it exists.
 */
bool mqlab_may_see(const struct file *file, const struct mqlab_queue *q)
{
	struct mqlab_owner o;

	mqlab_owner_read(q, &o);
	return uid_eq(file->f_cred->fsuid, o.uid) ||
	       !mqlab_may_open(file, q, MAY_READ) ||
	       !mqlab_may_open(file, q, MAY_WRITE);
}

/*
 * The administrator's view: CAP_SYS_ADMIN in the initial user namespace
 * sees every queue, named or unlinked, and every user's charges.
 */
bool mqlab_sees_all(const struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
}

/*
 * CAP_SYS_RESOURCE in the initial user namespace exceeds the per-user
 * limits (as it exceeds the mqueue sysctls), never the module-wide ones.
 */
bool mqlab_unlimited(const struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_RESOURCE);
}
