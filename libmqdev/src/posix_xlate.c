// SPDX-License-Identifier: MIT
/*
 * posix_xlate.c - argument translation of the POSIX layer (see
 * posix_xlate.h).  Pure functions: no I/O, no errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>

#include "posix_xlate.h"

_Static_assert(NAME_MAX == MQLAB_NAME_MAX, "POSIX and device name limits");
_Static_assert(MQ_PRIO_MAX == MQLAB_PRIO_MAX, "POSIX and device priorities");

int mqposix_name(const char *name, const char **dev, size_t *lenp)
{
	const char *rest;
	size_t len;

	if (!name || name[0] != '/')
		return -EINVAL;
	rest = name + 1;
	/* What the kernel's getname() accepts: shorter than PATH_MAX. */
	len = strnlen(rest, PATH_MAX);
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	if (len == 0)
		return -ENOENT;
	/* The checks of lookup_one_len(), then the file system's. */
	if (memchr(rest, '/', len))
		return -EACCES;
	if (!strcmp(rest, ".") || !strcmp(rest, ".."))
		return -EACCES;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	*dev = rest;
	*lenp = len;
	return 0;
}

int mqposix_oflag(int oflag, struct mqcore_oflag *out)
{
	int acc = oflag & O_ACCMODE;

	if (acc == O_ACCMODE)
		return -EINVAL;
	/* Like the kernel: mq descriptors are always close-on-exec. */
	out->open_flags = acc | O_CLOEXEC | (oflag & O_NONBLOCK);
	out->bind_flags = 0;
	if (oflag & O_CREAT) {
		out->bind_flags |= MQLAB_BIND_CREATE;
		/* The kernel ignores O_EXCL without O_CREAT. */
		if (oflag & O_EXCL)
			out->bind_flags |= MQLAB_BIND_EXCL;
	}
	return 0;
}

int mqposix_attr_ok(const struct mq_attr *attr,
		    const struct mqlab_version *v)
{
	if (attr->mq_maxmsg <= 0 || attr->mq_msgsize <= 0)
		return 0;
	if ((unsigned long)attr->mq_maxmsg > v->maxmsg_max)
		return 0;
	if ((unsigned long)attr->mq_msgsize > v->msgsize_max)
		return 0;
	return 1;
}

void mqposix_attr_from_lab(const struct mqlab_attr *in, struct mq_attr *out)
{
	memset(out, 0, sizeof(*out));
	out->mq_flags = (in->fd_flags & MQLAB_FD_NONBLOCK) ? O_NONBLOCK : 0;
	out->mq_maxmsg = (long)in->maxmsg;
	out->mq_msgsize = (long)in->msgsize;
	out->mq_curmsgs = (long)in->curmsgs;
}

int mqposix_flags_to_lab(long mq_flags, uint32_t *fd_flags)
{
	if (mq_flags & ~(long)O_NONBLOCK)
		return -EINVAL;
	*fd_flags = (mq_flags & O_NONBLOCK) ? MQLAB_FD_NONBLOCK : 0;
	return 0;
}

int mqposix_sigevent(const struct sigevent *sev, struct mqposix_notify *out)
{
	memset(out, 0, sizeof(*out));
	if (!sev) {
		out->action = MQLAB_NOTIFY_REMOVE;
		return 0;
	}
	switch (sev->sigev_notify) {
	case SIGEV_NONE:
		out->action = MQLAB_NOTIFY_NONE;
		return 0;
	case SIGEV_SIGNAL:
		/*
		 * The kernel's valid_signal(): 0 .. its _NSIG (64), which
		 * is glibc's _NSIG - 1.  Signal 0 registers and delivers
		 * nothing, which is SIGEV_NONE.
		 */
		if (sev->sigev_signo < 0 || sev->sigev_signo >= _NSIG)
			return -EINVAL;
		if (sev->sigev_signo == 0) {
			out->action = MQLAB_NOTIFY_NONE;
			return 0;
		}
		out->action = MQLAB_NOTIFY_SIGNAL;
		out->signo = (uint32_t)sev->sigev_signo;
		out->value = (uintptr_t)sev->sigev_value.sival_ptr;
		return 0;
	case SIGEV_THREAD:
		if (!sev->sigev_notify_function)
			return -EINVAL;
		out->action = MQLAB_NOTIFY_EVENT;
		return 0;
	default:
		return -EINVAL;
	}
}

int mqposix_abstime(const struct timespec *abs, uint32_t *ioflags,
		    struct mqlab_timespec *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	*ioflags = 0;
	if (!abs)
		return 0;
	err = mqcore_timespec_check(abs);
	if (err)
		return err;
	mqcore_timespec_to_lab(abs, out);
	*ioflags = MQLAB_IO_TIMEOUT | MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME;
	return 0;
}

/*
 * A positive errno for errno (checkpatch's USE_NEGATIVE_ERRNO does not
 * apply), and ENOSYS without the device, what glibc reports on a kernel
 * without POSIX mq (nor does ENOSYS): make lint ignores both here.
 */
int mqposix_errno(int err)
{
	if (err == -ENOTTY || err == -EBADFD)
		return EBADF;
	if (err == -ENODEV)
		return ENOSYS;
	return -err;
}
