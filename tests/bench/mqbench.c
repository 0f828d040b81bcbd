// SPDX-License-Identifier: MIT
/*
 * mqbench - the same work over every path a message can take between two
 * processes, in one boot: the device through libmqdev (single calls,
 * batches of 8 and 32) and through the POSIX layer (LD_PRELOAD), the
 * kernel's POSIX mq, SysV msg and a pipe.
 *
 *   mqbench [--clock=LABEL] [--only=W,...] [--paths=P,...] [--sizes=N,...]
 *           [--reps=N] [--scale=F] [--preload=LIB] [--interleave] [--smoke]
 *           [--verbose]
 *
 * Every measurement runs in a fresh child process (the posix path's child
 * execs this program again with LD_PRELOAD=LIB), once to warm up (not
 * counted) and then --reps times; the tables show the median and the
 * spread (max - min, in % of the median).  Ratios are to the kernel's
 * POSIX mq measured in the same run.  --interleave (implied by
 * --clock=wall) measures in rounds instead, each round every row once, and
 * a ratio is the median of the rounds' ratios: on a loaded machine the
 * wall clock drifts by more than the differences being measured.
 * The BENCH lines at the end are the same results, tab-separated, for
 * tests/bench/chart.sh and tables.sh.  --smoke runs every row at tiny
 * sizes and prints TAP (the VM suite's 60-bench-smoke): it checks that
 * every path ran and printed sane numbers, never how fast.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/mqueue_lab.h>

#include "mqbench.h"

#define DEFAULT_PRELOAD	"/usr/lib/libmqdev-posix.so"
#define WHY_SIZE	200

#define MAX_ROUNDS	32

struct result {
	struct spec sp;
	bool ok;
	double value, ctxt, extra, spread;
	char why[WHY_SIZE];
	/* --interleave: one figure per round, every row once per round */
	int nround;
	double round[MAX_ROUNDS];
};

static struct {
	struct result *r;
	int n, cap;
} plan;

static const char *clock_label = "unspecified";
static const char *preload_lib = DEFAULT_PRELOAD;
static const char *only, *only_paths, *only_sizes;
static double scale = 1.0;
static int reps;
static bool smoke, tap, wall, interleave;

/* ---- output ------------------------------------------------------------ */

/* Lines of the report; TAP comments in --smoke mode. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	static bool midline;
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p; p++) {
		if (tap && !midline)
			fputs("# ", stdout);
		putchar(*p);
		midline = *p != '\n';
	}
	fflush(stdout);
}

static const char *unit_of(const char *work)
{
	if (!strcmp(work, "pingpong"))
		return "ns/roundtrip";
	if (!strcmp(work, "churn"))
		return "ns/op";
	if (!strcmp(work, "wake"))
		return "wakeups/msg";
	if (!strcmp(work, "mem"))
		return "B/msg";
	if (!strcmp(work, "memcpy"))
		return "ns/copy";
	return "ns/msg";
}

static const char *path_name(const struct spec *sp)
{
	return sp->path ? sp->path->name : "memcpy";
}

/* ---- the plan ----------------------------------------------------------- */

static bool listed(const char *list, const char *name)
{
	size_t len = strlen(name);

	if (!list)
		return true;
	for (const char *p = list; *p; ) {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p);

		if (l == len && strncmp(p, name, len) == 0)
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

static void add(const char *work, size_t size, unsigned long param,
		unsigned long count, const char *pname)
{
	const struct path *p = pname ? path_find(pname) : NULL;
	struct result *r;

	char sz[24];

	snprintf(sz, sizeof(sz), "%zu", size);
	if (!listed(only, work) || (pname && !listed(only_paths, pname)) ||
	    !listed(only_sizes, sz))
		return;
	if (plan.n == plan.cap) {
		plan.cap = plan.cap ? 2 * plan.cap : 64;
		plan.r = realloc(plan.r, (size_t)plan.cap * sizeof(*plan.r));
		if (!plan.r)
			die("out of memory");
	}
	r = &plan.r[plan.n++];
	memset(r, 0, sizeof(*r));
	r->sp.work = work;
	r->sp.size = size;
	r->sp.param = param;
	r->sp.count = count;
	/* slab accounting repeats to the byte: one run after the warm-up */
	r->sp.reps = strcmp(work, "mem") ? reps : 1;
	r->sp.path = p;
}

/* Message counts: --smoke, else the full figure times --scale. */
static unsigned long cnt(unsigned long full, unsigned long tiny)
{
	double v;

	if (smoke)
		return tiny;
	v = (double)full * scale;
	return v < 1 ? 1 : (unsigned long)v;
}

static const size_t sizes[] = { 16, 64, 256, 4096, 65536 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))
static const char *const single[] = { "kmq", "posix", "mqdev", "sysv", "pipe" };
#define NSINGLE (sizeof(single) / sizeof(single[0]))
static const char *const deep[] = { "kmq", "mqdev", "mqdev-b8", "mqdev-b32" };
#define NDEEP (sizeof(deep) / sizeof(deep[0]))

/* Stream depths: 10, the kernel's default msg_max; 64 for batches of 32. */
#define DEPTH		10
#define DEPTH_BATCH	64
#define CHURN_SMOKE_N	200	/* below the module's default max_queues */

static unsigned long stream_count(size_t size)
{
	if (size >= 65536)
		return cnt(2000, 50);
	if (size >= 4096)
		return cnt(10000, 200);
	return cnt(20000, 200);
}

static void build_plan(void)
{
	const unsigned long churn_n[] = { 1, 1000, 100000 };
	size_t i, j;

	for (i = 0; i < NSIZES; i++)
		for (j = 0; j < NSINGLE; j++)
			add("stream", sizes[i], DEPTH, stream_count(sizes[i]),
			    single[j]);
	for (i = 0; i < NSIZES; i++)
		for (j = 0; j < NDEEP; j++)
			add("stream", sizes[i], DEPTH_BATCH,
			    stream_count(sizes[i]), deep[j]);
	for (i = 0; i < NSIZES; i++)
		add("memcpy", sizes[i], 0,
		    sizes[i] >= 4096 ? cnt(5000, 100) : cnt(200000, 100), NULL);
	for (j = 0; j < NSINGLE; j++)
		add("pingpong", 64, DEPTH, cnt(5000, 100), single[j]);
	/* wall clock: more, shorter runs, for a median that resists noise */
	for (j = 0; j < NSINGLE; j++)
		add("4x4", 64, DEPTH, cnt(wall ? 10000 : 20000, 400), single[j]);
	for (i = 0; i < 3; i++) {
		unsigned long n = smoke ? (i ? CHURN_SMOKE_N : 1) : churn_n[i];

		if (smoke && i == 2)
			break;
		for (j = 0; j < NSINGLE; j++)
			add("churn", 16, n, cnt(4000, 20), single[j]);
	}
	for (j = 0; j < NSINGLE; j++)
		add("wake", 64, DEPTH, cnt(200, 10), single[j]);
	for (j = 0; j < NSINGLE; j++)
		add("mem", 64, 0, cnt(65536, 4096), single[j]);
}

/* ---- one measurement ---------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* max - min of @v[0..n-1], in % of @med */
static double spread_pct(const double *v, int n, double med)
{
	double lo = v[0], hi = v[0];

	for (int i = 1; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	return med > 0 ? 100.0 * (hi - lo) / med : 0;
}

/* Run @sp here and print its "RES" or "ERR" line on stdout. */
static int run_one(const struct spec *sp)
{
	struct sample *all = calloc((size_t)sp->reps + 1, sizeof(*all)), *s;
	double *v = calloc((size_t)sp->reps, sizeof(*v));
	char why[WHY_SIZE];
	const char *na;
	double med, spread;
	struct spec warm;
	struct sample m;
	int err;

	if (!all || !v)
		die("out of memory");
	na = sp->path && sp->path->unavailable ? sp->path->unavailable() : NULL;
	if (na) {
		printf("ERR %s\n", na);
		return 1;
	}
	/* one more run than asked for: the first one warms up and is dropped */
	warm = *sp;
	warm.reps = sp->reps + 1;
	err = run_work(&warm, all, why, sizeof(why));
	if (err) {
		printf("ERR %s\n", why[0] ? why : strerror(-err));
		return 1;
	}
	s = all + 1;
	for (int i = 0; i < sp->reps; i++)
		v[i] = s[i].value;
	if (getenv("MQBENCH_VERBOSE")) {
		fprintf(stderr, "\n    warm-up %.1f (%.3f), runs:", all[0].value,
			all[0].ctxt);
		for (int i = 0; i < sp->reps; i++)
			fprintf(stderr, " %.1f (%.3f)", s[i].value, s[i].ctxt);
		fprintf(stderr, "\n    ");
	}
	med = median(v, sp->reps);
	spread = spread_pct(v, sp->reps, med);
	m.value = med;
	for (int i = 0; i < sp->reps; i++)
		v[i] = s[i].ctxt;
	m.ctxt = median(v, sp->reps);
	for (int i = 0; i < sp->reps; i++)
		v[i] = s[i].extra;
	m.extra = median(v, sp->reps);
	printf("RES %.6g %.6g %.6g %.6g\n", m.value, m.ctxt, m.extra, spread);
	free(all);
	free(v);
	return 0;
}

/* Run @r in a child process (with the preload for the posix path). */
static void measure(struct result *r)
{
	const struct spec *sp = &r->sp;
	char out[2048] = "", a[4][32], *line;
	int pfd[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		die("pipe: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(pfd[1], STDOUT_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		if (sp->path && sp->path->preload) {
			snprintf(a[0], sizeof(a[0]), "%zu", sp->size);
			snprintf(a[1], sizeof(a[1]), "%lu", sp->param);
			snprintf(a[2], sizeof(a[2]), "%lu", sp->count);
			snprintf(a[3], sizeof(a[3]), "%d", sp->reps);
			setenv("LD_PRELOAD", preload_lib, 1);
			execl("/proc/self/exe", "mqbench", "--one", sp->work,
			      a[0], a[1], a[2], a[3], sp->path->name, (char *)NULL);
			printf("ERR exec /proc/self/exe: %s\n", strerror(errno));
			_exit(1);
		}
		status = run_one(sp);
		fflush(stdout);
		_exit(status ? 1 : 0);
	}
	close(pfd[1]);
	while (len < sizeof(out) - 1 &&
	       (n = read(pfd[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pfd[0]);
	waitpid(pid, &status, 0);
	/* the result is the last line the child printed */
	line = out;
	for (char *nl = strchr(out, '\n'); nl && nl[1]; nl = strchr(nl + 1, '\n'))
		line = nl + 1;
	if (sscanf(line, "RES %lf %lf %lf %lf", &r->value, &r->ctxt, &r->extra,
		   &r->spread) == 4) {
		r->ok = true;
		return;
	}
	if (strncmp(line, "ERR ", 4) == 0)
		snprintf(r->why, sizeof(r->why), "%.*s",
			 (int)strcspn(line + 4, "\n"), line + 4);
	else if (WIFSIGNALED(status))
		snprintf(r->why, sizeof(r->why), "killed by signal %d",
			 WTERMSIG(status));
	else
		snprintf(r->why, sizeof(r->why), "no result (exit status %d)",
			 WEXITSTATUS(status));
}

/*
 * --interleave: --reps rounds, each measuring every row once, so that a
 * change of load (a shared machine, the wall clock) hits every path
 * alike.  A row's figure is the median of its rounds.
 */
static void run_rounds(void)
{
	int nr = reps < MAX_ROUNDS ? reps : MAX_ROUNDS;

	for (int k = 0; k < nr; k++) {
		say("round %d of %d:", k + 1, nr);
		for (int i = 0; i < plan.n; i++) {
			struct result *r = &plan.r[i], one = *r;

			one.sp.reps = 1;
			one.ok = false;
			measure(&one);
			if (!one.ok) {
				if (!r->nround && !r->why[0])
					memcpy(r->why, one.why, sizeof(r->why));
				say(" %s n/a", path_name(&r->sp));
				continue;
			}
			r->round[r->nround++] = one.value;
			r->ctxt += one.ctxt;
			r->extra += one.extra;
			say(" %s %.0f", path_name(&r->sp), one.value);
		}
		say("\n");
	}
	for (int i = 0; i < plan.n; i++) {
		struct result *r = &plan.r[i];
		double v[MAX_ROUNDS];

		if (!r->nround)
			continue;
		memcpy(v, r->round, sizeof(v));
		r->value = median(v, r->nround);
		r->spread = spread_pct(r->round, r->nround, r->value);
		r->ctxt /= r->nround;
		r->extra /= r->nround;
		r->sp.reps = r->nround;
		r->ok = true;
		r->why[0] = '\0';
	}
}

/* ---- reading the results ------------------------------------------------ */

/* The planned row (measured or not), or NULL. */
static const struct result *row(const char *work, size_t size,
				unsigned long param, const char *path)
{
	for (int i = 0; i < plan.n; i++) {
		const struct result *r = &plan.r[i];

		if (!strcmp(r->sp.work, work) && r->sp.size == size &&
		    r->sp.param == param && !strcmp(path_name(&r->sp), path))
			return r;
	}
	return NULL;
}

/* The row if it was measured. */
static const struct result *find(const char *work, size_t size,
				 unsigned long param, const char *path)
{
	const struct result *r = row(work, size, param, path);

	return r && r->ok ? r : NULL;
}

/*
 * @r's figure over the kernel mq's in the same row, or NAN.  With
 * --interleave, the median of the ratios of each round: the two figures
 * of a round were measured a moment apart, under the same load.
 */
static double ratio(const struct result *r)
{
	double q[MAX_ROUNDS];
	const struct result *k;
	int n = 0;

	if (!r || !r->ok || !r->sp.path)
		return NAN;
	k = find(r->sp.work, r->sp.size, r->sp.param, "kmq");
	if (!k || k->value <= 0)
		return NAN;
	if (r->nround < 2 || r->nround != k->nround)
		return r->value / k->value;
	for (int i = 0; i < r->nround; i++)
		if (k->round[i] > 0)
			q[n++] = r->round[i] / k->round[i];
	return n ? median(q, n) : NAN;
}

static const char *param_label(const char *work)
{
	if (!strcmp(work, "churn"))
		return "queues";
	if (!strcmp(work, "mem") || !strcmp(work, "memcpy"))
		return "";
	return "depth";
}

static void print_table(const char *work, const char *title)
{
	bool mem = !strcmp(work, "mem"), wake = !strcmp(work, "wake");
	bool any = false;

	for (int i = 0; i < plan.n; i++)
		any |= !strcmp(plan.r[i].sp.work, work);
	if (!any)
		return;
	say("\n");
	say("== %s ==\n", title);
	say("%7s %7s  %-10s %14s %9s %7s %7s %8s%s\n", "size", param_label(work),
	    "path", unit_of(work), "ctxt/msg", "x kmq", "spread", "count",
	    mem ? "  pages B/msg" : wake ? "  ns/msg" : "");
	for (int i = 0; i < plan.n; i++) {
		const struct result *r = &plan.r[i];
		char par[16] = "", x[16] = "", extra[32] = "", spread[16] = "-";
		double q = ratio(r);

		if (strcmp(r->sp.work, work))
			continue;
		if (*param_label(work))
			snprintf(par, sizeof(par), "%lu", r->sp.param);
		if (!r->ok) {
			say("%7zu %7s  %-10s n/a (%s)\n", r->sp.size, par,
			    path_name(&r->sp), r->why);
			continue;
		}
		if (!isnan(q))
			snprintf(x, sizeof(x), "%.2f", q);
		if (mem || wake)
			snprintf(extra, sizeof(extra), "  %12.1f", r->extra);
		if (r->sp.reps > 1)
			snprintf(spread, sizeof(spread), "%.1f%%", r->spread);
		say("%7zu %7s  %-10s %14.1f %9.2f %7s %7s %8lu%s\n",
		    r->sp.size, par, path_name(&r->sp), r->value, r->ctxt, x,
		    spread, r->sp.count, extra);
	}
}

/*
 * A target of the speed issue, and whether this run meets it: @got is
 * the figure, @a and @b the rows it comes from (a target whose rows this
 * run did not plan is left out).
 */
static void target_in(const char *what, const struct result *a,
		      const struct result *b, double got, double lo, double hi,
		      const char *how)
{
	const char *verdict;

	if (!a || !b)
		return;
	if (isnan(got))
		verdict = "n/a";
	else
		verdict = got >= lo && got <= hi ? "met" : "NOT met";
	if (isnan(got))
		say("  %-60s %9s  %s\n", what, "n/a", verdict);
	else
		say("  %-60s %9.2f  %s%s\n", what, got, verdict, how);
}

/* @got at most @limit */
static void target(const char *what, const struct result *a,
		   const struct result *b, double got, double limit,
		   const char *how)
{
	target_in(what, a, b, got, -INFINITY, limit, how);
}

static double value_of(const struct result *r)
{
	return r && r->ok ? r->value : NAN;
}

static double div_or_nan(double a, double b)
{
	return isnan(a) || isnan(b) || b <= 0 ? NAN : a / b;
}

/* A device row against the same row of the kernel's mq. */
static void vs_kmq(const char *what, const char *work, size_t size,
		   unsigned long param, const char *path, double limit,
		   const char *how)
{
	const struct result *r = row(work, size, param, path);

	target(what, r, row(work, size, param, "kmq"), ratio(r), limit, how);
}

static void print_targets(void)
{
	const char *dev[] = { "posix", "mqdev" };
	char what[96];

	say("\n== targets (ratios to the kernel's POSIX mq in this run) ==\n");
	vs_kmq("posix stream 64 B (depth 10) <= 0.80x kmq", "stream", 64, DEPTH,
	       "posix", 0.8, "");
	vs_kmq("posix ping-pong 64 B <= 0.80x kmq", "pingpong", 64, DEPTH,
	       "posix", 0.8, "");
	vs_kmq("mqdev-b32 stream 64 B <= 0.25x kmq (both depth 64)", "stream",
	       64, DEPTH_BATCH, "mqdev-b32", 0.25, "");
	for (int i = 0; i < 2; i++) {
		const struct result *big = row("stream", 65536, DEPTH, dev[i]);
		const struct result *cpy = row("memcpy", 65536, 0, "memcpy");

		snprintf(what, sizeof(what), "%s stream 4 KiB <= 0.90x kmq", dev[i]);
		vs_kmq(what, "stream", 4096, DEPTH, dev[i], 0.9, "");
		snprintf(what, sizeof(what), "%s stream 64 KiB <= 1.00x kmq", dev[i]);
		vs_kmq(what, "stream", 65536, DEPTH, dev[i], 1.0, "");
		snprintf(what, sizeof(what),
			 "%s stream 64 KiB <= 1.30x one 64 KiB memcpy", dev[i]);
		target(what, big, cpy, div_or_nan(value_of(big), value_of(cpy)),
		       1.3, "");
	}
	for (int i = 0; i < 2; i++) {
		const struct result *many = row("churn", 16, 100000, dev[i]);
		const struct result *one = row("churn", 16, 1, dev[i]);

		snprintf(what, sizeof(what),
			 "%s create+close+unlink, 100,000 queues <= 1.2x 1 queue",
			 dev[i]);
		target(what, many, one, div_or_nan(value_of(many), value_of(one)),
		       1.2, "");
		snprintf(what, sizeof(what),
			 "%s create+close+unlink, 100,000 queues <= 1.0x kmq", dev[i]);
		vs_kmq(what, "churn", 16, 100000, dev[i], 1.0, "");
	}
	for (int i = 0; i < 2; i++) {
		const struct result *w = row("wake", 64, DEPTH, dev[i]);
		/* exactly one: off by less than one wake-up in the whole run */
		double tol = w ? 0.5 / (double)w->sp.count : 0;

		snprintf(what, sizeof(what),
			 "%s, 64 blocked receivers: wake-ups per message = 1", dev[i]);
		target_in(what, w, w, value_of(w), 1 - tol, 1 + tol, "");
	}
	target("mqdev kernel bytes per queued 64-B message <= 128",
	       row("mem", 64, 0, "mqdev"), row("mem", 64, 0, "mqdev"),
	       value_of(row("mem", 64, 0, "mqdev")), 128, "");
	for (int i = 0; i < 2; i++) {
		snprintf(what, sizeof(what),
			 "%s 4x4 (wall clock, -smp 2) <= 1.00x kmq ns/msg", dev[i]);
		vs_kmq(what, "4x4", 64, DEPTH, dev[i], 1.0,
		       wall ? "" : " (not the wall-clock run)");
	}
}

static void print_tsv(void)
{
	say("\n# machine-readable: tests/bench/chart.sh reads the BENCH lines\n");
	say("BENCH\twork\tsize\tparam\tpath\tcount\tvalue\tunit\tctxt\tx_kmq\t"
	    "spread_pct\textra\tnote\n");
	for (int i = 0; i < plan.n; i++) {
		const struct result *r = &plan.r[i];
		double q = ratio(r);
		char x[16] = "-";

		if (!isnan(q))
			snprintf(x, sizeof(x), "%.3f", q);
		if (r->ok)
			say("BENCH\t%s\t%zu\t%lu\t%s\t%lu\t%.1f\t%s\t%.3f\t%s\t"
			    "%.2f\t%.1f\t\n", r->sp.work, r->sp.size, r->sp.param,
			    path_name(&r->sp), r->sp.count, r->value,
			    unit_of(r->sp.work), r->ctxt, x, r->spread, r->extra);
		else
			say("BENCH\t%s\t%zu\t%lu\t%s\t%lu\tn/a\t%s\t\t\t\t\t%s\n",
			    r->sp.work, r->sp.size, r->sp.param, path_name(&r->sp),
			    r->sp.count, unit_of(r->sp.work), r->why);
	}
}

/* ---- --smoke: TAP ------------------------------------------------------- */

static bool batch_expected_absent(const struct result *r)
{
#ifdef MQLAB_FEAT_BATCH
	(void)r;
	return false;
#else
	return r->sp.path && r->sp.path->batch > 1 &&
	       strstr(r->why, "MQLAB_FEAT_BATCH absent");
#endif
}

/*
 * Numbers that mean something: positive times and counts, a wake-up
 * count no larger than the receivers could produce.  A pipe's buffer is
 * pages, not slab: its memory shows in the MemFree column.
 */
static bool sane(const struct result *r)
{
	bool mem = !strcmp(r->sp.work, "mem");
	double v = mem && r->extra > r->value ? r->extra : r->value;

	return isfinite(v) && v > 0 && isfinite(r->ctxt) && r->ctxt >= 0 &&
	       (strcmp(r->sp.work, "wake") || r->value <= 4 * 64);
}

/* Names the benchmark left behind: device, /dev/shm, kernel mq. */
static int leftovers(char *out, size_t size)
{
	const char *dirs[] = { "/dev/shm", "/tmp/mqbench-mqfs" };
	char line[512];
	size_t used = 0;
	int n = 0;
	FILE *f;

	out[0] = '\0';
	f = fopen(MQLAB_PROC_PATH, "r");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "mqbench-") && used < size) {
			used += (size_t)snprintf(out + used, size - used, " %.*s",
						 (int)strcspn(line, " \n"), line);
			n++;
		}
	if (f)
		fclose(f);
	mkdir(dirs[1], 0700);
	if (mount("none", dirs[1], "mqueue", 0, NULL) != 0)
		dirs[1] = NULL;
	for (int i = 0; i < 2; i++) {
		char cmd[128];

		if (!dirs[i])
			continue;
		snprintf(cmd, sizeof(cmd), "ls %s 2>/dev/null", dirs[i]);
		f = popen(cmd, "r");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "mqbench-", 8) && used < size) {
				used += (size_t)snprintf(out + used, size - used,
							 " %s:%.*s", dirs[i],
							 (int)strcspn(line, "\n"), line);
				n++;
			}
		if (f)
			pclose(f);
	}
	if (dirs[1])
		umount(dirs[1]);
	rmdir("/tmp/mqbench-mqfs");
	return n;
}

static int print_tap(void)
{
	char left[1024];
	int n = 0, failed = 0;

	printf("TAP version 13\n1..%d\n", plan.n + 1);
	for (int i = 0; i < plan.n; i++) {
		const struct result *r = &plan.r[i];
		char desc[200];

		int len = snprintf(desc, sizeof(desc), "%s %zu B", r->sp.work,
				   r->sp.size);

		if (*param_label(r->sp.work))
			len += snprintf(desc + len, sizeof(desc) - (size_t)len,
					" %s=%lu", param_label(r->sp.work),
					r->sp.param);
		snprintf(desc + len, sizeof(desc) - (size_t)len, " %s",
			 path_name(&r->sp));
		if (r->ok && sane(r) && !strcmp(r->sp.work, "mem")) {
			printf("ok %d - %s: %.1f B/msg of slab, %.1f B/msg of pages\n",
			       ++n, desc, r->value, r->extra);
		} else if (r->ok && sane(r)) {
			printf("ok %d - %s: %.1f %s, %.2f ctxt/msg\n", ++n, desc,
			       r->value, unit_of(r->sp.work), r->ctxt);
		} else if (!r->ok && batch_expected_absent(r)) {
			printf("ok %d - %s: n/a as it must be (%s)\n", ++n, desc,
			       r->why);
		} else {
			failed++;
			printf("not ok %d - %s: %s\n", ++n, desc,
			       r->ok ? "a figure is not a positive number" : r->why);
			if (r->ok)
				printf("# got %g %s, %g ctxt/msg\n", r->value,
				       unit_of(r->sp.work), r->ctxt);
		}
	}
	if (leftovers(left, sizeof(left)) == 0) {
		printf("ok %d - no queue, FIFO or kernel mq left behind\n", ++n);
	} else {
		failed++;
		printf("not ok %d - left behind:%s\n", ++n, left);
	}
	return failed ? 1 : 0;
}

/* ---- main --------------------------------------------------------------- */

static void header(void)
{
	char src[64] = "?", line[64];
	unsigned long maxq = 0;
	struct utsname u;
	time_t t = time(NULL);
	char date[64];
	FILE *f;

	uname(&u);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
	f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  "r");
	if (f && fgets(line, sizeof(line), f))
		snprintf(src, sizeof(src), "%.*s", (int)strcspn(line, "\n"), line);
	if (f)
		fclose(f);
	say("mqbench: kernel %s, %ld CPU(s), clock %s (clocksource %s), %s\n",
	    u.release, sysconf(_SC_NPROCESSORS_ONLN), clock_label, src, date);
	say("BENCH-INFO\tkernel=%s\tcpus=%ld\tclock=%s\tdate=%s\n", u.release,
	    sysconf(_SC_NPROCESSORS_ONLN), clock_label, date);
	if (device_limits(&maxq, NULL) == 0)
		say("mqbench: /dev/mqueue-lab present, max_queues=%lu\n", maxq);
	else
		say("mqbench: /dev/mqueue-lab absent: the device rows will say so\n");
	say("mqbench: %d measurements, each the median of %d run(s)%s\n", plan.n,
	    reps, smoke ? " (smoke: tiny sizes)" : "");
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mqbench [--clock=LABEL] [--only=W,...] [--paths=P,...]\n"
		"               [--sizes=N,...] [--reps=N] [--scale=F]\n"
		"               [--preload=LIB] [--interleave] [--smoke] [--verbose]\n"
		"  workloads: stream pingpong 4x4 churn wake mem memcpy\n"
		"  paths:     kmq posix mqdev mqdev-b8 mqdev-b32 sysv pipe\n"
		"  --clock=wall... selects the 4x4 work unless --only, and\n"
		"  --interleave: 9 rounds that each measure every row once\n");
	exit(2);
}

/* --one WORK SIZE PARAM COUNT REPS PATH: the posix path's child. */
static int one_main(int argc, char **argv)
{
	struct spec sp;

	if (argc != 8)
		usage();
	quiet_notes = true;
	sp.work = argv[2];
	sp.size = strtoul(argv[3], NULL, 10);
	sp.param = strtoul(argv[4], NULL, 10);
	sp.count = strtoul(argv[5], NULL, 10);
	sp.reps = atoi(argv[6]);
	sp.path = path_find(argv[7]);
	if (!sp.path || sp.reps < 1)
		usage();
	return run_one(&sp);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "clock", required_argument, NULL, 'c' },
		{ "only", required_argument, NULL, 'o' },
		{ "paths", required_argument, NULL, 'p' },
		{ "reps", required_argument, NULL, 'r' },
		{ "scale", required_argument, NULL, 's' },
		{ "preload", required_argument, NULL, 'l' },
		{ "sizes", required_argument, NULL, 'z' },
		{ "smoke", no_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "interleave", no_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t t0;
	int c, rc = 0;

	if (argc > 1 && strcmp(argv[1], "--one") == 0)
		return one_main(argc, argv);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': clock_label = optarg; break;
		case 'o': only = optarg; break;
		case 'p': only_paths = optarg; break;
		case 'r': reps = atoi(optarg); break;
		case 's': scale = atof(optarg); break;
		case 'l': preload_lib = optarg; break;
		case 'z': only_sizes = optarg; break;
		case 'S': smoke = tap = true; break;
		case 'v': setenv("MQBENCH_VERBOSE", "1", 1); break;
		case 'i': interleave = true; break;
		default: usage();
		}
	}
	if (optind != argc || scale <= 0)
		usage();
	wall = !strncmp(clock_label, "wall", 4);
	if (wall && !only && !smoke)
		only = "4x4";
	interleave |= wall && !smoke;
	if (reps <= 0)
		reps = smoke ? 2 : wall ? 9 : 3;
	if (access(preload_lib, R_OK) != 0)
		note("%s: %s (the posix rows will fail)", preload_lib,
		     strerror(errno));
	quiet_notes = tap;
	build_plan();
	header();
	if (geteuid() == 0) {
		sysctl_tune(!tap);
		atexit(sysctl_restore);
	} else {
		say("mqbench: not root: IPC limits stay as they are, rows past "
		    "them say why\n");
	}
	t0 = now_ns();
	if (plan.n && !smoke) {
		/* the system settles after boot: one throwaway measurement */
		struct result w = plan.r[0];

		measure(&w);
	}
	if (interleave)
		run_rounds();
	for (int i = 0; !interleave && i < plan.n; i++) {
		struct result *r = &plan.r[i];
		uint64_t t1 = now_ns();

		say("[%2d/%d] %-8s %6zu B %s%s%-6lu %-10s ... ", i + 1, plan.n,
		    r->sp.work, r->sp.size, param_label(r->sp.work),
		    *param_label(r->sp.work) ? " " : "", r->sp.param,
		    path_name(&r->sp));
		measure(r);
		if (r->ok)
			say("%.1f %s, %.2f ctxt/msg, spread %.1f%% [%.2f s]\n",
			    r->value, unit_of(r->sp.work), r->ctxt, r->spread,
			    (double)(now_ns() - t1) / 1e9);
		else
			say("n/a (%s)\n", r->why);
	}
	say("mqbench: all measurements took %.1f s on this clock\n",
	    (double)(now_ns() - t0) / 1e9);

	print_table("stream", "stream: one sender, one receiver, ns per message "
		    "(depth = queue capacity)");
	print_table("memcpy", "floor: one user-space memcpy of the message size");
	print_table("pingpong", "ping-pong: 64-byte request and reply, ns per "
		    "round trip");
	print_table("4x4", "4 producers, 4 consumers, one queue: ns per message");
	print_table("churn", "create+close+unlink one queue while N others "
		    "exist: ns per operation");
	print_table("wake", "64 receivers blocked on one queue: wake-ups per "
		    "message (voluntary switches of the receivers)");
	print_table("mem", "kernel memory per queued 64-byte message: Slab + "
		    "VmallocUsed difference / messages (pages: free pages, "
		    "per-CPU lists too)");
	print_targets();
	print_tsv();
	if (tap)
		rc = print_tap();
	return rc;
}
