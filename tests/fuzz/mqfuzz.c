// SPDX-License-Identifier: GPL-2.0
/*
 * mqfuzz - a bounded, replayable ioctl/read/write/poll fuzzer for
 * /dev/mqueue-lab (kselftest harness, TAP).
 *
 * What it does, from one printed seed (xorshift64*):
 *   - ioctls with the header's MQLAB_IOC_* commands, their argument
 *     structs built mostly valid and then spoiled: random flag, pad and
 *     reserved bits (bit flips and odd words anywhere in the struct),
 *     NULL, unmapped, PROT_NONE, kernel-space, misaligned and
 *     non-canonical pointers, pointers to a buffer that ends at an
 *     unmapped page, huge lengths and counts, names with odd bytes
 *     (control bytes, 0xff, '/', NUL, ".", "..", too long);
 *   - commands around the device's magic with random numbers, sizes and
 *     directions (ENOTTY unless it is one of the header's commands);
 *   - read(2) and write(2) of odd sizes, poll(2);
 *   - on unbound and bound fds of every access mode (O_RDONLY, O_WRONLY,
 *     O_RDWR, and 3, which cannot bind), some O_NONBLOCK;
 *   - from children that are killed (SIGKILL) while they are blocked in
 *     a send or receive, after which the queue must still work with no
 *     message lost, duplicated or charged.
 * A call that may block is bounded by a 3 ms timer (periodic while the
 * call runs) whose signal (handler without SA_RESTART) ends the wait with
 * EINTR.
 *
 * Errnos: every failing call's errno must be one that the header's
 * opening comment documents for that command.  The table comes from the
 * header itself at build time (gen-errnos.sh: the "Errors" list of each
 * "MQLAB_IOC_*" section; the read(2) paragraph), so a command added to
 * the header is fuzzed (with a random argument struct of its _IOC_SIZE)
 * and checked with no change here.  Generic errnos, allowed for every
 * command on top of its own list:
 *   EFAULT  the header's convention "an unreadable or unwritable argument
 *           struct or buffer: EFAULT", which holds for any command (the
 *           fuzzer gives every command bad argument pointers, and a name
 *           pointer of UNLINK, whose list does not repeat it)
 * and ENOTTY is what a number that is not a command must give.  EINVAL,
 * EINTR, EBADF, EBADFD and ENOMEM are not generic: a command must
 * document them (EINTR from a command that never waits would be a bug).
 * read(2) may give MQLAB_IOC_RECV's errnos, write(2) MQLAB_IOC_SEND's,
 * both those of the read(2) paragraph.  A successful ioctl must return 0
 * (a batch: 1 .. count), read() at most the size asked, write() all of it.
 * Kernel reports (oops, WARNING, KASAN, lockdep...) are the VM runner's
 * check after each program (tools/vm/guest-run.sh).
 *
 * Bounds and replay:
 *   MQFUZZ_SEED=N   the seed (default: from the clock and pid; printed)
 *   MQFUZZ_ITERS=N  iterations of the ioctl fuzz (default 20000, or 15000
 *                   on a debug kernel: /sys/kernel/debug/kmemleak exists)
 * The sequence of calls depends only on the seed (never on results), so
 * MQFUZZ_SEED=<seed> MQFUZZ_ITERS=<iteration+1> replays a failure up to
 * the call that failed.
 *
 * Queues are named "kst-fuzz-<pid>-..." and every one the fuzzer may
 * have made is unlinked at the end (zz_cleanup checks none is left).
 */
#define _GNU_SOURCE

#include <limits.h>
#include <sys/time.h>

#include "mqlab_kst.h"

struct mqfuzz_cmd {
	const char *name;
	unsigned long cmd;
	const char *doc;	/* the documented errnos, for messages */
	int errnos[32];		/* 0-terminated */
};

#include "mqfuzz_errnos.h"

#define NCMDS		(sizeof(mqfuzz_cmds) / sizeof(mqfuzz_cmds[0]))
#define NERR		160	/* errno values counted, 0 .. NERR-1 */
#define NSLOTS		16	/* fds in the pool */
#define NPOOL		8	/* plain pool names */
#define NODD		8	/* pool names with odd bytes */
#define NTRACK		512	/* names a BIND may have created */
#define ARGMAX		512	/* largest argument struct fuzzed */
#define MAXLOG		10	/* violations printed */
#define TIMER_US	3000	/* bound on a call that blocks */
#define ITERS_STOCK	20000
#define ITERS_DEBUG	15000

/* Per-command counters; index NCMDS: a non-command, +1 read, +2 write. */
struct stat1 {
	unsigned long calls, ok;
	unsigned long err[NERR];
};

struct name {
	__u32 len;
	unsigned char b[MQLAB_NAME_MAX + 64];
};

struct fuzz {
	__u64 rng;
	long pg;
	unsigned char *arena;	/* ARENA_PAGES read-write pages ... */
	unsigned char *guard;	/* ... followed by one PROT_NONE page */
	unsigned char *hole;	/* an unmapped page between two PROT_NONE */
	unsigned char *none;	/* a PROT_NONE page */
	unsigned char *argbuf;	/* the argument struct's home */
	struct {
		int fd;
		int oflags;
	} slot[NSLOTS];
	struct name pool[NPOOL + NODD];
	struct name track[NTRACK];
	int ntrack;
	struct stat1 st[NCMDS + 3];
	unsigned long violations, iters;
	unsigned long kills;
};

#define ARENA_PAGES	8

static __u64 seed;
static unsigned long iters;

static void noop(int sig)
{
	(void)sig;
}

/* ---------------------------------------------------------------- */
/* Random numbers                                                    */
/* ---------------------------------------------------------------- */

static __u64 rnd64(struct fuzz *f)
{
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 0x2545F4914F6CDD1DULL;
}

static __u32 rnd(struct fuzz *f, __u32 n)
{
	return n ? (__u32)(rnd64(f) >> 33) % n : 0;
}

/* true with probability @pct percent */
static bool chance(struct fuzz *f, unsigned int pct)
{
	return rnd(f, 100) < pct;
}

static __u32 odd32(struct fuzz *f)
{
	static const __u32 v[] = { 0, 1, 2, 3, 7, 8, 63, 64, 65, 255, 256,
		4095, 4096, 4097, 8191, 8192, 8193, 32767, 32768, 65535,
		65536, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff };

	return chance(f, 80) ? v[rnd(f, sizeof(v) / sizeof(v[0]))]
			     : (__u32)rnd64(f);
}

static __u64 odd64(struct fuzz *f)
{
	switch (rnd(f, 4)) {
	case 0:
		return ~0ULL;
	case 1:
		return 1ULL << rnd(f, 64);
	case 2:
		return rnd64(f);
	default:
		return odd32(f);
	}
}

/* ---------------------------------------------------------------- */
/* Pointers                                                          */
/* ---------------------------------------------------------------- */

static bool mapped(long pg, __u64 addr)
{
	unsigned char vec;

	if (addr > UINTPTR_MAX)
		return false;
	return mincore((void *)(uintptr_t)(addr & ~(__u64)(pg - 1)), pg,
		       &vec) == 0 || errno != ENOMEM;
}

/*
 * An address the kernel must refuse: a kernel one (x86-64 kernel text
 * and direct map; in a 32-bit program also addresses above 3 GiB and the
 * top page, above a compat task's TASK_SIZE) that is not mapped here.
 */
static __u64 kernel_ptr(struct fuzz *f)
{
	static const __u64 v[] = { 0xffffffff81000000ULL,
		0xffff888000000000ULL, 0xfffffffffffff000ULL,
		0xc0000000ULL, 0xd0000000ULL, 0xfffff000ULL };
	__u64 p;
	int i;

	for (i = 0; i < 8; i++) {
		p = v[rnd(f, sizeof(v) / sizeof(v[0]))];
		if (sizeof(void *) == 8 && p <= 0xffffffffULL)
			p <<= 32;	/* 64-bit: 0xc0000000 00000000 */
		if (!mapped(f->pg, p))
			return p;
	}
	return 0xffffffff81000000ULL;
}

/* The same, for a 32-bit program's own pointers (ioctl arg, read buf). */
static unsigned long kernel_ptr_long(struct fuzz *f)
{
	static const unsigned long v[] = { 0xc0000000UL, 0xd0000000UL,
		0xffffe000UL, 0xfffff000UL };
	unsigned long p;
	int i;

	if (sizeof(long) == 8)
		return (unsigned long)kernel_ptr(f);
	for (i = 0; i < 8; i++) {
		p = v[rnd(f, sizeof(v) / sizeof(v[0]))];
		if (!mapped(f->pg, p))
			return p;
	}
	return 0xfffff000UL;
}

/* A pointer for a field (@len bytes it points at, for ends-at-guard). */
static __u64 fuzz_ptr(struct fuzz *f, __u32 len)
{
	__u64 span = (ARENA_PAGES - 1) * f->pg;

	switch (rnd(f, 20)) {
	case 0:
		return 0;
	case 1:
		return mqk_ptr(f->hole) + rnd(f, f->pg);
	case 2:
		return mqk_ptr(f->none) + rnd(f, f->pg);
	case 3:
		return kernel_ptr(f);
	case 4:
		return (mqk_ptr(f->arena) + rnd(f, span)) | 1; /* misaligned */
	case 5:		/* ends at the unmapped page */
		return mqk_ptr(f->guard) - 1 - rnd(f, len ? len : 64);
	case 6:
		return 0x8000000000000000ULL | rnd64(f);	/* non-canonical */
	default:
		return mqk_ptr(f->arena) + (rnd(f, span) & ~7ULL);
	}
}

/* ---------------------------------------------------------------- */
/* Names                                                             */
/* ---------------------------------------------------------------- */

static void make_pool(struct fuzz *f)
{
	int i, j, n;

	for (i = 0; i < NPOOL + NODD; i++) {
		struct name *nm = &f->pool[i];

		n = snprintf((char *)nm->b, sizeof(nm->b), "kst-fuzz-%d-%d",
			     (int)getpid(), i);
		if (i >= NPOOL) {	/* odd bytes, never '/' or NUL */
			for (j = 0; j < 1 + i % 6; j++) {
				unsigned char c = 1 + rnd(f, 255);

				nm->b[n++] = c == '/' ? 0xff : c;
			}
		}
		nm->len = n;
	}
}

static bool same_name(const struct name *a, const unsigned char *b,
		      __u32 len)
{
	return a->len == len && !memcmp(a->b, b, len);
}

/* Remember a name a successful BIND with CREATE may have made. */
static void track(struct fuzz *f, __u64 uptr, __u32 len)
{
	const unsigned char *p = (const unsigned char *)(uintptr_t)uptr;
	int i;

	if (!len || len > MQLAB_NAME_MAX || f->ntrack >= NTRACK)
		return;
	for (i = 0; i < f->ntrack; i++)
		if (same_name(&f->track[i], p, len))
			return;
	f->track[f->ntrack].len = len;
	memcpy(f->track[f->ntrack].b, p, len);
	f->ntrack++;
}

/*
 * A name at a pointer the caller places in a struct: a pool name, a bad
 * one, or one with a bad pointer or length.  Bytes go to the top of the
 * arena's first page.
 */
static void fuzz_name(struct fuzz *f, __u64 *uptr, __u32 *len)
{
	unsigned char *b = f->arena + 2 * f->pg;	/* page 2: names */
	const struct name *nm = &f->pool[rnd(f, NPOOL + NODD)];
	__u32 n = nm->len;

	memcpy(b, nm->b, n);
	switch (rnd(f, 12)) {
	case 0:
		n = 0;
		break;
	case 1:
		memcpy(b, ".", 1);
		n = 1;
		break;
	case 2:
		memcpy(b, "..", 2);
		n = 2;
		break;
	case 3:			/* a '/' or NUL inside */
		b[rnd(f, n)] = chance(f, 50) ? '/' : '\0';
		break;
	case 4:			/* too long, or exactly the maximum */
		n = MQLAB_NAME_MAX + (chance(f, 50) ? 0 : 1 + rnd(f, 40));
		memset(b + nm->len, 'x', n - nm->len);
		break;
	case 5:
		n = odd32(f);
		break;
	default:
		break;
	}
	*uptr = chance(f, 85) ? mqk_ptr(b) : fuzz_ptr(f, n);
	*len = n;
}

/* ---------------------------------------------------------------- */
/* Argument structs                                                  */
/* ---------------------------------------------------------------- */

static __u32 fuzz_ioflags(struct fuzz *f, struct mqlab_timespec *ts)
{
	memset(ts, 0, sizeof(*ts));
	switch (rnd(f, 8)) {
	case 0:
		return 0;	/* may block: the timer ends it */
	case 1:
		ts->tv_nsec = rnd(f, 2000000);
		return MQLAB_IO_TIMEOUT;
	case 2:			/* a point already passed, or not */
		ts->tv_sec = rnd(f, 3);
		return MQLAB_IO_TIMEOUT | MQLAB_IO_ABSTIME |
		       (chance(f, 50) ? MQLAB_IO_REALTIME : 0);
	case 3:
		ts->tv_sec = odd64(f);
		ts->tv_nsec = odd64(f);
		return rnd(f, 16);
	default:
		return MQLAB_IO_NONBLOCK;
	}
}

static __u32 fuzz_len(struct fuzz *f)
{
	return chance(f, 80) ? rnd(f, 200) : odd32(f);
}

static __u64 fuzz_count(struct fuzz *f)
{
	return chance(f, 85) ? 1 + rnd(f, 8) : odd32(f);
}

static void fill_msgs(struct fuzz *f, unsigned char *at, bool send)
{
	struct mqlab_batch_msg *m = (struct mqlab_batch_msg *)at;
	int i;

	for (i = 0; i < 8; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		m[i].buf = chance(f, 90) ? mqk_ptr(f->arena) + 64 * rnd(f, 32)
					 : fuzz_ptr(f, 64);
		m[i].len = fuzz_len(f);
		m[i].prio = send && chance(f, 90) ? rnd(f, 40) : odd32(f);
		if (!send && chance(f, 50)) {
			m[i].pid = odd32(f);
			m[i].timestamp_ns = odd64(f);
		}
	}
}

/*
 * Build the argument of @c (a header command) in @a, mostly valid for the
 * commands this file knows, random for the others.
 */
static void build(struct fuzz *f, const char *c, unsigned char *a,
		  __u32 size)
{
	unsigned char *msgs = f->arena + 3 * f->pg;	/* page 3: batches */
	__u32 i;

	memset(a, 0, size);
	if (!strcmp(c, "MQLAB_IOC_BIND")) {
		struct mqlab_bind *b = (void *)a;

		fuzz_name(f, &b->name, &b->name_len);
		b->flags = chance(f, 80) ? rnd(f, 4) : odd32(f);
		b->mode = chance(f, 80) ? 0600 | rnd(f, 0200) : odd32(f);
		b->maxmsg = chance(f, 80) ? rnd(f, 8) : odd64(f);
		b->msgsize = chance(f, 80) ? rnd(f, 256) : odd64(f);
	} else if (!strcmp(c, "MQLAB_IOC_UNLINK")) {
		struct mqlab_unlink *u = (void *)a;

		fuzz_name(f, &u->name, &u->name_len);
	} else if (!strcmp(c, "MQLAB_IOC_CHOWN")) {
		struct mqlab_chown *o = (void *)a;

		/* root (CAP_FOWNER, CAP_CHOWN, CAP_DAC_OVERRIDE) may do any */
		fuzz_name(f, &o->name, &o->name_len);
		o->flags = chance(f, 80) ? rnd(f, 8) : odd32(f);
		if (o->flags & MQLAB_CHOWN_MODE)
			o->mode = chance(f, 80) ? rnd(f, 01000) : odd32(f);
		if (o->flags & MQLAB_CHOWN_UID)
			o->uid = chance(f, 80) ? rnd(f, 2) * 65534 : odd32(f);
		if (o->flags & MQLAB_CHOWN_GID)
			o->gid = chance(f, 80) ? rnd(f, 2) * 65534 : odd32(f);
	} else if (!strcmp(c, "MQLAB_IOC_SEND") ||
		   !strcmp(c, "MQLAB_IOC_SEND_TTL")) {
		/* struct mqlab_send_ttl begins with struct mqlab_send. */
		struct mqlab_send_ttl *s = (void *)a;

		s->buf = fuzz_ptr(f, 256);
		s->len = fuzz_len(f);
		s->prio = chance(f, 90) ? rnd(f, 40) : odd32(f);
		s->flags = fuzz_ioflags(f, &s->timeout);
		/* Mostly TTLs that run out while the fuzzer runs. */
		if (size >= sizeof(*s))
			s->ttl_ns = chance(f, 80) ? rnd(f, 5) * 1000000ULL :
						    odd64(f);
	} else if (!strcmp(c, "MQLAB_IOC_RECV")) {
		struct mqlab_recv *r = (void *)a;

		r->buf = fuzz_ptr(f, 256);
		r->len = chance(f, 80) ? 1024 : fuzz_len(f);
		r->flags = fuzz_ioflags(f, &r->timeout);
		r->prio = odd32(f);
		/* Peek and the selectors (bits 4..7), valid or not. */
		if (chance(f, 40)) {
			r->flags |= rnd(f, 16) << 4;
			if (chance(f, 80))
				r->prio = rnd(f, 40);
		}
		r->timestamp_ns = odd64(f);
	} else if (!strcmp(c, "MQLAB_IOC_SETATTR")) {
		a[0] = rnd(f, 2);
	} else if (!strcmp(c, "MQLAB_IOC_NOTIFY")) {
		struct mqlab_notify *n = (void *)a;

		n->action = chance(f, 90) ? rnd(f, 5) : odd32(f);
		if (n->action == MQLAB_NOTIFY_SIGNAL) {
			n->signo = chance(f, 90) ? SIGUSR1 : odd32(f);
			n->value = odd64(f);
		}
	} else if (!strcmp(c, "MQLAB_IOC_SEND_BATCH") ||
		   !strcmp(c, "MQLAB_IOC_RECV_BATCH")) {
		struct mqlab_batch *b = (void *)a;

		fill_msgs(f, msgs, !strcmp(c, "MQLAB_IOC_SEND_BATCH"));
		b->msgs = chance(f, 85) ? mqk_ptr(msgs) : fuzz_ptr(f, 64);
		b->count = fuzz_count(f);
		b->flags = fuzz_ioflags(f, &b->timeout);
	} else if (strcmp(c, "MQLAB_IOC_VERSION") &&
		   strcmp(c, "MQLAB_IOC_GETATTR")) {
		/* A command this file does not know: pointers and numbers. */
		for (i = 0; i + 8 <= size; i += 8) {
			__u64 v = chance(f, 40) ? fuzz_ptr(f, 64) :
				  chance(f, 50) ? 0 : odd64(f);

			memcpy(a + i, &v, 8);
		}
		if (size >= 16 && chance(f, 50)) {	/* a name first */
			__u64 p;
			__u32 n;

			fuzz_name(f, &p, &n);
			memcpy(a, &p, 8);
			memcpy(a + 8, &n, 4);
		}
	} else {
		for (i = 0; i < size; i++)	/* output only: garbage */
			a[i] = rnd(f, 256);
	}
}

/* Random flag, pad and reserved bits: anywhere in the struct. */
static void spoil(struct fuzz *f, unsigned char *a, __u32 size)
{
	__u32 w;
	int i, n;

	if (!size)
		return;
	if (chance(f, 25)) {
		n = 1 + rnd(f, 3);
		for (i = 0; i < n; i++)
			a[rnd(f, size)] ^= 1u << rnd(f, 8);
	}
	if (size >= 4 && chance(f, 10)) {
		w = odd32(f);
		memcpy(a + (rnd(f, size / 4) * 4), &w, 4);
	}
}

/*
 * Signals the fuzzer does not catch: those it cannot, SIGCHLD (the
 * harness waits for its children), and those of a real fault (a no-op
 * handler would loop on the faulting instruction).
 */
static bool uncaught(__u32 sig)
{
	return sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD ||
	       sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
	       sig == SIGFPE || sig == SIGTRAP || sig == SIGABRT ||
	       sig == SIGSYS;
}

/* NOTIFY must never make the device send us a signal we do not catch. */
static void defuse(const char *c, unsigned char *a, __u32 size)
{
	struct mqlab_notify *n = (void *)a;

	if (!strcmp(c, "MQLAB_IOC_NOTIFY") && size >= sizeof(*n) &&
	    n->action == MQLAB_NOTIFY_SIGNAL && uncaught(n->signo))
		n->signo = SIGUSR1;
}

/*
 * Where the argument goes: its home, misaligned, straddling the
 * unmapped page, or a bad pointer.
 */
static unsigned long arg_ptr(struct fuzz *f, unsigned char *a, __u32 size,
			     unsigned char **copy)
{
	unsigned char *at;
	__u64 p;

	*copy = NULL;
	switch (rnd(f, 20)) {
	case 0:
		at = f->argbuf + 1 + rnd(f, 7);
		break;
	case 1:
		if (!size)
			return 0;
		at = f->guard - size + 1 + rnd(f, size);
		break;
	case 2:
		p = fuzz_ptr(f, size);
		return p > ULONG_MAX ? kernel_ptr_long(f) : (unsigned long)p;
	default:
		return (unsigned long)(uintptr_t)a;
	}
	*copy = at;
	return (unsigned long)(uintptr_t)at;
}

/* ---------------------------------------------------------------- */
/* Calls and checks                                                  */
/* ---------------------------------------------------------------- */

/*
 * The timer that ends a call that blocks: periodic while the call runs,
 * so that a signal that comes before the call reaches its wait (the
 * task preempted between setitimer() and ioctl()) is followed by another.
 */
static void arm(bool on)
{
	struct itimerval it = {
		.it_value = { 0, on ? TIMER_US : 0 },
		.it_interval = { 0, on ? TIMER_US : 0 },
	};

	setitimer(ITIMER_REAL, &it, NULL);
}

static const char *ename(int e)
{
	const char *s = e ? strerrorname_np(e) : "other";

	return s ? s : "E?";
}

static bool documented(const int *list, int e)
{
	for (; *list; list++)
		if (*list == e)
			return true;
	return false;
}

static void violation(struct fuzz *f, unsigned long it, const char *what,
		      unsigned long cmd, long ret, int e, const char *doc)
{
	if (f->violations++ < MAXLOG)
		printf("# VIOLATION seed %llu iteration %lu: %s (cmd or size %#lx)"
		       " returned %ld errno %s; documented: %s (and EFAULT)\n",
		       (unsigned long long)seed, it, what, cmd, ret, ename(e),
		       doc);
}

static void count(struct stat1 *s, long ret, int e)
{
	s->calls++;
	if (ret >= 0)
		s->ok++;
	else
		s->err[e < NERR ? e : 0]++;
}

/* The commands build() knows, whose success returns 0. */
static bool known(const char *c)
{
	static const char *const k[] = { "MQLAB_IOC_VERSION", "MQLAB_IOC_BIND",
		"MQLAB_IOC_UNLINK", "MQLAB_IOC_SEND", "MQLAB_IOC_RECV",
		"MQLAB_IOC_GETATTR", "MQLAB_IOC_SETATTR", "MQLAB_IOC_NOTIFY",
		"MQLAB_IOC_CHOWN", "MQLAB_IOC_SEND_TTL" };
	unsigned int i;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (!strcmp(c, k[i]))
			return true;
	return false;
}

static int pick_fd(struct fuzz *f)
{
	return f->slot[rnd(f, NSLOTS)].fd;
}

static void one_ioctl(struct fuzz *f, unsigned long it)
{
	static unsigned char a[ARGMAX] __attribute__((aligned(8)));
	const struct mqfuzz_cmd *c = NULL;
	unsigned long cmd, arg;
	unsigned char *copy;
	__u32 size, i;
	long ret;
	int fd = pick_fd(f), e;

	if (chance(f, 80)) {
		c = &mqfuzz_cmds[rnd(f, NCMDS)];
		cmd = c->cmd;
	} else {		/* around the magic */
		cmd = _IOC(rnd(f, 4), MQLAB_IOC_MAGIC,
			   chance(f, 80) ? rnd(f, NCMDS + 8) : rnd(f, 256),
			   chance(f, 50) ? rnd(f, ARGMAX) :
			   _IOC_SIZE(mqfuzz_cmds[rnd(f, NCMDS)].cmd));
		for (i = 0; i < NCMDS; i++)
			if (mqfuzz_cmds[i].cmd == cmd)
				c = &mqfuzz_cmds[i];
	}
	size = _IOC_SIZE(cmd);
	if (size > ARGMAX)
		size = ARGMAX;
	build(f, c ? c->name : "", a, size);
	spoil(f, a, size);
	if (c)
		defuse(c->name, a, size);
	arg = arg_ptr(f, a, size, &copy);
	if (copy)
		memcpy(copy, a, copy + size <= f->guard ? size :
		       (__u32)(f->guard - copy));

	arm(true);
	ret = ioctl(fd, cmd, arg);
	e = errno;
	arm(false);

	count(&f->st[c ? (__u32)(c - mqfuzz_cmds) : NCMDS], ret, e);
	if (!c) {
		if (ret != -1 || e != ENOTTY)
			violation(f, it, "a non-command", cmd, ret, e, "ENOTTY");
		return;
	}
	if (ret < 0) {
		if (!documented(c->errnos, e) && e != EFAULT)
			violation(f, it, c->name, cmd, ret, e, c->doc);
		return;
	}
	if (_IOC_NR(cmd) == _IOC_NR(MQLAB_IOC_SEND_BATCH) ||
	    _IOC_NR(cmd) == _IOC_NR(MQLAB_IOC_RECV_BATCH)) {
		if (ret < 1 || ret > MQLAB_BATCH_MAX)
			violation(f, it, c->name, cmd, ret, 0, "1..count");
	} else if (known(c->name) && ret != 0) {
		violation(f, it, c->name, cmd, ret, 0, "0 on success");
	}
	/*
	 * A BIND that may have created a queue: remember its name (the
	 * kernel read it, so it is readable here too, wherever a flipped
	 * bit made it point).
	 */
	if (cmd == MQLAB_IOC_BIND) {
		struct mqlab_bind *b = (void *)a;

		if (b->flags & MQLAB_BIND_CREATE)
			track(f, b->name, b->name_len);
	}
}

static void one_rw(struct fuzz *f, unsigned long it)
{
	static const size_t sizes[] = { 0, 1, 2, 7, 63, 64, 255, 4096, 8191,
		8192, 8193, 65536, 1 << 24, SSIZE_MAX };
	const struct mqfuzz_cmd *like = NULL;
	bool wr = chance(f, 50);
	size_t n = chance(f, 70) ? sizes[rnd(f, sizeof(sizes) / sizeof(sizes[0]))]
				 : rnd(f, 300);
	__u64 p = fuzz_ptr(f, n);
	void *buf = (void *)(uintptr_t)p;
	int fd = pick_fd(f), e;
	unsigned int i;
	ssize_t ret;

	if (p > UINTPTR_MAX)
		buf = (void *)kernel_ptr_long(f);
	for (i = 0; i < NCMDS; i++)
		if (mqfuzz_cmds[i].cmd == (wr ? MQLAB_IOC_SEND : MQLAB_IOC_RECV))
			like = &mqfuzz_cmds[i];
	arm(true);
	ret = wr ? write(fd, buf, n) : read(fd, buf, n);
	e = errno;
	arm(false);
	count(&f->st[NCMDS + 1 + wr], ret, e);
	if (ret < 0) {
		if (!documented(mqfuzz_rw_errnos, e) && e != EFAULT &&
		    !(like && documented(like->errnos, e)))
			violation(f, it, wr ? "write(2)" : "read(2)", n, ret, e,
				  wr ? "MQLAB_IOC_SEND's, " MQFUZZ_RW_ERRNOS
				     : "MQLAB_IOC_RECV's, " MQFUZZ_RW_ERRNOS);
	} else if (wr ? (size_t)ret != n : (size_t)ret > n) {
		violation(f, it, wr ? "write(2)" : "read(2)", n, ret, 0,
			  "the size (write), at most the size (read)");
	}
}

static void one_poll(struct fuzz *f, unsigned long it)
{
	struct pollfd p = { .fd = pick_fd(f),
			    .events = POLLIN | POLLOUT | POLLPRI };
	int ret = poll(&p, 1, 0);
	/* A destroyed queue (MQLAB_UNLINK_DESTROY) reports just these. */
	bool destroyed = p.revents == (POLLERR | POLLHUP);

	if (ret < 0 || (p.revents & POLLNVAL) ||
	    ((p.revents & POLLERR) && !destroyed))
		violation(f, it, "poll(2)", 0, ret, ret < 0 ? errno : 0,
			  "no error, no POLLERR (MQLAB_FEAT_POLL_UNBOUND) but for a destroyed queue's POLLERR | POLLHUP alone");
}

/* Open slot @i: unbound, or bound to a pool queue (made if needed). */
static void open_slot(struct fuzz *f, int i, bool bind)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR, 3 };
	int mode = modes[rnd(f, 4)], nb = chance(f, 30) ? O_NONBLOCK : 0;
	const struct name *nm = &f->pool[rnd(f, NPOOL + NODD)];

	if (f->slot[i].fd > 0)
		close(f->slot[i].fd);
	f->slot[i].oflags = mode | nb;
	f->slot[i].fd = open(MQLAB_DEVICE_PATH, mode | nb | O_CLOEXEC);
	if (bind && mode != 3 && f->slot[i].fd >= 0)
		mqk_bind_len(f->slot[i].fd, nm->b, nm->len, MQLAB_BIND_CREATE,
			     0666, 4, 128);
}

static void fuzz_init(struct fuzz *f, __u64 s)
{
	struct sigaction sa = { .sa_handler = noop };	/* no SA_RESTART */
	unsigned char *p;
	int i;

	memset(f, 0, sizeof(*f));
	f->rng = s ? s : 1;
	f->pg = getpagesize();
	for (i = 1; i < 65; i++)
		if (!uncaught(i))
			sigaction(i, &sa, NULL);	/* 32, 33: glibc's */
	p = mmap(NULL, (ARENA_PAGES + 1) * f->pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	f->arena = p;
	f->guard = p + ARENA_PAGES * f->pg;
	mprotect(f->guard, f->pg, PROT_NONE);
	f->argbuf = f->arena;			/* page 0: arguments */
	p = mmap(NULL, 3 * f->pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	f->none = p;
	f->hole = p + f->pg;
	munmap(f->hole, f->pg);
	make_pool(f);
	for (i = 0; i < NPOOL + NODD; i++)
		track(f, mqk_ptr(f->pool[i].b), f->pool[i].len);
	for (i = 0; i < NSLOTS; i++)
		open_slot(f, i, i >= 4);
}

static void fuzz_fini(struct fuzz *f)
{
	int i;

	for (i = 0; i < NSLOTS; i++)
		if (f->slot[i].fd > 0)
			close(f->slot[i].fd);
}

static void unlink_tracked(struct fuzz *f)
{
	int fd = mqk_open(O_RDWR), i;

	for (i = 0; i < f->ntrack; i++)
		mqk_unlink_len(fd, f->track[i].b, f->track[i].len, 0);
	close(fd);
}

/*
 * A child that sends and receives on the pool's fds, blocking, until it
 * is killed: the parent kills it at a random moment, mid-call.
 */
static void busy_child(struct fuzz *f)
{
	struct mqlab_send s = { .buf = mqk_ptr(f->arena), .len = 16 };
	struct mqlab_recv r = { .buf = mqk_ptr(f->arena), .len = 1024 };
	struct mqlab_batch b = { .msgs = mqk_ptr(f->arena + 3 * f->pg) };

	for (;;) {
		int fd = pick_fd(f);

		switch (rnd(f, 4)) {
		case 0:
			ioctl(fd, MQLAB_IOC_SEND, &s);
			break;
		case 1:
			ioctl(fd, MQLAB_IOC_RECV, &r);
			break;
		default:
			fill_msgs(f, f->arena + 3 * f->pg, true);
			b.count = 1 + rnd(f, 8);
			ioctl(fd, rnd(f, 2) ? MQLAB_IOC_SEND_BATCH
					    : MQLAB_IOC_RECV_BATCH, &b);
			break;
		}
	}
}

static void kill_busy_child(struct fuzz *f)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		f->rng ^= (__u64)getpid() << 17;
		busy_child(f);
	}
	if (pid < 0)
		return;
	mqk_sleep_ms(1 + rnd(f, 20));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	f->kills++;
}

static void print_stats(struct fuzz *f, double secs)
{
	char line[2048];
	unsigned int i, e;
	int n;

	printf("# seed %llu, %lu iterations, %lu children killed mid-call,"
	       " %.1f s (replay: MQFUZZ_SEED=%llu MQFUZZ_ITERS=%lu)\n",
	       (unsigned long long)seed, f->iters, f->kills, secs,
	       (unsigned long long)seed, f->iters);
	for (i = 0; i < NCMDS + 3; i++) {
		const char *nm = i < NCMDS ? mqfuzz_cmds[i].name :
				 i == NCMDS ? "non-command" :
				 i == NCMDS + 1 ? "read(2)" : "write(2)";

		n = snprintf(line, sizeof(line), "# %-20s %6lu calls %6lu ok",
			     nm, f->st[i].calls, f->st[i].ok);
		for (e = 0; e < NERR; e++)
			if (f->st[i].err[e] && n < (int)sizeof(line) - 40)
				n += snprintf(line + n, sizeof(line) - n,
					      " %s=%lu", ename(e),
					      f->st[i].err[e]);
		puts(line);
	}
	printf("# violations: %lu (errno \"other\": %d or above)\n",
	       f->violations, NERR);
	fflush(stdout);	/* the harness ends a test with _exit() */
}

/* ---------------------------------------------------------------- */
/* Tests                                                             */
/* ---------------------------------------------------------------- */

FIXTURE(fuzz) {
	struct mqk k;
	struct fuzz f;
};

FIXTURE_SETUP(fuzz)
{
	mqk_setup(_metadata, &self->k);
	fuzz_init(&self->f, seed);
	ASSERT_NE(MAP_FAILED, (void *)self->f.arena);
	ASSERT_NE(MAP_FAILED, (void *)self->f.none);
}

FIXTURE_TEARDOWN(fuzz)
{
	fuzz_fini(&self->f);
	unlink_tracked(&self->f);
	mqk_teardown(&self->k);
}

/* ioctls, read, write and poll: every errno documented, nothing odd. */
TEST_F_TIMEOUT(fuzz, calls, 600)
{
	struct fuzz *f = &self->f;
	__u64 t0 = mqk_now_ns(CLOCK_MONOTONIC);
	unsigned long it;
	int r;

	for (it = 0; it < iters; it++) {
		r = rnd(f, 100);
		if (r < 78)
			one_ioctl(f, it);
		else if (r < 92)
			one_rw(f, it);
		else if (r < 96)
			one_poll(f, it);
		else if (r < 99)
			open_slot(f, rnd(f, NSLOTS), chance(f, 60));
		else if (chance(f, 20))
			kill_busy_child(f);
		f->iters = it + 1;
		if (f->iters % 5000 == 0) {
			printf("# %lu iterations, %.1f s, %lu violations\n",
			       f->iters,
			       (mqk_now_ns(CLOCK_MONOTONIC) - t0) / 1e9,
			       f->violations);
			fflush(stdout);
		}
	}
	print_stats(f, (mqk_now_ns(CLOCK_MONOTONIC) - t0) / 1e9);
	EXPECT_EQ(0, f->violations)
		TH_LOG("replay: MQFUZZ_SEED=%llu", (unsigned long long)seed);
}

/*
 * One child blocked in @cmd on a queue of 2 x 64 bytes holding @pre
 * messages "p<i>", killed: no waiter, nothing charged, the parent's
 * messages (and @sent of the child's "c<i>") intact, the queue usable.
 */
static void killed_in(struct __test_metadata *_metadata, struct fuzz *f,
		      unsigned long cmd, int pre, int sent)
{
	struct mqlab_batch_msg m[3];
	char name[64], text[3][16], buf[64];
	struct mqlab_recv r;
	struct mqlab_attr a;
	__u64 q, b, held;
	int fd, i, ret;
	__u32 last;
	pid_t pid;

	snprintf(name, sizeof(name), "kst-fuzz-%d-kill", (int)getpid());
	track(f, mqk_ptr(name), strlen(name));
	fd = mqk_open(O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mqk_bind(fd, name, MQLAB_BIND_CREATE | MQLAB_BIND_EXCL,
			      0600, 2, 64));
	for (i = 0; i < pre; i++) {
		snprintf(buf, sizeof(buf), "p%d", i);
		ASSERT_EQ(0, mqk_sends(fd, buf, 0));
	}
	memset(m, 0, sizeof(m));
	for (i = 0; i < 3; i++) {
		snprintf(text[i], sizeof(text[i]), "c%d", i);
		m[i].buf = mqk_ptr(text[i]);
		m[i].len = cmd == MQLAB_IOC_RECV_BATCH ? sizeof(text[i]) : 2;
	}
	fflush(stdout);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct mqlab_batch bt = { .msgs = mqk_ptr(m), .count = 3 };

		if (cmd == MQLAB_IOC_SEND)
			mqk_sends(fd, "c0", 0);
		else if (cmd == MQLAB_IOC_RECV)
			mqk_recv(fd, buf, sizeof(buf), 0, NULL, NULL);
		else
			ioctl(fd, cmd, &bt);
		_exit(0);	/* woken: not what the parent expects */
	}
	ret = mqk_wait_waiters(fd, cmd == MQLAB_IOC_SEND ||
			       cmd == MQLAB_IOC_SEND_BATCH, 1, &last);
	mqk_sleep_ms(rnd(f, 3));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &i, 0));
	ASSERT_EQ(0, ret) TH_LOG("the child never blocked in %#lx", cmd);
	ASSERT_TRUE(WIFSIGNALED(i)) TH_LOG("the child returned from %#lx", cmd);

	ASSERT_EQ(0, mqk_getattr(fd, &a));
	EXPECT_EQ(0, a.waiting_senders);
	EXPECT_EQ(0, a.waiting_receivers);
	EXPECT_EQ(pre + sent, a.curmsgs);
	ASSERT_EQ(1, mqk_users_line("0", &q, &b, &held));
	EXPECT_EQ(0, held) TH_LOG("a killed sender's bytes are still held");
	for (i = 0; i < pre + sent; i++) {
		char want[16];

		snprintf(want, sizeof(want), i < pre ? "p%d" : "c%d",
			 i < pre ? i : i - pre);
		ASSERT_EQ(0, mqk_recv(fd, buf, sizeof(buf), MQLAB_IO_NONBLOCK,
				      NULL, &r));
		ASSERT_EQ(strlen(want), r.len);
		EXPECT_EQ(0, memcmp(buf, want, r.len));
	}
	EXPECT_EQ(-EAGAIN, mqk_recv(fd, buf, sizeof(buf), MQLAB_IO_NONBLOCK,
				    NULL, NULL));
	/* Still works both ways. */
	ASSERT_EQ(0, mqk_sends(fd, "after", 3));
	ASSERT_EQ(0, mqk_recv(fd, buf, sizeof(buf), MQLAB_IO_NONBLOCK, NULL,
			      &r));
	EXPECT_EQ(5, r.len);
	EXPECT_EQ(3, r.prio);
	EXPECT_EQ(0, mqk_unlink(name));
	close(fd);
}

/* Children killed while blocked: the queue still works, nothing lost. */
TEST_F_TIMEOUT(fuzz, killed_mid_call, 300)
{
	int round, rounds = access("/sys/kernel/debug/kmemleak", F_OK) ? 12 : 4;

	for (round = 0; round < rounds; round++) {
		killed_in(_metadata, &self->f, MQLAB_IOC_RECV, 0, 0);
		killed_in(_metadata, &self->f, MQLAB_IOC_SEND, 2, 0);
		killed_in(_metadata, &self->f, MQLAB_IOC_RECV_BATCH, 0, 0);
		/* One slot free: "c0" goes in, the child holds c1, c2. */
		killed_in(_metadata, &self->f, MQLAB_IOC_SEND_BATCH, 1, 1);
	}
	/* And the pool of the fuzz run, killed at random moments. */
	for (round = 0; round < rounds; round++)
		kill_busy_child(&self->f);
}

static void __attribute__((constructor)) mqfuzz_params(void)
{
	const char *s = getenv("MQFUZZ_SEED"), *n = getenv("MQFUZZ_ITERS");
	bool debug = access("/sys/kernel/debug/kmemleak", F_OK) == 0;

	seed = s ? strtoull(s, NULL, 0) :
	       (mqk_now_ns(CLOCK_REALTIME) ^ ((__u64)getpid() << 32));
	iters = n ? strtoul(n, NULL, 0) : debug ? ITERS_DEBUG : ITERS_STOCK;
	printf("# mqfuzz: seed %llu, %lu iterations%s (MQFUZZ_SEED, "
	       "MQFUZZ_ITERS)\n", (unsigned long long)seed, iters,
	       debug ? " (debug kernel)" : "");
	fflush(stdout);
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
