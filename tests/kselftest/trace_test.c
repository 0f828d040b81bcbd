// SPDX-License-Identifier: GPL-2.0
/*
 * trace_test - /dev/mqueue-lab: the mqueue_lab trace events (tracefs).
 *
 * Each test records the events of its own queues in a trace instance of
 * its own (instances/mqlab-kst-<pid>, removed at teardown), does one
 * scenario, and asserts which events came, in what order, with what
 * fields: the seed story (a blocked receiver gets the message by
 * hand-off and is woken by the sender), the queued path, a blocked
 * sender, a notification, and the queue's lifetime.  It SKIPs (saying
 * why) when tracefs or the events are missing.
 */
#define _GNU_SOURCE

#include <sys/mount.h>

#include "mqlab_kst.h"

#define TRACEFS		"/sys/kernel/tracing"
#define MAX_EVENTS	64
#define LINE_MAX_LEN	512

/* One event of our queue: its name ("mqlab_send") and its fields. */
struct ev {
	char name[32];
	char fields[LINE_MAX_LEN];
};

FIXTURE(trace) {
	struct mqk k;
	char inst[128];		/* the instance's directory */
	struct ev ev[MAX_EVENTS];
	int nev;
};

FIXTURE_SETUP(trace)
{
	char path[256];
	int ret;

	mqk_setup(_metadata, &self->k);
	if (access(TRACEFS "/instances", F_OK) &&
	    mount("nodev", TRACEFS, "tracefs", 0, NULL))
		SKIP(longjmp(_metadata->env, 1), "no tracefs at %s: %s",
		     TRACEFS, strerror(errno));
	if (access(TRACEFS "/events/mqueue_lab", F_OK))
		SKIP(longjmp(_metadata->env, 1),
		     "%s/events/mqueue_lab missing (module without events?)",
		     TRACEFS);
	snprintf(self->inst, sizeof(self->inst), TRACEFS "/instances/mqlab-kst-%d",
		 (int)getpid());
	ASSERT_EQ(0, mkdir(self->inst, 0700)) TH_LOG("mkdir %s: %s",
						      self->inst, strerror(errno));
	snprintf(path, sizeof(path), "%s/events/mqueue_lab/enable", self->inst);
	ret = mqk_write_file(path, "1");
	ASSERT_EQ(0, ret) TH_LOG("enable %s: %s", path, strerror(-ret));
}

FIXTURE_TEARDOWN(trace)
{
	char path[256];

	if (self->inst[0]) {
		snprintf(path, sizeof(path), "%s/events/mqueue_lab/enable",
			 self->inst);
		mqk_write_file(path, "0");
		rmdir(self->inst);
	}
	mqk_teardown(&self->k);
}

/* The value of field @key in @fields ("queue=x pid=1 ..."), or -1. */
static long field(const struct ev *e, const char *key)
{
	char pat[40];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(e->fields, pat);
	if (!p)
		return -1;
	return strtol(p + strlen(pat), NULL, 10);
}

static bool field_is(const struct ev *e, const char *key, const char *want)
{
	char pat[64];

	snprintf(pat, sizeof(pat), " %s=%s ", key, want);
	return strstr(e->fields, pat) != NULL;
}

/*
 * Read the instance's buffer: the events of queue @q, in order, into
 * self->ev.  A line reads "comm-pid [cpu] flags ts: mqlab_X: queue=...".
 */
static void collect(struct __test_metadata *_metadata,
		    FIXTURE_DATA(trace) *self, const char *q)
{
	char path[256], line[LINE_MAX_LEN], want[MQK_NAME_SIZE + 16];
	char *p, *colon;
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace", self->inst);
	snprintf(want, sizeof(want), "queue=%s ", q);
	f = fopen(path, "re");
	ASSERT_NE(NULL, f) TH_LOG("open %s: %s", path, strerror(errno));
	self->nev = 0;
	while (fgets(line, sizeof(line), f) && self->nev < MAX_EVENTS) {
		if (line[0] == '#')
			continue;
		p = strstr(line, " mqlab_");
		if (!p)
			continue;
		colon = strchr(p, ':');
		if (!colon || !strstr(colon, want))
			continue;
		*colon = '\0';
		snprintf(self->ev[self->nev].name, sizeof(self->ev[0].name),
			 "%s", p + 1);
		/* A space in front and after: field() and field_is(). */
		snprintf(self->ev[self->nev].fields, sizeof(self->ev[0].fields),
			 "%s", colon + 1);
		p = strchr(self->ev[self->nev].fields, '\n');
		if (p)
			strcpy(p, " ");
		self->nev++;
	}
	fclose(f);
	if (self->nev == 0)
		TH_LOG("no mqueue_lab event of %s in %s", q, path);
}

/* The index of the first event @name at or after @from, or -1. */
static int find(FIXTURE_DATA(trace) *self, int from, const char *name)
{
	int i;

	for (i = from; i < self->nev; i++)
		if (!strcmp(self->ev[i].name, name))
			return i;
	return -1;
}

static void dump(struct __test_metadata *_metadata, FIXTURE_DATA(trace) *self)
{
	int i;

	for (i = 0; i < self->nev; i++)
		TH_LOG("event %d: %s:%s", i, self->ev[i].name,
		       self->ev[i].fields);
}

/* Assert that event @name comes at or after @from; its index. */
#define ASSERT_EVENT(from, name) ({					\
	int __i = find(self, (from), (name));				\
									\
	if (__i < 0)							\
		dump(_metadata, self);					\
	ASSERT_LE(0, __i) TH_LOG("no %s after event %d", (name), (from)); \
	__i;								\
})

/* The seed story: B blocks in receive; A's send is handed to B. */
TEST_F(trace, handoff_to_blocked_receiver_and_wakeup)
{
	const char *name = mqk_name(_metadata, &self->k, "seed");
	pid_t a = getpid(), b;
	int fd, i, blk, snd, hand, wake, sret, rret;

	fd = mqk_create(_metadata, name, O_RDWR, 0600, 4, 64);
	b = mqk_fork(_metadata, &self->k);
	if (b == 0) {
		struct mqlab_recv r;
		char buf[64];

		CHILD_CHECK(mqk_recv(fd, buf, sizeof(buf), 0, NULL, &r) == 0);
		CHILD_CHECK(r.len == 5);
		_exit(0);
	}
	ASSERT_WAITERS(fd, false, 1);
	ASSERT_EQ(0, mqk_sends(fd, "hello", 5));
	ASSERT_EQ(0, mqk_reap(&self->k, b));
	close(fd);
	collect(_metadata, self, name);

	i = ASSERT_EVENT(0, "mqlab_queue_create");
	EXPECT_EQ(a, field(&self->ev[i], "pid"));
	EXPECT_EQ(4, field(&self->ev[i], "maxmsg"));
	EXPECT_EQ(64, field(&self->ev[i], "msgsize"));
	i = ASSERT_EVENT(i, "mqlab_receive");
	EXPECT_EQ(b, field(&self->ev[i], "pid"));
	EXPECT_EQ(64, field(&self->ev[i], "len"));
	blk = ASSERT_EVENT(i, "mqlab_block");
	EXPECT_EQ(b, field(&self->ev[blk], "pid"));
	EXPECT_TRUE(field_is(&self->ev[blk], "in", "receive"));
	EXPECT_EQ(0, field(&self->ev[blk], "curmsgs"));
	snd = ASSERT_EVENT(blk, "mqlab_send");
	EXPECT_EQ(a, field(&self->ev[snd], "pid"));
	EXPECT_EQ(5, field(&self->ev[snd], "len"));
	EXPECT_EQ(5, field(&self->ev[snd], "prio"));
	hand = ASSERT_EVENT(snd, "mqlab_handoff");
	EXPECT_EQ(a, field(&self->ev[hand], "pid"));
	EXPECT_EQ(b, field(&self->ev[hand], "receiver"));
	EXPECT_EQ(5, field(&self->ev[hand], "len"));
	EXPECT_EQ(5, field(&self->ev[hand], "prio"));
	wake = ASSERT_EVENT(hand, "mqlab_wake");
	EXPECT_EQ(a, field(&self->ev[wake], "pid"));
	EXPECT_EQ(b, field(&self->ev[wake], "woken"));
	EXPECT_TRUE(field_is(&self->ev[wake], "in", "receive"));
	EXPECT_EQ(0, field(&self->ev[wake], "result"));
	sret = ASSERT_EVENT(wake, "mqlab_send_return");
	EXPECT_EQ(a, field(&self->ev[sret], "pid"));
	EXPECT_EQ(0, field(&self->ev[sret], "ret"));
	/* B runs on after the wake-up, before or after A returns. */
	rret = ASSERT_EVENT(wake, "mqlab_receive_return");
	EXPECT_EQ(b, field(&self->ev[rret], "pid"));
	EXPECT_EQ(0, field(&self->ev[rret], "ret"));
	EXPECT_EQ(5, field(&self->ev[rret], "len"));
	EXPECT_EQ(5, field(&self->ev[rret], "prio"));
	EXPECT_EQ(a, field(&self->ev[rret], "sender"));
	/* Handed over: the message never entered the queue. */
	EXPECT_EQ(-1, find(self, 0, "mqlab_enqueue"));
	EXPECT_EQ(-1, find(self, 0, "mqlab_dequeue"));
	if (_metadata->passed == 0)
		dump(_metadata, self);
}

/* No receiver: the message is queued, then dequeued by a receive. */
TEST_F(trace, enqueue_then_dequeue)
{
	const char *name = mqk_name(_metadata, &self->k, "queued");
	struct mqlab_recv r;
	char buf[64];
	int fd, i;

	fd = mqk_create(_metadata, name, O_RDWR, 0600, 4, 64);
	ASSERT_EQ(0, mqk_sends(fd, "abc", 3));
	ASSERT_EQ(0, mqk_sends(fd, "de", 7));
	ASSERT_EQ(0, mqk_recv(fd, buf, sizeof(buf), 0, NULL, &r));
	ASSERT_EQ(2, r.len);
	close(fd);
	collect(_metadata, self, name);

	i = ASSERT_EVENT(0, "mqlab_enqueue");
	EXPECT_EQ(getpid(), field(&self->ev[i], "sender"));
	EXPECT_EQ(3, field(&self->ev[i], "len"));
	EXPECT_EQ(1, field(&self->ev[i], "curmsgs"));
	i = ASSERT_EVENT(i + 1, "mqlab_enqueue");
	EXPECT_EQ(7, field(&self->ev[i], "prio"));
	EXPECT_EQ(2, field(&self->ev[i], "curmsgs"));
	i = ASSERT_EVENT(i, "mqlab_dequeue");
	/* The higher priority first. */
	EXPECT_EQ(2, field(&self->ev[i], "len"));
	EXPECT_EQ(7, field(&self->ev[i], "prio"));
	EXPECT_EQ(1, field(&self->ev[i], "curmsgs"));
	i = ASSERT_EVENT(i, "mqlab_receive_return");
	EXPECT_EQ(getpid(), field(&self->ev[i], "sender"));
	EXPECT_EQ(-1, find(self, 0, "mqlab_handoff"));
	EXPECT_EQ(-1, find(self, 0, "mqlab_block"));
	EXPECT_EQ(-1, find(self, 0, "mqlab_wake"));
}

/* A sender blocked on a full queue is refilled and woken by a receive. */
TEST_F(trace, blocked_sender_woken_by_receive)
{
	const char *name = mqk_name(_metadata, &self->k, "full");
	pid_t s;
	struct mqlab_recv r;
	char buf[64];
	int fd, i;

	fd = mqk_create(_metadata, name, O_RDWR, 0600, 1, 64);
	ASSERT_EQ(0, mqk_sends(fd, "first", 1));
	s = mqk_fork(_metadata, &self->k);
	if (s == 0) {
		CHILD_CHECK(mqk_sends(fd, "second", 2) == 0);
		_exit(0);
	}
	ASSERT_WAITERS(fd, true, 1);
	ASSERT_EQ(0, mqk_recv(fd, buf, sizeof(buf), 0, NULL, &r));
	ASSERT_EQ(5, r.len);
	ASSERT_EQ(0, mqk_reap(&self->k, s));
	close(fd);
	collect(_metadata, self, name);

	i = ASSERT_EVENT(0, "mqlab_block");
	EXPECT_EQ(s, field(&self->ev[i], "pid"));
	EXPECT_TRUE(field_is(&self->ev[i], "in", "send"));
	EXPECT_EQ(6, field(&self->ev[i], "len"));
	EXPECT_EQ(2, field(&self->ev[i], "prio"));
	EXPECT_EQ(1, field(&self->ev[i], "curmsgs"));
	i = ASSERT_EVENT(i, "mqlab_dequeue");
	EXPECT_EQ(getpid(), field(&self->ev[i], "pid"));
	/* Pipelined receive: the receiver moves the sender's message in. */
	i = ASSERT_EVENT(i, "mqlab_enqueue");
	EXPECT_EQ(getpid(), field(&self->ev[i], "pid"));
	EXPECT_EQ(s, field(&self->ev[i], "sender"));
	i = ASSERT_EVENT(i, "mqlab_wake");
	EXPECT_EQ(getpid(), field(&self->ev[i], "pid"));
	EXPECT_EQ(s, field(&self->ev[i], "woken"));
	EXPECT_TRUE(field_is(&self->ev[i], "in", "send"));
}

/* A registration fires on the first message into the empty queue. */
TEST_F(trace, notification_fired)
{
	const char *name = mqk_name(_metadata, &self->k, "notify");
	int fd, i;

	fd = mqk_create(_metadata, name, O_RDWR, 0600, 4, 64);
	ASSERT_EQ(0, mqk_notify(fd, MQLAB_NOTIFY_EVENT, 0, 0));
	ASSERT_EQ(0, mqk_sends(fd, "n", 0));
	close(fd);
	collect(_metadata, self, name);

	i = ASSERT_EVENT(0, "mqlab_enqueue");
	i = ASSERT_EVENT(i, "mqlab_notify");
	EXPECT_EQ(getpid(), field(&self->ev[i], "owner"));
	EXPECT_EQ(getpid(), field(&self->ev[i], "pid"));
	EXPECT_TRUE(field_is(&self->ev[i], "action", "event"));
}

/* Unlink removes the name; the queue is freed with its last fd. */
TEST_F(trace, unlink_then_free_with_last_fd)
{
	const char *name = mqk_name(_metadata, &self->k, "life");
	int fd, i;

	fd = mqk_create(_metadata, name, O_RDWR, 0600, 4, 64);
	ASSERT_EQ(0, mqk_sends(fd, "kept", 0));
	ASSERT_EQ(0, mqk_unlink(name));
	collect(_metadata, self, name);
	i = ASSERT_EVENT(0, "mqlab_queue_unlink");
	EXPECT_EQ(1, field(&self->ev[i], "curmsgs"));
	EXPECT_EQ(-1, find(self, 0, "mqlab_queue_free"));
	close(fd);
	collect(_metadata, self, name);
	i = ASSERT_EVENT(0, "mqlab_queue_unlink");
	i = ASSERT_EVENT(i, "mqlab_queue_free");
	EXPECT_EQ(1, field(&self->ev[i], "curmsgs"));
}

TEST_HARNESS_MAIN
