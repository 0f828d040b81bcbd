// SPDX-License-Identifier: GPL-2.0
/*
 * poll_test - /dev/mqueue-lab: poll(2), select(2) and epoll on an fd
 * whatever its state.  A watch set up before MQLAB_IOC_BIND sees the
 * state at BIND and every later event (EPOLLIN on a send, EPOLLOUT when
 * room appears, EPOLLPRI for a fired MQLAB_NOTIFY_EVENT), level- and
 * edge-triggered; an unbound fd reports nothing; an fd that is closed
 * while watched leaves the queue working for the other fds.
 *
 * A wait that must be woken is given MQK_WAIT_MS and asserted to end
 * well before it: poll() and select() check the fd once more when their
 * timeout expires, so without the elapsed time a test could not tell a
 * wake-up from a timeout.
 */
#define _GNU_SOURCE

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include "mqlab_kst.h"

#define MAXMSG		2
#define MSGSIZE		16
#define WAIT_NS		(MQK_WAIT_MS * 1000000ULL)
#define GRACE_NS	(MQK_GRACE_MS * 1000000ULL)

/*
 * Both fixtures: the queue, made through @peer (bound from the start),
 * and the fd under test, opened unbound.
 */
static void setup_queue(struct __test_metadata *_metadata, struct mqk *k,
			const char **name, int *peer, int *fd)
{
	mqk_setup(_metadata, k);
	*name = mqk_name(_metadata, k, "q");
	*peer = mqk_create(_metadata, *name, O_RDWR, 0600, MAXMSG, MSGSIZE);
	*fd = mqk_open(O_RDWR);
	ASSERT_LE(0, *fd) TH_LOG("open: %s", strerror(-*fd));
}

static void teardown_queue(struct mqk *k, int peer, int fd)
{
	if (fd > 0)
		close(fd);
	if (peer > 0)
		close(peer);
	mqk_teardown(k);
}

FIXTURE(poll) {
	struct mqk k;
	const char *name;
	int peer;	/* made the queue; bound from the start */
	int fd;		/* the fd under test, opened unbound */
	int ep;		/* an epoll instance */
};

FIXTURE_VARIANT(poll) {
	__u32 et;	/* 0 (level-triggered) or EPOLLET */
};

FIXTURE_VARIANT_ADD(poll, level) { .et = 0, };
FIXTURE_VARIANT_ADD(poll, edge) { .et = EPOLLET, };

FIXTURE_SETUP(poll)
{
	setup_queue(_metadata, &self->k, &self->name, &self->peer,
		    &self->fd);
	self->ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, self->ep) TH_LOG("epoll_create1: %s", strerror(errno));
}

FIXTURE_TEARDOWN(poll)
{
	if (self->ep > 0)
		close(self->ep);
	teardown_queue(&self->k, self->peer, self->fd);
}

static void ep_add(struct __test_metadata *_metadata, int ep, int fd,
		   __u32 events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		TH_LOG("EPOLL_CTL_ADD: %s", strerror(errno));
}

/* What epoll_wait() on @ep reports at once: the events, 0 for none. */
static __u32 ep_now(struct __test_metadata *_metadata, int ep)
{
	struct epoll_event ev;
	int n = epoll_wait(ep, &ev, 1, 0);

	ASSERT_LE(0, n) TH_LOG("epoll_wait: %s", strerror(errno));
	return n ? ev.events : 0;
}

/*
 * Wait up to MQK_WAIT_MS for an event on @ep and return its events.
 * It must come, and well before the timeout.
 */
static __u32 ep_woken(struct __test_metadata *_metadata, int ep)
{
	__u64 start = mqk_now_ns(CLOCK_MONOTONIC), waited;
	struct epoll_event ev;
	int n;

	n = epoll_wait(ep, &ev, 1, MQK_WAIT_MS);
	waited = mqk_now_ns(CLOCK_MONOTONIC) - start;
	ASSERT_EQ(1, n) TH_LOG("epoll_wait: %d (%s) after %llu ms", n,
			       n < 0 ? strerror(errno) : "no event",
			       (unsigned long long)waited / 1000000);
	ASSERT_GT(WAIT_NS, waited);
	return ev.events;
}

enum later_op { LATER_SEND, LATER_RECV };

/*
 * In a child, MQK_GRACE_MS from now (so that the parent is blocked in
 * its wait by then): send one message on @fd, or receive one.
 */
static pid_t later(struct __test_metadata *_metadata, struct mqk *k, int fd,
		   enum later_op op)
{
	char buf[MSGSIZE];
	pid_t pid;

	pid = mqk_fork(_metadata, k);
	if (pid == 0) {
		mqk_sleep_ms(MQK_GRACE_MS);
		if (op == LATER_SEND)
			CHILD_CHECK(mqk_sends(fd, "later", 0) == 0);
		else
			CHILD_CHECK(mqk_recv(fd, buf, sizeof(buf),
					     MQLAB_IO_NONBLOCK, NULL,
					     NULL) == 0);
		_exit(0);
	}
	return pid;
}

/*
 * Have another process do @op on @fd, and assert that the watch on @ep
 * reports @want for it, in time.
 */
static void woken_by(struct __test_metadata *_metadata, struct mqk *k,
		     int ep, int fd, enum later_op op, __u32 want)
{
	pid_t pid = later(_metadata, k, fd, op);

	EXPECT_EQ(want, ep_woken(_metadata, ep));
	ASSERT_EQ(0, mqk_reap(k, pid));
}

static void bind_fd(struct __test_metadata *_metadata, int fd,
		    const char *name)
{
	int ret = mqk_bind(fd, name, 0, 0, 0, 0);

	ASSERT_EQ(0, ret) TH_LOG("BIND: %s", strerror(-ret));
}

/*
 * Watch the unbound fd under test for @events (and the variant's
 * trigger mode), then BIND it; there is nothing to report yet.
 */
static void watch_then_bind(struct __test_metadata *_metadata,
			    FIXTURE_DATA(poll) *self,
			    const FIXTURE_VARIANT(poll) *variant,
			    __u32 events)
{
	ep_add(_metadata, self->ep, self->fd, events | variant->et);
	bind_fd(_metadata, self->fd, self->name);
	ASSERT_EQ(0, ep_now(_metadata, self->ep));
}

static void fill(struct __test_metadata *_metadata, int fd)
{
	int i;

	for (i = 0; i < MAXMSG; i++)
		ASSERT_EQ(0, mqk_sends(fd, "full", 0));
}

/* ------------------------------------------------------------------ */
/* What an unbound fd reports                                           */
/* ------------------------------------------------------------------ */

TEST_F(poll, version_has_feature_bit)
{
	struct mqlab_version v;

	ASSERT_EQ(0, mqk_ioctl(self->fd, MQLAB_IOC_VERSION, &v));
	EXPECT_EQ(MQLAB_FEAT_POLL_UNBOUND,
		  v.features & MQLAB_FEAT_POLL_UNBOUND);
}

/*
 * Nothing: it is not an error to watch an fd that is still to be bound
 * (EPOLLERR, always reported, would make a level-triggered epoll_wait()
 * return at once, again and again), and nothing is ready on it yet.
 */
TEST_F(poll, unbound_reports_nothing)
{
	struct pollfd p = { .fd = self->fd,
			    .events = POLLIN | POLLOUT | POLLPRI };
	struct timeval tv = { 0, 0 };
	fd_set rd, wr, ex;
	__u64 start, waited;

	ASSERT_EQ(0, poll(&p, 1, 0));
	EXPECT_EQ(0, p.revents);

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_ZERO(&ex);
	FD_SET(self->fd, &rd);
	FD_SET(self->fd, &wr);
	FD_SET(self->fd, &ex);
	EXPECT_EQ(0, select(self->fd + 1, &rd, &wr, &ex, &tv));

	ep_add(_metadata, self->ep, self->fd,
	       EPOLLIN | EPOLLOUT | EPOLLPRI | variant->et);
	EXPECT_EQ(0, ep_now(_metadata, self->ep));

	/* a wait on it waits */
	start = mqk_now_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, poll(&p, 1, MQK_GRACE_MS));
	waited = mqk_now_ns(CLOCK_MONOTONIC) - start;
	EXPECT_LE(GRACE_NS, waited);

	/* a failed BIND leaves it so */
	ASSERT_EQ(-ENOENT, mqk_bind(self->fd, "kst-poll-no-such-queue", 0, 0,
				    0, 0));
	ASSERT_EQ(0, poll(&p, 1, 0));
	EXPECT_EQ(0, ep_now(_metadata, self->ep));
}

/* ------------------------------------------------------------------ */
/* epoll set up before BIND                                             */
/* ------------------------------------------------------------------ */

/* BIND itself is an event: the watch sees the state the fd now has. */
TEST_F(poll, epoll_before_bind_sees_bind)
{
	ep_add(_metadata, self->ep, self->fd, EPOLLOUT | variant->et);
	ASSERT_EQ(0, ep_now(_metadata, self->ep));
	bind_fd(_metadata, self->fd, self->name);
	EXPECT_EQ(EPOLLOUT, ep_woken(_metadata, self->ep));
	/* level-triggered: still writable; edge-triggered: reported once */
	EXPECT_EQ(variant->et ? 0 : EPOLLOUT, ep_now(_metadata, self->ep));
}

/* ... EPOLLIN (and no EPOLLOUT) when the queue is full. */
TEST_F(poll, epoll_before_bind_sees_full_queue)
{
	fill(_metadata, self->peer);
	ep_add(_metadata, self->ep, self->fd,
	       EPOLLIN | EPOLLOUT | variant->et);
	ASSERT_EQ(0, ep_now(_metadata, self->ep));
	bind_fd(_metadata, self->fd, self->name);
	EXPECT_EQ(EPOLLIN, ep_woken(_metadata, self->ep));
}

/* A failed BIND first changes nothing: the good one still fires. */
TEST_F(poll, epoll_before_failed_bind)
{
	ep_add(_metadata, self->ep, self->fd, EPOLLIN | variant->et);
	ASSERT_EQ(-ENOENT, mqk_bind(self->fd, "kst-poll-no-such-queue", 0, 0,
				    0, 0));
	bind_fd(_metadata, self->fd, self->name);
	ASSERT_EQ(0, ep_now(_metadata, self->ep));
	woken_by(_metadata, &self->k, self->ep, self->peer, LATER_SEND,
		 EPOLLIN);
}

/* EPOLLIN for a send by another process, and again for the next one. */
TEST_F(poll, epoll_before_bind_in_on_send)
{
	watch_then_bind(_metadata, self, variant, EPOLLIN);

	woken_by(_metadata, &self->k, self->ep, self->peer, LATER_SEND,
		 EPOLLIN);
	EXPECT_EQ(variant->et ? 0 : EPOLLIN, ep_now(_metadata, self->ep));

	/* read it: nothing left to report */
	mqk_expect_msg(_metadata, self->fd, "later");
	ASSERT_EQ(0, ep_now(_metadata, self->ep));

	/* the next send fires it again */
	woken_by(_metadata, &self->k, self->ep, self->peer, LATER_SEND,
		 EPOLLIN);

	/* edge-triggered: a send to a non-empty queue is an edge too */
	if (variant->et) {
		ASSERT_EQ(0, ep_now(_metadata, self->ep));
		woken_by(_metadata, &self->k, self->ep, self->peer,
			 LATER_SEND, EPOLLIN);
	}
}

/* EPOLLOUT when another process makes room in a full queue. */
TEST_F(poll, epoll_before_bind_out_on_recv)
{
	fill(_metadata, self->peer);
	watch_then_bind(_metadata, self, variant, EPOLLOUT);

	woken_by(_metadata, &self->k, self->ep, self->peer, LATER_RECV,
		 EPOLLOUT);

	/* full again, then room again */
	ASSERT_EQ(0, mqk_sends(self->fd, "refill", 0));
	ASSERT_EQ(0, ep_now(_metadata, self->ep));
	woken_by(_metadata, &self->k, self->ep, self->peer, LATER_RECV,
		 EPOLLOUT);
}

/* EPOLLPRI for a MQLAB_NOTIFY_EVENT fired by another process's send. */
TEST_F(poll, epoll_before_bind_pri_on_notify_event)
{
	watch_then_bind(_metadata, self, variant, EPOLLPRI);
	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_EVENT, 0, 0));
	ASSERT_EQ(0, ep_now(_metadata, self->ep));

	woken_by(_metadata, &self->k, self->ep, self->peer, LATER_SEND,
		 EPOLLPRI);
	EXPECT_EQ(variant->et ? 0 : EPOLLPRI, ep_now(_metadata, self->ep));

	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_ACK, 0, 0));
	ASSERT_EQ(0, ep_now(_metadata, self->ep));

	/* a second registration fires the same watch */
	mqk_expect_msg(_metadata, self->peer, "later");
	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_EVENT, 0, 0));
	woken_by(_metadata, &self->k, self->ep, self->peer, LATER_SEND,
		 EPOLLPRI);
}

#define NFRESH	64

/*
 * Open NFRESH unbound fds: their struct mqlab_file allocations are likely
 * to reuse the memory of one that was just released.
 */
static void open_fresh(int *fresh)
{
	int i;

	for (i = 0; i < NFRESH; i++)
		fresh[i] = mqk_open(O_RDWR);
}

static void close_fresh(int *fresh)
{
	int i;

	for (i = 0; i < NFRESH; i++)
		if (fresh[i] >= 0)
			close(fresh[i]);
}

/*
 * Two fds watched before BIND, on one queue: closing one (while its
 * watch and the queue live on) leaves the other and the queue working.
 * Fresh fds are opened in between so that they are likely to reuse the
 * closed fd's memory, which a wake-up through a stale hook would trip on.
 */
TEST_F(poll, close_watched_fd_leaves_queue_working)
{
	int other, ep2, fresh[NFRESH];

	other = mqk_open(O_RDWR);
	ASSERT_LE(0, other);
	ep2 = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep2);
	ep_add(_metadata, self->ep, self->fd, EPOLLIN | variant->et);
	ep_add(_metadata, ep2, other, EPOLLIN | variant->et);
	bind_fd(_metadata, self->fd, self->name);
	bind_fd(_metadata, other, self->name);

	ASSERT_EQ(0, mqk_sends(self->peer, "one", 0));
	EXPECT_EQ(EPOLLIN, ep_now(_metadata, self->ep));
	EXPECT_EQ(EPOLLIN, ep_now(_metadata, ep2));
	mqk_expect_msg(_metadata, other, "one");

	/* close the watched fd; its epoll instance stays open */
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	open_fresh(fresh);

	woken_by(_metadata, &self->k, ep2, self->peer, LATER_SEND,
		 EPOLLIN);
	EXPECT_EQ(0, ep_now(_metadata, self->ep));
	mqk_expect_msg(_metadata, other, "later");

	/* close the other one with its epoll instance first */
	ASSERT_EQ(0, close(ep2));
	ASSERT_EQ(0, close(other));
	close_fresh(fresh);
	open_fresh(fresh);

	/* the queue works, for old and new fds and watches */
	other = mqk_open_bind(self->name, O_RDWR);
	ASSERT_LE(0, other);
	ep_add(_metadata, self->ep, other, EPOLLIN | variant->et);
	ASSERT_EQ(0, ep_now(_metadata, self->ep));
	woken_by(_metadata, &self->k, self->ep, self->peer, LATER_SEND,
		 EPOLLIN);
	mqk_expect_msg(_metadata, self->peer, "later");
	EXPECT_EQ(0, mqk_attr(_metadata, self->peer).curmsgs);

	close(other);
	close_fresh(fresh);
}

/* ------------------------------------------------------------------ */
/* poll() and select() blocked while another thread binds              */
/* ------------------------------------------------------------------ */

struct waiter {
	int fd;
	short events;		/* POLLIN or POLLOUT */
	bool use_select;
	int ready[2];		/* a pipe: written just before the wait */
	/* results */
	int ret;
	int err;
	short revents;		/* poll: revents; select: POLLIN/POLLOUT */
	__u64 start_ns;		/* CLOCK_MONOTONIC when the wait began */
	__u64 done_ns;		/* and when it ended */
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	struct timeval tv = { .tv_sec = MQK_WAIT_MS / 1000 };
	struct pollfd p = { .fd = w->fd, .events = w->events };
	fd_set rd, wr;

	w->start_ns = mqk_now_ns(CLOCK_MONOTONIC);
	if (write(w->ready[1], "r", 1) != 1)
		return NULL;
	if (w->use_select) {
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		FD_SET(w->fd, w->events == POLLIN ? &rd : &wr);
		w->ret = select(w->fd + 1, &rd, &wr, NULL, &tv);
		w->revents = (FD_ISSET(w->fd, &rd) ? POLLIN : 0) |
			     (FD_ISSET(w->fd, &wr) ? POLLOUT : 0);
	} else {
		w->ret = poll(&p, 1, MQK_WAIT_MS);
		w->revents = p.revents;
	}
	w->err = errno;
	w->done_ns = mqk_now_ns(CLOCK_MONOTONIC);
	return NULL;
}

FIXTURE(thread) {
	struct mqk k;
	const char *name;
	int peer;
	int fd;		/* unbound until the main thread binds it */
};

FIXTURE_VARIANT(thread) {
	bool use_select;
	short events;
};

/* POLLIN: woken by a send after the BIND; POLLOUT: by the BIND itself. */
FIXTURE_VARIANT_ADD(thread, poll_in) { .events = POLLIN, };
FIXTURE_VARIANT_ADD(thread, poll_out) { .events = POLLOUT, };
FIXTURE_VARIANT_ADD(thread, select_in) {
	.use_select = true, .events = POLLIN,
};
FIXTURE_VARIANT_ADD(thread, select_out) {
	.use_select = true, .events = POLLOUT,
};

FIXTURE_SETUP(thread)
{
	setup_queue(_metadata, &self->k, &self->name, &self->peer,
		    &self->fd);
}

FIXTURE_TEARDOWN(thread)
{
	teardown_queue(&self->k, self->peer, self->fd);
}

TEST_F(thread, wait_before_bind_woken_after_bind)
{
	struct waiter w = {
		.fd = self->fd,
		.events = variant->events,
		.use_select = variant->use_select,
	};
	__u64 acted;
	pthread_t t;
	char c;

	ASSERT_EQ(0, pipe(w.ready));
	ASSERT_EQ(0, pthread_create(&t, NULL, waiter_main, &w));
	ASSERT_EQ(1, read(w.ready[0], &c, 1));
	/* let it block in the wait on the unbound fd */
	mqk_sleep_ms(MQK_GRACE_MS);

	acted = mqk_now_ns(CLOCK_MONOTONIC);
	bind_fd(_metadata, self->fd, self->name);
	if (variant->events == POLLIN) {
		/* BIND is no reason to wake a reader of an empty queue */
		mqk_sleep_ms(MQK_GRACE_MS);
		acted = mqk_now_ns(CLOCK_MONOTONIC);
		ASSERT_EQ(0, mqk_sends(self->peer, "wake", 0));
	}
	ASSERT_EQ(0, pthread_join(t, NULL));
	close(w.ready[0]);
	close(w.ready[1]);

	ASSERT_EQ(1, w.ret) TH_LOG("wait: %d (%s)", w.ret, strerror(w.err));
	EXPECT_EQ(variant->events, w.revents);
	/* it waited for what the main thread did ... */
	EXPECT_LE(acted, w.done_ns);
	/* ... and was woken by it, not by its timeout */
	EXPECT_GT(w.start_ns + WAIT_NS, w.done_ns);
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
