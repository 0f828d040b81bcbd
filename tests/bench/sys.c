// SPDX-License-Identifier: MIT
/*
 * sys.c - what the benchmark reads from /proc, and the IPC limits it
 * raises for the run (and puts back at exit).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/mqueue_lab.h>

#include "mqbench.h"

bool quiet_notes;

void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("mqbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* A remark for the reader of the output ("# " lines). */
void note(const char *fmt, ...)
{
	va_list ap;

	if (quiet_notes)
		return;
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The value after "@key" on the first line of @path that starts with it. */
static long long file_field(const char *path, const char *key)
{
	size_t klen = strlen(key);
	long long v = -1;
	char line[256];
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) == 0) {
			v = strtoll(line + klen, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

uint64_t ctxt_total(void)
{
	long long v = file_field("/proc/stat", "ctxt ");

	return v < 0 ? 0 : (uint64_t)v;
}

/*
 * A /proc/meminfo field in kB.  The kernel keeps these counters per CPU
 * and folds them now and then; vm/stat_refresh folds them at once, so
 * that a before/after difference is exact.
 */
long meminfo_kb(const char *field)
{
	char key[64];
	int fd;

	fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1\n", 2) < 0) {
			/* not root: the figure is a little coarser */
		}
		close(fd);
	}
	snprintf(key, sizeof(key), "%s:", field);
	return (long)file_field("/proc/meminfo", key);
}

/*
 * Free memory in bytes: the buddy allocator's free pages and the pages on
 * the per-CPU lists, which /proc/meminfo's MemFree leaves out (they can
 * hold megabytes, enough to hide a whole measurement).
 */
long long free_bytes(void)
{
	long long pages = 0;
	char line[256];
	FILE *f;

	meminfo_kb("MemFree");		/* for its stat_refresh */
	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " ");

		if (!strncmp(p, "pages free", 10))
			pages += strtoll(p + 10, NULL, 10);
		else if (!strncmp(p, "count:", 6))
			pages += strtoll(p + 6, NULL, 10);
	}
	fclose(f);
	return pages * sysconf(_SC_PAGESIZE);
}

long proc_status(pid_t pid, const char *field)
{
	char path[64], key[64];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	snprintf(key, sizeof(key), "%s:", field);
	return (long)file_field(path, key);
}

/* The state letter of /proc/PID/stat (R, S, D...), or '?' */
char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* the command name may hold anything */
	return p && p[1] == ' ' ? p[2] : '?';
}

int device_limits(unsigned long *max_queues, uint64_t *features)
{
	struct mqlab_version v;
	int fd, err = 0;

	fd = open(MQLAB_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&v, 0, sizeof(v));
	if (ioctl(fd, MQLAB_IOC_VERSION, &v) != 0)
		err = -errno;
	close(fd);
	if (err)
		return err;
	if (max_queues)
		*max_queues = v.max_queues;
	if (features)
		*features = v.features;
	return 0;
}

/*
 * The limits the workloads need: 65536 messages of up to 64 KiB in a
 * kernel mq (the memory workload, the 64 KiB stream), 100,001 queues of
 * each kind (bind+unlink), 64 KiB SysV messages.  msgmni above 32768
 * needs the kernel's ipcmni_extend boot option; without it the SysV row
 * for 100,000 queues says why it could not run.
 */
static struct tunable {
	const char *path;
	long long want;
	long long fallback;	/* when @want is refused */
	long long saved;	/* -1: untouched */
} tunables[] = {
	{ "/proc/sys/fs/mqueue/msg_max", 65536, 0, -1 },
	{ "/proc/sys/fs/mqueue/msgsize_max", 65536, 0, -1 },
	{ "/proc/sys/fs/mqueue/queues_max", 200000, 0, -1 },
	{ "/proc/sys/kernel/msgmax", 65536, 0, -1 },
	/* a new SysV queue's capacity: 64 messages of 64 KiB */
	{ "/proc/sys/kernel/msgmnb", 4194304, 0, -1 },
	{ "/proc/sys/kernel/msgmni", 200000, 32768, -1 },
};

static int write_value(const char *path, long long v)
{
	char buf[32];
	int fd, n, err = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%lld\n", v);
	if (write(fd, buf, (size_t)n) != n)
		err = -errno;
	close(fd);
	return err;
}

static long long read_value(const char *path)
{
	return file_field(path, "");
}

void sysctl_tune(bool verbose)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	for (size_t i = 0; i < sizeof(tunables) / sizeof(tunables[0]); i++) {
		struct tunable *t = &tunables[i];
		long long old = read_value(t->path);
		int err;

		if (old < 0 || old >= t->want)
			continue;
		err = write_value(t->path, t->want);
		if (err && t->fallback > old)
			err = write_value(t->path, t->fallback);
		if (err) {
			note("could not raise %s from %lld: %s", t->path, old,
			     strerror(-err));
			continue;
		}
		t->saved = old;
		if (verbose)
			note("%s: %lld -> %lld for the run", t->path + 10, old,
			     read_value(t->path));
	}
	/* every kernel mq charges maxmsg * (msgsize + overhead) to this */
	if (setrlimit(RLIMIT_MSGQUEUE, &rl) != 0 &&
	    getrlimit(RLIMIT_MSGQUEUE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_MSGQUEUE, &rl);
		note("RLIMIT_MSGQUEUE stays at %llu bytes (no CAP_SYS_RESOURCE)",
		     (unsigned long long)rl.rlim_cur);
	}
}

void sysctl_restore(void)
{
	for (size_t i = 0; i < sizeof(tunables) / sizeof(tunables[0]); i++) {
		if (tunables[i].saved >= 0)
			write_value(tunables[i].path, tunables[i].saved);
		tunables[i].saved = -1;
	}
}
