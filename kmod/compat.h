/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - kernel helpers the module needs but cannot call
 *
 * Time namespaces.  timerfd and clock_nanosleep() convert an absolute
 * CLOCK_MONOTONIC time of the caller's time namespace to host time with
 * timens_ktime_to_host(), whose out-of-line half do_timens_ktime_to_host()
 * is not exported to modules, and neither is init_time_ns (6.1 and 6.12
 * alike).  What is usable is the inline timens_add_monotonic() of
 * <linux/time_namespace.h>: it reads current->nsproxy->time_ns->offsets,
 * is the same in both kernels, and is a stub without CONFIG_TIME_NS.  So
 * the offset is taken from it, and the arithmetic is that of
 * do_timens_ktime_to_host().  The offset of the initial namespace is 0.
 */
#ifndef MQLAB_COMPAT_H
#define MQLAB_COMPAT_H

#include <linux/ipc_namespace.h>
#include <linux/ktime.h>
#include <linux/nsproxy.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/time_namespace.h>

/*
 * PREEMPT_RT before 6.4 declares rt_spin_lock() and rt_spin_unlock(),
 * which spin_lock() and spin_unlock() are there, without sparse's
 * context annotations (6.4 added them: 6.12-rt has them).  So sparse
 * counts no lock taken and reports a context imbalance in every
 * function annotated __releases() or __acquires() and in their callers.
 * For sparse alone (the compiled code is the same), the two calls with
 * the annotations.  That header is told apart by the macro the same
 * change removed from it, __spin_trylock_irqsave().
 */
#if defined(__CHECKER__) && defined(CONFIG_PREEMPT_RT) && \
	defined(__spin_trylock_irqsave)
static inline void mqlab_rt_spin_lock(spinlock_t *lock) __acquires(lock)
{
	rt_spin_lock(lock);
	__acquire(lock);
}

static inline void mqlab_rt_spin_unlock(spinlock_t *lock) __releases(lock)
{
	__release(lock);
	rt_spin_unlock(lock);
}

#define spin_lock(lock) mqlab_rt_spin_lock(lock)
#define spin_unlock(lock) mqlab_rt_spin_unlock(lock)
#endif

/*
 * CLOCK_MONOTONIC of current's time namespace minus that of the host.
 * The offset is read as timens_add_monotonic() reads it, but not added
 * to a zero timespec with it: that calls set_normalized_timespec64() out
 * of line on every receive, for the zero offset of the initial
 * namespace too.  The offsets are kept normalised (0 <= tv_nsec < 1e9,
 * proc_timens_set_offset()), so the sum would be the offset itself.
 */
static inline ktime_t mqlab_timens_monotonic_offset(void)
{
#ifdef CONFIG_TIME_NS
	const struct timespec64 *off =
		&current->nsproxy->time_ns->offsets.monotonic;

	if (!off->tv_sec && !off->tv_nsec)
		return 0;
	return timespec64_to_ktime(*off);
#else
	return 0;
#endif
}

/*
 * An absolute CLOCK_MONOTONIC time of current's time namespace, in host
 * time.  A time before the namespace's clock started has passed: 0.
 */
static inline ktime_t mqlab_timens_to_host(ktime_t tim)
{
	ktime_t off = mqlab_timens_monotonic_offset();

	if (off < 0)
		return ktime_add_safe(tim, -off);
	return tim < off ? 0 : ktime_sub(tim, off);
}

/*
 * A host CLOCK_MONOTONIC time in ns, as a time namespace whose offset is
 * @off (mqlab_timens_monotonic_offset()) reads it; 0 for a time before
 * that namespace's clock started.
 */
static inline u64 mqlab_timens_from_host_off(u64 ns, ktime_t off)
{
	if (likely(!off))
		return ns; /* the initial namespace */
	if (off < 0)
		return ns < (u64)-off ? 0 : ns + off;
	return ktime_add_safe(ns, off);
}

/* The same with the offset of current's namespace, read each time. */
static inline u64 mqlab_timens_from_host(u64 ns)
{
	return mqlab_timens_from_host_off(ns, mqlab_timens_monotonic_offset());
}

/*
 * IPC namespaces (ipcns.c).  init_ipc_ns is exported on 6.12 but not on
 * 6.1, so the initial namespace is told by its fixed inode number, the
 * same on both (ns_alloc_inum() never hands it out).
 */
static inline bool mqlab_ipc_ns_initial(const struct ipc_namespace *ns)
{
	return ns->ns.inum == PROC_IPC_INIT_INO;
}

#endif /* MQLAB_COMPAT_H */
