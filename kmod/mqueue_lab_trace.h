/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mqueue_lab_trace.h - the trace events of mqueue-lab
 *
 * They appear under /sys/kernel/tracing/events/mqueue_lab/ and are what
 * `trace-cmd record -e mqueue_lab` and `perf trace -e 'mqueue_lab:*'`
 * record.  Disabled, each costs one patched-out jump (a static key).
 * Every event names its queue (the name, copied: a queue's name never
 * changes) and the pid (thread group id) of the task it happened in;
 * "pid" is always the current task's.  The fields are listed in
 * mqueue-lab(4), TRACE EVENTS.
 *
 * The data path of one message, in the order of the events:
 *   mqlab_send        a send enters the kernel (len, prio)
 *   mqlab_handoff     the message goes straight to a blocked receiver,
 *   or mqlab_enqueue  into the queue (curmsgs after it)
 *   mqlab_wake        the sender wakes the receiver it served
 *   mqlab_send_return
 *   mqlab_receive     a receive enters the kernel (buffer size)
 *   mqlab_block       nothing to take: the receiver sleeps
 *   mqlab_dequeue     a queued message is taken out (not for a hand-off)
 *   mqlab_receive_return  len, prio and sender of what it got, or ret
 * and around it mqlab_queue_create, mqlab_queue_unlink,
 * mqlab_queue_free and mqlab_notify.
 *
 * This header is read more than once (by define_trace.h, from trace.c
 * with CREATE_TRACE_POINTS): no ordinary include guard around the events.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mqueue_lab

#if !defined(MQLAB_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define MQLAB_TRACE_H

#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "queue.h"

#ifndef MQLAB_TRACE_HELPERS
#define MQLAB_TRACE_HELPERS
/* Which list of blocked tasks an event is about. */
#define MQLAB_TRACE_SEND 0
#define MQLAB_TRACE_RECV 1

/* Copy the queue's name, NUL-terminated, into an event. */
static inline void mqlab_trace_name(char *dst, const struct mqlab_queue *q)
{
	memcpy(dst, q->name, q->name_len + 1);
}
#endif

/*
 * The events below are TRACE_EVENT()'s own language (TP_PROTO, TP_ARGS,
 * TP_STRUCT__entry, ...), laid out as include/trace/events/ does; the
 * kernel's .clang-format reads them as calls and would fold them.
 */
/* clang-format off */
#define mqlab_trace_dir(d)	__print_symbolic(d, { 0, "send" }, { 1, "receive" })
#define mqlab_trace_action(a)	__print_symbolic(a, \
	{ MQLAB_NOTIFY_NONE, "none" }, { MQLAB_NOTIFY_SIGNAL, "signal" }, \
	{ MQLAB_NOTIFY_EVENT, "event" })

/* The queue's name, a field of its own. */
#define MQLAB_TRACE_NAME(q)	__dynamic_array(char, name, (q)->name_len + 1)

/* Queue lifetime: created (BIND with CREATE), unlinked, freed. */
TRACE_EVENT(mqlab_queue_create,
	    TP_PROTO(const struct mqlab_queue *q),
	    TP_ARGS(q),
	    TP_STRUCT__entry(MQLAB_TRACE_NAME(q)
			     __field(pid_t, pid)
			     __field(u32, uid)
			     __field(u64, maxmsg)
			     __field(u64, msgsize)),
	    TP_fast_assign(mqlab_trace_name(__get_dynamic_array(name), q);
			   __entry->pid = current->tgid;
			   __entry->uid = from_kuid(&init_user_ns, q->uid);
			   __entry->maxmsg = q->maxmsg;
			   __entry->msgsize = q->msgsize;),
	    TP_printk("queue=%s pid=%d uid=%u maxmsg=%llu msgsize=%llu",
		      __get_str(name), __entry->pid, __entry->uid,
		      __entry->maxmsg, __entry->msgsize));

DECLARE_EVENT_CLASS(mqlab_queue_life,
		    TP_PROTO(const struct mqlab_queue *q),
		    TP_ARGS(q),
		    TP_STRUCT__entry(MQLAB_TRACE_NAME(q)
				     __field(pid_t, pid)
				     __field(u64, curmsgs)),
		    TP_fast_assign(mqlab_trace_name(__get_dynamic_array(name), q);
				   __entry->pid = current->tgid;
				   __entry->curmsgs = q->curmsgs;),
		    TP_printk("queue=%s pid=%d curmsgs=%llu", __get_str(name),
			      __entry->pid, __entry->curmsgs));

/* The name is removed (MQLAB_IOC_UNLINK); fds may keep the queue. */
DEFINE_EVENT(mqlab_queue_life, mqlab_queue_unlink,
	     TP_PROTO(const struct mqlab_queue *q),
	     TP_ARGS(q));

/* The last reference is gone: the queue and its messages are freed. */
DEFINE_EVENT(mqlab_queue_life, mqlab_queue_free,
	     TP_PROTO(const struct mqlab_queue *q),
	     TP_ARGS(q));

/*
 * A send or receive enters the kernel (one per message of a send batch,
 * one per receive batch).  @len: the message's size, or the receiver's
 * buffer size; prio is 0 for a receive.
 */
DECLARE_EVENT_CLASS(mqlab_io_enter,
		    TP_PROTO(const struct mqlab_queue *q, u32 len, u32 prio),
		    TP_ARGS(q, len, prio),
		    TP_STRUCT__entry(MQLAB_TRACE_NAME(q)
				     __field(pid_t, pid)
				     __field(u32, len)
				     __field(u32, prio)),
		    TP_fast_assign(mqlab_trace_name(__get_dynamic_array(name), q);
				   __entry->pid = current->tgid;
				   __entry->len = len;
				   __entry->prio = prio;),
		    TP_printk("queue=%s pid=%d len=%u prio=%u", __get_str(name),
			      __entry->pid, __entry->len, __entry->prio));

DEFINE_EVENT(mqlab_io_enter, mqlab_send,
	     TP_PROTO(const struct mqlab_queue *q, u32 len, u32 prio),
	     TP_ARGS(q, len, prio));

DEFINE_EVENT(mqlab_io_enter, mqlab_receive,
	     TP_PROTO(const struct mqlab_queue *q, u32 len, u32 prio),
	     TP_ARGS(q, len, prio));

/* A send (or send batch) returns: 0 (a batch: how many) or -errno. */
TRACE_EVENT(mqlab_send_return,
	    TP_PROTO(const struct mqlab_queue *q, int ret),
	    TP_ARGS(q, ret),
	    TP_STRUCT__entry(MQLAB_TRACE_NAME(q)
			     __field(pid_t, pid)
			     __field(int, ret)),
	    TP_fast_assign(mqlab_trace_name(__get_dynamic_array(name), q);
			   __entry->pid = current->tgid;
			   __entry->ret = ret;),
	    TP_printk("queue=%s pid=%d ret=%d", __get_str(name), __entry->pid,
		      __entry->ret));

/*
 * A receive returns: @ret 0 (a batch: how many) or a negative errno;
 * with @msg, the length, priority and sender (global pid) of what it got.
 */
TRACE_EVENT(mqlab_receive_return,
	    TP_PROTO(const struct mqlab_queue *q, int ret,
		     const struct mqlab_msg *msg),
	    TP_ARGS(q, ret, msg),
	    TP_STRUCT__entry(MQLAB_TRACE_NAME(q)
			     __field(pid_t, pid)
			     __field(int, ret)
			     __field(u32, len)
			     __field(u32, prio)
			     __field(pid_t, sender)),
	    TP_fast_assign(mqlab_trace_name(__get_dynamic_array(name), q);
			   __entry->pid = current->tgid;
			   __entry->ret = ret;
			   __entry->len = msg ? msg->len : 0;
			   __entry->prio = msg ? msg->prio : 0;
			   __entry->sender = msg ? pid_nr(msg->sender) : 0;),
	    TP_printk("queue=%s pid=%d ret=%d len=%u prio=%u sender=%d",
		      __get_str(name), __entry->pid, __entry->ret, __entry->len,
		      __entry->prio, __entry->sender));

/*
 * A message enters or leaves the queue's priority tree; curmsgs is the
 * count after the change, sender the sender's global pid.
 */
DECLARE_EVENT_CLASS(mqlab_msg_move,
		    TP_PROTO(const struct mqlab_queue *q,
			     const struct mqlab_msg *msg),
		    TP_ARGS(q, msg),
		    TP_STRUCT__entry(MQLAB_TRACE_NAME(q)
				     __field(pid_t, pid)
				     __field(pid_t, sender)
				     __field(u32, len)
				     __field(u32, prio)
				     __field(u64, curmsgs)),
		    TP_fast_assign(mqlab_trace_name(__get_dynamic_array(name), q);
				   __entry->pid = current->tgid;
				   __entry->sender = pid_nr(msg->sender);
				   __entry->len = msg->len;
				   __entry->prio = msg->prio;
				   __entry->curmsgs = q->curmsgs;),
		    TP_printk("queue=%s pid=%d sender=%d len=%u prio=%u curmsgs=%llu",
			      __get_str(name), __entry->pid, __entry->sender,
			      __entry->len, __entry->prio, __entry->curmsgs));

DEFINE_EVENT(mqlab_msg_move, mqlab_enqueue,
	     TP_PROTO(const struct mqlab_queue *q,
		      const struct mqlab_msg *msg),
	     TP_ARGS(q, msg));

DEFINE_EVENT(mqlab_msg_move, mqlab_dequeue,
	     TP_PROTO(const struct mqlab_queue *q,
		      const struct mqlab_msg *msg),
	     TP_ARGS(q, msg));

/* Pipelined send: the message goes straight to blocked receiver @to. */
TRACE_EVENT(mqlab_handoff,
	    TP_PROTO(const struct mqlab_queue *q, const struct mqlab_msg *msg,
		     const struct task_struct *to),
	    TP_ARGS(q, msg, to),
	    TP_STRUCT__entry(MQLAB_TRACE_NAME(q)
			     __field(pid_t, pid)
			     __field(pid_t, receiver)
			     __field(u32, len)
			     __field(u32, prio)),
	    TP_fast_assign(mqlab_trace_name(__get_dynamic_array(name), q);
			   __entry->pid = current->tgid;
			   __entry->receiver = to->tgid;
			   __entry->len = msg->len;
			   __entry->prio = msg->prio;),
	    TP_printk("queue=%s pid=%d receiver=%d len=%u prio=%u",
		      __get_str(name), __entry->pid, __entry->receiver,
		      __entry->len, __entry->prio));

/* The current task sleeps in send (queue full) or receive (empty). */
TRACE_EVENT(mqlab_block,
	    TP_PROTO(const struct mqlab_queue *q, int dir, u32 len,
		     u32 prio),
	    TP_ARGS(q, dir, len, prio),
	    TP_STRUCT__entry(MQLAB_TRACE_NAME(q)
			     __field(pid_t, pid)
			     __field(int, dir)
			     __field(u32, len)
			     __field(u32, prio)
			     __field(u64, curmsgs)),
	    TP_fast_assign(mqlab_trace_name(__get_dynamic_array(name), q);
			   __entry->pid = current->tgid;
			   __entry->dir = dir;
			   __entry->len = len;
			   __entry->prio = prio;
			   __entry->curmsgs = q->curmsgs;),
	    TP_printk("queue=%s pid=%d in=%s len=%u prio=%u curmsgs=%llu",
		      __get_str(name), __entry->pid,
		      mqlab_trace_dir(__entry->dir), __entry->len, __entry->prio,
		      __entry->curmsgs));

/*
 * The current task (pid) completes the operation of @task, blocked in
 * send or receive, and wakes it: result 0, or -EMSGSIZE for a receiver
 * whose buffer is too small.
 */
TRACE_EVENT(mqlab_wake,
	    TP_PROTO(const struct mqlab_queue *q,
		     const struct task_struct *task, int dir, int result),
	    TP_ARGS(q, task, dir, result),
	    TP_STRUCT__entry(MQLAB_TRACE_NAME(q)
			     __field(pid_t, pid)
			     __field(pid_t, woken)
			     __field(int, dir)
			     __field(int, result)),
	    TP_fast_assign(mqlab_trace_name(__get_dynamic_array(name), q);
			   __entry->pid = current->tgid;
			   __entry->woken = task->tgid;
			   __entry->dir = dir;
			   __entry->result = result;),
	    TP_printk("queue=%s pid=%d woken=%d in=%s result=%d",
		      __get_str(name), __entry->pid, __entry->woken,
		      mqlab_trace_dir(__entry->dir), __entry->result));

/* A registration fires: @n->owner (global pid) signalled or its fd marked. */
TRACE_EVENT(mqlab_notify,
	    TP_PROTO(const struct mqlab_queue *q,
		     const struct mqlab_notify_reg *n),
	    TP_ARGS(q, n),
	    TP_STRUCT__entry(MQLAB_TRACE_NAME(q)
			     __field(pid_t, pid)
			     __field(pid_t, owner)
			     __field(u32, action)
			     __field(u32, signo)),
	    TP_fast_assign(mqlab_trace_name(__get_dynamic_array(name), q);
			   __entry->pid = current->tgid;
			   __entry->owner = pid_nr(n->owner);
			   __entry->action = n->action;
			   __entry->signo = n->signo;),
	    TP_printk("queue=%s pid=%d owner=%d action=%s signo=%u",
		      __get_str(name), __entry->pid, __entry->owner,
		      mqlab_trace_action(__entry->action), __entry->signo));

/* clang-format on */

#endif /* MQLAB_TRACE_H */

/* This part must be outside the guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE mqueue_lab_trace
#include <trace/define_trace.h>
