// SPDX-License-Identifier: MIT
/*
 * paths.c - the ways of moving a message that the benchmark compares.
 *
 *   kmq        the kernel's POSIX mq through <mqueue.h>
 *   posix      the very same <mqueue.h> code, run with
 *              LD_PRELOAD=libmqdev-posix.so: the device
 *   mqdev      the device through libmqdev's native API, one call per message
 *   mqdev-b8   ... batches of 8 messages per call
 *   mqdev-b32  ... batches of 32
 *   sysv       SysV msgsnd/msgrcv
 *   pipe       a pipe (a FIFO for bind+unlink)
 *
 * Every operation returns 0 (or a count) or -errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/mqueue_lab.h>
#include <mqdev.h>

#include "mqbench.h"

/* Bind+unlink queues: the smallest useful queue. */
#define SMALL_MAXMSG	1
#define SMALL_MSGSIZE	16
/* Where the pipe path's FIFOs live (tmpfs). */
#define FIFO_DIR	"/dev/shm"

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

static void *buf_alloc(struct chan *c, size_t extra)
{
	size_t sz = extra + (size_t)c->p->batch * c->size;

	c->mem = calloc(1, sz);
	return c->mem;
}

static const char *no_device(void)
{
	if (access(MQLAB_DEVICE_PATH, R_OK | W_OK) != 0)
		return MQLAB_DEVICE_PATH " is absent (module not loaded)";
	return NULL;
}

/* ---- <mqueue.h>: kmq, and posix under LD_PRELOAD ---------------------- */

static void mq_path(const char *name, char *out, size_t sz)
{
	snprintf(out, sz, "/%s", name);
}

/*
 * The <mqueue.h> code is one: whether it reaches the kernel or the device
 * depends only on LD_PRELOAD.  Check that it went where this path says
 * (-EXDEV otherwise), by where the descriptor points.
 */
static int mq_where(const struct path *p, mqd_t mqd)
{
	char fdpath[64], link[PATH_MAX];
	ssize_t n;
	bool dev;

	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", (int)mqd);
	n = readlink(fdpath, link, sizeof(link) - 1);
	if (n < 0)
		return neg_errno();
	link[n] = '\0';
	dev = strcmp(link, MQLAB_DEVICE_PATH) == 0;
	return dev == p->device ? 0 : -EXDEV;
}

static int mq_open_new(const struct path *p, const char *name, size_t size,
		       unsigned long depth, bool check)
{
	struct mq_attr attr = { .mq_maxmsg = (long)depth,
				.mq_msgsize = (long)size };
	char path[80];
	mqd_t mqd;
	int err;

	mq_path(name, path, sizeof(path));
	mqd = mq_open(path, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
	if (mqd == (mqd_t)-1)
		return neg_errno();
	err = check ? mq_where(p, mqd) : 0;
	mq_close(mqd);
	if (err)
		mq_unlink(path);
	return err;
}

static int mq_create(struct chan *c)
{
	return mq_open_new(c->p, c->name, c->size, c->depth, true);
}

static int mq_chan_open(struct chan *c, int dir)
{
	int flags = dir == DIR_BOTH ? O_RDWR : dir == DIR_SEND ? O_WRONLY : O_RDONLY;
	char path[80];
	mqd_t mqd;

	if (!buf_alloc(c, 0))
		return -ENOMEM;
	c->buf = c->mem;
	mq_path(c->name, path, sizeof(path));
	mqd = mq_open(path, flags);
	if (mqd == (mqd_t)-1)
		return neg_errno();
	c->fd = (int)mqd;
	return 0;
}

static int mq_chan_send(struct chan *c, unsigned int n)
{
	(void)n;
	if (mq_send((mqd_t)c->fd, c->buf, c->size, 0) != 0)
		return neg_errno();
	return 1;
}

static int mq_chan_recv(struct chan *c, unsigned int n)
{
	ssize_t r;

	(void)n;
	r = mq_receive((mqd_t)c->fd, c->buf, c->size, NULL);
	if (r < 0)
		return neg_errno();
	return (size_t)r == c->size ? 1 : -EPROTO;
}

static void mq_chan_close(struct chan *c)
{
	mq_close((mqd_t)c->fd);
	free(c->mem);
}

static void mq_destroy(struct chan *c)
{
	char path[80];

	mq_path(c->name, path, sizeof(path));
	mq_unlink(path);
}

/* The posix path: where the kernel path puts nothing, LD_PRELOAD is all. */
static const char *mq_preload_missing(void)
{
	const char *dev = no_device();

	if (dev)
		return dev;
	if (!getenv("LD_PRELOAD"))
		return "LD_PRELOAD is not set (run without --one)";
	return NULL;
}

static long mq_make_name(const struct path *p, const char *name, long idx)
{
	(void)idx;
	return mq_open_new(p, name, SMALL_MSGSIZE, SMALL_MAXMSG, false);
}

static int mq_unlink_name(const char *name, long handle)
{
	char path[80];

	(void)handle;
	mq_path(name, path, sizeof(path));
	return mq_unlink(path) ? neg_errno() : 0;
}

/* ---- libmqdev --------------------------------------------------------- */

static int dev_open_new(const char *name, size_t size, unsigned long depth)
{
	struct mqdev_open_opts o = { .sz = sizeof(o), .maxmsg = depth,
				     .msgsize = size };
	struct mqdev *q;
	int err;

	err = mqdev_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &o, &q);
	if (err)
		return err;
	return mqdev_close(q);
}

static int dev_create(struct chan *c)
{
	return dev_open_new(c->name, c->size, c->depth);
}

static int dev_open(struct chan *c, int dir)
{
	int flags = dir == DIR_BOTH ? O_RDWR : dir == DIR_SEND ? O_WRONLY : O_RDONLY;

	if (!buf_alloc(c, 0))
		return -ENOMEM;
	c->buf = c->mem;
	return mqdev_open(c->name, flags, 0, NULL, &c->q);
}

static int dev_send(struct chan *c, unsigned int n)
{
	int err;

	(void)n;
	err = mqdev_send(c->q, c->buf, c->size, 0, NULL);
	return err ? err : 1;
}

static int dev_recv(struct chan *c, unsigned int n)
{
	ssize_t r;

	(void)n;
	r = mqdev_receive(c->q, c->buf, c->size, NULL, NULL);
	if (r < 0)
		return (int)r;
	return (size_t)r == c->size ? 1 : -EPROTO;
}

static void dev_close(struct chan *c)
{
	mqdev_close(c->q);
	free(c->mem);
}

static void dev_destroy(struct chan *c)
{
	mqdev_unlink(c->name);
}

static long dev_make_name(const struct path *p, const char *name, long idx)
{
	(void)p;
	(void)idx;
	return dev_open_new(name, SMALL_MSGSIZE, SMALL_MAXMSG);
}

static int dev_unlink_name(const char *name, long handle)
{
	(void)handle;
	return mqdev_unlink(name);
}

/*
 * ---- the batch path ----------------------------------------------------
 *
 * mqdev-b8 and mqdev-b32 move up to 8 or 32 messages per call through
 * these two functions: mqdev_send_batch() and mqdev_receive_batch()
 * (MQLAB_IOC_SEND_BATCH and MQLAB_IOC_RECV_BATCH), each moving @n
 * messages of c->size bytes from or to c->buf, the i-th at chan_msg(c, i),
 * and returning how many moved, at least one, or -errno.  While the
 * device does not report MQLAB_FEAT_BATCH, the rows say n/a.
 */
#ifdef MQLAB_FEAT_BATCH
static void batch_msgs(struct chan *c, unsigned int n,
		       struct mqdev_batch_msg *m)
{
	memset(m, 0, n * sizeof(*m));
	for (unsigned int i = 0; i < n; i++) {
		m[i].buf = chan_msg(c, i);
		m[i].len = c->size;
	}
}

static int batch_send(struct chan *c, unsigned int n)
{
	struct mqdev_batch_msg m[BATCH_MAX];

	batch_msgs(c, n, m);
	return mqdev_send_batch(c->q, m, n, NULL);
}

static int batch_recv(struct chan *c, unsigned int n)
{
	struct mqdev_batch_msg m[BATCH_MAX];
	int got;

	batch_msgs(c, n, m);
	got = mqdev_receive_batch(c->q, m, n, NULL);
	for (int i = 0; i < got; i++)
		if (m[i].len != c->size)
			return -EPROTO;
	return got;
}
#endif

static const char *batch_missing(void)
{
#ifdef MQLAB_FEAT_BATCH
	uint64_t features = 0;
	const char *dev = no_device();

	if (dev)
		return dev;
	if (device_limits(NULL, &features) == 0 && (features & MQLAB_FEAT_BATCH))
		return NULL;
#endif
	return "batching not implemented: MQLAB_FEAT_BATCH absent";
}

static int batch_path_send(struct chan *c, unsigned int n)
{
#ifdef MQLAB_FEAT_BATCH
	return batch_send(c, n);
#else
	(void)c;
	(void)n;
	return -ENOSYS;
#endif
}

static int batch_path_recv(struct chan *c, unsigned int n)
{
#ifdef MQLAB_FEAT_BATCH
	return batch_recv(c, n);
#else
	(void)c;
	(void)n;
	return -ENOSYS;
#endif
}

/* ---- SysV msg --------------------------------------------------------- */

struct sysv_msg {
	long mtype;
	char mtext[];
};

/* A key per (process, index), so that two runs never collide. */
static key_t sysv_key(long idx)
{
	return (key_t)(0x40000000 | ((getpid() & 0x3ff) << 20) | (idx & 0xfffff));
}

static int sysv_create(struct chan *c)
{
	struct msqid_ds ds;
	int id;

	id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (id < 0)
		return neg_errno();
	/* capacity: depth messages of this size (root may exceed msgmnb) */
	if (msgctl(id, IPC_STAT, &ds) == 0) {
		ds.msg_qbytes = c->depth * c->size;
		if (msgctl(id, IPC_SET, &ds) != 0) {
			int err = neg_errno();

			msgctl(id, IPC_RMID, NULL);
			return err;
		}
	}
	c->msqid = id;
	return 0;
}

static int sysv_open(struct chan *c, int dir)
{
	struct sysv_msg *m;

	(void)dir;
	m = buf_alloc(c, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->mtype = 1;
	c->buf = m->mtext;
	return 0;
}

static int sysv_send(struct chan *c, unsigned int n)
{
	(void)n;
	if (msgsnd(c->msqid, c->mem, c->size, 0) != 0)
		return neg_errno();
	return 1;
}

static int sysv_recv(struct chan *c, unsigned int n)
{
	ssize_t r;

	(void)n;
	r = msgrcv(c->msqid, c->mem, c->size, 0, 0);
	if (r < 0)
		return neg_errno();
	return (size_t)r == c->size ? 1 : -EPROTO;
}

static void sysv_close(struct chan *c)
{
	free(c->mem);
}

static void sysv_destroy(struct chan *c)
{
	msgctl(c->msqid, IPC_RMID, NULL);
}

static long sysv_make_name(const struct path *p, const char *name, long idx)
{
	int id;

	(void)p;
	(void)name;
	id = msgget(sysv_key(idx), IPC_CREAT | IPC_EXCL | 0600);
	return id < 0 ? neg_errno() : id;
}

static int sysv_unlink_name(const char *name, long handle)
{
	(void)name;
	return msgctl((int)handle, IPC_RMID, NULL) ? neg_errno() : 0;
}

/* ---- pipe ------------------------------------------------------------- */

/*
 * A pipe as close to @depth messages as the kernel allows: the buffer is
 * at least one page (so 64 messages of 64 bytes), and a power of two
 * pages; the default would be 16 pages.
 */
static int pipe_create(struct chan *c)
{
	size_t want = c->depth * c->size, page = (size_t)sysconf(_SC_PAGESIZE);

	if (pipe(c->pfd) != 0)
		return neg_errno();
	if (fcntl(c->pfd[1], F_SETPIPE_SZ, (int)(want > page ? want : page)) < 0) {
		int err = neg_errno();

		close(c->pfd[0]);
		close(c->pfd[1]);
		return err;
	}
	return 0;
}

static int pipe_open(struct chan *c, int dir)
{
	if (!buf_alloc(c, 0))
		return -ENOMEM;
	c->buf = c->mem;
	if (!(dir & DIR_RECV)) {
		close(c->pfd[0]);
		c->pfd[0] = -1;
	}
	if (!(dir & DIR_SEND)) {
		close(c->pfd[1]);
		c->pfd[1] = -1;
	}
	return 0;
}

/* Messages of at most PIPE_BUF bytes are atomic, larger ones loop. */
static int pipe_send(struct chan *c, unsigned int n)
{
	int err;

	(void)n;
	err = write_full(c->pfd[1], c->buf, c->size);
	return err ? err : 1;
}

static int pipe_recv(struct chan *c, unsigned int n)
{
	int err;

	(void)n;
	err = read_full(c->pfd[0], c->buf, c->size);
	return err ? err : 1;
}

/* Both ends, in a worker and in the parent (destroy) alike. */
static void pipe_close(struct chan *c)
{
	for (int i = 0; i < 2; i++) {
		if (c->pfd[i] >= 0)
			close(c->pfd[i]);
		c->pfd[i] = -1;
	}
	free(c->mem);
	c->mem = NULL;
}

static void fifo_path(const char *name, char *out, size_t sz)
{
	snprintf(out, sz, FIFO_DIR "/%s", name);
}

/* mkfifo + open + close: the pipe's nearest thing to a named queue. */
static long fifo_make_name(const struct path *p, const char *name, long idx)
{
	char path[128];
	int fd;

	(void)p;
	(void)idx;
	fifo_path(name, path, sizeof(path));
	if (mkfifo(path, 0600) != 0)
		return neg_errno();
	fd = open(path, O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		int err = neg_errno();

		unlink(path);
		return err;
	}
	close(fd);
	return 0;
}

static int fifo_unlink_name(const char *name, long handle)
{
	char path[128];

	(void)handle;
	fifo_path(name, path, sizeof(path));
	return unlink(path) ? neg_errno() : 0;
}

/* ---- the table -------------------------------------------------------- */

#define MQ_OPS								\
	.create = mq_create, .open = mq_chan_open, .send = mq_chan_send, \
	.recv = mq_chan_recv, .close = mq_chan_close,			\
	.destroy = mq_destroy, .make_name = mq_make_name,		\
	.unlink_name = mq_unlink_name

#define DEV_OPS								\
	.create = dev_create, .open = dev_open, .close = dev_close,	\
	.destroy = dev_destroy, .make_name = dev_make_name,		\
	.unlink_name = dev_unlink_name, .device = true

static const struct path path_kmq = {
	.name = "kmq", .desc = "kernel POSIX mq (<mqueue.h>)", .batch = 1,
	MQ_OPS,
};

static const struct path path_posix = {
	.name = "posix", .desc = "device, <mqueue.h> + LD_PRELOAD=libmqdev-posix.so",
	.batch = 1, .preload = true, .device = true,
	.unavailable = mq_preload_missing, MQ_OPS,
};

static const struct path path_mqdev = {
	.name = "mqdev", .desc = "device, libmqdev, one message per call",
	.batch = 1, .unavailable = no_device, .send = dev_send,
	.recv = dev_recv, DEV_OPS,
};

static const struct path path_mqdev_b8 = {
	.name = "mqdev-b8", .desc = "device, libmqdev, batches of 8",
	.batch = 8, .unavailable = batch_missing, .send = batch_path_send,
	.recv = batch_path_recv, DEV_OPS,
};

static const struct path path_mqdev_b32 = {
	.name = "mqdev-b32", .desc = "device, libmqdev, batches of 32",
	.batch = 32, .unavailable = batch_missing, .send = batch_path_send,
	.recv = batch_path_recv, DEV_OPS,
};

static const struct path path_sysv = {
	.name = "sysv", .desc = "SysV msgsnd/msgrcv", .batch = 1,
	.create = sysv_create, .open = sysv_open, .send = sysv_send,
	.recv = sysv_recv, .close = sysv_close, .destroy = sysv_destroy,
	.make_name = sysv_make_name, .unlink_name = sysv_unlink_name,
};

static const struct path path_pipe = {
	.name = "pipe", .desc = "pipe (FIFO for bind+unlink)", .batch = 1,
	.create = pipe_create, .open = pipe_open, .send = pipe_send,
	.recv = pipe_recv, .close = pipe_close, .destroy = pipe_close,
	.make_name = fifo_make_name, .unlink_name = fifo_unlink_name,
};

const struct path *const paths[] = {
	&path_kmq, &path_posix, &path_mqdev, &path_mqdev_b8, &path_mqdev_b32,
	&path_sysv, &path_pipe, NULL,
};

const struct path *path_find(const char *name)
{
	for (int i = 0; paths[i]; i++)
		if (strcmp(paths[i]->name, name) == 0)
			return paths[i];
	return NULL;
}
