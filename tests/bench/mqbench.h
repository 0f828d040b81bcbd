/* SPDX-License-Identifier: MIT */
/*
 * mqbench.h - shared declarations of the mqueue-lab benchmark.
 *
 * A *path* is one way of moving messages between processes (the kernel's
 * POSIX mq, the device through libmqdev or through the POSIX layer, SysV
 * msg, a pipe).  A *workload* (stream, ping-pong, ...) is written once
 * against the path operations below and runs unchanged on every path.
 */
#ifndef MQBENCH_H
#define MQBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct mqdev;

/* Directions a worker opens its end of a channel for. */
#define DIR_SEND	1
#define DIR_RECV	2
#define DIR_BOTH	(DIR_SEND | DIR_RECV)

/* Largest batch any path moves in one call. */
#define BATCH_MAX	32

/* One queue (or pipe), and one process's handle on it. */
struct chan {
	const struct path *p;
	char name[64];		/* the queue's name, without a leading '/' */
	size_t size;		/* every message has exactly this many bytes */
	unsigned long depth;	/* capacity in messages */
	/* set by open(): p->batch messages of size bytes, back to back */
	char *buf;
	/* the handle: which fields a path uses is its own business */
	int fd;			/* kmq/posix mqd_t; pipe end */
	int pfd[2];		/* pipe: made by create(), inherited */
	int msqid;		/* SysV */
	struct mqdev *q;	/* libmqdev */
	void *mem;		/* what open() allocated */
};

struct path {
	const char *name;	/* short id printed in the tables */
	const char *desc;
	int batch;		/* messages per call */
	bool preload;		/* runs with LD_PRELOAD=libmqdev-posix.so */
	bool device;		/* the queue lives in /dev/mqueue-lab */
	/* NULL when the path can run here, else why not */
	const char *(*unavailable)(void);
	/* In the parent: make the queue described by c (name, size, depth). */
	int (*create)(struct chan *c);
	/* In each worker: open c for DIR_*, allocate c->buf. */
	int (*open)(struct chan *c, int dir);
	/* Send n (1..batch) messages from c->buf: count sent, or -errno. */
	int (*send)(struct chan *c, unsigned int n);
	/* Receive 1..n messages into c->buf: count, or -errno. */
	int (*recv)(struct chan *c, unsigned int n);
	void (*close)(struct chan *c);
	/* In the parent, after the workers: remove the queue. */
	void (*destroy)(struct chan *c);
	/*
	 * Bind+unlink: make a small queue called @name (index @idx) and close
	 * it, returning a handle for unlink_name(); or -errno.
	 */
	long (*make_name)(const struct path *p, const char *name, long idx);
	int (*unlink_name)(const char *name, long handle);
};

extern const struct path *const paths[];
const struct path *path_find(const char *name);

/* Message @i of c's buffer. */
static inline char *chan_msg(const struct chan *c, unsigned int i)
{
	return c->buf + (size_t)i * c->size;
}

/* What one workload measured in one repetition. */
struct sample {
	double value;		/* ns per message, wake-ups, bytes... */
	double ctxt;		/* context switches per message */
	double extra;		/* a second figure (MemFree bytes/msg) */
};

/* One measurement: a workload on a path with its parameters. */
struct spec {
	const char *work;	/* stream pingpong 4x4 churn wake mem memcpy */
	size_t size;		/* message size */
	unsigned long param;	/* depth, or queues present (churn) */
	unsigned long count;	/* messages, round trips or operations */
	int reps;
	const struct path *path;
};

/* Workloads (work.c): fill s[0..reps-1]; 0, or -errno with *why set. */
int run_work(const struct spec *sp, struct sample *s, char *why, size_t wsz);
/* Creating one queue of each path, checking where it went (work.c). */
int probe_path(const struct path *p, char *why, size_t wsz);

/* System helpers (sys.c). */
uint64_t now_ns(void);
uint64_t ctxt_total(void);		/* /proc/stat "ctxt" */
long meminfo_kb(const char *field);	/* /proc/meminfo, -1 if absent */
long long free_bytes(void);		/* free pages, per-CPU lists too */
long proc_status(pid_t pid, const char *field);	/* /proc/PID/status */
char proc_state(pid_t pid);		/* /proc/PID/stat state letter */
void sysctl_tune(bool verbose);		/* raise the IPC limits we need */
void sysctl_restore(void);
int device_limits(unsigned long *max_queues, uint64_t *features);
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern bool quiet_notes;
/* Write all of @len bytes, or read them; -errno on failure or EOF. */
int write_full(int fd, const void *buf, size_t len);
int read_full(int fd, void *buf, size_t len);

#endif /* MQBENCH_H */
