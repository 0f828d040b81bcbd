// SPDX-License-Identifier: MIT
/*
 * work.c - the workloads, each written once against struct path.
 *
 *   stream    one sender, one receiver: ns per message
 *   pingpong  request and reply on two queues: ns per round trip
 *   4x4       4 producers and 4 consumers on one queue: ns per message
 *   churn     create+close+unlink one queue while N others exist: ns
 *   wake      64 receivers blocked on one queue: wake-ups per message
 *   mem       N 64-byte messages queued: kernel bytes per message (slab,
 *             and all pages: a pipe's buffer is pages, not slab)
 *   memcpy    the floor: one user-space memcpy of the message size
 *
 * Workers are forked processes.  They open their end of the channel, say
 * they are ready and wait at a barrier; the clock starts when the barrier
 * opens and stops when the last worker has done its share (the worker
 * itself reads the clock), so process start-up and exit are not counted.
 * Context switches are the difference of the "ctxt" line of /proc/stat
 * over the same interval.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mqbench.h"

#define MAX_WORKERS	72
#define WAKE_RECEIVERS	64
#define QUAD		4	/* producers, and consumers, of 4x4 */
/* A worker that is still running after this long is stuck: end it. */
#define WORKER_TIMEOUT	600

/* Shared between the measuring process and its workers. */
struct shared {
	uint64_t t_end;		/* when the last worker finished */
	uint64_t ctxt_end;
	int done;		/* workers finished */
	int claimed;		/* workers that tried to write err */
	int failed;		/* workers failed (after err is written) */
	long received;		/* 4x4: data messages the consumers got */
	char err[200];		/* the first worker failure */
};

struct team {
	struct shared *sh;
	int ready[2];		/* each worker writes a byte when it is open */
	int go[2];		/* closed by the parent: start */
	int fin[2];		/* the last worker (or a failing one) writes */
	int release[2];		/* closed by the parent: exit now */
	int n;
	pid_t pid[MAX_WORKERS];
	uint64_t t0, c0;
};

/* What a worker does once its channels are open and the barrier is open. */
typedef int (*work_fn)(struct team *t, struct chan *c, long arg,
		       unsigned long count);

static void set_why(char *why, size_t wsz, const char *what, int err)
{
	snprintf(why, wsz, "%s: %s", what, strerror(-err));
}

static void put_seq(char *msg, uint32_t seq, char stop)
{
	memcpy(msg, &seq, sizeof(seq));
	msg[4] = stop;
}

static uint32_t get_seq(const char *msg)
{
	uint32_t seq;

	memcpy(&seq, msg, sizeof(seq));
	return seq;
}

static void chan_init(struct chan *c, const struct path *p, const char *tag,
		      size_t size, unsigned long depth)
{
	static unsigned int serial;

	memset(c, 0, sizeof(*c));
	c->p = p;
	c->size = size;
	c->depth = depth;
	c->fd = c->pfd[0] = c->pfd[1] = c->msqid = -1;
	snprintf(c->name, sizeof(c->name), "mqbench-%d-%s%u", (int)getpid(),
		 tag, serial++);
}

/* ---- teams of workers ------------------------------------------------- */

static int team_init(struct team *t)
{
	memset(t, 0, sizeof(*t));
	t->sh = mmap(NULL, sizeof(*t->sh), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t->sh == MAP_FAILED) {
		t->sh = NULL;
		return -errno;
	}
	memset(t->sh, 0, sizeof(*t->sh));
	if (pipe(t->ready) || pipe(t->go) || pipe(t->fin) || pipe(t->release))
		return -errno;
	return 0;
}

static void worker_fail(struct team *t, const char *what, int err)
{
	struct shared *sh = t->sh;

	/* the message first: the parent reads it once it sees "failed" */
	if (__atomic_fetch_add(&sh->claimed, 1, __ATOMIC_SEQ_CST) == 0)
		snprintf(sh->err, sizeof(sh->err), "worker %d: %s: %s",
			 (int)getpid(), what, strerror(-err));
	__atomic_fetch_add(&sh->failed, 1, __ATOMIC_SEQ_CST);
	/* wake the parent whether it waits for "ready" or for "done" */
	if (write(t->ready[1], "x", 1) < 0 || write(t->fin[1], "x", 1) < 0) {
		/* the parent is gone */
	}
	_exit(1);
}

/*
 * Fork a worker that opens @nc channels (@c[i] for @dir[i]), waits at the
 * barrier, runs @fn and, when it is the last of @expect workers to
 * finish, stops the clock.  It then waits to be released, so that its
 * exit does not fall inside the measured interval.
 */
static int team_spawn(struct team *t, int expect, work_fn fn, struct chan *c,
		      const int *dir, int nc, long arg, unsigned long count)
{
	struct chan mine[2];
	char b;
	pid_t pid;
	int err;

	if (t->n >= MAX_WORKERS)
		return -E2BIG;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		t->pid[t->n++] = pid;
		return 0;
	}
	close(t->ready[0]);
	close(t->go[1]);
	close(t->fin[0]);
	close(t->release[1]);
	/* never outlive the measuring process, nor hang for ever */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
	alarm(WORKER_TIMEOUT);
	for (int i = 0; i < nc; i++) {
		mine[i] = c[i];
		err = c[i].p->open(&mine[i], dir[i]);
		if (err)
			worker_fail(t, "open", err);
	}
	if (write(t->ready[1], "r", 1) != 1)
		_exit(1);
	if (read(t->go[0], &b, 1) != 0)	/* EOF: go */
		_exit(1);
	err = fn(t, mine, arg, count);
	if (err)
		worker_fail(t, "run", err);
	if (__atomic_add_fetch(&t->sh->done, 1, __ATOMIC_SEQ_CST) == expect) {
		t->sh->t_end = now_ns();
		t->sh->ctxt_end = ctxt_total();
		if (write(t->fin[1], "d", 1) != 1)
			_exit(1);
	}
	while (read(t->release[0], &b, 1) > 0)
		;
	for (int i = 0; i < nc; i++)
		mine[i].p->close(&mine[i]);
	_exit(0);
}

/* Wait until every worker is open, then start the clock and open the gate. */
static int team_go(struct team *t)
{
	char *buf = calloc((size_t)t->n, 1);
	int err;

	close(t->ready[1]);
	close(t->go[0]);
	close(t->fin[1]);
	close(t->release[0]);
	t->ready[1] = t->go[0] = t->fin[1] = t->release[0] = -1;
	if (!buf)
		return -ENOMEM;
	err = read_full(t->ready[0], buf, (size_t)t->n);
	free(buf);
	if (err || t->sh->failed)
		return err ? err : -ECANCELED;
	t->c0 = ctxt_total();
	t->t0 = now_ns();
	close(t->go[1]);
	t->go[1] = -1;
	return 0;
}

/* Wait for the last worker; the measured interval and its switches. */
static int team_wait(struct team *t, uint64_t *ns, uint64_t *ctxt)
{
	char b;
	ssize_t n;

	do {
		n = read(t->fin[0], &b, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1)
		return -EPIPE;	/* every worker died without a word */
	if (t->sh->failed)
		return -ECANCELED;
	*ns = t->sh->t_end - t->t0;
	*ctxt = t->sh->ctxt_end - t->c0;
	return 0;
}

/*
 * Release (or, after a failure, kill) the workers and reap them.
 * @why gets the first failure when there was one.
 */
static int team_end(struct team *t, int err, char *why, size_t wsz)
{
	int status, bad = 0;

	if (err && t->sh)
		for (int i = 0; i < t->n; i++)
			kill(t->pid[i], SIGKILL);
	for (int i = 0; i < 4; i++) {
		int *fds[] = { t->ready, t->go, t->fin, t->release };

		for (int j = 0; j < 2; j++)
			if (fds[i][j] > 0)
				close(fds[i][j]);
	}
	for (int i = 0; i < t->n; i++) {
		if (waitpid(t->pid[i], &status, 0) < 0)
			continue;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && err)
			continue;	/* we killed it */
		if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && !bad++)
			snprintf(why, wsz, "worker %d ended with %s %d",
				 (int)t->pid[i],
				 WIFSIGNALED(status) ? "signal" : "status",
				 WIFSIGNALED(status) ? WTERMSIG(status) :
				 WEXITSTATUS(status));
	}
	if (err && t->sh) {
		if (t->sh->err[0])
			snprintf(why, wsz, "%s", t->sh->err);
		else if (!bad)
			set_why(why, wsz, "workers", err);
	}
	if (t->sh)
		munmap(t->sh, sizeof(*t->sh));
	t->sh = NULL;
	if (err)
		return err;
	return bad ? -ECHILD : 0;
}

/* ---- stream ------------------------------------------------------------ */

static int stream_send(struct team *t, struct chan *c, long arg,
		       unsigned long count)
{
	unsigned int b = (unsigned int)c->p->batch;
	unsigned long seq = 0;

	(void)t;
	(void)arg;
	while (seq < count) {
		unsigned int n = count - seq < b ? (unsigned int)(count - seq) : b;
		int r;

		for (unsigned int i = 0; i < n; i++)
			put_seq(chan_msg(c, i), (uint32_t)(seq + i), 0);
		r = c->p->send(c, n);
		if (r <= 0)
			return r < 0 ? r : -EPROTO;
		seq += (unsigned int)r;
	}
	return 0;
}

static int stream_recv(struct team *t, struct chan *c, long arg,
		       unsigned long count)
{
	unsigned int b = (unsigned int)c->p->batch;
	unsigned long got = 0;

	(void)t;
	(void)arg;
	while (got < count) {
		unsigned int n = count - got < b ? (unsigned int)(count - got) : b;
		int r = c->p->recv(c, n);

		if (r <= 0)
			return r < 0 ? r : -EPROTO;
		for (int i = 0; i < r; i++)
			if (get_seq(chan_msg(c, (unsigned int)i)) !=
			    (uint32_t)(got + (unsigned int)i))
				return -EILSEQ;	/* lost or reordered */
		got += (unsigned int)r;
	}
	return 0;
}

/* ---- ping-pong ---------------------------------------------------------- */

/* c[0]: requests, c[1]: replies. */
static int pp_client(struct team *t, struct chan *c, long arg,
		     unsigned long count)
{
	(void)t;
	(void)arg;
	for (unsigned long i = 0; i < count; i++) {
		int r;

		put_seq(c[0].buf, (uint32_t)i, 0);
		r = c[0].p->send(&c[0], 1);
		if (r < 0)
			return r;
		r = c[1].p->recv(&c[1], 1);
		if (r < 0)
			return r;
		if (get_seq(c[1].buf) != (uint32_t)i)
			return -EILSEQ;
	}
	return 0;
}

static int pp_server(struct team *t, struct chan *c, long arg,
		     unsigned long count)
{
	(void)t;
	(void)arg;
	for (unsigned long i = 0; i < count; i++) {
		int r = c[0].p->recv(&c[0], 1);

		if (r < 0)
			return r;
		memcpy(c[1].buf, c[0].buf, sizeof(uint32_t));
		r = c[1].p->send(&c[1], 1);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- 4 producers, 4 consumers -------------------------------------------- */

/*
 * Each producer sends @count data messages and then one stop message;
 * each consumer ends at the first stop it receives.  The queue is FIFO,
 * so the last stop comes after every data message: none is left behind.
 */
static int quad_produce(struct team *t, struct chan *c, long arg,
			unsigned long count)
{
	(void)t;
	(void)arg;
	for (unsigned long i = 0; i <= count; i++) {
		int r;

		put_seq(c->buf, (uint32_t)i, i == count);
		r = c->p->send(c, 1);
		if (r < 0)
			return r;
	}
	return 0;
}

static int quad_consume(struct team *t, struct chan *c, long arg,
			unsigned long count)
{
	long got = 0;

	(void)arg;
	(void)count;
	for (;;) {
		int r = c->p->recv(c, 1);

		if (r < 0)
			return r;
		if (c->buf[4])
			break;
		got++;
	}
	__atomic_add_fetch(&t->sh->received, got, __ATOMIC_SEQ_CST);
	return 0;
}

/* ---- 64 receivers blocked on one queue ------------------------------------ */

static int ack_fd = -1;

/* Receive; acknowledge each data message with this worker's index. */
static int wake_recv(struct team *t, struct chan *c, long arg,
		     unsigned long count)
{
	unsigned char idx = (unsigned char)arg;

	(void)t;
	(void)count;
	for (;;) {
		int r = c->p->recv(c, 1);

		if (r < 0)
			return r;
		if (c->buf[4])
			return 0;
		r = write_full(ack_fd, &idx, 1);
		if (r)
			return r;
	}
}

/*
 * Read the index of the receiver that got the message; -ECANCELED when a
 * worker failed instead (it writes to the team's fin pipe).
 */
static int wait_ack(struct team *t, int ack, unsigned char *who)
{
	struct pollfd p[2] = { { .fd = ack, .events = POLLIN },
			       { .fd = t->fin[0], .events = POLLIN } };

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[1].revents)
			return -ECANCELED;
		if (p[0].revents)
			return read_full(ack, who, 1);
	}
}

/* Wait until @pid sleeps (blocked in its receive call). */
static int wait_sleeping(pid_t pid)
{
	for (int i = 0; i < 200000; i++) {
		char st = proc_state(pid);

		if (st == 'S')
			return 0;
		if (st == '?' || st == 'Z')
			return -ESRCH;
		if (i < 100)
			sched_yield();
		else
			usleep(100);
	}
	return -ETIMEDOUT;
}

static long voluntary_sum(const struct team *t)
{
	long sum = 0;

	for (int i = 0; i < t->n; i++)
		sum += proc_status(t->pid[i], "voluntary_ctxt_switches");
	return sum;
}

static int work_wake(const struct spec *sp, struct sample *s, char *why,
		     size_t wsz)
{
	int dir = DIR_RECV, ack[2] = { -1, -1 }, err;
	uint64_t ns, cx;
	struct team t;
	struct chan c;

	memset(&t, 0, sizeof(t));
	chan_init(&c, sp->path, "w", sp->size, sp->param);
	err = sp->path->create(&c);
	if (err) {
		set_why(why, wsz, "create", err);
		return err;
	}
	err = team_init(&t);
	if (!err && pipe(ack))
		err = -errno;
	ack_fd = ack[1];
	for (int i = 0; !err && i < WAKE_RECEIVERS; i++)
		err = team_spawn(&t, WAKE_RECEIVERS, wake_recv, &c, &dir, 1, i, 0);
	/* the parent sends, on its own handle (after the workers forked) */
	if (ack[1] >= 0)
		close(ack[1]);
	ack[1] = -1;
	if (!err)
		err = sp->path->open(&c, DIR_SEND);
	if (!err)
		err = team_go(&t);
	for (int i = 0; !err && i < t.n; i++)
		err = wait_sleeping(t.pid[i]);
	for (int r = 0; !err && r < sp->reps; r++) {
		long v0 = voluntary_sum(&t), v1;
		uint64_t c0 = ctxt_total(), t0 = now_ns();

		for (unsigned long i = 0; !err && i < sp->count; i++) {
			unsigned char who = 0;

			put_seq(c.buf, (uint32_t)i, 0);
			err = sp->path->send(&c, 1);
			if (err >= 0)
				err = wait_ack(&t, ack[0], &who);
			if (!err)
				err = who < t.n ? wait_sleeping(t.pid[who]) : -EPROTO;
		}
		ns = now_ns() - t0;
		cx = ctxt_total() - c0;
		v1 = voluntary_sum(&t);
		s[r].value = (double)(v1 - v0) / (double)sp->count;
		s[r].ctxt = (double)cx / (double)sp->count;
		s[r].extra = (double)ns / (double)sp->count;
	}
	/* one stop message for each receiver */
	for (int i = 0; !err && i < t.n; i++) {
		put_seq(c.buf, 0, 1);
		err = sp->path->send(&c, 1);
		err = err < 0 ? err : 0;
	}
	if (!err)
		err = team_wait(&t, &ns, &cx);
	err = team_end(&t, err, why, wsz);
	if (err && !why[0])
		set_why(why, wsz, "wake", err);
	if (c.mem)
		sp->path->close(&c);
	if (ack[0] >= 0)
		close(ack[0]);
	sp->path->destroy(&c);
	return err;
}

/* ---- runs of forked workers: stream, ping-pong, 4x4 ---------------------- */

/* One repetition of stream, ping-pong or 4x4. */
static int team_rep(const struct spec *sp, struct sample *s, char *why,
		    size_t wsz)
{
	bool quad = strcmp(sp->work, "4x4") == 0;
	bool pp = strcmp(sp->work, "pingpong") == 0;
	const int d_send[2] = { DIR_SEND, DIR_RECV };
	const int d_recv[2] = { DIR_RECV, DIR_SEND };
	const struct path *p = sp->path;
	unsigned long msgs = sp->count;
	int nc = pp ? 2 : 1, made, err = 0;
	uint64_t ns = 0, cx = 0;
	struct chan c[2];
	struct team t;

	memset(&t, 0, sizeof(t));
	chan_init(&c[0], p, pp ? "q" : "s", sp->size, sp->param);
	chan_init(&c[1], p, "a", sp->size, sp->param);
	for (made = 0; made < nc; made++) {
		err = p->create(&c[made]);
		if (err) {
			set_why(why, wsz, "create", err);
			goto out;
		}
	}
	err = team_init(&t);
	if (!err && quad) {
		unsigned long each = sp->count / QUAD;

		msgs = each * QUAD;
		for (int i = 0; !err && i < QUAD; i++)
			err = team_spawn(&t, 2 * QUAD, quad_produce, c, d_send,
					 1, i, each);
		for (int i = 0; !err && i < QUAD; i++)
			err = team_spawn(&t, 2 * QUAD, quad_consume, c, d_recv,
					 1, i, 0);
	} else if (!err) {
		err = team_spawn(&t, 2, pp ? pp_client : stream_send, c,
				 d_send, nc, 0, sp->count);
		if (!err)
			err = team_spawn(&t, 2, pp ? pp_server : stream_recv, c,
					 d_recv, nc, 0, sp->count);
	}
	if (!err)
		err = team_go(&t);
	if (!err)
		err = team_wait(&t, &ns, &cx);
	if (!err && quad && t.sh->received != (long)msgs) {
		snprintf(why, wsz, "4x4: %ld of %lu messages received",
			 t.sh->received, msgs);
		err = -EPROTO;
	}
	err = team_end(&t, err, why, wsz);
	s->value = (double)ns / (double)msgs;
	s->ctxt = (double)cx / (double)msgs;
out:
	while (made-- > 0)
		p->destroy(&c[made]);
	return err;
}

static int work_team(const struct spec *sp, struct sample *s, char *why,
		     size_t wsz)
{
	for (int r = 0; r < sp->reps; r++) {
		int err = team_rep(sp, &s[r], why, wsz);

		if (err) {
			if (!why[0])
				set_why(why, wsz, sp->work, err);
			return err;
		}
	}
	return 0;
}

/* ---- bind+unlink ---------------------------------------------------------- */

/* Make a queue the usual way, so that a path that lands in the wrong place
 * (the posix path without its preload) fails here rather than measuring. */
int probe_path(const struct path *p, char *why, size_t wsz)
{
	struct chan c;
	int err;

	chan_init(&c, p, "p", 16, 1);
	err = p->create(&c);
	if (err == -EXDEV)
		snprintf(why, wsz, "%s", p->device ?
			 "mq_open() reached the kernel: LD_PRELOAD had no effect" :
			 "mq_open() reached the device without LD_PRELOAD");
	else if (err)
		set_why(why, wsz, "create", err);
	else
		p->destroy(&c);
	return err;
}

static int work_churn(const struct spec *sp, struct sample *s, char *why,
		      size_t wsz)
{
	const struct path *p = sp->path;
	unsigned long n = sp->param, made = 0, maxq;
	char name[80], what[128];
	long *handle;
	int err;

	err = probe_path(p, why, wsz);
	if (err)
		return err;
	if (p->device && device_limits(&maxq, NULL) == 0 && maxq < n + 1) {
		snprintf(why, wsz, "module max_queues=%lu < %lu (insmod "
			 "mqueue_lab.ko max_queues=200000)", maxq, n + 1);
		return -ENOSPC;
	}
	handle = calloc(n, sizeof(*handle));
	if (!handle)
		return -ENOMEM;
	for (; made < n; made++) {
		long h;

		snprintf(name, sizeof(name), "mqbench-%d-o%lu", (int)getpid(), made);
		h = p->make_name(p, name, (long)made);
		if (h < 0) {
			snprintf(what, sizeof(what), "making queue %lu of %lu",
				 made + 1, n);
			set_why(why, wsz, what, (int)h);
			if (h == -ENOSPC && strcmp(p->name, "sysv") == 0)
				snprintf(why + strlen(why), wsz - strlen(why),
					 " (kernel.msgmni: boot with ipcmni_extend)");
			if (h == -EMFILE && !p->device)
				snprintf(why + strlen(why), wsz - strlen(why),
					 " (RLIMIT_MSGQUEUE)");
			err = (int)h;
			goto out;
		}
		handle[made] = h;
	}
	snprintf(name, sizeof(name), "mqbench-%d-x", (int)getpid());
	for (int r = 0; r < sp->reps; r++) {
		uint64_t c0 = ctxt_total(), t0 = now_ns();

		for (unsigned long i = 0; i < sp->count; i++) {
			long h = p->make_name(p, name, (long)n);

			if (h < 0) {
				set_why(why, wsz, "create", (int)h);
				err = (int)h;
				goto out;
			}
			err = p->unlink_name(name, h);
			if (err) {
				set_why(why, wsz, "unlink", err);
				goto out;
			}
		}
		s[r].value = (double)(now_ns() - t0) / (double)sp->count;
		s[r].ctxt = (double)(ctxt_total() - c0) / (double)sp->count;
	}
out:
	while (made-- > 0) {
		snprintf(name, sizeof(name), "mqbench-%d-o%lu", (int)getpid(), made);
		p->unlink_name(name, handle[made]);
	}
	free(handle);
	return err;
}

/* ---- kernel memory per queued message ---------------------------------- */

static long kernel_kb(void)
{
	long slab = meminfo_kb("Slab"), vm = meminfo_kb("VmallocUsed");

	return slab < 0 ? -1 : slab + (vm > 0 ? vm : 0);
}

static int work_mem(const struct spec *sp, struct sample *s, char *why,
		    size_t wsz)
{
	const struct path *p = sp->path;
	struct chan c;
	int err;

	chan_init(&c, p, "m", sp->size, sp->count);
	err = p->create(&c);
	if (err) {
		set_why(why, wsz, "create", err);
		return err;
	}
	err = p->open(&c, DIR_BOTH);
	for (int r = 0; !err && r < sp->reps; r++) {
		unsigned long queued = 0;
		long long f0, f1;
		long k0, k1;

		k0 = kernel_kb();
		f0 = free_bytes();
		while (queued < sp->count) {
			int sent = p->send(&c, 1);

			if (sent < 0) {
				err = sent;
				break;
			}
			queued++;
		}
		k1 = kernel_kb();
		f1 = free_bytes();
		while (queued-- > 0) {
			int got = p->recv(&c, 1);

			if (got < 0 && !err)
				err = got;
		}
		if (!err && (k0 < 0 || k1 < 0))
			err = -ENOENT;
		s[r].value = (double)(k1 - k0) * 1024.0 / (double)sp->count;
		s[r].extra = (double)(f0 - f1) / (double)sp->count;
	}
	if (err)
		set_why(why, wsz, "mem", err);
	if (c.mem)
		p->close(&c);
	p->destroy(&c);
	return err;
}

/* ---- the floor: memcpy ---------------------------------------------------- */

static int work_memcpy(const struct spec *sp, struct sample *s, char *why,
		       size_t wsz)
{
	char *src = malloc(sp->size), *dst = malloc(sp->size);

	if (!src || !dst) {
		free(src);
		free(dst);
		set_why(why, wsz, "malloc", -ENOMEM);
		return -ENOMEM;
	}
	memset(src, 1, sp->size);
	memset(dst, 2, sp->size);
	for (int r = 0; r < sp->reps; r++) {
		uint64_t t0 = now_ns();

		for (unsigned long i = 0; i < sp->count; i++) {
			memcpy(dst, src, sp->size);
			__asm__ __volatile__("" : : "r"(dst), "r"(src) : "memory");
		}
		s[r].value = (double)(now_ns() - t0) / (double)sp->count;
	}
	free(src);
	free(dst);
	return 0;
}

int run_work(const struct spec *sp, struct sample *s, char *why, size_t wsz)
{
	const char *w = sp->work;

	why[0] = '\0';
	if (strcmp(w, "memcpy") == 0)
		return work_memcpy(sp, s, why, wsz);
	if (strcmp(w, "churn") == 0)
		return work_churn(sp, s, why, wsz);
	if (strcmp(w, "wake") == 0)
		return work_wake(sp, s, why, wsz);
	if (strcmp(w, "mem") == 0)
		return work_mem(sp, s, why, wsz);
	if (!strcmp(w, "stream") || !strcmp(w, "pingpong") || !strcmp(w, "4x4"))
		return work_team(sp, s, why, wsz);
	snprintf(why, wsz, "unknown workload %s", w);
	return -EINVAL;
}
