/* SPDX-License-Identifier: MIT */
/*
 * posix_xlate.h - internal: how the POSIX layer (posix.c) maps
 * <mqueue.h> arguments onto the device, kept apart from the I/O so that
 * the unit tests can check it without a device.  Hidden, not exported.
 *
 * Every function returns 0 or a negative errno value, the errno that
 * glibc + the kernel's own POSIX mq give for the same input.
 */
#ifndef MQDEV_POSIX_XLATE_H
#define MQDEV_POSIX_XLATE_H

#include <mqueue.h>
#include <signal.h>
#include <stdint.h>

#include "core.h"

/*
 * Split a POSIX queue name "/name" into the device name.  The kernel's
 * rules, in its order: no leading '/' -EINVAL (glibc), "/" alone
 * -ENOENT, another '/', "/." or "/.." -EACCES, name longer than
 * NAME_MAX -ENAMETOOLONG.  On success *@dev points into @name.
 */
int mqposix_name(const char *name, const char **dev, size_t *lenp);

/* How mq_open()'s @oflag opens the device and binds. */
int mqposix_oflag(int oflag, struct mqcore_oflag *out);

/*
 * Is @attr acceptable for creating a queue under the limits @v?
 * (mq_maxmsg and mq_msgsize > 0 and within the module's caps.)
 */
int mqposix_attr_ok(const struct mq_attr *attr,
		    const struct mqlab_version *v);

/* Device attributes to struct mq_attr. */
void mqposix_attr_from_lab(const struct mqlab_attr *in, struct mq_attr *out);

/* mq_setattr()'s new flags to the device's: -EINVAL unless 0/O_NONBLOCK. */
int mqposix_flags_to_lab(long mq_flags, uint32_t *fd_flags);

/* A struct sigevent as a MQLAB_IOC_NOTIFY request (NULL: remove). */
struct mqposix_notify {
	uint32_t action;	/* MQLAB_NOTIFY_* */
	uint32_t signo;
	uint64_t value;
};

int mqposix_sigevent(const struct sigevent *sev, struct mqposix_notify *out);

/* An absolute CLOCK_REALTIME timeout of mq_timed*() to the device's. */
int mqposix_abstime(const struct timespec *abs, uint32_t *ioflags,
		    struct mqlab_timespec *out);

/*
 * The errno the POSIX call reports for a device error: an fd that is
 * not a bound mqueue-lab fd is EBADF, as for a kernel mq descriptor.
 */
int mqposix_errno(int err);

#endif /* MQDEV_POSIX_XLATE_H */
