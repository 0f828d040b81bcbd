/* SPDX-License-Identifier: MIT */
/*
 * mqdev.h - native API of libmqdev, the user-space library of
 * /dev/mqueue-lab (see <linux/mqueue_lab.h> for the device itself).
 *
 * Every function returns 0 (or a count) on success and a negative errno
 * value on failure; errno itself is never the channel for errors.
 * The handle type is opaque.  The option and result structs begin with a
 * size field that the caller sets to sizeof(struct ...), so that later
 * versions can grow them without breaking old binaries.
 */
#ifndef MQDEV_H
#define MQDEV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MQDEV_API __attribute__((visibility("default")))

/* An open queue: one bound fd of /dev/mqueue-lab. */
struct mqdev;

/* Options of mqdev_open(); NULL means all defaults. */
struct mqdev_open_opts {
	size_t sz;		/* sizeof(struct mqdev_open_opts) */
	unsigned long maxmsg;	/* O_CREAT: capacity; 0 = module default */
	unsigned long msgsize;	/* O_CREAT: largest message; 0 = default */
	const char *device;	/* NULL = MQLAB_DEVICE_PATH */
};

/* flags of struct mqdev_io_opts */
#define MQDEV_IO_NONBLOCK	(1U << 0)	/* -EAGAIN instead of blocking */
#define MQDEV_IO_ABSTIME	(1U << 1)	/* timeout is a point in time */
#define MQDEV_IO_REALTIME	(1U << 2)	/* timeout is on CLOCK_REALTIME */

/* Options of mqdev_send() and mqdev_receive(); NULL means block forever. */
struct mqdev_io_opts {
	size_t sz;			/* sizeof(struct mqdev_io_opts) */
	unsigned int flags;		/* MQDEV_IO_* */
	const struct timespec *timeout;	/* NULL = no timeout */
};

/* What mqdev_receive() tells about the message it returns. */
struct mqdev_msginfo {
	size_t sz;		/* sizeof(struct mqdev_msginfo) */
	unsigned int prio;
	pid_t pid;		/* sender, as seen from this process */
	uid_t uid;
	uint64_t timestamp_ns;	/* enqueue time, CLOCK_MONOTONIC */
	size_t needed;		/* after -EMSGSIZE: the size required */
};

/* mqdev_getattr() */
struct mqdev_attr {
	size_t sz;		/* sizeof(struct mqdev_attr) */
	long flags;		/* 0 or O_NONBLOCK (this handle) */
	unsigned long maxmsg;
	unsigned long msgsize;
	unsigned long curmsgs;
	unsigned long curbytes;
	unsigned long waiting_senders;
	unsigned long waiting_receivers;
	uint64_t sent;
	uint64_t received;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	/* libmqdev 1.3: messages dropped by expiry (mqdev_send_ttl()) */
	uint64_t expired;
};

/*
 * Open the queue @name (1..255 bytes, no '/').  @oflag: one of
 * O_RDONLY, O_WRONLY, O_RDWR, or'd with O_CREAT, O_EXCL, O_NONBLOCK,
 * O_CLOEXEC.  @mode (with O_CREAT): permission bits, umask applies.
 * On success *@out is the new handle.
 * @return 0, or -errno (those of MQLAB_IOC_BIND, and of open(2)).
 */
MQDEV_API int mqdev_open(const char *name, int oflag, mode_t mode,
			 const struct mqdev_open_opts *opts,
			 struct mqdev **out);

/* Close @q and free it.  @return 0, or -errno of close(2). */
MQDEV_API int mqdev_close(struct mqdev *q);

/* The fd under @q, for poll/select/epoll.  @return the fd (>= 0). */
MQDEV_API int mqdev_fd(const struct mqdev *q);

/*
 * Send @len bytes at priority @prio.
 * @return 0, or -EAGAIN, -ETIMEDOUT, -EMSGSIZE, -EINVAL, -EINTR, -EBADF...
 */
MQDEV_API int mqdev_send(struct mqdev *q, const void *buf, size_t len,
			 unsigned int prio, const struct mqdev_io_opts *opts);

/*
 * mqdev_send() with a time to live of @ttl_ns (0: none), after which
 * the message is dropped unreceived (MQLAB_FEAT_EXPIRE; -ENOTTY on a
 * device without it).  @return as mqdev_send(), or -EINVAL for a TTL
 * above MQLAB_TTL_MAX_NS.
 */
MQDEV_API int mqdev_send_ttl(struct mqdev *q, const void *buf, size_t len,
			     unsigned int prio, uint64_t ttl_ns,
			     const struct mqdev_io_opts *opts);

/*
 * Receive the next message into @buf (@len bytes).  @info may be NULL.
 * @return the message length, or -errno (-EMSGSIZE with info->needed).
 */
MQDEV_API ssize_t mqdev_receive(struct mqdev *q, void *buf, size_t len,
				struct mqdev_msginfo *info,
				const struct mqdev_io_opts *opts);

/* @rflags of mqdev_receive_sel(): at most one MQDEV_RECV_PRIO_* */
#define MQDEV_RECV_PEEK		(1U << 0)	/* leave the message queued */
#define MQDEV_RECV_PRIO_EQ	(1U << 1)	/* priority == @prio */
#define MQDEV_RECV_PRIO_LE	(1U << 2)	/* highest priority <= @prio */
#define MQDEV_RECV_PRIO_NE	(1U << 3)	/* any priority but @prio */

/*
 * mqdev_receive() with @rflags: MQDEV_RECV_PEEK copies the next message
 * without removing it (MQLAB_FEAT_PEEK), a MQDEV_RECV_PRIO_* takes the
 * next one whose priority matches @prio (MQLAB_FEAT_SELECT; @prio is
 * ignored without one).  libmqdev 1.3.
 * @return the message length, or -errno (-EINVAL for an unknown or a
 * second selector bit, or @prio >= MQLAB_PRIO_MAX with a selector).
 */
MQDEV_API ssize_t mqdev_receive_sel(struct mqdev *q, void *buf, size_t len,
				    unsigned int rflags, unsigned int prio,
				    struct mqdev_msginfo *info,
				    const struct mqdev_io_opts *opts);

/* Fill @attr (attr->sz set by the caller).  @return 0, or -errno. */
MQDEV_API int mqdev_getattr(struct mqdev *q, struct mqdev_attr *attr);

/*
 * Set this handle's flags to @flags (0 or O_NONBLOCK); the previous flags
 * go to *@oldflags when it is not NULL.  @return 0, or -EINVAL.
 */
MQDEV_API int mqdev_setattr(struct mqdev *q, long flags, long *oldflags);

/*
 * One message of mqdev_send_batch() or mqdev_receive_batch().  In an
 * array, so not size-versioned: a later version adds new functions.
 */
struct mqdev_batch_msg {
	void *buf;		/* send: the message; receive: the buffer */
	size_t len;		/* send: message length; receive: buffer */
				/* size in, message length (or size needed) out */
	unsigned int prio;	/* send: in; receive: out */
	pid_t pid;		/* receive out: sender, as seen from here */
	uid_t uid;		/* receive out */
	uint64_t timestamp_ns;	/* receive out: enqueue time, CLOCK_MONOTONIC */
};

/* Most messages one batch call moves (MQLAB_BATCH_MAX). */
#define MQDEV_BATCH_MAX		64

/*
 * Send @count (1..MQDEV_BATCH_MAX) messages in one call, in array order.
 * @return how many were sent (an error on a later message ends the batch
 * before it), or -errno when none was (those of mqdev_send()).
 * -EOPNOTSUPP: the device has no batches (MQLAB_FEAT_BATCH).
 */
MQDEV_API int mqdev_send_batch(struct mqdev *q,
			       const struct mqdev_batch_msg *msgs,
			       unsigned int count,
			       const struct mqdev_io_opts *opts);

/*
 * Receive up to @count (1..MQDEV_BATCH_MAX) messages in one call: wait
 * (unless non-blocking) for one, then take what is queued.  @return how
 * many were received (msgs[0 .. ret - 1] filled in), or -errno when none
 * was (those of mqdev_receive(); -EMSGSIZE with msgs[0].len the size
 * needed).
 */
MQDEV_API int mqdev_receive_batch(struct mqdev *q,
				  struct mqdev_batch_msg *msgs,
				  unsigned int count,
				  const struct mqdev_io_opts *opts);

/* Remove the name @name.  @return 0, or -ENOENT, -EACCES, -EINVAL... */
MQDEV_API int mqdev_unlink(const char *name);

/*
 * Remove the name @name and end the queue at once (libmqdev 1.2,
 * MQLAB_FEAT_DESTROY): blocked and later calls on it fail with -EIDRM.
 * @return 0, or the errors of mqdev_unlink(); -EOPNOTSUPP without the
 * feature.
 */
MQDEV_API int mqdev_destroy(const char *name);

/*
 * Set the permission bits of the queue @name to @mode (0..0777, no
 * umask), as chmod(2) (libmqdev 1.3, MQLAB_FEAT_CHOWN): its owner or
 * CAP_FOWNER.  @return 0, or -ENOENT, -EPERM, -EINVAL, -EOPNOTSUPP...
 */
MQDEV_API int mqdev_chmod(const char *name, mode_t mode);

/*
 * Set the owner and/or group of the queue @name, as chown(2): (uid_t)-1
 * or (gid_t)-1 leaves it (libmqdev 1.3, MQLAB_FEAT_CHOWN).  CAP_CHOWN,
 * or the owner setting a group it is in.  @return 0, or -ENOENT,
 * -EPERM, -EINVAL (an id not mapped in the caller's user namespace)...
 */
MQDEV_API int mqdev_chown(const char *name, uid_t uid, gid_t gid);

/* The device's interface version.  @return 0, or -errno. */
MQDEV_API int mqdev_version(unsigned int *major, unsigned int *minor,
			    uint64_t *features);

/* The text of a libmqdev error (@err is negative).  Never NULL. */
MQDEV_API const char *mqdev_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* MQDEV_H */
