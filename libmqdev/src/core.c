// SPDX-License-Identifier: MIT
/*
 * core.c - fd-level operations on /dev/mqueue-lab and argument checks,
 * shared by the native API and the POSIX layer (see core.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <mqdev.h>

#include "core.h"

int mqcore_name_check(const char *name, size_t *lenp)
{
	size_t len;

	if (!name)
		return -EINVAL;
	len = strnlen(name, MQLAB_NAME_MAX + 1);
	if (len == 0)
		return -EINVAL;
	if (len > MQLAB_NAME_MAX)
		return -ENAMETOOLONG;
	if (memchr(name, '/', len))
		return -EINVAL;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	*lenp = len;
	return 0;
}

int mqcore_oflag_xlate(int oflag, struct mqcore_oflag *out)
{
	const int known = O_ACCMODE | O_CREAT | O_EXCL | O_NONBLOCK |
			  O_CLOEXEC;
	int acc = oflag & O_ACCMODE;

	if (acc == O_ACCMODE || (oflag & ~known))
		return -EINVAL;
	if ((oflag & O_EXCL) && !(oflag & O_CREAT))
		return -EINVAL;
	out->open_flags = oflag & (O_ACCMODE | O_NONBLOCK | O_CLOEXEC);
	out->bind_flags = 0;
	if (oflag & O_CREAT)
		out->bind_flags |= MQLAB_BIND_CREATE;
	if (oflag & O_EXCL)
		out->bind_flags |= MQLAB_BIND_EXCL;
	return 0;
}

int mqcore_timespec_check(const struct timespec *ts)
{
	if (ts->tv_sec < 0)
		return -EINVAL;
	if (ts->tv_nsec < 0 || ts->tv_nsec >= MQCORE_NSEC_PER_SEC)
		return -EINVAL;
	return 0;
}

void mqcore_timespec_to_lab(const struct timespec *ts,
			    struct mqlab_timespec *out)
{
	out->tv_sec = (uint64_t)(int64_t)ts->tv_sec;
	out->tv_nsec = (uint64_t)ts->tv_nsec;
}

int mqcore_io_xlate(unsigned int flags, const struct timespec *timeout,
		    uint32_t *ioflags, struct mqlab_timespec *out)
{
	const unsigned int known = MQDEV_IO_NONBLOCK | MQDEV_IO_ABSTIME |
				   MQDEV_IO_REALTIME;
	uint32_t f = 0;
	int err;

	memset(out, 0, sizeof(*out));
	if (flags & ~known)
		return -EINVAL;
	if (flags & MQDEV_IO_NONBLOCK)
		f |= MQLAB_IO_NONBLOCK;
	if (!timeout) {
		if (flags & (MQDEV_IO_ABSTIME | MQDEV_IO_REALTIME))
			return -EINVAL;
		*ioflags = f;
		return 0;
	}
	err = mqcore_timespec_check(timeout);
	if (err)
		return err;
	mqcore_timespec_to_lab(timeout, out);
	f |= MQLAB_IO_TIMEOUT;
	if (flags & MQDEV_IO_ABSTIME)
		f |= MQLAB_IO_ABSTIME;
	if (flags & MQDEV_IO_REALTIME)
		f |= MQLAB_IO_REALTIME;
	*ioflags = f;
	return 0;
}

static bool mem_is_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		if (*c++)
			return false;
	return true;
}

int mqcore_opts_in(void *dst, size_t dst_sz, size_t min_sz,
		   const void *src)
{
	size_t sz;

	memset(dst, 0, dst_sz);
	if (!src)
		return 0;
	memcpy(&sz, src, sizeof(sz));
	if (sz < min_sz)
		return -EINVAL;
	if (sz > dst_sz &&
	    !mem_is_zero((const char *)src + dst_sz, sz - dst_sz))
		return -E2BIG;
	memcpy(dst, src, sz < dst_sz ? sz : dst_sz);
	return 0;
}

int mqcore_opts_out(void *dst, size_t min_sz, const void *src,
		    size_t known_sz)
{
	size_t sz, n;

	memcpy(&sz, dst, sizeof(sz));
	if (sz < min_sz)
		return -EINVAL;
	/*
	 * Copy what both sides know, all but the sz field, which stays the
	 * caller's; a newer caller's tail that we do not know is zeroed.
	 */
	n = sz < known_sz ? sz : known_sz;
	memcpy((char *)dst + sizeof(sz), (const char *)src + sizeof(sz),
	       n - sizeof(sz));
	memset((char *)dst + n, 0, sz - n);
	return 0;
}

int mqcore_dev_open(const char *path, int flags)
{
	int fd = open(path ? path : MQLAB_DEVICE_PATH, flags);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT || errno == ENXIO || errno == ENODEV)
		return -ENODEV;
	return -errno;
}

int mqcore_bind(int fd, const char *name, size_t len, uint32_t bind_flags,
		uint32_t mode, uint64_t maxmsg, uint64_t msgsize)
{
	struct mqlab_bind b;

	memset(&b, 0, sizeof(b));
	b.name = (uintptr_t)name;
	b.name_len = (uint32_t)len;
	b.flags = bind_flags;
	if (bind_flags & MQLAB_BIND_CREATE) {
		b.mode = mode;
		b.maxmsg = maxmsg;
		b.msgsize = msgsize;
	}
	return mqcore_ioctl(fd, MQLAB_IOC_BIND, &b);
}

int mqcore_open_queue(const char *path, int open_flags, const char *name,
		      size_t len, uint32_t bind_flags, uint32_t mode,
		      uint64_t maxmsg, uint64_t msgsize)
{
	int fd, err;

	fd = mqcore_dev_open(path, open_flags);
	if (fd < 0)
		return fd;
	err = mqcore_bind(fd, name, len, bind_flags, mode, maxmsg, msgsize);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/*
 * A fresh fd for the commands that work on any fd (UNLINK, VERSION).
 * Read access is enough; a device node that is write-only for us is
 * tried for writing.
 */
static int any_fd(const char *path)
{
	int fd = mqcore_dev_open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -EACCES)
		fd = mqcore_dev_open(path, O_WRONLY | O_CLOEXEC);
	return fd;
}

int mqcore_unlink(const char *path, const char *name, size_t len,
		  uint32_t flags)
{
	struct mqlab_unlink u;
	struct mqlab_version v;
	int fd, err;

	fd = any_fd(path);
	if (fd < 0)
		return fd;
	/* An older device says EINVAL to the flag: ask it first. */
	if (flags & MQLAB_UNLINK_DESTROY) {
		err = mqcore_version_fd(fd, &v);
		if (!err && !(v.features & MQLAB_FEAT_DESTROY))
			err = -EOPNOTSUPP;
		if (err) {
			close(fd);
			return err;
		}
	}
	memset(&u, 0, sizeof(u));
	u.name = (uintptr_t)name;
	u.name_len = (uint32_t)len;
	u.flags = flags;
	err = mqcore_ioctl(fd, MQLAB_IOC_UNLINK, &u);
	close(fd);
	return err;
}

int mqcore_chown(const char *path, const char *name, size_t len,
		 uint32_t flags, uint32_t mode, uint32_t uid, uint32_t gid)
{
	struct mqlab_version v;
	struct mqlab_chown c;
	int fd, err;

	fd = any_fd(path);
	if (fd < 0)
		return fd;
	/* An older device says ENOTTY, which reads as "not our fd". */
	err = mqcore_version_fd(fd, &v);
	if (!err && !(v.features & MQLAB_FEAT_CHOWN))
		err = -EOPNOTSUPP;
	if (!err) {
		memset(&c, 0, sizeof(c));
		c.name = (uintptr_t)name;
		c.name_len = (uint32_t)len;
		c.flags = flags;
		c.mode = mode;
		c.uid = uid;
		c.gid = gid;
		err = mqcore_ioctl(fd, MQLAB_IOC_CHOWN, &c);
	}
	close(fd);
	return err;
}

int mqcore_version_fd(int fd, struct mqlab_version *v)
{
	memset(v, 0, sizeof(*v));
	return mqcore_ioctl(fd, MQLAB_IOC_VERSION, v);
}

int mqcore_version(const char *path, struct mqlab_version *v)
{
	int fd, err;

	fd = any_fd(path);
	if (fd < 0)
		return fd;
	err = mqcore_version_fd(fd, v);
	close(fd);
	return err;
}

int mqcore_batch(int fd, unsigned long cmd, struct mqlab_batch_msg *msgs,
		 unsigned int count, uint32_t ioflags,
		 const struct mqlab_timespec *timeout)
{
	struct mqlab_batch b;
	int ret;

	memset(&b, 0, sizeof(b));
	b.msgs = (uintptr_t)msgs;
	b.count = count;
	b.flags = ioflags;
	if (timeout)
		b.timeout = *timeout;
	ret = ioctl(fd, cmd, &b);
	if (ret >= 0)
		return ret;
	return errno == ENOTTY ? -EOPNOTSUPP : -errno;
}

int mqcore_getattr(int fd, struct mqlab_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	return mqcore_ioctl(fd, MQLAB_IOC_GETATTR, attr);
}

int mqcore_setattr(int fd, uint32_t fd_flags)
{
	struct mqlab_setattr s;

	memset(&s, 0, sizeof(s));
	s.fd_flags = fd_flags;
	return mqcore_ioctl(fd, MQLAB_IOC_SETATTR, &s);
}

int mqcore_notify(int fd, uint32_t action, uint32_t signo, uint64_t value)
{
	struct mqlab_notify n;

	memset(&n, 0, sizeof(n));
	n.action = action;
	n.signo = signo;
	n.value = value;
	return mqcore_ioctl(fd, MQLAB_IOC_NOTIFY, &n);
}
