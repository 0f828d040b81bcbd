/* SPDX-License-Identifier: MIT */
/*
 * core.h - internal, non-exported core of libmqdev: the fd-level
 * operations on /dev/mqueue-lab and the argument checks that both the
 * native API (mqdev.c) and the POSIX layer (posix.c) use.
 *
 * Every function returns 0 (or a count, or an fd) on success and a
 * negative errno value on failure.  Nothing here touches errno as a
 * channel; callers that must (the POSIX layer) convert.
 *
 * Everything in this header has hidden visibility (-fvisibility=hidden),
 * so it is linked into libmqdev.so.1 and libmqdev-posix.so but exported
 * by neither.
 */
#ifndef MQDEV_CORE_H
#define MQDEV_CORE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <time.h>

#include <linux/mqueue_lab.h>

#define MQCORE_NSEC_PER_SEC	1000000000L

/*
 * Check a device queue name: 1..MQLAB_NAME_MAX bytes, no '/', not "."
 * or "..".  On success *@lenp is its length.
 * @return 0, -EINVAL (NULL, empty, '/', "." or "..") or -ENAMETOOLONG.
 */
int mqcore_name_check(const char *name, size_t *lenp);

/* What an oflag of mqdev_open() turns into. */
struct mqcore_oflag {
	int open_flags;		/* flags for open(2) of the device */
	uint32_t bind_flags;	/* MQLAB_BIND_* */
};

/*
 * Translate a native mqdev_open() @oflag: one access mode, or'd with
 * O_CREAT, O_EXCL, O_NONBLOCK, O_CLOEXEC and nothing else.
 * @return 0, or -EINVAL (O_ACCMODE == 3, unknown bit, O_EXCL without
 * O_CREAT).
 */
int mqcore_oflag_xlate(int oflag, struct mqcore_oflag *out);

/*
 * Check a user timespec the way the kernel's timespec64_valid() does:
 * tv_sec >= 0 and 0 <= tv_nsec < 1e9.  @return 0 or -EINVAL.
 */
int mqcore_timespec_check(const struct timespec *ts);

/* Convert a checked timespec to the device's form. */
void mqcore_timespec_to_lab(const struct timespec *ts,
			    struct mqlab_timespec *out);

/*
 * Build the MQLAB_IO_* flags and the device timeout from the native
 * MQDEV_IO_* @flags and @timeout (may be NULL).
 * @return 0, or -EINVAL (unknown flag, MQDEV_IO_ABSTIME or
 * MQDEV_IO_REALTIME without a timeout, malformed timeout).
 */
int mqcore_io_xlate(unsigned int flags, const struct timespec *timeout,
		    uint32_t *ioflags, struct mqlab_timespec *out);

/*
 * Size-versioned input struct (it begins with a size_t sz): copy what
 * this library knows of @src (*@src is @src_sz bytes, the caller's
 * sz) into @dst (@dst_sz bytes, zero-filled beyond what is copied).
 * The copy_struct_from_user() rule:
 *   sz < @min_sz                           -EINVAL
 *   sz > @dst_sz and a non-zero byte past  -E2BIG
 * A NULL @src gives an all-zero @dst and 0.
 */
int mqcore_opts_in(void *dst, size_t dst_sz, size_t min_sz,
		   const void *src);

/*
 * Size-versioned output struct: check the caller's sz (-EINVAL when
 * below @min_sz) and copy @src (@known_sz bytes, its sz field included)
 * into @dst, at most sz bytes; bytes of a larger caller's struct that
 * this library does not know are zeroed.  The caller's sz is kept.
 */
int mqcore_opts_out(void *dst, size_t min_sz, const void *src,
		    size_t known_sz);

/*
 * open(2) the device @path (NULL: MQLAB_DEVICE_PATH) with @flags.
 * A missing device (ENOENT, ENXIO, ENODEV) gives -ENODEV so that it
 * cannot be mistaken for a missing queue.  @return the fd or -errno.
 */
int mqcore_dev_open(const char *path, int flags);

/*
 * Open the device and bind the new fd to the queue @name (@len bytes).
 * @maxmsg, @msgsize and @mode are used only with MQLAB_BIND_CREATE.
 * @return the bound fd, or -errno (the fd is closed on failure).
 */
int mqcore_open_queue(const char *path, int open_flags, const char *name,
		      size_t len, uint32_t bind_flags, uint32_t mode,
		      uint64_t maxmsg, uint64_t msgsize);

/* MQLAB_IOC_BIND on an open, unbound @fd.  @return 0 or -errno. */
int mqcore_bind(int fd, const char *name, size_t len, uint32_t bind_flags,
		uint32_t mode, uint64_t maxmsg, uint64_t msgsize);

/*
 * MQLAB_IOC_UNLINK with @flags (MQLAB_UNLINK_*) through a fresh fd of
 * @path.  @return 0 or -errno; -EOPNOTSUPP for MQLAB_UNLINK_DESTROY on
 * a device without MQLAB_FEAT_DESTROY.
 */
int mqcore_unlink(const char *path, const char *name, size_t len,
		  uint32_t flags);

/*
 * MQLAB_IOC_CHOWN of @name with @flags (MQLAB_CHOWN_*), @mode, @uid and
 * @gid (fields whose flag is clear must be 0) through a fresh fd of
 * @path.  @return 0 or -errno; -EOPNOTSUPP on a device without
 * MQLAB_FEAT_CHOWN.
 */
int mqcore_chown(const char *path, const char *name, size_t len,
		 uint32_t flags, uint32_t mode, uint32_t uid, uint32_t gid);

/* MQLAB_IOC_VERSION on @fd.  @return 0 or -errno. */
int mqcore_version_fd(int fd, struct mqlab_version *v);

/* MQLAB_IOC_VERSION through a fresh fd of @path.  @return 0 or -errno. */
int mqcore_version(const char *path, struct mqlab_version *v);

/*
 * The per-message calls are inline: every mq_send()/mq_receive() of
 * the POSIX layer and every mqdev_send()/mqdev_receive() then reaches
 * ioctl(2) with no call through the layers and no prologue of each (a
 * callgrind count of one send+receive pair of the POSIX layer: 182
 * user-space instructions with them out of line; see
 * docs/PERFORMANCE.md, "Per-call cost").
 */

/* ioctl(2) @cmd on @fd.  @return 0 or -errno. */
static inline int mqcore_ioctl(int fd, unsigned long cmd, void *arg)
{
	if (ioctl(fd, cmd, arg) < 0)
		return -errno;
	return 0;
}

/* struct mqlab_send_ttl begins with the fields of struct mqlab_send. */
_Static_assert(offsetof(struct mqlab_send_ttl, ttl_ns) ==
		       sizeof(struct mqlab_send),
	       "mqlab_send_ttl extends mqlab_send");

/*
 * MQLAB_IOC_SEND (MQLAB_IOC_SEND_TTL with a non-zero @ttl_ns).  @len
 * above what the device can carry: -EMSGSIZE.  @return 0 or -errno.
 */
static inline int mqcore_send_ttl(int fd, const void *buf, size_t len,
				  unsigned int prio, uint32_t ioflags,
				  const struct mqlab_timespec *timeout,
				  uint64_t ttl_ns)
{
	struct mqlab_send_ttl s;

	if (len > UINT32_MAX)
		return -EMSGSIZE;
	/*
	 * No TTL: MQLAB_IOC_SEND, which every module has, and which reads
	 * only the struct mqlab_send at the start of @s.  Only that much is
	 * written then, so a plain send (a constant 0 @ttl_ns, inlined)
	 * pays nothing for what SEND_TTL adds.
	 */
	memset(&s, 0, ttl_ns ? sizeof(s) : sizeof(struct mqlab_send));
	s.buf = (uintptr_t)buf;
	s.len = (uint32_t)len;
	s.prio = prio;
	s.flags = ioflags;
	if (timeout)
		s.timeout = *timeout;
	if (ttl_ns)
		s.ttl_ns = ttl_ns;
	return mqcore_ioctl(fd, ttl_ns ? MQLAB_IOC_SEND_TTL : MQLAB_IOC_SEND,
			    &s);
}

static inline int mqcore_send(int fd, const void *buf, size_t len,
			      unsigned int prio, uint32_t ioflags,
			      const struct mqlab_timespec *timeout)
{
	return mqcore_send_ttl(fd, buf, len, prio, ioflags, timeout, 0);
}

/*
 * MQLAB_IOC_RECV with MQLAB_IO_PEEK / MQLAB_IO_PRIO_* in @ioflags and
 * selector @prio.  @out (not NULL) gets the device's reply (on
 * -EMSGSIZE its len is the size needed).
 * @return the message length or -errno.
 */
static inline ssize_t mqcore_recv_sel(int fd, void *buf, size_t len,
				      uint32_t ioflags, uint32_t prio,
				      const struct mqlab_timespec *timeout,
				      struct mqlab_recv *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	out->buf = (uintptr_t)buf;
	/* No message is larger than 4 GiB: a bigger buffer is as good. */
	out->len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	out->flags = ioflags;
	out->prio = prio;
	if (timeout)
		out->timeout = *timeout;
	err = mqcore_ioctl(fd, MQLAB_IOC_RECV, out);
	if (err)
		return err;
	return out->len;
}

/* MQLAB_IOC_RECV without a selector. */
static inline ssize_t mqcore_recv(int fd, void *buf, size_t len,
				  uint32_t ioflags,
				  const struct mqlab_timespec *timeout,
				  struct mqlab_recv *out)
{
	return mqcore_recv_sel(fd, buf, len, ioflags, 0, timeout, out);
}

/*
 * MQLAB_IOC_SEND_BATCH or MQLAB_IOC_RECV_BATCH (@cmd) of the @count
 * descriptors at @msgs.  @return the count moved, or -errno; -EOPNOTSUPP
 * for a device without them (ENOTTY).
 */
int mqcore_batch(int fd, unsigned long cmd, struct mqlab_batch_msg *msgs,
		 unsigned int count, uint32_t ioflags,
		 const struct mqlab_timespec *timeout);

/* MQLAB_IOC_GETATTR.  @return 0 or -errno. */
int mqcore_getattr(int fd, struct mqlab_attr *attr);

/* MQLAB_IOC_SETATTR.  @return 0 or -errno. */
int mqcore_setattr(int fd, uint32_t fd_flags);

/* MQLAB_IOC_NOTIFY.  @return 0 or -errno. */
int mqcore_notify(int fd, uint32_t action, uint32_t signo, uint64_t value);

#endif /* MQDEV_CORE_H */
