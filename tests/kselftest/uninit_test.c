// SPDX-License-Identifier: GPL-2.0
/*
 * uninit_test - /dev/mqueue-lab: no undefined byte reaches user space.
 *
 * Every struct the device copies out (VERSION, the out fields of RECV,
 * RECV_BATCH descriptors, GETATTR), every message read and every
 * /proc file is read into memory prefilled with 0xAA, and then checked
 * byte by byte: each byte the kernel must write holds its defined value
 * (pad and reserved fields zero, each other field the value it must
 * have), and each byte it must not write (a buffer beyond the message
 * length, the descriptors after the last message received, the input
 * fields) is still what it was.  Run on the debug kernel, which has no
 * init-on-alloc, a struct the module forgot to zero shows stack or heap
 * garbage here.
 */
#define _GNU_SOURCE

#include "mqlab_kst.h"

#define UN_FILL		0xAA
#define UN_BUF		256

FIXTURE(uninit) {
	struct mqk k;
};

FIXTURE_SETUP(uninit)
{
	mqk_setup(_metadata, &self->k);
}

FIXTURE_TEARDOWN(uninit)
{
	mqk_teardown(&self->k);
}

/* The first offset in @p (@len bytes) that is not @c, or -1. */
static long un_not(const void *p, size_t len, unsigned char c)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != c)
			return (long)i;
	return -1;
}

/* @len bytes at @p are still 0xAA. */
#define ASSERT_UNTOUCHED(p, len) \
	ASSERT_EQ(-1, un_not(p, len, UN_FILL)) \
		TH_LOG("%s: byte %ld was written", #p, un_not(p, len, UN_FILL))

TEST_F(uninit, version)
{
	struct mqlab_version v, want;
	int fd = mqk_open(O_RDWR);

	ASSERT_LE(0, fd);
	memset(&v, UN_FILL, sizeof(v));
	ASSERT_EQ(0, mqk_ioctl(fd, MQLAB_IOC_VERSION, &v));
	close(fd);

	memset(&want, 0, sizeof(want));
	want.major = MQLAB_VERSION_MAJOR;
	want.minor = MQLAB_VERSION_MINOR;
	want.features = v.features;
	want.name_max = MQLAB_NAME_MAX;
	want.prio_max = MQLAB_PRIO_MAX;
	want.max_queues = mqk_param(_metadata, "max_queues");
	want.default_maxmsg = mqk_param(_metadata, "default_maxmsg");
	want.default_msgsize = mqk_param(_metadata, "default_msgsize");
	want.maxmsg_max = mqk_param(_metadata, "maxmsg_max");
	want.msgsize_max = mqk_param(_metadata, "msgsize_max");
	want.total_bytes_max = mqk_param(_metadata, "max_total_bytes");
	/* the feature bits the header defines, no other */
	ASSERT_EQ(0, v.features & ~(__u64)MQLAB_FEAT_ALL);
	ASSERT_EQ(-1, un_not(v.reserved, sizeof(v.reserved), 0));
	ASSERT_EQ(0, memcmp(&v, &want, sizeof(v)))
		TH_LOG("VERSION differs from its defined value");
}

/* A queue @name (4 x 64, mode 0640) holding @n messages "m0", "m1", ... */
static int un_queue(struct __test_metadata *_metadata, const char *name,
		    unsigned int n)
{
	int fd = mqk_create(_metadata, name, O_RDWR, 0640, 4, 64);
	char msg[8];
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(msg, sizeof(msg), "m%u", i);
		ASSERT_EQ(0, mqk_send(fd, msg, strlen(msg), i ? 0 : 3, 0, NULL));
	}
	return fd;
}

/*
 * RECV: the out fields hold exactly the message's, the pad is zero, the
 * inputs come back as they went in, the buffer beyond the message is
 * untouched.  With EMSGSIZE: len is the size needed, the other out
 * fields zero, the buffer untouched.
 */
TEST_F(uninit, recv_out_fields)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	__u64 t0 = mqk_now_ns(CLOCK_MONOTONIC), t1;
	unsigned char buf[UN_BUF];
	struct mqlab_recv r, in;
	int fd = un_queue(_metadata, name, 2);

	memset(&r, UN_FILL, sizeof(r));
	r.buf = mqk_ptr(buf);
	r.len = 1;
	r.flags = MQLAB_IO_NONBLOCK;
	memset(&r.timeout, 0, sizeof(r.timeout));
	r.pad = 0;
	in = r;
	memset(buf, UN_FILL, sizeof(buf));
	ASSERT_EQ(-EMSGSIZE, mqk_ioctl(fd, MQLAB_IOC_RECV, &r));
	ASSERT_UNTOUCHED(buf, sizeof(buf));
	in.len = 2;
	in.prio = in.pid = in.uid = 0;
	in.timestamp_ns = 0;
	ASSERT_EQ(0, memcmp(&r, &in, sizeof(r)))
		TH_LOG("EMSGSIZE: out fields other than len not zero");

	memset(&r, UN_FILL, sizeof(r));
	r.buf = mqk_ptr(buf);
	r.len = sizeof(buf);
	r.flags = MQLAB_IO_NONBLOCK;
	memset(&r.timeout, 0, sizeof(r.timeout));
	r.pad = 0;
	in = r;
	ASSERT_EQ(0, mqk_ioctl(fd, MQLAB_IOC_RECV, &r));
	t1 = mqk_now_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, memcmp(buf, "m0", 2));
	ASSERT_UNTOUCHED(buf + 2, sizeof(buf) - 2);
	ASSERT_LE(t0, r.timestamp_ns);
	ASSERT_GE(t1, r.timestamp_ns);
	in.len = 2;
	in.prio = 3;
	in.pid = getpid();
	in.uid = getuid();
	in.timestamp_ns = r.timestamp_ns;
	ASSERT_EQ(0, memcmp(&r, &in, sizeof(r)))
		TH_LOG("RECV: len %u prio %u pid %u uid %u pad %u", r.len,
		       r.prio, r.pid, r.uid, r.pad);
	close(fd);
}

/* read(): the message's bytes, and nothing beyond them. */
TEST_F(uninit, read_message)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	unsigned char buf[UN_BUF];
	int fd = un_queue(_metadata, name, 1);

	memset(buf, UN_FILL, sizeof(buf));
	ASSERT_EQ(-1, read(fd, buf, 1));
	ASSERT_EQ(EMSGSIZE, errno);
	ASSERT_UNTOUCHED(buf, sizeof(buf));
	ASSERT_EQ(2, read(fd, buf, sizeof(buf)));
	ASSERT_EQ(0, memcmp(buf, "m0", 2));
	ASSERT_UNTOUCHED(buf + 2, sizeof(buf) - 2);
	close(fd);
}

/*
 * RECV_BATCH of 4 with 3 queued: descriptors 0 .. 2 hold exactly their
 * messages' fields, descriptor 3, the header and every buffer beyond
 * its message are untouched.  The first message not fitting: only the
 * first descriptor's len is written.
 */
TEST_F(uninit, recv_batch_descriptors)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	__u64 t0 = mqk_now_ns(CLOCK_MONOTONIC), t1;
	unsigned char bufs[4][UN_BUF];
	struct mqlab_batch_msg d[4], in[4];
	struct mqlab_batch b, bin;
	unsigned int i;
	int fd = un_queue(_metadata, name, 3);

	memset(d, UN_FILL, sizeof(d));
	memset(bufs, UN_FILL, sizeof(bufs));
	for (i = 0; i < 4; i++) {
		d[i].buf = mqk_ptr(bufs[i]);
		d[i].len = i ? UN_BUF : 1;
	}
	memcpy(in, d, sizeof(d));
	memset(&b, 0, sizeof(b));
	b.msgs = mqk_ptr(d);
	b.count = 4;
	b.flags = MQLAB_IO_NONBLOCK;
	bin = b;
	ASSERT_EQ(-EMSGSIZE, mqk_ioctl(fd, MQLAB_IOC_RECV_BATCH, &b));
	ASSERT_EQ(0, memcmp(&b, &bin, sizeof(b)));
	ASSERT_UNTOUCHED(bufs, sizeof(bufs));
	in[0].len = 2;
	ASSERT_EQ(0, memcmp(d, in, sizeof(d)))
		TH_LOG("EMSGSIZE: more than descriptor 0's len written");

	for (i = 0; i < 4; i++)
		d[i].len = in[i].len = UN_BUF;
	ASSERT_EQ(3, mqk_ioctl(fd, MQLAB_IOC_RECV_BATCH, &b));
	t1 = mqk_now_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, memcmp(&b, &bin, sizeof(b)));
	for (i = 0; i < 3; i++) {
		char want[8];

		snprintf(want, sizeof(want), "m%u", i);
		ASSERT_EQ(0, memcmp(bufs[i], want, 2));
		ASSERT_UNTOUCHED(bufs[i] + 2, UN_BUF - 2);
		ASSERT_LE(t0, d[i].timestamp_ns);
		ASSERT_GE(t1, d[i].timestamp_ns);
		in[i].len = 2;
		in[i].prio = i ? 0 : 3;
		in[i].pid = getpid();
		in[i].uid = getuid();
		in[i].timestamp_ns = d[i].timestamp_ns;
	}
	ASSERT_UNTOUCHED(bufs[3], UN_BUF);
	ASSERT_EQ(0, memcmp(d, in, sizeof(d)))
		TH_LOG("descriptors differ from their defined values");
	close(fd);
}

TEST_F(uninit, getattr)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	struct mqlab_attr a, want;
	int fd = un_queue(_metadata, name, 2);

	memset(&a, UN_FILL, sizeof(a));
	ASSERT_EQ(0, mqk_ioctl(fd, MQLAB_IOC_GETATTR, &a));
	memset(&want, 0, sizeof(want));
	want.maxmsg = 4;
	want.msgsize = 64;
	want.curmsgs = 2;
	want.curbytes = 4;
	want.sent = 2;
	want.mode = 0640;
	want.uid = getuid();
	want.gid = getgid();
	ASSERT_EQ(0, memcmp(&a, &want, sizeof(a)))
		TH_LOG("GETATTR differs from its defined value (reserved %llx %llx)",
		       (unsigned long long)a.reserved[0],
		       (unsigned long long)a.reserved[1]);
	close(fd);
}

/*
 * A /proc file read in one go: text only (printable ASCII, spaces and
 * newlines), ending in a newline, and nothing written beyond it.
 */
static void un_proc(struct __test_metadata *_metadata, const char *path)
{
	static unsigned char buf[65536];
	ssize_t n, i;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd) TH_LOG("%s: %s", path, strerror(errno));
	memset(buf, UN_FILL, sizeof(buf));
	n = read(fd, buf, sizeof(buf));
	close(fd);
	ASSERT_LT(0, n);
	ASSERT_GT((ssize_t)sizeof(buf), n);
	for (i = 0; i < n; i++)
		ASSERT_TRUE(buf[i] == '\n' || (buf[i] >= ' ' && buf[i] < 0x7f))
			TH_LOG("%s: byte %zd is 0x%02x", path, i, buf[i]);
	ASSERT_EQ('\n', buf[n - 1]);
	ASSERT_UNTOUCHED(buf + n, sizeof(buf) - n);
}

TEST_F(uninit, proc_files)
{
	const char *name = mqk_name(_metadata, &self->k, "q");
	int fd = un_queue(_metadata, name, 2);

	un_proc(_metadata, MQLAB_PROC_PATH);
	un_proc(_metadata, MQLAB_PROC_USERS_PATH);
	close(fd);
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
