// SPDX-License-Identifier: GPL-2.0
/*
 * mqstress - a bounded stress run of /dev/mqueue-lab that accounts for
 * every message (issue 8).
 *
 * 8 producer and 8 consumer processes move messages over 4 queues with
 * random priorities and sizes (0..MSGSIZE), blocking, non-blocking and
 * timed (relative, absolute, realtime), single and batched calls.  At the
 * same time the test process itself unlinks and re-creates the queues,
 * sends SIGUSR1 to tasks that are in a call, and kills -9 producers and
 * consumers that are in a call (mostly blocked ones); two binder
 * processes bind, GETATTR and close the queues all the time; a second
 * thread in every producer and consumer closes the fd its main thread is
 * blocked on.  Killed workers are replaced.
 *
 * Every message is identified.  A message of HDR bytes or more carries
 * (producer, sequence, id, checksum) and a payload pattern derived from
 * the id; the checksum covers id, length and priority.  A shorter one
 * (down to 0 bytes) is identified by its priority: it takes a slot of
 * the short table, the priority is a bijection of the slot number, and
 * its bytes are the pattern of its id.  The message table in shared
 * memory holds what each id was sent with (length, priority, queue
 * generation) and its state.
 *
 * The rules, checked at the end (any breach is "not ok"):
 *  - a producer marks a message INFLIGHT before the call, SENT when the
 *    call reported it sent (SEND returned 0; SEND_BATCH returned >= its
 *    index), FAILED when the call reported it not sent.  A producer
 *    killed during the call leaves it INFLIGHT: it may be received at
 *    most once, or not at all.
 *  - no message is received twice; none is corrupt (checksum, payload,
 *    length, priority, producer, sequence); none comes out of a queue
 *    generation other than the one it was sent to; a FAILED one is
 *    never received.
 *  - a SENT message is received exactly once: by a consumer, by the
 *    drain of a retired (unlinked) generation, or by the final drain
 *    (still in its queue).  A consumer killed by SIGKILL in a call dies
 *    only on its way back to user space, after the kernel copied out
 *    what it dequeued: its buffers and descriptors (struct rxbuf) are in
 *    shared memory, pre-touched, with pid 0 in every descriptor before
 *    the call, and each message is marked "recording" just before the
 *    atomic add that counts it received and "recorded" just after.
 *    After reaping it the test "salvages" every message the kernel gave
 *    it (descriptor pid != 0) that it had not started to count.  One
 *    it was counting when it died ("ambiguous", at most one per kill,
 *    a window of a few instructions) may or may not be counted: those
 *    are the loss budget.  The SENT
 *    messages never recorded ("lost") must be at most that budget.
 *  - a queue generation lives from its BIND CREATE to the close of the
 *    test's own bound fd ("keeper") after its unlink.  The keeper is
 *    closed only when no worker is bound to that generation any more,
 *    after draining it: so nothing is dropped with an unlinked queue
 *    without being counted (the "dropped" count is what those drains
 *    took).  For each generation, from GETATTR: curmsgs == sent -
 *    received before the drain, 0 after it, sent == received; kernel
 *    sent is at least the SENT messages of the generation and at most
 *    SENT + INFLIGHT; kernel received minus what was recorded for the
 *    generation is at most the loss budget of that generation.
 *  - every worker exits within STOP_MS of the stop request (SIGUSR1 is
 *    repeated until then): no task is stuck in the device.
 *  - no call fails with an errno its mode cannot give; every kind of
 *    activity (batches both ways, timeouts, signals, kills of both
 *    kinds, closes, churn) happened at least once, so a run that
 *    tested nothing fails.
 *
 * A worker binds with a sequence count per queue (odd while the test
 * replaces the queue), so that it always knows the generation it is
 * bound to.
 *
 * Bounded: MQSTRESS_SECS seconds (10; 40 on a debug kernel) or
 * MQSTRESS_MSGS messages (40000; 4000 on a debug kernel), whichever
 * comes first.  A debug kernel is one with /sys/kernel/debug/kmemleak,
 * or MQSTRESS_DEBUG=1.  MQSTRESS_SEED sets the seed (printed).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/resource.h>

#include "../kselftest/mqlab_kst.h"

#define NQ		4
#define NPROD		8
#define NCONS		8
#define NBINDERS	2
#define MSGSIZE		512
#define MAXMSG		8
#define BATCH		16
#define HDR		16
#define SHORT_MAX	MQLAB_PRIO_MAX
#define MSG_CAP		(1u << 18)
#define GEN_MAX		1024
#define SLOTS		32
#define STOP_MS		30000

enum kind { K_FREE, K_PROD, K_CONS, K_BINDER };
enum state { S_UNUSED, S_INFLIGHT, S_SENT, S_FAILED };

struct msgrec {
	__u32 prod;
	__u32 seq;
	__u32 gen;
	__u16 len;
	__u16 prio;
	__u8 state;	/* enum state */
	__u8 recv;	/* times received */
	__u8 pad[2];
};

/* One worker process; the test process frees it after reaping. */
struct slot {
	__u32 kind;	/* enum kind */
	__s32 pid;
	__u32 id;	/* producer id / incarnation */
	__u32 in_call;	/* messages the current call may move, 0 when none */
	__u32 gen[NQ];	/* generation bound per queue, 0 when none */
};

/*
 * A consumer's receive buffers and descriptors, in shared memory so that
 * the test can see what the kernel gave a consumer it killed.
 */
#define RX_NONE		0	/* not recorded (yet) */
#define RX_RECORDING	1	/* record() may or may not have counted it */
#define RX_RECORDED	2
struct rxbuf {
	struct mqlab_recv r;		/* a single RECV */
	struct mqlab_batch_msg bm[BATCH];	/* a RECV_BATCH */
	__u32 single, n, gen;
	__u8 done[BATCH];		/* RX_* */
	__u8 data[BATCH][MSGSIZE];
};

struct gen {
	__u32 q;
	__u32 loss_budget;	/* ambiguous messages of killed consumers */
	__u32 kernel_sent, kernel_received;
	__u32 drained;
	bool done;
};

/* Counters, all updated with __atomic_fetch_add. */
struct counts {
	__u32 send_calls, send_batches, sent_msgs, send_fail_msgs;
	__u32 recv_calls, recv_batches, recv_msgs;
	__u32 eagain, etimedout, eintr, ebadf, emsgsize;
	__u32 closes, binds, binder_binds;
	__u32 corrupt, dup, wrongq, unexpected;
	__u32 complaints;
};

struct shared {
	__u32 stop;
	__u32 next_gid, max_gid;
	__u32 next_short;
	__u32 next_prod;
	__u32 seqcount[NQ];	/* odd while the queue is being replaced */
	__u32 curgen[NQ];
	char names[NQ][MQK_NAME_SIZE];
	struct counts c;
	struct slot slots[SLOTS];
	struct rxbuf rx[SLOTS + 1];	/* one per slot, the last the test's */
	__u32 short_map[SHORT_MAX];
	struct gen gens[GEN_MAX];
	struct msgrec msgs[MSG_CAP];
};

static struct shared *sh;
static __u32 seed;

#define ADD(field, n)	__atomic_fetch_add(&sh->c.field, (n), __ATOMIC_RELAXED)
#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)

/* Up to this many breaches are described on stderr, by any process. */
static void complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void complain(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	if (ADD(complaints, 1) >= 20)
		return;
	n = snprintf(line, sizeof(line), "# BREACH pid %d: ", (int)getpid());
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* one write: the lines of several processes do not mix */
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

/* xorshift32 and a mixing hash */
static __u32 rnd(__u32 *s)
{
	__u32 x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x ? x : 0x9e3779b9;
}

static __u32 mix(__u32 x)
{
	x ^= x >> 16;
	x *= 0x7feb352d;
	x ^= x >> 15;
	x *= 0x846ca68b;
	x ^= x >> 16;
	return x;
}

static __u32 csum(__u32 gid, __u32 len, __u32 prio)
{
	return mix(gid ^ mix(len ^ mix(prio + 0x51ed270b)));
}

static __u8 pat(__u32 gid, __u32 i)
{
	return (__u8)mix(gid * 2654435761u + i);
}

/* Bijection of 0..SHORT_MAX-1 (odd multiplier mod 2^15) and its inverse. */
#define PERM_MUL	0x2b47u
#define PERM_INV	0x0e77u
_Static_assert(((PERM_MUL * PERM_INV) & (SHORT_MAX - 1)) == 1, "inverse");
static __u32 perm(__u32 x)
{
	return (x * PERM_MUL) & (SHORT_MAX - 1);
}

static __u32 unperm(__u32 x)
{
	return (x * PERM_INV) & (SHORT_MAX - 1);
}

static __u64 now_ms(void)
{
	return mqk_now_ns(CLOCK_MONOTONIC) / 1000000;
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* ---- a worker's state ---- */

struct worker {
	struct slot *slot;
	__u32 rng;
	int q;			/* queue index the fd is bound to, or -1 */
	__u32 gen;
	int fd;			/* owned by main thread; see cur_fd */
	int cur_fd;		/* -1 once the closer thread took the fd */
	__u32 seq;
};

static struct worker W;

static void unbind(void)
{
	int fd = __atomic_exchange_n(&W.cur_fd, -1, __ATOMIC_SEQ_CST);

	if (fd >= 0)
		close(fd);
	if (W.q >= 0)
		STORE(W.slot->gen[W.q], 0);
	W.q = -1;
	W.fd = -1;
}

/*
 * Bind a fresh fd to queue @q, knowing the generation: retry while the
 * test replaces the queue (odd seqcount, or a change across the bind).
 */
static int bind_queue(int q)
{
	__u32 s1, g;
	int fd, ret;

	unbind();
	while (!LOAD(sh->stop)) {
		s1 = LOAD(sh->seqcount[q]);
		if (s1 & 1) {
			sched_yield();
			continue;
		}
		g = LOAD(sh->curgen[q]);
		STORE(W.slot->gen[q], g);
		fd = mqk_open(O_RDWR);
		if (fd < 0) {
			complain("open: %s", strerror(-fd));
			ADD(unexpected, 1);
			_exit(3);
		}
		ret = mqk_bind(fd, sh->names[q], 0, 0, 0, 0);
		if (ret == 0 && LOAD(sh->seqcount[q]) == s1) {
			W.q = q;
			W.gen = g;
			W.fd = fd;
			STORE(W.cur_fd, fd);
			ADD(binds, 1);
			return 0;
		}
		close(fd);
		STORE(W.slot->gen[q], 0);
		if (ret && ret != -ENOENT) {
			complain("bind %s: %s", sh->names[q], strerror(-ret));
			ADD(unexpected, 1);
		}
	}
	return -1;
}

/* Rebind when the fd was closed or the queue replaced; sometimes move. */
static int ensure_bound(void)
{
	int q = W.q;

	if (q >= 0 && LOAD(W.cur_fd) >= 0 && LOAD(sh->curgen[q]) == W.gen &&
	    rnd(&W.rng) % 64)
		return 0;
	return bind_queue(rnd(&W.rng) % NQ);
}

/* The closer thread: now and then closes the fd the main thread uses. */
static void *closer(void *arg)
{
	struct slot *slot = arg;
	__u32 r = mix(seed ^ slot->id ^ 0xc105e);
	int fd;

	for (;;) {
		mqk_sleep_ms(20 + rnd(&r) % 200);
		if (!LOAD(slot->in_call))
			continue;
		/* take the fd from the main thread, then close it */
		fd = LOAD(W.cur_fd);
		if (fd >= 0 &&
		    __atomic_compare_exchange_n(&W.cur_fd, &fd, -1, false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
			close(fd);
			ADD(closes, 1);
		}
	}
	return NULL;
}

/* Flags and timeout of one call: blocking, non-blocking or timed. */
static __u32 pick_mode(struct mqlab_timespec *ts)
{
	__u32 r = rnd(&W.rng) % 8;
	__u64 ns = (__u64)(rnd(&W.rng) % 20000) * 1000;

	memset(ts, 0, sizeof(*ts));
	switch (r) {
	case 0:
	case 1:
		return MQLAB_IO_NONBLOCK;
	case 2:
	case 3:
		*ts = mqk_ts(ns);
		return MQLAB_IO_TIMEOUT;
	case 4:
		*ts = mqk_ts(mqk_now_ns(CLOCK_MONOTONIC) + ns);
		return MQLAB_IO_TIMEOUT | MQLAB_IO_ABSTIME;
	case 5:
		*ts = mqk_ts(mqk_now_ns(CLOCK_REALTIME) + ns);
		return MQLAB_IO_TIMEOUT | MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME;
	default:
		return 0;
	}
}

/* An errno a call in @flags mode may give under this stress. */
static bool expected_err(int err, __u32 flags)
{
	switch (err) {
	case -EAGAIN:
		ADD(eagain, 1);
		return flags & MQLAB_IO_NONBLOCK;
	case -ETIMEDOUT:
		ADD(etimedout, 1);
		return flags & MQLAB_IO_TIMEOUT;
	case -EINTR:
		ADD(eintr, 1);
		return !(flags & MQLAB_IO_NONBLOCK);
	case -EBADF:
		/* only when the closer thread took the fd */
		ADD(ebadf, 1);
		return LOAD(W.cur_fd) < 0;
	}
	return false;
}

/* ---- producer ---- */

static void build_msg(__u32 gid, __u8 *buf, __u32 *lenp, __u32 *priop)
{
	struct msgrec *m = &sh->msgs[gid];
	__u32 len = rnd(&W.rng) % (MSGSIZE + 1), prio, hdr[4], i, slot;

	prio = rnd(&W.rng) % MQLAB_PRIO_MAX;
	if (len < HDR) {
		slot = __atomic_fetch_add(&sh->next_short, 1, __ATOMIC_RELAXED);
		if (slot < SHORT_MAX) {
			STORE(sh->short_map[slot], gid);
			prio = perm(slot);
		} else {
			len = HDR + rnd(&W.rng) % (MSGSIZE - HDR + 1);
		}
	}
	m->prod = W.slot->id;
	m->seq = W.seq++;
	m->gen = W.gen;
	m->len = len;
	m->prio = prio;
	STORE(m->state, S_INFLIGHT);
	if (len >= HDR) {
		hdr[0] = m->prod;
		hdr[1] = m->seq;
		hdr[2] = gid;
		hdr[3] = csum(gid, len, prio);
		memcpy(buf, hdr, HDR);
		i = HDR;
	} else {
		i = 0;
	}
	for (; i < len; i++)
		buf[i] = pat(gid, i);
	*lenp = len;
	*priop = prio;
}

static void producer(void)
{
	static __u8 bufs[BATCH][MSGSIZE];
	struct mqlab_batch_msg bm[BATCH];
	struct mqlab_timespec ts;
	__u32 n, i, gid, flags, len, prio;
	int ret, sent;

	while (!LOAD(sh->stop)) {
		if (ensure_bound())
			break;
		n = rnd(&W.rng) % 2 ? 1 : 1 + rnd(&W.rng) % BATCH;
		gid = __atomic_fetch_add(&sh->next_gid, n, __ATOMIC_RELAXED);
		if (gid + n > sh->max_gid)
			break;		/* the run's message count is reached */
		memset(bm, 0, sizeof(bm));
		for (i = 0; i < n; i++) {
			build_msg(gid + i, bufs[i], &len, &prio);
			bm[i].buf = mqk_ptr(bufs[i]);
			bm[i].len = len;
			bm[i].prio = prio;
		}
		flags = pick_mode(&ts);
		STORE(W.slot->in_call, n);
		if (n == 1 && rnd(&W.rng) % 4) {
			ret = mqk_send(W.fd, bufs[0], bm[0].len, bm[0].prio,
				       flags, &ts);
			sent = ret ? ret : 1;
			ADD(send_calls, 1);
		} else {
			struct mqlab_batch b = {
				.msgs = mqk_ptr(bm), .count = n,
				.flags = flags, .timeout = ts,
			};

			sent = mqk_ioctl(W.fd, MQLAB_IOC_SEND_BATCH, &b);
			ADD(send_batches, 1);
		}
		if (sent < 0 && !expected_err(sent, flags)) {
			complain("send on gen %u flags %#x: %s", W.gen, flags,
				 strerror(-sent));
			ADD(unexpected, 1);
		}
		if (sent > (int)n) {
			complain("SEND_BATCH of %u returned %d", n, sent);
			ADD(unexpected, 1);
		}
		for (i = 0; i < n; i++)
			STORE(sh->msgs[gid + i].state,
			      (int)i < sent ? S_SENT : S_FAILED);
		if (sent > 0)
			ADD(sent_msgs, sent);
		ADD(send_fail_msgs, n - (sent > 0 ? sent : 0));
		STORE(W.slot->in_call, 0);
	}
}

/* ---- consumers, and the test's own drains ---- */

/*
 * Check a message received from generation @gen and count it received;
 * *@done (RX_*) is RX_RECORDING only around the count itself.  Returns
 * false when it is corrupt.
 */
static bool record(const __u8 *buf, __u32 len, __u32 prio, __u32 gen,
		   __u8 *done)
{
	__u32 hdr[4], gid, i, slot, ngid = LOAD(sh->next_gid);
	__u8 old;
	struct msgrec *m;

	if (len >= HDR) {
		memcpy(hdr, buf, HDR);
		gid = hdr[2];
		if (gid >= ngid || gid >= MSG_CAP ||
		    hdr[3] != csum(gid, len, prio)) {
			complain("corrupt header: len %u prio %u id %u sum %#x",
				 len, prio, gid, hdr[3]);
			ADD(corrupt, 1);
			STORE(*done, RX_RECORDED);
			return false;
		}
		i = HDR;
	} else {
		slot = unperm(prio);
		if (slot >= LOAD(sh->next_short) || slot >= SHORT_MAX) {
			complain("short message len %u prio %u: no such slot",
				 len, prio);
			ADD(corrupt, 1);
			STORE(*done, RX_RECORDED);
			return false;
		}
		gid = LOAD(sh->short_map[slot]);
		hdr[0] = sh->msgs[gid].prod;
		hdr[1] = sh->msgs[gid].seq;
		i = 0;
	}
	m = &sh->msgs[gid];
	for (; i < len; i++) {
		if (buf[i] != pat(gid, i)) {
			complain("id %u: payload byte %u is %#x, want %#x", gid,
				 i, buf[i], pat(gid, i));
			ADD(corrupt, 1);
			STORE(*done, RX_RECORDED);
			return false;
		}
	}
	if (m->len != len || m->prio != prio || m->prod != hdr[0] ||
	    m->seq != hdr[1] || LOAD(m->state) == S_UNUSED) {
		complain("id %u: got len %u prio %u prod %u seq %u, sent len %u prio %u prod %u seq %u state %u",
			 gid, len, prio, hdr[0], hdr[1], m->len, m->prio,
			 m->prod, m->seq, m->state);
		ADD(corrupt, 1);
		STORE(*done, RX_RECORDED);
		return false;
	}
	if (m->gen != gen) {
		complain("id %u sent to generation %u, received from %u", gid,
			 m->gen, gen);
		ADD(wrongq, 1);
	}
	STORE(*done, RX_RECORDING);
	old = __atomic_fetch_add(&m->recv, 1, __ATOMIC_SEQ_CST);
	STORE(*done, RX_RECORDED);
	if (old) {
		complain("id %u (producer %u seq %u) received twice", gid,
			 m->prod, m->seq);
		ADD(dup, 1);
	}
	ADD(recv_msgs, 1);
	return true;
}

/* Record message @i of @rx. */
static void record_rx(struct rxbuf *rx, int i)
{
	struct mqlab_batch_msg *d = &rx->bm[i];

	if (rx->single)
		record(rx->data[0], rx->r.len, rx->r.prio, rx->gen,
		       &rx->done[0]);
	else
		record(rx->data[i], d->len, d->prio, rx->gen, &rx->done[i]);
}

/*
 * Receive up to @n messages into @rx from @fd (generation @gen) with
 * @flags, into buffers of @bufsz bytes; record them.  Returns the count
 * or -errno.  See struct rxbuf for the order of the stores.
 */
static int receive(struct rxbuf *rx, int fd, __u32 gen, __u32 n,
		   __u32 bufsz, __u32 flags, const struct mqlab_timespec *ts,
		   bool single)
{
	struct mqlab_batch b = {
		.msgs = mqk_ptr(rx->bm), .count = n, .flags = flags,
		.timeout = *ts,
	};
	int ret, i;

	/* no descriptor looks received before done[] is reset */
	STORE(rx->r.pid, 0);
	for (i = 0; i < BATCH; i++)
		STORE(rx->bm[i].pid, 0);
	memset(rx->done, RX_NONE, sizeof(rx->done));
	rx->single = single;
	rx->gen = gen;
	STORE(rx->n, n);
	if (single) {
		memset(&rx->r, 0, sizeof(rx->r));
		rx->r.buf = mqk_ptr(rx->data[0]);
		rx->r.len = bufsz;
		rx->r.flags = flags;
		rx->r.timeout = *ts;
		ret = mqk_ioctl(fd, MQLAB_IOC_RECV, &rx->r);
		if (ret == 0) {
			record_rx(rx, 0);
			ret = 1;
		}
		return ret;
	}
	memset(rx->bm, 0, sizeof(rx->bm));
	for (i = 0; i < (int)n; i++) {
		rx->bm[i].buf = mqk_ptr(rx->data[i]);
		rx->bm[i].len = bufsz;
	}
	ret = mqk_ioctl(fd, MQLAB_IOC_RECV_BATCH, &b);
	if (ret > (int)n) {
		complain("RECV_BATCH of %u returned %d", n, ret);
		ADD(unexpected, 1);
		ret = n;
	}
	for (i = 0; i < ret; i++)
		record_rx(rx, i);
	return ret;
}

/*
 * After a consumer was killed: record what the kernel gave it that it
 * did not record.  Returns how many; *@ambiguous counts those it was
 * recording when it died.
 */
static __u32 salvage(struct rxbuf *rx, __u32 *ambiguous)
{
	__u32 i, n = 0;

	for (i = 0; i < rx->n && i < BATCH; i++) {
		if (!(rx->single ? rx->r.pid : rx->bm[i].pid))
			continue;	/* the kernel gave nothing here */
		if (rx->done[i] == RX_RECORDING)
			(*ambiguous)++;
		if (rx->done[i] != RX_NONE)
			continue;
		record_rx(rx, i);
		n++;
	}
	return n;
}

static void consumer(void)
{
	struct mqlab_timespec ts;
	__u32 n, flags, bufsz;
	bool single;
	int ret;

	while (!LOAD(sh->stop)) {
		if (ensure_bound())
			break;
		single = rnd(&W.rng) % 2;
		n = single ? 1 : 1 + rnd(&W.rng) % BATCH;
		/* now and then a buffer that may be too small: EMSGSIZE */
		bufsz = rnd(&W.rng) % 16 ? MSGSIZE : rnd(&W.rng) % MSGSIZE;
		flags = pick_mode(&ts);
		STORE(W.slot->in_call, n);
		ret = receive(&sh->rx[W.slot - sh->slots], W.fd, W.gen, n,
			      bufsz, flags, &ts, single);
		STORE(W.slot->in_call, 0);
		ADD(recv_calls, single);
		ADD(recv_batches, !single);
		if (ret == -EMSGSIZE && bufsz < MSGSIZE) {
			ADD(emsgsize, 1);
		} else if (ret < 0 && !expected_err(ret, flags)) {
			complain("recv on gen %u flags %#x: %s", W.gen, flags,
				 strerror(-ret));
			ADD(unexpected, 1);
		}
	}
}

/* Bind, look, close: races with unlink and re-create. */
static void binder(void)
{
	struct mqlab_attr a;
	int fd;

	while (!LOAD(sh->stop)) {
		memset(&a, 0, sizeof(a));
		fd = mqk_open_bind(sh->names[rnd(&W.rng) % NQ], O_RDONLY);
		if (fd == -ENOENT)
			continue;
		if (fd < 0 || mqk_getattr(fd, &a) < 0 ||
		    a.maxmsg != MAXMSG || a.msgsize != MSGSIZE ||
		    a.curmsgs > MAXMSG + BATCH) {
			complain("binder: fd %d maxmsg %llu msgsize %llu curmsgs %llu",
				 fd, (unsigned long long)a.maxmsg,
				 (unsigned long long)a.msgsize,
				 (unsigned long long)a.curmsgs);
			ADD(unexpected, 1);
		}
		ADD(binder_binds, 1);
		if (fd >= 0)
			close(fd);
	}
}

static void worker_main(struct slot *slot)
{
	pthread_t t;

	memset(&W, 0, sizeof(W));
	W.slot = slot;
	W.q = -1;
	W.fd = -1;
	W.cur_fd = -1;
	W.rng = mix(seed ^ mix(slot->id * 0x10001 + slot->kind));
	/*
	 * Nice 10: the test process (nice 0) keeps its pace of signals,
	 * kills and churn among 18 busy workers on a slow (debug, TCG) guest.
	 */
	if (setpriority(PRIO_PROCESS, 0, 10))
		complain("setpriority: %s", strerror(errno));
	/* no fault (that a SIGKILL could fail) when the kernel copies out */
	memset(&sh->rx[slot - sh->slots], 0, sizeof(struct rxbuf));
	if (slot->kind != K_BINDER &&
	    pthread_create(&t, NULL, closer, slot)) {
		complain("pthread_create failed");
		_exit(3);
	}
	switch (slot->kind) {
	case K_PROD:
		producer();
		break;
	case K_CONS:
		consumer();
		break;
	default:
		binder();
	}
	_exit(0);
}

/* ---- the test process ---- */

struct run {
	__u64 t0, secs;
	__u32 rng;
	__u32 ngens;
	int keeper[GEN_MAX];	/* fd per generation, -1 when closed */
	/* what the test did */
	__u32 signals, signals_blocked;
	__u32 kills[4], kills_blocked[4];
	__u32 churns, dropped, left;
	__u32 loss_budget;	/* ambiguous messages of killed consumers */
	__u32 salvaged;		/* what killed consumers got, recorded */
	__u32 died;		/* workers that died on their own */
	__u32 respawns;
};

static bool task_sleeping(pid_t pid)
{
	char path[64], buf[256], *p;
	bool s = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');
		s = p && p[1] == ' ' && p[2] == 'S';
	}
	fclose(f);
	return s;
}

static void spawn(struct run *R, enum kind kind)
{
	struct slot *s;
	pid_t pid;
	int i;

	for (i = 0; i < SLOTS && sh->slots[i].kind != K_FREE; i++)
		;
	if (i == SLOTS)
		return;
	s = &sh->slots[i];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->id = __atomic_fetch_add(&sh->next_prod, 1, __ATOMIC_RELAXED);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		worker_main(s);
	if (pid < 0) {
		s->kind = K_FREE;
		complain("fork: %s", strerror(errno));
		R->died++;
		return;
	}
	s->pid = pid;
}

/* Reap exited workers; salvage what a killed consumer was given. */
static void reap(struct run *R, bool respawn)
{
	enum kind kind;
	int status, i;
	__u32 g, amb;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < SLOTS && sh->slots[i].pid != pid; i++)
			;
		if (i == SLOTS)
			continue;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			if (sh->slots[i].kind == K_CONS) {
				amb = 0;
				R->salvaged += salvage(&sh->rx[i], &amb);
				g = sh->rx[i].gen;
				R->loss_budget += amb;
				if (g < GEN_MAX)
					sh->gens[g].loss_budget += amb;
			}
		} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			complain("worker %d (kind %u) ended with status %#x",
				 (int)pid, sh->slots[i].kind, status);
			R->died++;
		}
		kind = sh->slots[i].kind;
		memset(&sh->slots[i], 0, sizeof(sh->slots[i]));
		/* a producer that ended on its own found the count reached */
		if (respawn && (kind != K_PROD || WIFSIGNALED(status))) {
			spawn(R, kind);
			R->respawns++;
		}
	}
}

/* Workers of @kind alive or not reaped yet (any kind for K_FREE). */
static __u32 live_kind(enum kind kind)
{
	__u32 n = 0;
	int i;

	for (i = 0; i < SLOTS; i++)
		n += sh->slots[i].kind != K_FREE &&
		     (kind == K_FREE || sh->slots[i].kind == kind);
	return n;
}

static __u32 live(void)
{
	return live_kind(K_FREE);
}

static int create_gen(struct run *R, int q)
{
	__u32 g = ++R->ngens;
	int fd, ret;

	fd = mqk_open(O_RDWR);
	if (fd < 0)
		return fd;
	ret = mqk_bind(fd, sh->names[q], MQLAB_BIND_CREATE | MQLAB_BIND_EXCL,
		       0600, MAXMSG, MSGSIZE);
	if (ret) {
		close(fd);
		return ret;
	}
	R->keeper[g] = fd;
	sh->gens[g].q = q;
	STORE(sh->curgen[q], g);
	return 0;
}

/* Unlink queue @q's name and create it again: a new generation. */
static int churn(struct run *R, int q)
{
	int ret;

	if (R->ngens + 1 >= GEN_MAX)
		return 0;
	STORE(sh->seqcount[q], sh->seqcount[q] + 1);	/* odd */
	ret = mqk_unlink(sh->names[q]);
	if (!ret)
		ret = create_gen(R, q);
	STORE(sh->seqcount[q], sh->seqcount[q] + 1);	/* even */
	R->churns++;
	return ret;
}

static bool gen_in_use(__u32 g)
{
	int i;

	for (i = 0; i < SLOTS; i++)
		if (LOAD(sh->slots[i].gen[sh->gens[g].q]) == g)
			return true;
	return false;
}

/*
 * Drain generation @g through its keeper fd, check its counters, close
 * the keeper.  Returns how many messages the drain took.
 */
static __u32 drain_gen(struct run *R, __u32 g)
{
	struct mqlab_timespec ts = { 0 };
	struct mqlab_attr a, b;
	struct gen *G = &sh->gens[g];
	int fd = R->keeper[g], ret;
	__u32 n = 0;

	if (mqk_getattr(fd, &a)) {
		complain("gen %u: GETATTR: %s", g, strerror(errno));
		ADD(unexpected, 1);
	}
	if (a.curmsgs != a.sent - a.received) {
		complain("gen %u: curmsgs %llu, sent %llu - received %llu", g,
			 (unsigned long long)a.curmsgs,
			 (unsigned long long)a.sent,
			 (unsigned long long)a.received);
		ADD(unexpected, 1);
	}
	while ((ret = receive(&sh->rx[SLOTS], fd, g, BATCH, MSGSIZE,
			      MQLAB_IO_NONBLOCK, &ts, false)) > 0)
		n += ret;
	if (ret != -EAGAIN) {
		complain("gen %u: drain ended with %s", g, strerror(-ret));
		ADD(unexpected, 1);
	}
	if (mqk_getattr(fd, &b) || b.curmsgs || b.sent != b.received ||
	    n != a.curmsgs || b.waiting_senders || b.waiting_receivers) {
		complain("gen %u after a drain of %u: curmsgs %llu sent %llu received %llu waiting %u/%u (before: curmsgs %llu)",
			 g, n, (unsigned long long)b.curmsgs,
			 (unsigned long long)b.sent,
			 (unsigned long long)b.received, b.waiting_senders,
			 b.waiting_receivers, (unsigned long long)a.curmsgs);
		ADD(unexpected, 1);
	}
	G->kernel_sent = b.sent;
	G->kernel_received = b.received;
	G->drained = n;
	G->done = true;
	close(fd);
	R->keeper[g] = -1;
	return n;
}

/* Drain and close the retired generations nobody is bound to. */
static void retire(struct run *R)
{
	__u32 g;

	for (g = 1; g <= R->ngens; g++) {
		if (R->keeper[g] < 0 || sh->gens[g].done ||
		    LOAD(sh->curgen[sh->gens[g].q]) == g || gen_in_use(g))
			continue;
		R->dropped += drain_gen(R, g);
	}
}

/* A random worker of @kind (any when K_FREE) in a call, preferring sleepers. */
static struct slot *pick_busy(struct run *R, enum kind kind, bool *blocked)
{
	struct slot *s, *any = NULL;
	int i, start = rnd(&R->rng) % SLOTS;

	for (i = 0; i < SLOTS; i++) {
		s = &sh->slots[(start + i) % SLOTS];
		if (s->kind == K_FREE || s->kind == K_BINDER || !s->pid ||
		    (kind != K_FREE && s->kind != kind) || !LOAD(s->in_call))
			continue;
		if (task_sleeping(s->pid)) {
			*blocked = true;
			return s;
		}
		any = any ? any : s;
	}
	*blocked = false;
	return any;
}

static void chaos(struct run *R, __u64 t)
{
	static __u64 next_sig, next_kill, next_churn;
	struct slot *s;
	bool blocked;
	int ret;

	if (t >= next_sig) {
		next_sig = t + rnd(&R->rng) % 10;
		s = pick_busy(R, K_FREE, &blocked);
		if (s && !kill(s->pid, SIGUSR1)) {
			R->signals++;
			R->signals_blocked += blocked;
		}
	}
	if (t >= next_kill) {
		enum kind kind = rnd(&R->rng) % 2 ? K_PROD : K_CONS;

		next_kill = t + 20 + rnd(&R->rng) % 100;
		s = pick_busy(R, kind, &blocked);
		if (s && !kill(s->pid, SIGKILL)) {
			R->kills[kind]++;
			R->kills_blocked[kind] += blocked;
		}
	}
	if (t >= next_churn) {
		next_churn = t + 50 + rnd(&R->rng) % 200;
		ret = churn(R, rnd(&R->rng) % NQ);
		if (ret) {
			complain("churn: %s", strerror(-ret));
			ADD(unexpected, 1);
		}
	}
}

static bool debug_kernel(void)
{
	const char *e = getenv("MQSTRESS_DEBUG");

	if (e)
		return atoi(e) != 0;
	return access("/sys/kernel/debug/kmemleak", F_OK) == 0;
}

static __u32 env_u32(const char *name, __u32 def)
{
	const char *e = getenv(name);

	return e && *e ? (__u32)strtoul(e, NULL, 0) : def;
}

FIXTURE(stress) {
	struct mqk k;
	struct run *R;
};

FIXTURE_SETUP(stress)
{
	mqk_setup(_metadata, &self->k);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	self->R = calloc(1, sizeof(*self->R));
	ASSERT_NE(NULL, self->R);
}

FIXTURE_TEARDOWN(stress)
{
	int i;

	if (sh && sh != MAP_FAILED) {
		STORE(sh->stop, 1);
		for (i = 0; i < SLOTS; i++)
			if (sh->slots[i].pid > 0)
				kill(sh->slots[i].pid, SIGKILL);
		while (waitpid(-1, NULL, 0) > 0)
			;
	}
	mqk_teardown(&self->k);
}

/* Stop the workers: SIGUSR1 until all exited, at most STOP_MS. */
static bool stop_all(struct run *R)
{
	__u64 t0 = now_ms();
	int i;

	STORE(sh->stop, 1);
	while (live()) {
		for (i = 0; i < SLOTS; i++)
			if (sh->slots[i].pid > 0)
				kill(sh->slots[i].pid, SIGUSR1);
		mqk_sleep_ms(20);
		reap(R, false);
		if (now_ms() - t0 > STOP_MS) {
			for (i = 0; i < SLOTS; i++) {
				if (sh->slots[i].kind == K_FREE)
					continue;
				complain("worker %d (kind %u) stuck %u s after the stop, in_call %u",
					 sh->slots[i].pid, sh->slots[i].kind,
					 STOP_MS / 1000, sh->slots[i].in_call);
				kill(sh->slots[i].pid, SIGKILL);
			}
			while (live()) {
				mqk_sleep_ms(20);
				reap(R, false);
			}
			return false;
		}
	}
	return true;
}

TEST_F_TIMEOUT(stress, account_every_message, 600)
{
	struct run *R = self->R;
	__u32 per_sent[GEN_MAX] = { 0 }, per_inflight[GEN_MAX] = { 0 };
	__u32 per_rec[GEN_MAX] = { 0 };
	__u32 sent = 0, failed = 0, inflight = 0, inflight_recv = 0;
	__u32 lost = 0, kernel_lost = 0, g, i, gid, q;
	struct sigaction sa = { .sa_handler = on_usr1 };
	bool dbg = debug_kernel(), unstuck;
	struct counts *c = &sh->c;
	char tag[8];
	__u64 t;

	seed = env_u32("MQSTRESS_SEED", (__u32)mqk_now_ns(CLOCK_REALTIME) ^
			getpid());
	seed = seed ? seed : 1;
	R->rng = mix(seed);
	R->secs = env_u32("MQSTRESS_SECS", dbg ? 40 : 10);
	sh->max_gid = env_u32("MQSTRESS_MSGS", dbg ? 4000 : 40000);
	if (sh->max_gid > MSG_CAP)
		sh->max_gid = MSG_CAP;
	printf("# seed %u (MQSTRESS_SEED=%u to repeat the choices), %s kernel: %llu s or %u messages\n",
	       seed, seed, dbg ? "debug" : "stock",
	       (unsigned long long)R->secs, sh->max_gid);
	for (q = 0; q < NQ; q++) {
		snprintf(tag, sizeof(tag), "q%u", q);
		snprintf(sh->names[q], MQK_NAME_SIZE, "%s",
			 mqk_name(_metadata, &self->k, tag));
		ASSERT_EQ(0, create_gen(R, q));
	}
	/* inherited by every worker: no SA_RESTART, so EINTR */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	for (i = 0; i < NPROD; i++)
		spawn(R, K_PROD);
	for (i = 0; i < NCONS; i++)
		spawn(R, K_CONS);
	for (i = 0; i < NBINDERS; i++)
		spawn(R, K_BINDER);

	R->t0 = now_ms();
	for (;;) {
		t = now_ms() - R->t0;
		if (t >= R->secs * 1000)
			break;
		/* the message count is reached: the producers are gone */
		if (LOAD(sh->next_gid) >= sh->max_gid && !live_kind(K_PROD))
			break;
		reap(R, true);
		chaos(R, t);
		retire(R);
		mqk_sleep_ms(2);
	}
	unstuck = stop_all(R);
	t = now_ms() - R->t0;
	for (g = 1; g <= R->ngens; g++) {
		if (sh->gens[g].done)
			continue;
		if (LOAD(sh->curgen[sh->gens[g].q]) == g)
			R->left += drain_gen(R, g);
		else
			R->dropped += drain_gen(R, g);
	}
	for (q = 0; q < NQ; q++)
		EXPECT_EQ(0, mqk_unlink(sh->names[q]));

	/* the message table, against the rules */
	for (gid = 0; gid < LOAD(sh->next_gid) && gid < sh->max_gid; gid++) {
		struct msgrec *m = &sh->msgs[gid];

		g = m->gen;
		if (m->recv > 1)
			continue;	/* counted as dup already */
		switch (m->state) {
		case S_SENT:
			sent++;
			per_sent[g]++;
			if (!m->recv)
				lost++;
			break;
		case S_FAILED:
			failed++;
			if (m->recv) {
				complain("id %u: its send failed, yet it was received",
					 gid);
				ADD(unexpected, 1);
			}
			break;
		case S_INFLIGHT:
			inflight++;
			per_inflight[g]++;
			inflight_recv += m->recv;
			break;
		}
		if (m->state != S_UNUSED && g < GEN_MAX)
			per_rec[g] += m->recv;
	}
	for (g = 1; g <= R->ngens; g++) {
		struct gen *G = &sh->gens[g];

		if (G->kernel_sent < per_sent[g] ||
		    G->kernel_sent > per_sent[g] + per_inflight[g] ||
		    G->kernel_received < per_rec[g] ||
		    G->kernel_received - per_rec[g] > G->loss_budget) {
			complain("gen %u: kernel sent %u received %u; sent %u in flight %u recorded %u, loss budget %u",
				 g, G->kernel_sent, G->kernel_received,
				 per_sent[g], per_inflight[g], per_rec[g],
				 G->loss_budget);
			ADD(unexpected, 1);
		} else {
			kernel_lost += G->kernel_received - per_rec[g];
		}
	}

	printf("# %.1f s: %u messages moved (%u received by consumers, %u dropped with an unlinked queue, %u left in a queue at the end)\n",
	       t / 1000.0, c->recv_msgs, c->recv_msgs - R->dropped - R->left,
	       R->dropped, R->left);
	printf("# sent %u, failed %u, in flight at a producer's kill %u (%u of them received); %u salvaged from killed consumers; lost %u (kernel counters: %u), budget %u\n",
	       sent, failed, inflight, inflight_recv, R->salvaged, lost,
	       kernel_lost, R->loss_budget);
	printf("# calls: %u send, %u send batch, %u recv, %u recv batch; EAGAIN %u ETIMEDOUT %u EINTR %u EBADF %u EMSGSIZE %u\n",
	       c->send_calls, c->send_batches, c->recv_calls, c->recv_batches,
	       c->eagain, c->etimedout, c->eintr, c->ebadf, c->emsgsize);
	printf("# chaos: %u signals (%u to sleeping tasks), kill -9 %u producers (%u sleeping), %u consumers (%u sleeping); %u fds closed under a call; %u unlink+create; %u binds by workers, %u by binders; %u respawns\n",
	       R->signals, R->signals_blocked, R->kills[K_PROD],
	       R->kills_blocked[K_PROD], R->kills[K_CONS],
	       R->kills_blocked[K_CONS], c->closes, R->churns, c->binds,
	       c->binder_binds, R->respawns);

	fflush(stdout);	/* the harness ends the test with _exit() */
	EXPECT_TRUE(unstuck) TH_LOG("a worker was stuck after the stop");
	EXPECT_EQ(0, c->dup) TH_LOG("messages received twice");
	EXPECT_EQ(0, c->corrupt) TH_LOG("corrupt messages");
	EXPECT_EQ(0, c->wrongq) TH_LOG("messages out of the wrong queue");
	EXPECT_EQ(0, c->unexpected) TH_LOG("unexpected results (above)");
	EXPECT_EQ(0, R->died) TH_LOG("workers that died on their own");
	EXPECT_LE(lost, R->loss_budget)
		TH_LOG("SENT messages never received");
	EXPECT_LE(kernel_lost, R->loss_budget)
		TH_LOG("dequeued by the kernel, never recorded");
	EXPECT_EQ(c->recv_msgs, sent - lost + inflight_recv)
		TH_LOG("receipts against the table");
	/* a run that tested nothing fails */
	EXPECT_LT(100, c->recv_msgs);
	EXPECT_LT(0, c->send_batches);
	EXPECT_LT(0, c->recv_batches);
	EXPECT_LT(0, c->etimedout + c->eagain);
	EXPECT_LT(0, c->eintr);
	EXPECT_LT(0, R->signals);
	EXPECT_LT(0, R->kills[K_PROD]);
	EXPECT_LT(0, R->kills[K_CONS]);
	EXPECT_LT(0, c->closes);
	EXPECT_LT(0, R->churns);
	if (c->complaints > 20)
		printf("# %u breaches in all, 20 shown\n", c->complaints);
	fflush(stdout);
}

#include "../kselftest/mqlab_kst_last.h"

TEST_HARNESS_MAIN
