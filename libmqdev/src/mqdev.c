// SPDX-License-Identifier: MIT
/*
 * mqdev.c - the native API of libmqdev (see <mqdev.h>).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

MQDEV_API int mqdev_open(const char *name, int oflag, mode_t mode,
			 const struct mqdev_open_opts *opts,
			 struct mqdev **out)
{
	struct mqdev_open_opts o;
	struct mqcore_oflag of;
	struct mqdev *q;
	size_t len;
	int fd, err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	err = mqcore_opts_in(&o, sizeof(o), MQDEV_OPEN_OPTS_SZ_V1, opts);
	if (err)
		return err;
	err = mqcore_name_check(name, &len);
	if (err)
		return err;
	err = mqcore_oflag_xlate(oflag, &of);
	if (err)
		return err;
	if ((oflag & O_CREAT) && (mode & ~0777))
		return -EINVAL;

	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	fd = mqcore_open_queue(o.device, of.open_flags, name, len,
			       of.bind_flags, mode, o.maxmsg, o.msgsize);
	if (fd < 0) {
		free(q);
		return fd;
	}
	q->fd = fd;
	*out = q;
	return 0;
}

MQDEV_API int mqdev_close(struct mqdev *q)
{
	int err = 0;

	if (!q)
		return 0;
	/* Linux releases the fd even when close() fails. */
	if (close(q->fd) < 0)
		err = -errno;
	free(q);
	return err;
}

MQDEV_API int mqdev_fd(const struct mqdev *q)
{
	if (!q)
		return -EINVAL;
	return q->fd;
}

/* Decode the options of a send or receive into the device's terms. */
static int io_opts_in(const struct mqdev_io_opts *opts, uint32_t *ioflags,
		      struct mqlab_timespec *ts)
{
	struct mqdev_io_opts o;
	int err;

	err = mqcore_opts_in(&o, sizeof(o), MQDEV_IO_OPTS_SZ_V1, opts);
	if (err)
		return err;
	return mqcore_io_xlate(o.flags, o.timeout, ioflags, ts);
}

/*
 * The body of mqdev_send() and mqdev_send_ttl(), inlined into each: a
 * plain send pays no call through the PLT (an exported function can be
 * interposed) and no seventh argument on the stack.
 */
static __always_inline int
send_ttl(struct mqdev *q, const void *buf, size_t len, unsigned int prio,
	 uint64_t ttl_ns, const struct mqdev_io_opts *opts)
{
	struct mqlab_timespec ts;
	uint32_t ioflags;
	int err;

	if (!q || (!buf && len))
		return -EINVAL;
	err = io_opts_in(opts, &ioflags, &ts);
	if (err)
		return err;
	return mqcore_send_ttl(q->fd, buf, len, prio, ioflags, &ts, ttl_ns);
}

MQDEV_API int mqdev_send(struct mqdev *q, const void *buf, size_t len,
			 unsigned int prio, const struct mqdev_io_opts *opts)
{
	return send_ttl(q, buf, len, prio, 0, opts);
}

MQDEV_API int mqdev_send_ttl(struct mqdev *q, const void *buf, size_t len,
			     unsigned int prio, uint64_t ttl_ns,
			     const struct mqdev_io_opts *opts)
{
	return send_ttl(q, buf, len, prio, ttl_ns, opts);
}

/* MQDEV_RECV_* to MQLAB_IO_*, or -EINVAL for an unknown bit. */
static int recv_flags_in(unsigned int rflags, uint32_t *ioflags)
{
	static const struct {
		unsigned int mqdev;
		uint32_t lab;
	} map[] = {
		{ MQDEV_RECV_PEEK, MQLAB_IO_PEEK },
		{ MQDEV_RECV_PRIO_EQ, MQLAB_IO_PRIO_EQ },
		{ MQDEV_RECV_PRIO_LE, MQLAB_IO_PRIO_LE },
		{ MQDEV_RECV_PRIO_NE, MQLAB_IO_PRIO_NE },
	};
	unsigned int i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (rflags & map[i].mqdev) {
			*ioflags |= map[i].lab;
			rflags &= ~map[i].mqdev;
		}
	}
	return rflags ? -EINVAL : 0;
}

/*
 * After EINVAL: does the device know the MQLAB_IO_PEEK / _PRIO_* bits in
 * @ioflags?  (An older one rejects them as unknown flags.)
 */
static bool recv_supported(int fd, uint32_t ioflags)
{
	struct mqlab_version v;
	uint64_t need = 0;

	if (ioflags & MQLAB_IO_PEEK)
		need |= MQLAB_FEAT_PEEK;
	if (ioflags & MQLAB_IO_PRIO_SEL)
		need |= MQLAB_FEAT_SELECT;
	if (mqcore_version_fd(fd, &v))
		return true;
	return (v.features & need) == need;
}

/* The body of mqdev_receive() and mqdev_receive_sel(), as send_ttl(). */
static __always_inline ssize_t
receive_sel(struct mqdev *q, void *buf, size_t len, unsigned int rflags,
	    unsigned int prio, struct mqdev_msginfo *info,
	    const struct mqdev_io_opts *opts)
{
	struct mqdev_msginfo mi;
	struct mqlab_timespec ts;
	struct mqlab_recv r;
	uint32_t ioflags;
	ssize_t ret;
	int err;

	if (!q || (!buf && len))
		return -EINVAL;
	if (info && info->sz < MQDEV_MSGINFO_SZ_V1)
		return -EINVAL;
	err = io_opts_in(opts, &ioflags, &ts);
	if (!err && rflags)
		err = recv_flags_in(rflags, &ioflags);
	if (err)
		return err;
	ret = mqcore_recv_sel(q->fd, buf, len, ioflags, prio, &ts, &r);
	if (ret == -EINVAL && rflags && !recv_supported(q->fd, ioflags))
		ret = -EOPNOTSUPP;
	if (!info)
		return ret;

	memset(&mi, 0, sizeof(mi));
	mi.sz = sizeof(mi);
	if (ret >= 0) {
		mi.prio = r.prio;
		mi.pid = (pid_t)r.pid;
		mi.uid = (uid_t)r.uid;
		mi.timestamp_ns = r.timestamp_ns;
	} else if (ret == -EMSGSIZE) {
		mi.needed = r.len;
	}
	if (ret >= 0 || ret == -EMSGSIZE)
		mqcore_opts_out(info, MQDEV_MSGINFO_SZ_V1, &mi, sizeof(mi));
	return ret;
}

MQDEV_API ssize_t mqdev_receive(struct mqdev *q, void *buf, size_t len,
				struct mqdev_msginfo *info,
				const struct mqdev_io_opts *opts)
{
	return receive_sel(q, buf, len, 0, 0, info, opts);
}

MQDEV_API ssize_t mqdev_receive_sel(struct mqdev *q, void *buf, size_t len,
				    unsigned int rflags, unsigned int prio,
				    struct mqdev_msginfo *info,
				    const struct mqdev_io_opts *opts)
{
	return receive_sel(q, buf, len, rflags, prio, info, opts);
}

/* The arguments every batch call checks: 0 or -EINVAL. */
static int batch_args(const struct mqdev *q, const void *msgs,
		      unsigned int count)
{
	if (!q || !msgs || !count || count > MQDEV_BATCH_MAX)
		return -EINVAL;
	return 0;
}

MQDEV_API int mqdev_send_batch(struct mqdev *q,
			       const struct mqdev_batch_msg *msgs,
			       unsigned int count,
			       const struct mqdev_io_opts *opts)
{
	struct mqlab_batch_msg m[MQDEV_BATCH_MAX];
	struct mqlab_timespec ts;
	unsigned int i;
	uint32_t ioflags;
	int err;

	err = batch_args(q, msgs, count);
	if (!err)
		err = io_opts_in(opts, &ioflags, &ts);
	if (err)
		return err;
	for (i = 0; i < count; i++) {
		/* What the device cannot carry ends the batch before it. */
		if (msgs[i].len > UINT32_MAX)
			break;
		memset(&m[i], 0, sizeof(m[i]));
		m[i].buf = (uintptr_t)msgs[i].buf;
		m[i].len = (uint32_t)msgs[i].len;
		m[i].prio = msgs[i].prio;
	}
	if (!i)
		return -EMSGSIZE;
	return mqcore_batch(q->fd, MQLAB_IOC_SEND_BATCH, m, i, ioflags, &ts);
}

MQDEV_API int mqdev_receive_batch(struct mqdev *q,
				  struct mqdev_batch_msg *msgs,
				  unsigned int count,
				  const struct mqdev_io_opts *opts)
{
	struct mqlab_batch_msg m[MQDEV_BATCH_MAX];
	struct mqlab_timespec ts;
	uint32_t ioflags;
	int i, ret;

	ret = batch_args(q, msgs, count);
	if (!ret)
		ret = io_opts_in(opts, &ioflags, &ts);
	if (ret)
		return ret;
	for (i = 0; i < (int)count; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		m[i].buf = (uintptr_t)msgs[i].buf;
		/* No message is larger than 4 GiB. */
		m[i].len = msgs[i].len > UINT32_MAX ? UINT32_MAX :
						      (uint32_t)msgs[i].len;
	}
	ret = mqcore_batch(q->fd, MQLAB_IOC_RECV_BATCH, m, count, ioflags,
			   &ts);
	if (ret == -EMSGSIZE)
		msgs[0].len = m[0].len;
	for (i = 0; i < ret; i++) {
		msgs[i].len = m[i].len;
		msgs[i].prio = m[i].prio;
		msgs[i].pid = (pid_t)m[i].pid;
		msgs[i].uid = (uid_t)m[i].uid;
		msgs[i].timestamp_ns = m[i].timestamp_ns;
	}
	return ret;
}

void mqdev__attr_from_lab(const struct mqlab_attr *in, struct mqdev_attr *out)
{
	out->flags = (in->fd_flags & MQLAB_FD_NONBLOCK) ? O_NONBLOCK : 0;
	out->maxmsg = in->maxmsg;
	out->msgsize = in->msgsize;
	out->curmsgs = in->curmsgs;
	out->curbytes = in->curbytes;
	out->waiting_senders = in->waiting_senders;
	out->waiting_receivers = in->waiting_receivers;
	out->sent = in->sent;
	out->received = in->received;
	out->mode = in->mode;
	out->uid = in->uid;
	out->gid = in->gid;
	out->expired = in->reserved[MQLAB_ATTR_EXPIRED];
}

MQDEV_API int mqdev_getattr(struct mqdev *q, struct mqdev_attr *attr)
{
	struct mqdev_attr a;
	struct mqlab_attr la;
	int err;

	if (!q || !attr)
		return -EINVAL;
	if (attr->sz < MQDEV_ATTR_SZ_V1)
		return -EINVAL;
	err = mqcore_getattr(q->fd, &la);
	if (err)
		return err;
	memset(&a, 0, sizeof(a));
	a.sz = sizeof(a);
	mqdev__attr_from_lab(&la, &a);
	return mqcore_opts_out(attr, MQDEV_ATTR_SZ_V1, &a, sizeof(a));
}

MQDEV_API int mqdev_setattr(struct mqdev *q, long flags, long *oldflags)
{
	struct mqlab_attr la;
	int err;

	if (!q || (flags & ~(long)O_NONBLOCK))
		return -EINVAL;
	if (oldflags) {
		err = mqcore_getattr(q->fd, &la);
		if (err)
			return err;
	}
	err = mqcore_setattr(q->fd,
			     (flags & O_NONBLOCK) ? MQLAB_FD_NONBLOCK : 0);
	if (err)
		return err;
	if (oldflags)
		*oldflags = (la.fd_flags & MQLAB_FD_NONBLOCK) ? O_NONBLOCK : 0;
	return 0;
}

static int unlink_flags(const char *name, uint32_t flags)
{
	size_t len;
	int err;

	err = mqcore_name_check(name, &len);
	if (err)
		return err;
	return mqcore_unlink(NULL, name, len, flags);
}

MQDEV_API int mqdev_unlink(const char *name)
{
	return unlink_flags(name, 0);
}

MQDEV_API int mqdev_destroy(const char *name)
{
	return unlink_flags(name, MQLAB_UNLINK_DESTROY);
}

MQDEV_API int mqdev_chmod(const char *name, mode_t mode)
{
	size_t len;
	int err;

	err = mqcore_name_check(name, &len);
	if (err)
		return err;
	if (mode & ~(mode_t)0777)
		return -EINVAL;
	return mqcore_chown(NULL, name, len, MQLAB_CHOWN_MODE, (uint32_t)mode,
			    0, 0);
}

MQDEV_API int mqdev_chown(const char *name, uid_t uid, gid_t gid)
{
	uint32_t flags = 0;
	size_t len;
	int err;

	err = mqcore_name_check(name, &len);
	if (err)
		return err;
	/* (uid_t)-1 and (gid_t)-1 leave it as it is, as for chown(2). */
	if (uid != (uid_t)-1)
		flags |= MQLAB_CHOWN_UID;
	if (gid != (gid_t)-1)
		flags |= MQLAB_CHOWN_GID;
	/* Neither: the device's EINVAL, after the name's checks. */
	return mqcore_chown(NULL, name, len, flags, 0,
			    (flags & MQLAB_CHOWN_UID) ? (uint32_t)uid : 0,
			    (flags & MQLAB_CHOWN_GID) ? (uint32_t)gid : 0);
}

MQDEV_API int mqdev_version(unsigned int *major, unsigned int *minor,
			    uint64_t *features)
{
	struct mqlab_version v;
	int err;

	err = mqcore_version(NULL, &v);
	if (err)
		return err;
	if (major)
		*major = v.major;
	if (minor)
		*minor = v.minor;
	if (features)
		*features = v.features;
	return 0;
}

/* Texts for the errors whose meaning is specific to this library. */
static const struct {
	int err;
	const char *text;
} mqdev_errtab[] = {
	{ ENODEV, "mqueue-lab device not available" },
	{ ENOENT, "No such queue" },
	{ EEXIST, "Queue already exists" },
	{ EACCES, "Permission denied by the queue's mode or owner" },
	{ EPERM, "Only the queue's owner (or a capability) may unlink or change it" },
	{ EMFILE, "Per-user queue limit or byte limit reached" },
	{ EBADF, "Handle not open for this direction" },
	{ EBADFD, "File descriptor not bound to a queue" },
	{ ENOTTY, "Not a mqueue-lab file descriptor" },
	{ EAGAIN, "Queue full (send) or empty (receive) and non-blocking" },
	{ ETIMEDOUT, "Timed out waiting for the queue" },
	{ EMSGSIZE, "Message larger than the queue or the buffer allows" },
	{ ENOSPC, "Device queue limit or total-bytes cap reached" },
	{ ENOMEM, "Out of memory, or no room to hold a blocked message" },
	{ ENAMETOOLONG, "Queue name too long" },
	{ EBUSY, "Already bound, or another notification is registered" },
	{ E2BIG, "Option struct has unknown non-zero fields" },
	{ EINVAL, "Invalid argument" },
	{ EINTR, "Interrupted by a signal" },
};

MQDEV_API const char *mqdev_strerror(int err)
{
	long e = err < 0 ? -(long)err : err;	/* a positive value too */
	const char *s;
	size_t i;

	if (e == 0)
		return "Success";
	for (i = 0; i < sizeof(mqdev_errtab) / sizeof(mqdev_errtab[0]); i++)
		if (mqdev_errtab[i].err == e)
			return mqdev_errtab[i].text;
	if (e > INT_MAX)
		return "Unknown error";
	/* glibc's table: thread-safe, NULL for an unknown value. */
	s = strerrordesc_np((int)e);
	return s ? s : "Unknown error";
}
