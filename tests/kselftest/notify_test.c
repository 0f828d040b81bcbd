// SPDX-License-Identifier: GPL-2.0
/*
 * notify_test - /dev/mqueue-lab: MQLAB_IOC_NOTIFY at the device level:
 * argument validation, one registration per queue, SIGNAL delivery and
 * its siginfo, one-shot behaviour, REMOVE, NONE, EVENT/ACK and POLLPRI,
 * and dropping the registration on close and exit.
 */
#define _GNU_SOURCE

#include "mqlab_kst.h"

#define VALUE		0x1234abcd5678ef09ULL
/* How long a signal that must not come is given to come. */
#define NO_SIGNAL_MS	300

/* Block the signals the tests wait for with sigtimedwait(). */
static void block_signals(struct __test_metadata *_metadata)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
}

/* Wait up to @ms for @sig; returns @sig or -EAGAIN. */
static int wait_signal(int sig, int ms, siginfo_t *info)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};
	sigset_t set;
	int ret;

	sigemptyset(&set);
	sigaddset(&set, sig);
	memset(info, 0, sizeof(*info));
	do {
		ret = sigtimedwait(&set, info, &ts);
	} while (ret < 0 && errno == EINTR);
	return mqk_ret(ret);
}

/* Try to register @action from another process; its result. */
static int other_registers(struct __test_metadata *_metadata, struct mqk *k,
			   const char *name, __u32 action)
{
	pid_t pid = mqk_fork(_metadata, k);
	int fd, ret;

	if (pid == 0) {
		fd = mqk_open_bind(name, O_RDONLY);
		CHILD_CHECK(fd >= 0);
		ret = mqk_notify(fd, action,
				 action == MQLAB_NOTIFY_SIGNAL ? SIGUSR2 : 0, 0);
		_exit(ret == 0 ? 0 : ret == -EBUSY ? 10 : 20);
	}
	ret = mqk_reap(k, pid);
	return ret == 0 ? 0 : ret == 10 ? -EBUSY : -EIO;
}

/* Send one message from another process through its own fd. */
static pid_t other_sends(struct __test_metadata *_metadata, struct mqk *k,
			 const char *name, const char *msg, uid_t uid)
{
	pid_t pid = mqk_fork(_metadata, k);
	int fd;

	if (pid == 0) {
		if (uid)
			CHILD_CHECK(mqk_become(uid, uid) == 0);
		fd = mqk_open_bind(name, O_WRONLY);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_sends(fd, msg, 0) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(k, pid));
	return pid;
}

static void drain(struct __test_metadata *_metadata, int fd)
{
	char buf[16];

	while (mqk_recv(fd, buf, sizeof(buf), MQLAB_IO_NONBLOCK, NULL,
			NULL) == 0)
		;
	ASSERT_EQ(0, mqk_attr(_metadata, fd).curmsgs);
}

/*
 * Fixture setup: every test works on a new queue "q" (mode 0666, so that
 * other users may register) of 4 messages of 16 bytes.  Returns an
 * O_RDWR fd bound to it, and its name in *@name.
 */
static int setup_queue(struct __test_metadata *_metadata, struct mqk *k,
		       const char **name)
{
	mqk_setup(_metadata, k);
	*name = mqk_name(_metadata, k, "q");
	return mqk_create(_metadata, *name, O_RDWR, 0666, 4, 16);
}

/* ------------------------------------------------------------------ */
/* Argument validation                                                  */
/* ------------------------------------------------------------------ */

FIXTURE(notify_args) {
	struct mqk k;
	const char *name;
	int fd;
};

FIXTURE_VARIANT(notify_args) {
	__u32 action;
	__u32 signo;
	__u64 value;
	int error;
};

FIXTURE_VARIANT_ADD(notify_args, action_5) {
	.action = MQLAB_NOTIFY_ACK + 1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(notify_args, action_all_ones) {
	.action = ~0U, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(notify_args, signal_signo_0) {
	.action = MQLAB_NOTIFY_SIGNAL, .signo = 0, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(notify_args, signal_signo_65) {
	.action = MQLAB_NOTIFY_SIGNAL, .signo = 65, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(notify_args, signal_signo_all_ones) {
	.action = MQLAB_NOTIFY_SIGNAL, .signo = ~0U, .error = EINVAL,
};

/* Fields an action does not use are padding: they must be zero. */
FIXTURE_VARIANT_ADD(notify_args, none_with_signo) {
	.action = MQLAB_NOTIFY_NONE, .signo = SIGUSR1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(notify_args, none_with_value) {
	.action = MQLAB_NOTIFY_NONE, .value = VALUE, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(notify_args, event_with_signo) {
	.action = MQLAB_NOTIFY_EVENT, .signo = SIGUSR1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(notify_args, event_with_value) {
	.action = MQLAB_NOTIFY_EVENT, .value = 1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(notify_args, remove_with_signo) {
	.action = MQLAB_NOTIFY_REMOVE, .signo = SIGUSR1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(notify_args, ack_with_value) {
	.action = MQLAB_NOTIFY_ACK, .value = 1, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(notify_args, ok_signal_signo_1) {
	.action = MQLAB_NOTIFY_SIGNAL, .signo = 1, .value = VALUE,
};

FIXTURE_VARIANT_ADD(notify_args, ok_signal_signo_64) {
	.action = MQLAB_NOTIFY_SIGNAL, .signo = 64, .value = ~0ULL,
};

FIXTURE_VARIANT_ADD(notify_args, ok_none) {
	.action = MQLAB_NOTIFY_NONE,
};

FIXTURE_VARIANT_ADD(notify_args, ok_event) {
	.action = MQLAB_NOTIFY_EVENT,
};

FIXTURE_SETUP(notify_args)
{
	self->fd = setup_queue(_metadata, &self->k, &self->name);
}

FIXTURE_TEARDOWN(notify_args)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(notify_args, notify)
{
	int ret;

	ret = mqk_notify(self->fd, variant->action, variant->signo,
			 variant->value);
	ASSERT_EQ(-variant->error, ret);
	/* registered exactly when it succeeded */
	ASSERT_EQ(variant->error ? 0 : -EBUSY,
		  other_registers(_metadata, &self->k, self->name,
				  MQLAB_NOTIFY_NONE));
}

/* ------------------------------------------------------------------ */
/* Behaviour                                                            */
/* ------------------------------------------------------------------ */

FIXTURE(notify) {
	struct mqk k;
	const char *name;
	int fd;
};

FIXTURE_SETUP(notify)
{
	self->fd = setup_queue(_metadata, &self->k, &self->name);
	block_signals(_metadata);
}

FIXTURE_TEARDOWN(notify)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

TEST_F(notify, second_registration_is_ebusy)
{
	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_SIGNAL, SIGUSR1,
				VALUE));
	EXPECT_EQ(-EBUSY, other_registers(_metadata, &self->k, self->name,
					  MQLAB_NOTIFY_SIGNAL));
	EXPECT_EQ(-EBUSY, other_registers(_metadata, &self->k, self->name,
					  MQLAB_NOTIFY_NONE));
	EXPECT_EQ(-EBUSY, other_registers(_metadata, &self->k, self->name,
					  MQLAB_NOTIFY_EVENT));
}

TEST_F(notify, signal_carries_sender_and_value)
{
	siginfo_t info;
	pid_t sender;

	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_SIGNAL, SIGUSR1,
				VALUE));
	sender = other_sends(_metadata, &self->k, self->name, "ping", 0);
	ASSERT_EQ(SIGUSR1, wait_signal(SIGUSR1, MQK_WAIT_MS, &info));
	EXPECT_EQ(SIGUSR1, info.si_signo);
	EXPECT_EQ(SI_MESGQ, info.si_code);
	/* a 32-bit receiver sees the low half */
	EXPECT_EQ((uintptr_t)VALUE, (uintptr_t)info.si_value.sival_ptr);
	EXPECT_EQ(sender, info.si_pid);
	EXPECT_EQ(0, info.si_uid);
	/* the message itself is still queued */
	EXPECT_EQ(1, mqk_attr(_metadata, self->fd).curmsgs);

	if (geteuid() != 0)
		SKIP(return, "needs root to switch to uid %d", MQK_NOBODY);
	drain(_metadata, self->fd);
	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_SIGNAL, SIGUSR2, 7));
	sender = other_sends(_metadata, &self->k, self->name, "ping",
			     MQK_NOBODY);
	ASSERT_EQ(SIGUSR2, wait_signal(SIGUSR2, MQK_WAIT_MS, &info));
	EXPECT_EQ(SI_MESGQ, info.si_code);
	EXPECT_EQ(7, (uintptr_t)info.si_value.sival_ptr);
	EXPECT_EQ(sender, info.si_pid);
	EXPECT_EQ(MQK_NOBODY, info.si_uid);
}

TEST_F(notify, signal_is_one_shot)
{
	siginfo_t info;

	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_SIGNAL, SIGUSR1,
				VALUE));
	ASSERT_EQ(0, mqk_sends(self->fd, "one", 0));
	ASSERT_EQ(SIGUSR1, wait_signal(SIGUSR1, MQK_WAIT_MS, &info));
	EXPECT_EQ(getpid(), info.si_pid);
	drain(_metadata, self->fd);

	ASSERT_EQ(0, mqk_sends(self->fd, "two", 0));
	EXPECT_EQ(-EAGAIN, wait_signal(SIGUSR1, NO_SIGNAL_MS, &info));
	/* the registration is gone: anyone may register again */
	EXPECT_EQ(0, other_registers(_metadata, &self->k, self->name,
				     MQLAB_NOTIFY_NONE));
}

TEST_F(notify, only_a_message_on_an_empty_queue_fires)
{
	siginfo_t info;

	ASSERT_EQ(0, mqk_sends(self->fd, "a", 0));
	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_SIGNAL, SIGUSR1,
				VALUE));
	ASSERT_EQ(0, mqk_sends(self->fd, "b", 0));
	EXPECT_EQ(-EAGAIN, wait_signal(SIGUSR1, NO_SIGNAL_MS, &info));
	/* still registered; empty the queue and it fires */
	EXPECT_EQ(-EBUSY, other_registers(_metadata, &self->k, self->name,
					  MQLAB_NOTIFY_NONE));
	drain(_metadata, self->fd);
	ASSERT_EQ(0, mqk_sends(self->fd, "c", 0));
	ASSERT_EQ(SIGUSR1, wait_signal(SIGUSR1, MQK_WAIT_MS, &info));
}

TEST_F(notify, blocked_receiver_takes_precedence)
{
	siginfo_t info;
	pid_t pid;

	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_SIGNAL, SIGUSR1,
				VALUE));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		char buf[16];
		int fd = mqk_open_bind(self->name, O_RDONLY);

		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_recv(fd, buf, sizeof(buf), 0, NULL,
				     NULL) == 0);
		_exit(0);
	}
	ASSERT_WAITERS(self->fd, false, 1);
	ASSERT_EQ(0, mqk_sends(self->fd, "mine", 0));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(-EAGAIN, wait_signal(SIGUSR1, NO_SIGNAL_MS, &info));
	/* not consumed: the next message on an empty queue fires it */
	EXPECT_EQ(-EBUSY, other_registers(_metadata, &self->k, self->name,
					  MQLAB_NOTIFY_NONE));
	ASSERT_EQ(0, mqk_sends(self->fd, "next", 0));
	ASSERT_EQ(SIGUSR1, wait_signal(SIGUSR1, MQK_WAIT_MS, &info));
}

TEST_F(notify, remove_unregisters)
{
	siginfo_t info;
	pid_t pid;

	/* nothing to remove is not an error */
	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_REMOVE, 0, 0));

	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_SIGNAL, SIGUSR1,
				VALUE));
	/* another process's REMOVE leaves our registration alone */
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		int fd = mqk_open_bind(self->name, O_RDONLY);

		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_notify(fd, MQLAB_NOTIFY_REMOVE, 0, 0) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(-EBUSY, other_registers(_metadata, &self->k, self->name,
					  MQLAB_NOTIFY_NONE));

	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_REMOVE, 0, 0));
	ASSERT_EQ(0, mqk_sends(self->fd, "quiet", 0));
	EXPECT_EQ(-EAGAIN, wait_signal(SIGUSR1, NO_SIGNAL_MS, &info));
	EXPECT_EQ(0, other_registers(_metadata, &self->k, self->name,
				     MQLAB_NOTIFY_NONE));
}

TEST_F(notify, none_registers_and_fires_silently)
{
	siginfo_t info;

	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_NONE, 0, 0));
	EXPECT_EQ(-EBUSY, other_registers(_metadata, &self->k, self->name,
					  MQLAB_NOTIFY_SIGNAL));
	ASSERT_EQ(0, mqk_sends(self->fd, "m", 0));
	EXPECT_EQ(-EAGAIN, wait_signal(SIGUSR1, NO_SIGNAL_MS, &info));
	/* fired, so dropped */
	EXPECT_EQ(0, other_registers(_metadata, &self->k, self->name,
				     MQLAB_NOTIFY_NONE));
}

TEST_F(notify, event_sets_pollpri_until_ack)
{
	char buf[16];
	int other;

	other = mqk_open_bind(self->name, O_RDONLY);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_EVENT, 0, 0));
	EXPECT_EQ(0, mqk_poll1(self->fd, POLLPRI));

	ASSERT_EQ(0, mqk_sends(self->fd, "ev", 0));
	EXPECT_EQ(POLLPRI | POLLIN, mqk_poll1(self->fd, POLLPRI | POLLIN));
	/* only on the fd that registered */
	EXPECT_EQ(0, mqk_poll1(other, POLLPRI));
	/* receiving does not clear it, ACK does */
	ASSERT_EQ(0, mqk_recv(self->fd, buf, sizeof(buf), 0, NULL, NULL));
	EXPECT_EQ(POLLPRI, mqk_poll1(self->fd, POLLPRI | POLLIN));
	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_ACK, 0, 0));
	EXPECT_EQ(0, mqk_poll1(self->fd, POLLPRI | POLLIN));

	/* one-shot: fired, so dropped; no new event without one */
	EXPECT_EQ(0, other_registers(_metadata, &self->k, self->name,
				     MQLAB_NOTIFY_NONE));
	ASSERT_EQ(0, mqk_sends(self->fd, "ev", 0));
	EXPECT_EQ(0, mqk_poll1(self->fd, POLLPRI));
	close(other);
}

TEST_F(notify, event_wakes_poll_in_another_process)
{
	int ready[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		int fd = mqk_open_bind(self->name, O_RDONLY);
		struct pollfd p = { .fd = fd, .events = POLLPRI };
		__u64 start;

		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_notify(fd, MQLAB_NOTIFY_EVENT, 0, 0) == 0);
		CHILD_CHECK(write(ready[1], "r", 1) == 1);
		start = mqk_now_ns(CLOCK_MONOTONIC);
		CHILD_CHECK(poll(&p, 1, MQK_WAIT_MS) == 1);
		/* woken by the send, not found ready when the timeout ran out */
		CHILD_CHECK(mqk_now_ns(CLOCK_MONOTONIC) - start <
			    MQK_WAIT_MS * 1000000ULL);
		CHILD_CHECK(p.revents == POLLPRI);
		CHILD_CHECK(mqk_notify(fd, MQLAB_NOTIFY_ACK, 0, 0) == 0);
		p.revents = 0;
		CHILD_CHECK(poll(&p, 1, 0) == 0);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	mqk_sleep_ms(MQK_GRACE_MS);
	ASSERT_EQ(-ETIMEDOUT, mqk_reap_timed(&self->k, pid, 0, NULL));
	ASSERT_EQ(0, mqk_sends(self->fd, "ev", 0));
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
}

TEST_F(notify, close_of_registering_fd_drops_it)
{
	int fd2, fd3;

	fd2 = mqk_open_bind(self->name, O_RDONLY);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, mqk_notify(fd2, MQLAB_NOTIFY_SIGNAL, SIGUSR1, VALUE));
	EXPECT_EQ(-EBUSY, other_registers(_metadata, &self->k, self->name,
					  MQLAB_NOTIFY_NONE));
	close(fd2);
	EXPECT_EQ(0, other_registers(_metadata, &self->k, self->name,
				     MQLAB_NOTIFY_NONE));

	/* closing another fd of the same process does not */
	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_SIGNAL, SIGUSR1,
				VALUE));
	fd3 = mqk_open_bind(self->name, O_RDONLY);
	ASSERT_LE(0, fd3);
	close(fd3);
	EXPECT_EQ(-EBUSY, other_registers(_metadata, &self->k, self->name,
					  MQLAB_NOTIFY_NONE));
}

/*
 * A child that inherited the registering fd and exits (closing its copy)
 * does not drop the parent's registration.
 */
TEST_F(notify, child_closing_inherited_fd_keeps_it)
{
	siginfo_t info;
	pid_t pid;

	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_SIGNAL, SIGUSR1,
				VALUE));
	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		close(self->fd);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	EXPECT_EQ(-EBUSY, other_registers(_metadata, &self->k, self->name,
					  MQLAB_NOTIFY_NONE));
	ASSERT_EQ(0, mqk_sends(self->fd, "still", 0));
	ASSERT_EQ(SIGUSR1, wait_signal(SIGUSR1, MQK_WAIT_MS, &info));
}

TEST_F(notify, exit_of_registering_process_drops_it)
{
	pid_t pid;

	pid = mqk_fork(_metadata, &self->k);
	if (pid == 0) {
		int fd = mqk_open_bind(self->name, O_RDONLY);

		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(mqk_notify(fd, MQLAB_NOTIFY_SIGNAL, SIGUSR1,
				       0) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, mqk_reap(&self->k, pid));
	ASSERT_EQ(0, mqk_notify(self->fd, MQLAB_NOTIFY_SIGNAL, SIGUSR1,
				VALUE));
}

#include "mqlab_kst_last.h"

TEST_HARNESS_MAIN
