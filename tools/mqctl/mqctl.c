// SPDX-License-Identifier: MIT
/*
 * mqctl - create, inspect, feed and drain /dev/mqueue-lab message queues
 * from the shell.  See mqctl(1).
 *
 * Exit status: 0 success, 1 the operation failed (one line on stderr that
 * names the errno), 2 usage error (one line on stderr with a hint).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/mqueue_lab.h>
#include <mqdev.h>

#define MQCTL_VERSION	"1.0"

#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define EXIT_USAGE	2

/* The command being run, for messages ("mqctl: recv xyz: ..."). */
static const char *cmd_name;

/*
 * Report a failed operation on one line that names the errno, e.g.
 * "mqctl: recv xyz: Resource temporarily unavailable (EAGAIN)".
 * @what: the queue name or file concerned, or NULL.
 * @err: a negative errno value.
 * @return the exit status 1.
 */
static int op_error(const char *what, int err)
{
	const char *ename = strerrorname_np(-err);

	fprintf(stderr, "mqctl: %s%s%s: %s (%s)\n", cmd_name,
		what ? " " : "", what ? what : "", mqdev_strerror(err),
		ename ? ename : "unknown errno");
	return EXIT_FAILURE;
}

/* Report a usage error and a hint, on one line.  @return 2. */
__printf(1, 2)
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mqctl: ", stderr);
	if (cmd_name)
		fprintf(stderr, "%s: ", cmd_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; try 'mqctl %s%s--help'\n",
		cmd_name ? cmd_name : "", cmd_name ? " " : "");
	return EXIT_USAGE;
}

/* Parse a decimal number 0..@max (no sign, no junk).  @return 0 or -1. */
static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Parse octal permission bits such as 644 or 0600.  @return 0 or -1. */
static int parse_mode(const char *s, mode_t *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '7')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno || *end || v > 07777)
		return -1;
	*out = v;
	return 0;
}

/*
 * Parse a duration in seconds, "2", "0.2" or ".5" (up to 9 decimals),
 * with integer arithmetic only.  @return 0 or -1.
 */
static int parse_seconds(const char *s, struct timespec *ts)
{
	unsigned long sec = 0, nsec = 0, scale = 100000000;
	bool digits = false;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (sec > INT_MAX / 10)
			return -1;
		sec = sec * 10 + (*p - '0');
		digits = true;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (!scale)
				return -1;
			nsec += (*p - '0') * scale;
			scale /= 10;
			digits = true;
		}
	}
	if (*p || !digits)
		return -1;
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
	return 0;
}

/* A queue name as given, without one leading '/' (POSIX habit). */
static const char *queue_name(const char *arg)
{
	return arg[0] == '/' ? arg + 1 : arg;
}

/* Report that @path, a file of the module, is missing.  @return 1. */
static int module_file_error(const char *path, int err)
{
	fprintf(stderr, "mqctl: %s: %s: %s (%s); is the mqueue_lab module loaded?\n",
		cmd_name, path, strerror(err),
		strerrorname_np(err) ?: "unknown errno");
	return EXIT_FAILURE;
}

/*
 * Fail early, and clearly, when the device node is missing: the library
 * would report that as ENOENT, which reads like "no such queue".
 * @return 0 when the device exists, else the exit status 1.
 */
static int need_device(void)
{
	struct stat st;

	if (stat(MQLAB_DEVICE_PATH, &st) == 0)
		return 0;
	return module_file_error(MQLAB_DEVICE_PATH, errno);
}

/*
 * Open queue @name for @oflag and report a failure.  @return 0, or the
 * exit status 1 with *@q untouched.
 */
static int open_queue(const char *name, int oflag, struct mqdev **q)
{
	int err;

	if (need_device())
		return EXIT_FAILURE;
	err = mqdev_open(name, oflag, 0, NULL, q);
	return err ? op_error(name, err) : 0;
}

/* Fill @attr from @q, reporting a failure.  @return 0 or 1. */
static int get_attr(struct mqdev *q, const char *name, struct mqdev_attr *attr)
{
	int err;

	memset(attr, 0, sizeof(*attr));
	attr->sz = sizeof(*attr);
	err = mqdev_getattr(q, attr);
	return err ? op_error(name, err) : 0;
}

/*
 * Print one received message: a header line, then the payload on one line
 * with backslash escapes for '\\', '\n', '\t', '\r' and \xHH for any other
 * byte outside printable ASCII.  The stream is flushed so that a reader on
 * a pipe sees each message at once.
 */
static void print_message(const struct mqdev_msginfo *info,
			  const unsigned char *buf, size_t len)
{
	size_t i;

	printf("prio=%u pid=%ld uid=%lu len=%zu\n", info->prio,
	       (long)info->pid, (unsigned long)info->uid, len);
	for (i = 0; i < len; i++) {
		unsigned char c = buf[i];

		switch (c) {
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		default:
			if (c >= 0x20 && c < 0x7f)
				putchar(c);
			else
				printf("\\x%02x", c);
		}
	}
	putchar('\n');
	fflush(stdout);
}

/* ---- option parsing shared by the commands ---- */

enum {
	OPT_MAXMSG = 0x100,
	OPT_MSGSIZE,
	OPT_MODE,
	OPT_TIMEOUT,
	OPT_NONBLOCK,
	OPT_VERSION,
	OPT_DESTROY,
	OPT_PRIO_EQ,
	OPT_PRIO_LE,
	OPT_PRIO_NE,
	OPT_TTL,
};

#define OPT_HELP_ENTRY	{ "help", no_argument, NULL, 'h' }
#define OPT_END		{ NULL, 0, NULL, 0 }

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args;	/* synopsis after "mqctl NAME" */
	const char *summary;	/* one line for `mqctl --help` */
	const char *details;	/* options for `mqctl NAME --help`; a format */
	const char *shortopts;	/* for getopt_long; ':' first */
	const struct option *longopts;
};

static const struct command *cur_cmd;

static void command_help(const struct command *c)
{
	printf("Usage: mqctl %s%s%s\n%s\n", c->name, *c->args ? " " : "",
	       c->args, c->summary);
	if (*c->details) {
		/* details may print the priority limit with "%u" */
		putchar('\n');
		printf(c->details, MQLAB_PRIO_MAX - 1);
	}
	if (strstr(c->args, "NAME"))
		printf("\nNAME is a queue name of %s; a leading '/' is ignored.\n",
		       MQLAB_DEVICE_PATH);
}

/* Report the option getopt_long() refused with '?'.  @return 2. */
static int bad_option(char **argv)
{
	const char *arg = argv[optind - 1];
	const struct option *o;
	size_t len;

	if (strncmp(arg, "--", 2))
		return usage_error("unknown option '-%c'", optopt);
	len = strcspn(arg + 2, "=");
	for (o = cur_cmd->longopts; o->name; o++)
		if (arg[2 + len] && strlen(o->name) == len &&
		    !strncmp(o->name, arg + 2, len))
			return usage_error("option '--%s' takes no argument",
					   o->name);
	return usage_error("unknown option '%s'", arg);
}

/*
 * getopt_long() for the current command, with one-line usage errors.
 * @return the option, -1 at the end, 'h' after printing the help, or '?'
 * after printing a usage error.
 */
static int next_option(int argc, char **argv)
{
	int c = getopt_long(argc, argv, cur_cmd->shortopts, cur_cmd->longopts,
			    NULL);

	switch (c) {
	case 'h':
		command_help(cur_cmd);
		break;
	case ':':
		usage_error("option '%s' needs an argument", argv[optind - 1]);
		return '?';
	case '?':
		bad_option(argv);
		break;
	}
	return c;
}

/*
 * Check the positional arguments left after the options: at least @min,
 * at most @max.  @return 0, or 2 after a usage error.
 */
static int check_args(int argc, char **argv, int min, int max)
{
	int n = argc - optind;

	if (n < min)
		return usage_error("missing queue name");
	if (n > max)
		return usage_error("unexpected argument '%s'",
				   argv[optind + max]);
	return 0;
}

/* Map next_option()'s 'h' and '?' to an exit status (0 or 2). */
#define OPTION_DONE(c)	((c) == 'h' ? EXIT_SUCCESS : EXIT_USAGE)

/*
 * Check the operands (a queue name, then at most @max - 1 more) and take
 * the queue name.  @return 0, or EXIT_USAGE.
 */
static int name_operand(int argc, char **argv, int max, const char **name)
{
	int ret = check_args(argc, argv, 1, max);

	if (!ret)
		*name = queue_name(argv[optind]);
	return ret;
}

/*
 * The options that send and recv share: --timeout and --nonblock.
 * @return 0 when @c was one of them, EXIT_USAGE for a bad value, -1 when
 * @c is another option.
 */
static int io_option(int c, struct mqdev_io_opts *io, struct timespec *timeout)
{
	switch (c) {
	case OPT_TIMEOUT:
		if (parse_seconds(optarg, timeout))
			return usage_error("bad number of seconds for --timeout: '%s'",
					   optarg);
		io->timeout = timeout;
		return 0;
	case OPT_NONBLOCK:
		io->flags |= MQDEV_IO_NONBLOCK;
		return 0;
	}
	return -1;
}

/*
 * @n buffers, back to back, for the largest message of @q, each of *@size
 * bytes.  @return 0 or 1.
 */
static int alloc_msgbuf(struct mqdev *q, const char *name, unsigned int n,
			void **buf, size_t *size)
{
	struct mqdev_attr attr;

	if (get_attr(q, name, &attr))
		return EXIT_FAILURE;
	*size = attr.msgsize;
	*buf = calloc(n, *size ? *size : 1);
	return *buf ? 0 : op_error(name, -ENOMEM);
}

/* ---- the commands ---- */

static int cmd_create(int argc, char **argv)
{
	struct mqdev_open_opts opts = { .sz = sizeof(opts) };
	mode_t mode = 0644;
	struct mqdev *q;
	const char *name;
	int c, ret;

	while ((c = next_option(argc, argv)) != -1) {
		switch (c) {
		case OPT_MAXMSG:
			if (parse_ulong(optarg, ULONG_MAX, &opts.maxmsg))
				return usage_error("bad number for --maxmsg: '%s'",
						   optarg);
			break;
		case OPT_MSGSIZE:
			if (parse_ulong(optarg, ULONG_MAX, &opts.msgsize))
				return usage_error("bad number for --msgsize: '%s'",
						   optarg);
			break;
		case OPT_MODE:
			if (parse_mode(optarg, &mode))
				return usage_error("bad octal mode: '%s'", optarg);
			break;
		default:
			return OPTION_DONE(c);
		}
	}
	ret = name_operand(argc, argv, 1, &name);
	if (ret)
		return ret;
	if (need_device())
		return EXIT_FAILURE;
	ret = mqdev_open(name, O_RDONLY | O_CREAT | O_EXCL, mode, &opts, &q);
	if (ret)
		return op_error(name, ret);
	mqdev_close(q);
	return EXIT_SUCCESS;
}

/*
 * Read all of stdin into @buf (@size bytes).  @return the length, or
 * -EMSGSIZE when there is more than @size bytes, or -errno.
 */
static ssize_t read_stdin(char *buf, size_t size)
{
	size_t len = 0;
	char extra;

	for (;;) {
		ssize_t n;

		if (len < size)
			n = read(STDIN_FILENO, buf + len, size - len);
		else
			n = read(STDIN_FILENO, &extra, 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return len;
		if (len == size)
			return -EMSGSIZE;
		len += n;
	}
}

/* Does the device move batches (MQLAB_FEAT_BATCH)? */
static bool have_batch(void)
{
	uint64_t features = 0;

	return mqdev_version(NULL, NULL, &features) == 0 &&
	       (features & MQLAB_FEAT_BATCH);
}

/*
 * Send the @n strings at @msgs at @prio, in order: in batches when the
 * device has them.  @return 0 or -errno (of the first message not sent).
 */
static int send_all(struct mqdev *q, char **msgs, int n, unsigned int prio,
		    uint64_t ttl_ns, const struct mqdev_io_opts *io)
{
	struct mqdev_batch_msg m[MQDEV_BATCH_MAX];
	int done = 0, k, i, ret;

	/* A batch carries no TTL: one call a message then. */
	if (n == 1 || ttl_ns || !have_batch()) {
		for (i = 0; i < n; i++) {
			ret = mqdev_send_ttl(q, msgs[i], strlen(msgs[i]), prio,
					     ttl_ns, io);
			if (ret)
				return ret;
		}
		return 0;
	}
	while (done < n) {
		k = n - done < MQDEV_BATCH_MAX ? n - done : MQDEV_BATCH_MAX;
		memset(m, 0, sizeof(m));
		for (i = 0; i < k; i++) {
			m[i].buf = msgs[done + i];
			m[i].len = strlen(msgs[done + i]);
			m[i].prio = prio;
		}
		/* A short count: the next call reports the error. */
		ret = mqdev_send_batch(q, m, k, io);
		if (ret < 0)
			return ret;
		done += ret;
	}
	return 0;
}

static int cmd_send(int argc, char **argv)
{
	struct mqdev_io_opts io = { .sz = sizeof(io) };
	unsigned long prio = 0;
	struct timespec timeout, ttl = { 0, 0 };
	uint64_t ttl_ns;
	const char *name;
	struct mqdev *q;
	void *buf = NULL;
	size_t size;
	ssize_t len;
	int c, ret;

	while ((c = next_option(argc, argv)) != -1) {
		switch (c) {
		case 'p':
			if (parse_ulong(optarg, UINT_MAX, &prio))
				return usage_error("bad number for -p: '%s'", optarg);
			break;
		case OPT_TTL:
			if (parse_seconds(optarg, &ttl))
				return usage_error("bad number of seconds for --ttl: '%s'",
						   optarg);
			break;
		default:
			ret = io_option(c, &io, &timeout);
			if (ret < 0)
				return OPTION_DONE(c);
			if (ret)
				return ret;
		}
	}
	ret = name_operand(argc, argv, INT_MAX, &name);
	if (ret)
		return ret;
	ttl_ns = (uint64_t)ttl.tv_sec * 1000000000u + (uint64_t)ttl.tv_nsec;
	ret = open_queue(name, O_WRONLY, &q);
	if (ret)
		return ret;
	if (argc - optind > 1) {
		ret = send_all(q, argv + optind + 1, argc - optind - 1, prio,
			       ttl_ns, &io);
	} else {
		/* One message: all of stdin, at most msgsize bytes. */
		ret = alloc_msgbuf(q, name, 1, &buf, &size);
		if (ret)
			goto out_close;
		len = read_stdin(buf, size);
		if (len == -EMSGSIZE) {
			fprintf(stderr,
				"mqctl: send %s: more than msgsize (%zu) bytes on stdin: %s (EMSGSIZE)\n",
				name, size, mqdev_strerror(-EMSGSIZE));
			ret = EXIT_FAILURE;
			goto out_free;
		}
		if (len < 0) {
			ret = op_error("<stdin>", len);
			goto out_free;
		}
		ret = mqdev_send_ttl(q, buf, len, prio, ttl_ns, &io);
	}
	ret = ret ? op_error(name, ret) : EXIT_SUCCESS;
out_free:
	free(buf);
out_close:
	mqdev_close(q);
	return ret;
}

/*
 * Receive and print @count messages of @q, in batches (buffers of @size
 * bytes at @buf, up to @nbuf of them).  @return 0 or -errno.
 */
static int recv_batches(struct mqdev *q, unsigned long count, char *buf,
			size_t size, unsigned int nbuf,
			const struct mqdev_io_opts *io)
{
	struct mqdev_batch_msg m[MQDEV_BATCH_MAX];
	struct mqdev_msginfo info = { .sz = sizeof(info) };
	unsigned int k, i;
	int got;

	while (count) {
		k = count < nbuf ? count : nbuf;
		memset(m, 0, sizeof(m));
		for (i = 0; i < k; i++) {
			m[i].buf = buf + i * size;
			m[i].len = size;
		}
		got = mqdev_receive_batch(q, m, k, io);
		if (got < 0)
			return got;
		for (i = 0; i < (unsigned int)got; i++) {
			info.prio = m[i].prio;
			info.pid = m[i].pid;
			info.uid = m[i].uid;
			print_message(&info, m[i].buf, m[i].len);
		}
		count -= got;
	}
	return 0;
}

/*
 * --prio-eq, --prio-le, --prio-ne P: the selector of recv and peek.
 * @return 0 when @c was one of them, EXIT_USAGE for a bad value or a
 * second one, -1 when @c is another option.
 */
static int select_option(int c, unsigned int *rflags, unsigned int *prio)
{
	static const struct {
		int opt;
		unsigned int rflag;
	} sel[] = {
		{ OPT_PRIO_EQ, MQDEV_RECV_PRIO_EQ },
		{ OPT_PRIO_LE, MQDEV_RECV_PRIO_LE },
		{ OPT_PRIO_NE, MQDEV_RECV_PRIO_NE },
	};
	unsigned long val;
	unsigned int i;

	for (i = 0; i < sizeof(sel) / sizeof(sel[0]); i++) {
		if (c != sel[i].opt)
			continue;
		if (*rflags & ~MQDEV_RECV_PEEK)
			return usage_error("only one of --prio-eq, --prio-le, --prio-ne");
		if (parse_ulong(optarg, MQLAB_PRIO_MAX - 1, &val))
			return usage_error("bad priority (0..%u): '%s'",
					   MQLAB_PRIO_MAX - 1, optarg);
		*rflags |= sel[i].rflag;
		*prio = (unsigned int)val;
		return 0;
	}
	return -1;
}

/* recv, and peek (@rflags MQDEV_RECV_PEEK). */
static int recv_cmd(int argc, char **argv, unsigned int rflags)
{
	struct mqdev_io_opts io = { .sz = sizeof(io) };
	struct mqdev_msginfo info;
	unsigned long count = 1, i;
	struct timespec timeout;
	unsigned int nbuf = 1, prio = 0;
	const char *name;
	struct mqdev *q;
	size_t size;
	void *buf;
	int c, ret;

	while ((c = next_option(argc, argv)) != -1) {
		switch (c) {
		case 'n':
			if (parse_ulong(optarg, ULONG_MAX, &count) || !count)
				return usage_error("bad count for -n: '%s'", optarg);
			break;
		default:
			ret = select_option(c, &rflags, &prio);
			if (ret >= 0) {
				if (ret)
					return ret;
				break;
			}
			ret = io_option(c, &io, &timeout);
			if (ret < 0)
				return OPTION_DONE(c);
			if (ret)
				return ret;
		}
	}
	ret = name_operand(argc, argv, 1, &name);
	if (ret)
		return ret;
	ret = open_queue(name, O_RDONLY, &q);
	if (ret)
		return ret;
	/* A batch takes no selector. */
	if (count > 1 && !rflags && have_batch())
		nbuf = count < MQDEV_BATCH_MAX ? count : MQDEV_BATCH_MAX;
	ret = alloc_msgbuf(q, name, nbuf, &buf, &size);
	if (ret)
		goto out_close;
	if (nbuf > 1) {
		ret = recv_batches(q, count, buf, size, nbuf, &io);
		if (ret)
			ret = op_error(name, ret);
		count = 0;
	}
	for (i = 0; i < count; i++) {
		ssize_t len;

		memset(&info, 0, sizeof(info));
		info.sz = sizeof(info);
		len = mqdev_receive_sel(q, buf, size, rflags, prio, &info, &io);
		if (len < 0) {
			ret = op_error(name, len);
			break;
		}
		print_message(&info, buf, len);
	}
	free(buf);
out_close:
	mqdev_close(q);
	return ret;
}

static int cmd_recv(int argc, char **argv)
{
	return recv_cmd(argc, argv, 0);
}

static int cmd_peek(int argc, char **argv)
{
	return recv_cmd(argc, argv, MQDEV_RECV_PEEK);
}

/* Set by the signal handler: volatile sig_atomic_t is what C requires. */
static volatile sig_atomic_t stop_watch;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_watch = 1;
}

/*
 * watch: SIGINT and SIGTERM stay blocked except inside ppoll(), so a stop
 * request can never slip in between the check of stop_watch and the wait
 * (with a blocking receive it could, and the tool would hang), and it can
 * never interrupt us between taking a message and printing it.  Messages
 * are taken with non-blocking receives; -EAGAIN means another receiver
 * was faster, and we wait again.
 */
static int watch_loop(struct mqdev *q, const char *name, void *buf,
		      size_t size, const sigset_t *waitmask)
{
	struct mqdev_io_opts io = {
		.sz = sizeof(io),
		.flags = MQDEV_IO_NONBLOCK,
	};
	struct mqdev_msginfo info;

	while (!stop_watch) {
		struct pollfd pfd = { .fd = mqdev_fd(q), .events = POLLIN };
		ssize_t len;

		memset(&info, 0, sizeof(info));
		info.sz = sizeof(info);
		len = mqdev_receive(q, buf, size, &info, &io);
		if (len >= 0) {
			print_message(&info, buf, len);
			continue;
		}
		if (len != -EAGAIN)
			return op_error(name, len);
		if (ppoll(&pfd, 1, NULL, waitmask) < 0 && errno != EINTR)
			return op_error(name, -errno);
	}
	return EXIT_SUCCESS;
}

static int cmd_watch(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigset_t stopset, waitmask;
	const char *name;
	struct mqdev *q;
	size_t size;
	void *buf;
	int c, ret;

	while ((c = next_option(argc, argv)) != -1)
		return OPTION_DONE(c);
	ret = name_operand(argc, argv, 1, &name);
	if (ret)
		return ret;

	sigemptyset(&stopset);
	sigaddset(&stopset, SIGINT);
	sigaddset(&stopset, SIGTERM);
	sigprocmask(SIG_BLOCK, &stopset, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	ret = open_queue(name, O_RDONLY, &q);
	if (ret)
		return ret;
	ret = alloc_msgbuf(q, name, 1, &buf, &size);
	if (!ret) {
		ret = watch_loop(q, name, buf, size, &waitmask);
		free(buf);
	}
	mqdev_close(q);
	return ret;
}

static int cmd_stat(int argc, char **argv)
{
	struct mqdev_attr attr;
	const char *name;
	struct mqdev *q;
	int c, ret;

	while ((c = next_option(argc, argv)) != -1)
		return OPTION_DONE(c);
	ret = name_operand(argc, argv, 1, &name);
	if (ret)
		return ret;
	if (need_device())
		return EXIT_FAILURE;
	/* Either access mode will do to read the attributes. */
	ret = mqdev_open(name, O_RDONLY, 0, NULL, &q);
	if (ret == -EACCES)
		ret = mqdev_open(name, O_WRONLY, 0, NULL, &q);
	if (ret)
		return op_error(name, ret);
	ret = get_attr(q, name, &attr);
	mqdev_close(q);
	if (ret)
		return ret;
	printf("name:              %s\n", name);
	printf("maxmsg:            %lu\n", attr.maxmsg);
	printf("msgsize:           %lu\n", attr.msgsize);
	printf("curmsgs:           %lu\n", attr.curmsgs);
	printf("curbytes:          %lu\n", attr.curbytes);
	printf("waiting_senders:   %lu\n", attr.waiting_senders);
	printf("waiting_receivers: %lu\n", attr.waiting_receivers);
	printf("sent:              %llu\n", (unsigned long long)attr.sent);
	printf("received:          %llu\n", (unsigned long long)attr.received);
	printf("expired:           %llu\n", (unsigned long long)attr.expired);
	printf("mode:              %04o\n", (unsigned int)attr.mode);
	printf("uid:               %lu\n", (unsigned long)attr.uid);
	printf("gid:               %lu\n", (unsigned long)attr.gid);
	return EXIT_SUCCESS;
}

/* rm, and rm --destroy (the command destroy): mqdev_destroy(). */
static int remove_queue(int argc, char **argv, bool destroy)
{
	const char *name;
	int c, ret;

	while ((c = next_option(argc, argv)) != -1) {
		if (c != OPT_DESTROY)
			return OPTION_DONE(c);
		destroy = true;
	}
	ret = name_operand(argc, argv, 1, &name);
	if (ret)
		return ret;
	if (need_device())
		return EXIT_FAILURE;
	ret = destroy ? mqdev_destroy(name) : mqdev_unlink(name);
	return ret ? op_error(name, ret) : EXIT_SUCCESS;
}

static int cmd_rm(int argc, char **argv)
{
	return remove_queue(argc, argv, false);
}

static int cmd_destroy(int argc, char **argv)
{
	return remove_queue(argc, argv, true);
}

/* chmod NAME MODE: mqdev_chmod(). */
static int cmd_chmod(int argc, char **argv)
{
	const char *name;
	mode_t mode;
	int c, ret;

	while ((c = next_option(argc, argv)) != -1)
		return OPTION_DONE(c);
	if (argc - optind < 2)
		return usage_error(argc == optind ? "missing queue name" :
						    "missing mode");
	ret = name_operand(argc, argv, 2, &name);
	if (ret)
		return ret;
	if (parse_mode(argv[optind + 1], &mode) || (mode & ~0777))
		return usage_error("bad octal mode (0..777): '%s'",
				   argv[optind + 1]);
	if (need_device())
		return EXIT_FAILURE;
	ret = mqdev_chmod(name, mode);
	return ret ? op_error(name, ret) : EXIT_SUCCESS;
}

/*
 * A user or group of chown: a number, or a name from the passwd or
 * group database.  @return 0 or -1.
 */
static int parse_id(const char *s, bool group, unsigned long *id)
{
	struct passwd *pw;
	struct group *gr;

	if (!parse_ulong(s, UINT_MAX - 1, id))
		return 0;
	if (!*s)
		return -1;
	if (group) {
		gr = getgrnam(s);
		if (!gr)
			return -1;
		*id = gr->gr_gid;
	} else {
		pw = getpwnam(s);
		if (!pw)
			return -1;
		*id = pw->pw_uid;
	}
	return 0;
}

/* chown NAME USER[:GROUP] (or :GROUP): mqdev_chown(). */
static int cmd_chown(int argc, char **argv)
{
	unsigned long uid = (uid_t)-1, gid = (gid_t)-1;
	char *spec, *colon;
	const char *name;
	int c, ret;

	while ((c = next_option(argc, argv)) != -1)
		return OPTION_DONE(c);
	if (argc - optind < 2)
		return usage_error(argc == optind ? "missing queue name" :
						    "missing USER[:GROUP]");
	ret = name_operand(argc, argv, 2, &name);
	if (ret)
		return ret;
	spec = argv[optind + 1];
	colon = strchr(spec, ':');
	if (colon) {
		if (!colon[1])
			return usage_error("missing group after ':' in '%s'",
					   spec);
		*colon = '\0';
		if (parse_id(colon + 1, true, &gid)) {
			*colon = ':';
			return usage_error("unknown group in '%s'", spec);
		}
	}
	if ((*spec || !colon) && parse_id(spec, false, &uid)) {
		if (colon)
			*colon = ':';
		return usage_error("unknown user in '%s'", spec);
	}
	if (colon)
		*colon = ':';
	if (need_device())
		return EXIT_FAILURE;
	ret = mqdev_chown(name, (uid_t)uid, (gid_t)gid);
	return ret ? op_error(name, ret) : EXIT_SUCCESS;
}

#define LS_MAX_COLS	16

/* One line of /proc/mqueue-lab: as read, and split into fields. */
struct ls_row {
	char *raw;
	char *buf;		/* a copy of raw that field[] points into */
	char *field[LS_MAX_COLS];
	int nf;			/* fields; LS_MAX_COLS + 1 when too many */
};

/*
 * Read and split the lines of @f.  @return 0 or -errno.
 * gcc -fanalyzer (12) loses the strdup()s once they are stored in the
 * realloc()ed array and reports them leaked (make lint); the caller
 * frees every row, and the error path frees those read so far.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
static int ls_read(FILE *f, struct ls_row **rows, size_t *nrows)
{
	size_t cap = 0, n = 0;
	char *line = NULL;
	size_t len = 0;

	*rows = NULL;
	while (getline(&line, &len, f) >= 0) {
		struct ls_row *r;
		char *save, *tok;

		if (n == cap) {
			r = realloc(*rows, (cap = cap * 2 + 16) * sizeof(*r));
			if (!r)
				goto out_nomem;
			*rows = r;
		}
		r = &(*rows)[n];
		r->raw = strdup(line);
		r->buf = strdup(line);
		if (!r->raw || !r->buf) {
			free(r->raw);
			free(r->buf);
			goto out_nomem;
		}
		n++;
		r->nf = 0;
		for (tok = strtok_r(r->buf, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save)) {
			if (r->nf == LS_MAX_COLS) {
				r->nf++;
				break;
			}
			r->field[r->nf++] = tok;
		}
	}
	free(line);
	*nrows = n;
	return ferror(f) ? -EIO : 0;
out_nomem:
	free(line);
	*nrows = n;
	return -ENOMEM;
}
#pragma GCC diagnostic pop

/*
 * ls: the table of /proc/mqueue-lab (a header line, then one line per
 * queue) with its columns aligned: the first column, the name, to the
 * left and the counters to the right.  A line whose fields do not match
 * the header's is printed as it is.
 */
static int cmd_ls(int argc, char **argv)
{
	size_t width[LS_MAX_COLS] = { 0 };
	struct ls_row *rows;
	size_t nrows, i;
	int c, ret, ncols;
	FILE *f;

	while ((c = next_option(argc, argv)) != -1)
		return OPTION_DONE(c);
	ret = check_args(argc, argv, 0, 0);
	if (ret)
		return ret;
	f = fopen(MQLAB_PROC_PATH, "r");
	if (!f && errno == ENOENT)
		return module_file_error(MQLAB_PROC_PATH, errno);
	if (!f)
		return op_error(MQLAB_PROC_PATH, -errno);
	ret = ls_read(f, &rows, &nrows);
	fclose(f);
	if (ret)
		ret = op_error(MQLAB_PROC_PATH, ret);

	/* Align only when the header has a sane number of columns. */
	ncols = nrows && rows[0].nf <= LS_MAX_COLS ? rows[0].nf : 0;
	for (i = 0; i < nrows; i++)
		for (c = 0; rows[i].nf == ncols && c < ncols; c++)
			if (strlen(rows[i].field[c]) > width[c])
				width[c] = strlen(rows[i].field[c]);
	for (i = 0; i < nrows; i++) {
		struct ls_row *r = &rows[i];

		if (!ret && (!ncols || r->nf != ncols)) {
			fputs(r->raw, stdout);
		} else if (!ret) {
			printf("%-*s", (int)width[0], r->field[0]);
			for (c = 1; c < ncols; c++)
				printf("  %*s", (int)width[c], r->field[c]);
			putchar('\n');
		}
		free(r->raw);
		free(r->buf);
	}
	free(rows);
	return ret;
}

/* ---- command table, help, main ---- */

static const struct option create_opts[] = {
	{ "maxmsg", required_argument, NULL, OPT_MAXMSG },
	{ "msgsize", required_argument, NULL, OPT_MSGSIZE },
	{ "mode", required_argument, NULL, OPT_MODE },
	OPT_HELP_ENTRY, OPT_END
};

static const struct option send_opts[] = {
	{ "prio", required_argument, NULL, 'p' },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "nonblock", no_argument, NULL, OPT_NONBLOCK },
	OPT_HELP_ENTRY, OPT_END
};

#define OPT_SELECT_ENTRIES						\
	{ "prio-eq", required_argument, NULL, OPT_PRIO_EQ },		\
	{ "prio-le", required_argument, NULL, OPT_PRIO_LE },		\
	{ "prio-ne", required_argument, NULL, OPT_PRIO_NE }

static const struct option recv_opts[] = {
	{ "count", required_argument, NULL, 'n' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "nonblock", no_argument, NULL, OPT_NONBLOCK },
	OPT_SELECT_ENTRIES,
	OPT_HELP_ENTRY, OPT_END
};

static const struct option peek_opts[] = {
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "nonblock", no_argument, NULL, OPT_NONBLOCK },
	OPT_SELECT_ENTRIES,
	OPT_HELP_ENTRY, OPT_END
};

static const struct option rm_opts[] = {
	{ "destroy", no_argument, NULL, OPT_DESTROY },
	OPT_HELP_ENTRY, OPT_END
};

static const struct option help_only_opts[] = { OPT_HELP_ENTRY, OPT_END };

static const struct command commands[] = {
	{
		"create", cmd_create, "NAME [--maxmsg N] [--msgsize N] [--mode M]",
		"Create a new queue (it must not exist yet).",
		"  --maxmsg N    capacity in messages (default: module default)\n"
		"  --msgsize N   largest message in bytes (default: module default)\n"
		"  --mode M      octal permission bits, umask applies (default 0644)\n",
		":h", create_opts,
	}, {
		"send", cmd_send, "NAME [-p PRIO] [--ttl SEC] [--nonblock] [--timeout SEC] [MESSAGE...]",
		"Send each MESSAGE, or all of stdin (at most msgsize bytes) as one message.",
		"  -p, --prio PRIO  priority 0..%u, higher is received first (default 0)\n"
		"  --ttl SEC        drop each message unreceived SEC seconds after it is queued\n"
		"  --nonblock       fail with EAGAIN instead of waiting on a full queue\n"
		"  --timeout SEC    wait at most SEC seconds (decimals allowed), then ETIMEDOUT\n",
		":hp:", send_opts,
	}, {
		"recv", cmd_recv, "NAME [-n COUNT] [--nonblock] [--timeout SEC] [--prio-eq|--prio-le|--prio-ne P]",
		"Receive COUNT messages (default 1), highest priority first.",
		"  -n, --count COUNT  receive COUNT messages (default 1)\n"
		"  --nonblock         fail with EAGAIN instead of waiting on an empty queue\n"
		"  --timeout SEC      wait at most SEC seconds (decimals allowed) for each\n"
		"                     message, then fail with ETIMEDOUT\n"
		"  --prio-eq P        only a message of priority P (oldest first)\n"
		"  --prio-le P        only one of the highest priority that is <= P\n"
		"  --prio-ne P        only one whose priority is not P\n"
		"Each message prints as two lines: 'prio=P pid=PID uid=UID len=L', then\n"
		"the payload with \\\\, \\n, \\t, \\r and \\xHH escapes.\n",
		":hn:", recv_opts,
	}, {
		"peek", cmd_peek, "NAME [--nonblock] [--timeout SEC] [--prio-eq|--prio-le|--prio-ne P]",
		"Print the next message as recv does, and leave it in the queue.",
		"  --nonblock         fail with EAGAIN instead of waiting on an empty queue\n"
		"  --timeout SEC      wait at most SEC seconds for a message, then ETIMEDOUT\n"
		"  --prio-eq, --prio-le, --prio-ne P\n"
		"                     the first message that recv with it would take\n",
		":h", peek_opts,
	}, {
		"watch", cmd_watch, "NAME",
		"Print messages as they arrive (as recv does) until SIGINT or SIGTERM.",
		"", ":h", help_only_opts,
	}, {
		"stat", cmd_stat, "NAME",
		"Show a queue's attributes and counters.",
		"", ":h", help_only_opts,
	}, {
		"ls", cmd_ls, "",
		"List all queues with their counters (from " MQLAB_PROC_PATH ").",
		"", ":h", help_only_opts,
	}, {
		"rm", cmd_rm, "NAME [--destroy]",
		"Remove a queue's name; it lives on until its last user closes it.",
		"  --destroy     end the queue at once, as the destroy command does\n",
		":h", rm_opts,
	}, {
		"destroy", cmd_destroy, "NAME",
		"Remove a queue's name and end the queue: its users get EIDRM.",
		"", ":h", help_only_opts,
	}, {
		"chmod", cmd_chmod, "NAME MODE",
		"Set a queue's permission bits (octal, 0..777; the owner or CAP_FOWNER).",
		"", ":h", help_only_opts,
	}, {
		"chown", cmd_chown, "NAME USER[:GROUP]",
		"Set a queue's owner and/or group (CAP_CHOWN; the owner may set its own group).",
		"USER and GROUP are numbers or names; ':GROUP' alone sets only the group.\n",
		":h", help_only_opts,
	},
};

#define NCOMMANDS	ARRAY_SIZE(commands)

static void main_help(void)
{
	size_t i;

	printf("Usage: mqctl COMMAND [ARGS]   (mqctl COMMAND --help for details)\n"
	       "       mqctl --help | --version\n\n"
	       "Manage the message queues of " MQLAB_DEVICE_PATH ".\n\n"
	       "Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		printf("  %s%s%s\n        %s\n", commands[i].name,
		       *commands[i].args ? " " : "", commands[i].args,
		       commands[i].summary);
	printf("\nNAME is a queue name; a leading '/' is ignored.\n"
	       "Exit status: 0 success, 1 operation failed, 2 usage error.\n");
}

static int print_version(void)
{
	unsigned int major, minor;
	uint64_t features;
	int err;

	printf("mqctl %s\n", MQCTL_VERSION);
	err = mqdev_version(&major, &minor, &features);
	if (err) {
		printf("device interface: unavailable (%s: %s)\n",
		       MQLAB_DEVICE_PATH, mqdev_strerror(err));
		return EXIT_SUCCESS;
	}
	printf("device interface: %u.%u, features:%s%s%s%s%s%s%s\n", major,
	       minor, features & MQLAB_FEAT_NOTIFY ? " notify" : "",
	       features & MQLAB_FEAT_TIMEOUT ? " timeout" : "",
	       features & MQLAB_FEAT_ACCOUNT ? " account" : "",
	       features & MQLAB_FEAT_TIMENS ? " timens" : "",
	       features & MQLAB_FEAT_POLL_UNBOUND ? " poll-unbound" : "",
	       features & MQLAB_FEAT_KERNEL_LIMITS ? " kernel-limits" : "",
	       features & MQLAB_FEAT_BATCH ? " batch" : "");
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "version", no_argument, NULL, OPT_VERSION },
		OPT_HELP_ENTRY, OPT_END
	};
	size_t i;
	int c, ret;

	opterr = 0;
	/* '+': stop at the command; its options are its own. */
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			main_help();
			return EXIT_SUCCESS;
		case OPT_VERSION:
			return print_version();
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind == argc)
		return usage_error("missing command");
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[optind], commands[i].name))
			break;
	if (i == NCOMMANDS)
		return usage_error("unknown command '%s'", argv[optind]);
	cur_cmd = &commands[i];
	cmd_name = cur_cmd->name;
	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: start afresh on the command's arguments */
	ret = cur_cmd->run(argc, argv);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "mqctl: %s: write error on stdout\n", cmd_name);
		return EXIT_FAILURE;
	}
	return ret;
}
