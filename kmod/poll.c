// SPDX-License-Identifier: GPL-2.0
/*
 * poll.c - poll(2), select(2) and epoll of an fd, bound or not
 *
 * A bound fd waits on its queue's poll_wq, which every send, receive
 * and fired MQLAB_NOTIFY_EVENT wakes (mqlab_wake_flush(), msg.c).
 *
 * An unbound fd has no queue to wait on yet, and a wait entry is only
 * ever added once: epoll adds its entries at EPOLL_CTL_ADD (the polls
 * from epoll_wait() pass no queueing function), poll() and select() on
 * their first pass.  An fd polled before BIND must therefore wait where
 * the events of the queue it binds to will reach it later.  So each fd
 * has a wait queue of its own, mqlab_file.poll_wq, and mqlab_poll()
 * registers an unbound fd there.  At BIND, if anybody waits there, a
 * forwarder (mqlab_file.poll_fwd) goes onto the queue's poll_wq; its
 * wake function repeats every wake-up of the queue, with the same key,
 * on the fd's wait queue.  BIND then wakes the fd's wait queue once with
 * the fd's new state: becoming bound is an event too (EPOLLOUT when the
 * queue has room).  The forwarder stays until the fd is released.
 *
 * The fast path stays as it was: an fd not polled before BIND gets no
 * forwarder, so while nobody polls, a queue's poll_wq is empty and
 * mqlab_wake_flush() skips the wake-up.  A queue with a forwarder pays
 * one wake-up call per event until that fd is closed.
 *
 * Locks: the forwarder runs under q->poll_wq.lock and takes
 * pf->poll_wq.lock in __wake_up(), so the queue's lock nests outside the
 * fd's, never the other way round: mqlab_poll_bind() lets the fd's lock
 * go before it adds the forwarder.  The two heads are initialised in
 * different places, so lockdep gives them different classes.
 *
 * Lifetimes: the fd's wait queue lives as long as the file.  epoll takes
 * its entries off in eventpoll_release(), before ->release, and poll()
 * and select() take theirs off before they return; so nobody waits on
 * it at release and it never needs a POLLFREE wake-up.  The queue
 * outlives every fd bound to it (each holds a reference), and the
 * forwarder comes off at release, before that reference is dropped;
 * remove_wait_queue() takes q->poll_wq.lock, so a forwarder that is
 * running on another CPU has finished when it returns.
 *
 * What an unbound fd reports: no event.  Nothing is ready on it, and
 * EPOLLERR (which poll(), select() and epoll always report) would make a
 * level-triggered epoll_wait() or a poll() return at once, and again, in
 * a program that watches the fd before BIND.  Its data commands still
 * fail with EBADFD.
 */
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "queue.h"

void mqlab_poll_init(struct mqlab_file *pf)
{
	init_waitqueue_head(&pf->poll_wq);
}

static __poll_t mqlab_poll_mask(struct mqlab_queue *q, struct mqlab_file *pf)
{
	__poll_t mask = 0;

	mqlab_lock_unexpired(q); /* expired messages do not count */
	if (unlikely(q->dead)) {
		/* Destroyed (destroy.c): nothing but the error, for good. */
		spin_unlock(&q->lock);
		return EPOLLERR | EPOLLHUP;
	}
	if (q->curmsgs)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (q->curmsgs < q->maxmsg)
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (pf->notify_pending)
		mask |= EPOLLPRI;
	spin_unlock(&q->lock);
	return mask;
}

__poll_t mqlab_poll(struct file *file, poll_table *wait)
{
	struct mqlab_file *pf = file->private_data;
	struct mqlab_queue *q = mqlab_file_queue(pf);

	if (!q) {
		poll_wait(file, &pf->poll_wq, wait);
		/*
		 * BIND may have published pf->q since we looked.  Either
		 * mqlab_poll_bind() saw the entry just added and forwards
		 * the queue's events to it, or it released pf->poll_wq.lock
		 * before poll_wait() took it, and so published pf->q before
		 * that: we see the queue now and wait on it directly too.
		 * (A second entry costs at most a spurious wake-up.)
		 */
		q = mqlab_file_queue(pf);
		if (!q)
			return 0;
	}

	poll_wait(file, &q->poll_wq, wait);
	return mqlab_poll_mask(q, pf);
}

/* On q->poll_wq, under its lock: pass the wake-up on to the fd's waiters. */
static int mqlab_poll_forward(struct wait_queue_entry *wq_entry,
			      unsigned int mode, int wake_flags, void *key)
{
	struct mqlab_file *pf =
		container_of(wq_entry, struct mqlab_file, poll_fwd);

	__wake_up(&pf->poll_wq, mode, 1, key);
	/* Not exclusive: the return value does not count. */
	return 0;
}

/*
 * BIND has just published pf->q = @q.  If a poll()er, select()er or an
 * epoll watch waits on the fd's own wait queue, hook the forwarder onto
 * @q and tell the waiters the fd's new state.  Called once per fd, with
 * pf->bind_mutex held (which serialises BIND).
 */
void mqlab_poll_bind(struct mqlab_file *pf, struct mqlab_queue *q)
{
	bool polled;

	spin_lock_irq(&pf->poll_wq.lock);
	/* Under the lock that poll_wait() takes: see mqlab_poll(). */
	polled = waitqueue_active(&pf->poll_wq);
	spin_unlock_irq(&pf->poll_wq.lock);
	if (!polled)
		return;

	init_waitqueue_func_entry(&pf->poll_fwd, mqlab_poll_forward);
	add_wait_queue(&q->poll_wq, &pf->poll_fwd);
	pf->poll_fwd_on = true;
	/*
	 * The state is read after the forwarder is in place: an event after
	 * this read finds the forwarder, one before it is in the mask.
	 */
	wake_up_interruptible_poll(&pf->poll_wq, mqlab_poll_mask(q, pf));
}

/* The file's last reference is gone; @q is its queue, or NULL. */
void mqlab_poll_release(struct mqlab_file *pf, struct mqlab_queue *q)
{
	if (pf->poll_fwd_on)
		remove_wait_queue(&q->poll_wq, &pf->poll_fwd);
	/* See "Lifetimes" above: no waiter can be left. */
	WARN_ON_ONCE(waitqueue_active(&pf->poll_wq));
}
