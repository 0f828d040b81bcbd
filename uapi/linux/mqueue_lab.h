/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mqueue_lab.h - user/kernel interface of /dev/mqueue-lab
 *
 * The device keeps named message queues in kernel memory.  open() of
 * /dev/mqueue-lab gives an *unbound* fd; MQLAB_IOC_BIND attaches it to a
 * queue by name (the way TUNSETIFF attaches a tun fd to an interface).
 * Queues live until they are unlinked *and* the last fd bound to them is
 * closed, or until the module is unloaded.
 *
 * Conventions for every command
 *   - Every argument struct has fixed-width fields, explicit padding and a
 *     size that is a multiple of 8.  User pointers travel as __u64.
 *   - Unknown flag bits, and non-zero pad or reserved fields: EINVAL.
 *   - An unknown command: ENOTTY.  32-bit callers use the same layouts.
 *   - An unreadable or unwritable argument struct or buffer: EFAULT.
 *   - Output structs are zeroed by the kernel before it fills them in;
 *     no uninitialised byte is ever copied to user space.
 *   - The fd's access mode decides the direction: only an fd opened with
 *     O_RDONLY or O_RDWR may receive, only O_WRONLY or O_RDWR may send
 *     (EBADF otherwise, as for POSIX mq).  An fd opened with neither
 *     (access mode 3, O_ACCMODE) cannot be bound at all (EINVAL, as
 *     mq_open() gives).
 *   - A data command on an fd that is not bound yet: EBADFD.
 *   - Blocking waits are interruptible.  A signal ends a wait with EINTR,
 *     or restarts it transparently under SA_RESTART, except a wait with a
 *     relative timeout, which always ends with EINTR.  No message is ever
 *     lost or half-transferred by an interruption.
 *
 * Names: 1..MQLAB_NAME_MAX bytes, passed as (pointer, length) without a
 * terminating NUL.  No '/' and no NUL byte inside, and not "." or "..".
 * Too long: ENAMETOOLONG.  Empty or otherwise bad: EINVAL.
 *
 * IPC namespaces (MQLAB_FEAT_IPCNS): names are scoped to the IPC
 * namespace of the calling task at BIND and UNLINK, as mq_open() and
 * mq_unlink() are.  After unshare(CLONE_NEWIPC) a task sees no name;
 * the same name in two namespaces is two queues, and CREATE | EXCL or
 * UNLINK in one never meets the other.  An fd bound in one namespace
 * keeps working on its queue when it is passed or inherited into
 * another.  /proc/mqueue-lab lists only the queues of the reading
 * task's namespace.  When a namespace dies, its names go (within a few
 * seconds, and before /proc/mqueue-lab is next read); a queue still
 * bound by an fd lives on, unnamed, until its last fd closes, and then
 * returns its charges.  fs.mqueue.queues_max counts the queues of its
 * own namespace; the module parameters and the per-user charges stay
 * machine-wide.  Before MQLAB_FEAT_IPCNS, the name space was global to
 * the machine.
 *
 * Access (MQLAB_FEAT_ACCOUNT)
 *   Every permission check uses the credentials of the process that
 *   opened /dev/mqueue-lab (file->f_cred), as file operations do: an fd
 *   passed to another process carries its opener's rights, no more and
 *   no less.  Mode bits count as for a file (generic_permission()): the
 *   owner's bits if the opener's fsuid owns the queue, else the group's
 *   if the opener is in its group, else the others'.  A capability
 *   counts as capable_wrt_inode_uidgid() counts it: held in the opener's
 *   user namespace, over a queue whose owner and group are mapped there.
 *   CAP_DAC_OVERRIDE grants binding for reading and writing,
 *   CAP_DAC_READ_SEARCH for reading, CAP_FOWNER unlinking (and, with
 *   MQLAB_FEAT_CHOWN, changing the mode), CAP_CHOWN changing the owner
 *   and group (MQLAB_IOC_CHOWN).  GETATTR and
 *   NOTIFY work on any bound fd (binding needed read or write access),
 *   as mq_getattr() and mq_notify() work on any descriptor.
 *
 * Resources (MQLAB_FEAT_ACCOUNT)
 *   A queue is charged, when it is created, for everything it can hold:
 *   maxmsg of its largest messages, each with its header and allocator
 *   rounding, and the queue itself (the "charged" column of
 *   /proc/mqueue-lab).  A sender that blocks on a full queue keeps its
 *   message while it waits; that message is charged too, before the
 *   sender sleeps, and refunded when the send returns.  Charges go to
 *   the opener's real uid (as the kernel charges a queue to its
 *   creator's RLIMIT_MSGQUEUE) and to the module's total.  Limits
 *   (module parameters): max_queues and max_total_bytes for the whole
 *   module, which nobody exceeds; max_user_queues and max_user_bytes
 *   per user, and user_msgsize_max for a queue's message size, which
 *   CAP_SYS_RESOURCE (in the initial user namespace) exceeds.  Messages
 *   are kept in pieces of at most a page, so no size needs a large
 *   contiguous buffer.  MQLAB_PROC_USERS_PATH shows each user's charges.
 *
 *   The kernel's limits too (MQLAB_FEAT_KERNEL_LIMITS, module parameter
 *   kernel_limits, on by default): a BIND that creates a queue follows
 *   the fs.mqueue sysctls of the caller's IPC namespace and its
 *   RLIMIT_MSGQUEUE as mq_open() does.  maxmsg and msgsize 0 pick
 *   min(msg_default, msg_max) and min(msgsize_default, msgsize_max);
 *   above msg_max or msgsize_max is EINVAL without CAP_SYS_RESOURCE,
 *   and above 65536 or 16 MiB (the kernel's hard limits) with it; past
 *   queues_max (counted over the device's queues) is ENOSPC without
 *   CAP_SYS_RESOURCE; a user whose device queues, each counted as the
 *   kernel counts one (payload, a struct msg_msg per message and a
 *   priority-tree node per possible priority), would exceed the
 *   caller's RLIMIT_MSGQUEUE gets EMFILE, whatever its capabilities.
 *   The device's own limits apply as well: the stricter wins.
 *
 * MQLAB_IOC_VERSION  (out: struct mqlab_version)
 *	Any fd, bound or not.  Reports the interface version, the feature
 *	bits and the limits in force (module parameters).
 *	Errors: EFAULT.
 *
 * MQLAB_IOC_BIND  (in: struct mqlab_bind)
 *	Attach this fd to the queue @name.  Without MQLAB_BIND_CREATE the
 *	queue must exist.  With CREATE a missing queue is made with
 *	@maxmsg messages of at most @msgsize bytes each (0 picks the module
 *	default) and permission bits @mode & ~umask, owned by the opener's
 *	fsuid/fsgid, and charged to the opener's uid (see Resources).
 *	CREATE|EXCL fails if the queue exists.  The attributes (@mode,
 *	@maxmsg, @msgsize) are checked only when a queue is really created,
 *	and ignored when an existing queue is opened, even with CREATE.
 *	Binding an existing queue checks the fd's access mode against the
 *	queue's owner, group and mode (see Access; read to receive, write to
 *	send).
 *	Errors:
 *	  EBUSY        this fd is already bound
 *	  EEXIST       CREATE|EXCL and the queue exists
 *	  ENOENT       no such queue and no CREATE
 *	  EACCES       the queue's owner/mode deny the fd's access mode
 *	  EINVAL       bad name, unknown flag, EXCL without CREATE, non-zero
 *	               pad, an fd with access mode 3; when creating: mode
 *	               bits outside 0777, maxmsg or msgsize above the
 *	               module's caps, or msgsize above user_msgsize_max
 *	               without CAP_SYS_RESOURCE, or above the kernel's
 *	               limits (see Resources)
 *	  ENAMETOOLONG name_len > MQLAB_NAME_MAX
 *	  ENOSPC       the module's queue limit is reached, or the new
 *	               queue's charge does not fit in what is left of the
 *	               module's total-bytes cap; or (kernel limits, without
 *	               CAP_SYS_RESOURCE) the device has queues_max queues
 *	  EMFILE       the opener's user has max_user_queues queues alive
 *	               (unlinked ones that fds keep alive included), or the
 *	               new queue's charge does not fit in what is left of
 *	               its max_user_bytes (the errno of RLIMIT_MSGQUEUE);
 *	               not for CAP_SYS_RESOURCE.  Or the caller's
 *	               RLIMIT_MSGQUEUE would be exceeded (kernel limits)
 *	  ENOMEM       out of memory
 *
 * MQLAB_IOC_UNLINK  (in: struct mqlab_unlink)
 *	Any fd, bound or not.  Remove the name at once.  The queue and its
 *	messages live on while any fd is bound to it; blocked senders and
 *	receivers are not disturbed.  A later CREATE of the same name makes a
 *	new, empty queue.  Who may unlink: the queue's owner (the opener's
 *	fsuid equal to the owner uid) or an opener with CAP_FOWNER over the
 *	queue (see Access), the rule of a sticky directory such as the root
 *	of the kernel's own mqueue file system.  Everybody else gets EPERM,
 *	the errno of the mq_unlink system call (glibc's wrapper, and so
 *	libmqdev-posix, report it as EACCES).
 *	With MQLAB_UNLINK_DESTROY in @flags (MQLAB_FEAT_DESTROY) the queue
 *	ends at once as well: every blocked sender and receiver wakes with
 *	EIDRM (a blocked sender's message is not sent; a batch returns the
 *	count it sent before, as for a signal), the queued messages are
 *	freed, every later operation on an fd bound to it (SEND, RECV, the
 *	batches, GETATTR, SETATTR, NOTIFY, read(2), write(2)) fails with
 *	EIDRM, and poll(2) reports EPOLLERR | EPOLLHUP.  A message handed
 *	over or received before the destroy is delivered whole; none is
 *	half-sent or half-received.  A BIND that found the queue before the
 *	destroy binds to it and then gets EIDRM; one after it, ENOENT.  The
 *	queue's memory and charge go with its last fd, as after an unlink;
 *	/proc/mqueue-lab shows it as "destroyed" meanwhile.  Who may: as
 *	for a plain unlink.
 *	Errors: ENOENT (no such name), EPERM (not the owner), EINVAL
 *	(unknown flag, and as for BIND), ENAMETOOLONG (as for BIND).
 *
 * MQLAB_IOC_CHOWN  (in: struct mqlab_chown; MQLAB_FEAT_CHOWN)
 *	Any fd, bound or not.  Change the permission bits, owner and/or
 *	group of the queue @name, as chmod(2) and chown(2) change a file's
 *	(by name, like UNLINK: the owner of a mode 0000 queue, which it
 *	cannot bind, may still chmod it).  @flags says what to set:
 *	MQLAB_CHOWN_MODE sets @mode (0 .. 0777; no umask),
 *	MQLAB_CHOWN_UID the owner @uid, MQLAB_CHOWN_GID the group @gid,
 *	any together (a field whose flag is clear must be zero, as a pad;
 *	it stands for chown(2)'s -1).  @uid and @gid are read in the user
 *	namespace of the fd's opener.  Who may (the rules of setattr_prepare(),
 *	all checked against the queue's owner before the call, with the
 *	opener's credentials, see Access; then all applied at once, or
 *	none):
 *	  mode   the owner (the opener's fsuid), or CAP_FOWNER over the
 *	         queue (inode_owner_or_capable());
 *	  owner  CAP_CHOWN over the queue; without it only the owner, and
 *	         only to the uid it has (chown_ok());
 *	  group  CAP_CHOWN over the queue; without it only the owner, and
 *	         only to its fsgid, one of its supplementary groups, or the
 *	         group the queue has (chgrp_ok()).
 *	A BIND after the change checks the new owner, group and mode (and
 *	/proc/mqueue-lab and GETATTR show them); an fd bound before keeps
 *	the access it was given, as an open file does.  The queue's charge
 *	(see Resources) stays with the user it was charged to at creation,
 *	as the kernel's POSIX mq keeps charging its creator.
 *	Errors:
 *	  EINVAL       @flags 0 or with an unknown bit, non-zero @pad, a
 *	               non-zero field whose flag is clear, @mode bits
 *	               outside 0777, @uid or @gid not mapped in the
 *	               opener's user namespace (or (__u32)-1), bad name
 *	               (as for BIND)
 *	  ENAMETOOLONG name_len > MQLAB_NAME_MAX
 *	  ENOENT       no such queue
 *	  EPERM        not permitted (see above)
 *	  EFAULT       bad argument struct or name
 *
 * MQLAB_IOC_SEND  (in: struct mqlab_send)
 *	Enqueue one message of @len (0..msgsize) bytes at priority @prio.
 *	A full queue blocks unless the fd is O_NONBLOCK or @flags has
 *	MQLAB_IO_NONBLOCK.  When receivers are blocked, the message goes
 *	straight to exactly one of them and only that one is woken.
 *	With MQLAB_IO_TIMEOUT, @timeout bounds the wait:
 *	  - relative (no MQLAB_IO_ABSTIME): a duration, measured on
 *	    CLOCK_MONOTONIC with or without MQLAB_IO_REALTIME, so setting
 *	    the clock neither stretches nor cuts it;
 *	  - MQLAB_IO_ABSTIME: a point on CLOCK_MONOTONIC as the caller's
 *	    time namespace reads it (converted to host time, as timerfd
 *	    and clock_nanosleep() do; a point before that namespace's
 *	    clock began has passed);
 *	  - MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME: a point on CLOCK_REALTIME,
 *	    which time namespaces do not offset; setting the clock past it
 *	    ends the wait.
 *	A point already passed gives ETIMEDOUT as soon as the call would
 *	block.  Before MQLAB_FEAT_TIMENS, time namespaces were ignored and
 *	a relative timeout with MQLAB_IO_REALTIME moved with the clock.
 *	Errors:
 *	  EBADFD    fd not bound
 *	  EBADF     fd not open for writing
 *	  EINVAL    prio >= MQLAB_PRIO_MAX, unknown flag (the receive
 *	            flags MQLAB_IO_PEEK and MQLAB_IO_PRIO_* included), non-zero pad,
 *	            malformed timeout (tv_nsec >= 1e9, or negative tv_sec),
 *	            MQLAB_IO_ABSTIME or MQLAB_IO_REALTIME without
 *	            MQLAB_IO_TIMEOUT, a non-zero @timeout without
 *	            MQLAB_IO_TIMEOUT
 *	  EMSGSIZE  len > the queue's msgsize
 *	  EAGAIN    queue full and non-blocking
 *	  ETIMEDOUT queue still full when the timeout expired
 *	  EINTR     interrupted by a signal (see above)
 *	  EIDRM     the queue was destroyed (MQLAB_UNLINK_DESTROY), before
 *	            or while the sender was blocked; nothing is queued
 *	  EFAULT    bad @buf (nothing is queued)
 *	  ENOMEM    out of memory; or the queue is full and the message,
 *	            which a blocked sender keeps, fits neither in the
 *	            module's total-bytes cap nor (without CAP_SYS_RESOURCE)
 *	            in what is left of the sender's max_user_bytes: the send
 *	            fails at once instead of blocking
 *
 * MQLAB_IOC_SEND_TTL  (in: struct mqlab_send_ttl; MQLAB_FEAT_EXPIRE)
 *	MQLAB_IOC_SEND with a time to live: @buf, @len, @prio, @flags and
 *	@timeout as there, and @ttl_ns, a duration in ns on
 *	CLOCK_MONOTONIC (no clock setting and no time namespace moves
 *	it).  0 means no expiry: the call is then MQLAB_IOC_SEND.  The
 *	message's life starts when it enters the queue (its @timestamp_ns
 *	as a receiver sees it: for a sender that blocked on a full queue,
 *	when a receiver moved it in; the sender's own @timeout bounds the
 *	wait before that).  The TTL is kept in whole milliseconds, rounded
 *	up: a message never expires early.  A message past its deadline
 *	has expired: it is never delivered.  The next RECV, RECV_BATCH,
 *	SEND, SEND_TTL, SEND_BATCH, GETATTR or poll(2) on the queue drops
 *	every expired message, frees it and counts it (GETATTR's
 *	MQLAB_ATTR_EXPIRED word, /proc/mqueue-lab's expired column); each
 *	slot freed moves a blocked sender's message in, as a receive
 *	does.  A sender blocked on a full queue also wakes by itself when
 *	the first queued message expires, so it never waits on a slot
 *	held by an expired message.  No timer runs otherwise: a poll(2)
 *	waiting for EPOLLOUT is woken by such a purge, not by the expiry
 *	itself; and EPOLLIN reported before a message expired may be
 *	followed by a receive that finds the queue empty (EAGAIN), as
 *	when another receiver took the message.  A message handed
 *	straight to a blocked receiver was delivered: it does not expire.
 *	Queues that hold no message with a TTL do no expiry work.
 *	Errors:
 *	  EBADFD, EBADF, EMSGSIZE, EAGAIN, ETIMEDOUT, EINTR, EIDRM, EFAULT,
 *	  ENOMEM    as for SEND
 *	  EINVAL    as for SEND, and @ttl_ns above MQLAB_TTL_MAX_NS,
 *	            non-zero @reserved, or MQLAB_IO_TTL in @flags (no
 *	            command accepts it yet)
 *
 * MQLAB_IOC_RECV  (in/out: struct mqlab_recv)
 *	Dequeue the oldest message of the highest priority into @buf (@len
 *	bytes available).  On success @len is the message length and @prio,
 *	@pid, @uid and @timestamp_ns describe it: the sender's thread group
 *	id and uid as seen from the receiver's pid and user namespaces (0
 *	and the overflow uid when not visible), and the enqueue time in
 *	ns on CLOCK_MONOTONIC as the receiver's time namespace reads it
 *	(comparable with its clock_gettime(); 0 for a time before that
 *	namespace's clock began).  The ioctl itself returns 0.  An empty
 *	queue blocks as for SEND, with the same timeouts.  When senders
 *	are blocked on a full queue, exactly one is woken and its message
 *	moves into the queue.
 *	As with mq_timedreceive(), a message whose copy to @buf faults is
 *	dequeued and lost (EFAULT).
 *	Peek (MQLAB_IO_PEEK, MQLAB_FEAT_PEEK): the same, but the message
 *	stays queued: a copy of it is returned.  A peek needs read access,
 *	is not counted in @received, fires no notification and moves no
 *	blocked sender in.  It never takes part in hand-off: a sender that
 *	finds receivers blocked hands its message to one of them as
 *	before.  A peek on an empty queue blocks (or EAGAIN, ETIMEDOUT as
 *	for RECV) until a message is queued; every blocked peeker is then
 *	woken, none consumes it, and a peeker that finds it taken meanwhile
 *	waits again (until its deadline).  The message is copied under the
 *	queue lock into a buffer of min(@len, msgsize) bytes allocated
 *	before it (as msgrcv() MSG_COPY does), so a fault on @buf loses
 *	nothing (EFAULT).
 *	Receive by priority (MQLAB_FEAT_SELECT): with one of
 *	  MQLAB_IO_PRIO_EQ  the oldest message of priority @prio
 *	  MQLAB_IO_PRIO_LE  the oldest message of the highest priority
 *	                    that is <= @prio
 *	  MQLAB_IO_PRIO_NE  the next message whose priority is not @prio
 *	in @flags, @prio is the selector on input (without one it is
 *	ignored) and the message's priority on output.  Order within a
 *	priority stays FIFO; each lookup is O(log n).  A selective receive
 *	blocks while no queued message matches.  A sender hands its message
 *	to the first blocked receiver (in arrival order) whose selector
 *	matches, or without a selector; if none matches it is queued.
 *	A hand-off wakes one receiver.  A message that enters the queue
 *	another way (moved in from a blocked sender, put back by a batch)
 *	wakes every blocked selective receiver it matches, and those that
 *	find nothing for them wait again.  With MQLAB_IO_PEEK too, it
 *	peeks at the first matching message.
 *	Errors:
 *	  EBADFD, EBADF (not open for reading), EINVAL, EAGAIN, ETIMEDOUT,
 *	  EINTR, EIDRM, EFAULT as for SEND
 *	  EINVAL    also: more than one MQLAB_IO_PRIO_* flag, or one with
 *	            @prio >= MQLAB_PRIO_MAX; MQLAB_IO_PEEK or a selector on
 *	            MQLAB_IOC_SEND or either batch
 *	  EMSGSIZE  @len is smaller than the next (matching) message; the
 *	            message stays queued and @len is set to the size needed
 *	  ENOMEM    (peek) no memory for the copy
 *
 * MQLAB_IOC_SEND_BATCH  (in: struct mqlab_batch; MQLAB_FEAT_BATCH)
 *	Send @count (1..MQLAB_BATCH_MAX) messages, described by the array
 *	of struct mqlab_batch_msg at @msgs (@buf, @len and @prio of each,
 *	as for MQLAB_IOC_SEND; @pid, @uid and @timestamp_ns must be zero),
 *	in array order.  @flags and @timeout as for MQLAB_IOC_SEND.  The
 *	ioctl returns how many messages were sent, the sendmmsg() rule: an
 *	error on the first message is the call's error; an error on a
 *	later one (a bad @buf, @len or @prio, no memory) ends the batch
 *	before that message and the count of those before it is returned.
 *	Every message is built before the queue is locked, and all that
 *	fit go in under one lock, each handed to a blocked receiver when
 *	there is one (one receiver woken per message).  On a full queue a
 *	blocking call sleeps once, holding the rest of the batch (charged
 *	as a blocked sender's message is, all of it before it sleeps):
 *	receivers move its messages in one per freed slot, and it is
 *	woken once, when the last is in.  A signal or timeout during that
 *	wait returns the count sent so far, or the error when none was.
 *	A non-blocking call on a full queue returns the count that fitted
 *	(EAGAIN when none did).
 *	Errors (only when no message was sent):
 *	  EBADFD, EBADF, EAGAIN, ETIMEDOUT, EINTR, EIDRM, ENOMEM as for SEND
 *	  EINVAL    @count 0 or above MQLAB_BATCH_MAX, unknown flag (and
 *	            MQLAB_IO_TTL: a batch carries no TTL), bad
 *	            @timeout (as for SEND); the first message's @prio >=
 *	            MQLAB_PRIO_MAX or its @pid, @uid or @timestamp_ns not 0
 *	  EMSGSIZE  the first message's @len > the queue's msgsize
 *	  EFAULT    @msgs unreadable (nothing is sent), or the first
 *	            message's @buf
 *
 * MQLAB_IOC_RECV_BATCH  (in: struct mqlab_batch; MQLAB_FEAT_BATCH)
 *	Receive up to @count (1..MQLAB_BATCH_MAX) messages into the
 *	buffers of the array at @msgs (@buf and @len in; @len, @prio,
 *	@pid, @uid and @timestamp_ns out, as for MQLAB_IOC_RECV), in
 *	queue order.  The ioctl returns how many were received; only
 *	those descriptors are written.  It waits (as RECV does) only when
 *	the queue is empty, for one message, and then takes what is
 *	queued, up to @count, without waiting again; a non-blocking call
 *	takes what is queued.  All are taken under one lock, and each
 *	slot freed moves a blocked sender's message in (a blocked sender
 *	is woken once, when its last message is in).
 *	EMSGSIZE: the batch ends before a message longer than its
 *	buffer, which stays queued; when it is the first, the call fails
 *	with EMSGSIZE and that descriptor's @len is the size needed.
 *	A buffer (or descriptor) that faults ends the batch there too:
 *	that message and those after it go back to the head of the queue
 *	in their order, none is lost or duplicated (EFAULT when it is the
 *	first).  The queue may then hold up to @count - 1 messages more
 *	than maxmsg for a while; no blocked sender is moved in until it
 *	is below maxmsg again.
 *	Errors (only when no message was received):
 *	  EBADFD, EBADF, EAGAIN, ETIMEDOUT, EINTR, EIDRM as for RECV
 *	  EINVAL    @count 0 or above MQLAB_BATCH_MAX, unknown flag, bad
 *	            @timeout; MQLAB_IO_PEEK or a MQLAB_IO_PRIO_* flag (not
 *	            for batches, for now)
 *	  EMSGSIZE  the next message is longer than the first buffer
 *	  EFAULT    @msgs unreadable or unwritable, or the first @buf
 *	  ENOMEM    out of memory
 *
 * MQLAB_IOC_GETATTR  (out: struct mqlab_attr)
 *	Bound fd only.  The queue's attributes and counters, and this fd's
 *	flags.  Errors: EBADFD, EIDRM (the queue was destroyed), EFAULT.
 *	With MQLAB_FEAT_EXPIRE, expired messages are dropped first (see
 *	MQLAB_IOC_SEND_TTL), so @curmsgs and @curbytes do not count them,
 *	and @reserved[MQLAB_ATTR_EXPIRED] is the number of messages
 *	dropped by expiry over the queue's life (a module without the
 *	feature bit leaves the word zero).
 *
 * MQLAB_IOC_SETATTR  (in: struct mqlab_setattr)
 *	Bound fd only.  Set this fd's flags (only MQLAB_FD_NONBLOCK, which
 *	is the fd's O_NONBLOCK); like mq_setattr().
 *	Errors: EBADFD, EIDRM (the queue was destroyed), EINVAL (unknown
 *	flag, non-zero pad), EFAULT.
 *
 * MQLAB_IOC_NOTIFY  (in: struct mqlab_notify)
 *	Bound fd only.  Register (or remove) this process for a one-shot
 *	notification, the mq_notify() rule: it fires when a message arrives
 *	on an empty queue and no blocked receiver takes it, and the
 *	registration is then dropped.  One registration per queue.  It is
 *	also dropped when the registering process closes the fd it
 *	registered through, or exits.
 *	  MQLAB_NOTIFY_REMOVE  drop this process's registration (no error
 *	                       when there is none)
 *	  MQLAB_NOTIFY_NONE    register; nothing is delivered (SIGEV_NONE)
 *	  MQLAB_NOTIFY_SIGNAL  send @signo to the process, with si_code
 *	                       SI_MESGQ, si_value.sival_ptr = @value, and
 *	                       the sender's si_pid/si_uid (SIGEV_SIGNAL).
 *	                       The signal goes to the registering process's
 *	                       thread-group leader.
 *	  MQLAB_NOTIFY_EVENT   make this fd report EPOLLPRI until
 *	                       MQLAB_NOTIFY_ACK (what a library needs for
 *	                       SIGEV_THREAD)
 *	  MQLAB_NOTIFY_ACK     clear this fd's pending EPOLLPRI event
 *	Errors: EBADFD, EIDRM (the queue was destroyed), EBUSY (a
 *	registration is in place, even the caller's own), EINVAL (bad
 *	action, @signo outside 1..64, or a non-zero @signo or @value for
 *	an action other than SIGNAL), EFAULT.
 *
 * read(2) on a bound fd receives one message (EMSGSIZE when the buffer is
 * too small; the message stays queued).  A zero-length message (which
 * only MQLAB_IOC_SEND can make) is read as 0 bytes: the fd never reaches
 * end of file, so 0 from read() is always such a message.  write(2) sends
 * one message at priority 0; a write of 0 bytes is EINVAL, so that no
 * write() makes a message that a stream reader would take for end of
 * file.  poll(2) reports EPOLLIN when a message is queued, EPOLLOUT when
 * there is room, EPOLLPRI for a fired MQLAB_NOTIFY_EVENT, and only
 * EPOLLERR | EPOLLHUP once the queue is destroyed (MQLAB_UNLINK_DESTROY).
 * poll(2), select(2) and epoll work on an fd whatever its state
 * (MQLAB_FEAT_POLL_UNBOUND).  An unbound fd reports no event: not
 * EPOLLERR, which is always reported and would make a level-triggered
 * epoll_wait() return at once, again and again, in a program that
 * watches the fd before BIND.  A wait or watch set up before BIND sees
 * the fd's state at BIND (EPOLLOUT when the queue has room, EPOLLIN when
 * it holds a message) and every event after it, level- or
 * edge-triggered.  Without the feature bit an unbound fd reports
 * EPOLLERR and such a watch stays silent.
 *
 * /proc/mqueue-lab lists the queues, one line each after a header:
 * name, owner, mode, attributes, counters, charge and state ("named",
 * "unlinked" or "destroyed"), and (MQLAB_FEAT_EXPIRE) a last column,
 * expired: the messages dropped by expiry over the queue's life.  A
 * reader sees the named queues it owns or could bind;
 * CAP_SYS_ADMIN (initial user namespace) sees every queue, and also the
 * unlinked ones that fds keep alive.  MQLAB_PROC_USERS_PATH lists each
 * user's live queues, charged bytes and bytes held by blocked senders;
 * a reader sees its own line, CAP_SYS_ADMIN every line and a "total".
 */
#ifndef _UAPI_LINUX_MQUEUE_LAB_H
#define _UAPI_LINUX_MQUEUE_LAB_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * The kernel's .clang-format cannot express this header's layout: its
 * #defines, struct fields and their comments are aligned in columns with
 * tabs, for the people who read the ABI here (AlignTrailingComments and
 * AlignConsecutiveMacros are off there).  checkpatch --strict checks it.
 */
/* clang-format off */
#define MQLAB_DEVICE_NAME	"mqueue-lab"
#define MQLAB_DEVICE_PATH	"/dev/" MQLAB_DEVICE_NAME
#define MQLAB_PROC_PATH		"/proc/" MQLAB_DEVICE_NAME
/* Each user's charges (MQLAB_FEAT_ACCOUNT) */
#define MQLAB_PROC_USERS_PATH	MQLAB_PROC_PATH "-users"

#define MQLAB_VERSION_MAJOR	1
#define MQLAB_VERSION_MINOR	0

/* Longest queue name, in bytes. */
#define MQLAB_NAME_MAX		255
/* Priorities are 0 .. MQLAB_PRIO_MAX - 1; higher is received first. */
#define MQLAB_PRIO_MAX		32768

/* struct mqlab_version.features */
#define MQLAB_FEAT_NOTIFY	_BITULL(0)	/* MQLAB_IOC_NOTIFY */
#define MQLAB_FEAT_TIMEOUT	_BITULL(1)	/* MQLAB_IO_TIMEOUT & co. */
/*
 * The access and resource model: BIND needs read or write access mode,
 * checks use the opener's credentials, UNLINK by others is EPERM, queues
 * and blocked senders are charged per user (MQLAB_PROC_USERS_PATH), and
 * /proc/mqueue-lab shows only what the reader may see.
 */
#define MQLAB_FEAT_ACCOUNT	_BITULL(2)
/*
 * Deadlines and timestamps follow the caller's time namespace; relative
 * timeouts are durations on CLOCK_MONOTONIC.
 */
#define MQLAB_FEAT_TIMENS	_BITULL(3)
/* poll/epoll of an fd before BIND sees the events after BIND */
#define MQLAB_FEAT_POLL_UNBOUND	_BITULL(4)
/*
 * Set when the module follows the kernel's POSIX mq limits (the
 * fs.mqueue sysctls of the caller's IPC namespace and RLIMIT_MSGQUEUE)
 * on top of its own; see "Resources".
 */
#define MQLAB_FEAT_KERNEL_LIMITS _BITULL(5)
/* MQLAB_IOC_SEND_BATCH and MQLAB_IOC_RECV_BATCH */
#define MQLAB_FEAT_BATCH	_BITULL(6)
/* MQLAB_UNLINK_DESTROY: unlink and end the queue at once (EIDRM) */
#define MQLAB_FEAT_DESTROY	_BITULL(7)
/* MQLAB_IO_PEEK: MQLAB_IOC_RECV without removing the message */
#define MQLAB_FEAT_PEEK		_BITULL(8)
/* MQLAB_IO_PRIO_EQ/_LE/_NE: MQLAB_IOC_RECV by priority */
#define MQLAB_FEAT_SELECT	_BITULL(9)
/* MQLAB_IOC_CHOWN: change a queue's mode, owner and group */
#define MQLAB_FEAT_CHOWN	_BITULL(10)
/* MQLAB_IOC_SEND_TTL: messages with a time to live */
#define MQLAB_FEAT_EXPIRE	_BITULL(11)
/* Names are per IPC namespace (see "IPC namespaces" above) */
#define MQLAB_FEAT_IPCNS	_BITULL(12)
/* Every feature bit this header defines (a module may set fewer). */
#define MQLAB_FEAT_ALL		(MQLAB_FEAT_NOTIFY | MQLAB_FEAT_TIMEOUT | \
				 MQLAB_FEAT_ACCOUNT | MQLAB_FEAT_TIMENS | \
				 MQLAB_FEAT_POLL_UNBOUND | \
				 MQLAB_FEAT_KERNEL_LIMITS | MQLAB_FEAT_BATCH | \
				 MQLAB_FEAT_DESTROY | MQLAB_FEAT_PEEK | \
				 MQLAB_FEAT_SELECT | MQLAB_FEAT_CHOWN | \
				 MQLAB_FEAT_EXPIRE | MQLAB_FEAT_IPCNS)

struct mqlab_version {
	__u32 major;		/* MQLAB_VERSION_MAJOR */
	__u32 minor;		/* MQLAB_VERSION_MINOR */
	__u64 features;		/* MQLAB_FEAT_* */
	__u32 name_max;		/* MQLAB_NAME_MAX */
	__u32 prio_max;		/* MQLAB_PRIO_MAX */
	__u32 max_queues;	/* module parameter max_queues */
	__u32 default_maxmsg;	/* module parameter default_maxmsg */
	__u64 default_msgsize;	/* module parameter default_msgsize */
	__u64 maxmsg_max;	/* module parameter maxmsg_max */
	__u64 msgsize_max;	/* module parameter msgsize_max */
	__u64 total_bytes_max;	/* module parameter max_total_bytes */
	__u64 reserved[4];	/* zero */
};

/* struct mqlab_bind.flags */
#define MQLAB_BIND_CREATE	_BITUL(0)
#define MQLAB_BIND_EXCL		_BITUL(1)
#define MQLAB_BIND_FLAGS	(MQLAB_BIND_CREATE | MQLAB_BIND_EXCL)

struct mqlab_bind {
	__u64 name;		/* user pointer to the name bytes */
	__u32 name_len;		/* 1 .. MQLAB_NAME_MAX */
	__u32 flags;		/* MQLAB_BIND_* */
	__u32 mode;		/* 0 .. 0777, umask applies (CREATE only) */
	__u32 pad;		/* zero */
	__u64 maxmsg;		/* CREATE only; 0 = module default */
	__u64 msgsize;		/* CREATE only; 0 = module default */
};

/* struct mqlab_unlink.flags */
#define MQLAB_UNLINK_DESTROY	_BITUL(0)	/* end the queue too (EIDRM) */
#define MQLAB_UNLINK_FLAGS	MQLAB_UNLINK_DESTROY

struct mqlab_unlink {
	__u64 name;		/* user pointer to the name bytes */
	__u32 name_len;		/* 1 .. MQLAB_NAME_MAX */
	__u32 flags;		/* MQLAB_UNLINK_* */
};

/* struct mqlab_chown.flags: what to set */
#define MQLAB_CHOWN_MODE	_BITUL(0)	/* @mode */
#define MQLAB_CHOWN_UID		_BITUL(1)	/* @uid */
#define MQLAB_CHOWN_GID		_BITUL(2)	/* @gid */
#define MQLAB_CHOWN_FLAGS	(MQLAB_CHOWN_MODE | MQLAB_CHOWN_UID | \
				 MQLAB_CHOWN_GID)

struct mqlab_chown {
	__u64 name;		/* user pointer to the name bytes */
	__u32 name_len;		/* 1 .. MQLAB_NAME_MAX */
	__u32 flags;		/* MQLAB_CHOWN_*, at least one */
	__u32 mode;		/* MQLAB_CHOWN_MODE: 0 .. 0777, else zero */
	__u32 uid;		/* MQLAB_CHOWN_UID: new owner, else zero */
	__u32 gid;		/* MQLAB_CHOWN_GID: new group, else zero */
	__u32 pad;		/* zero */
};

/*
 * A point in time (MQLAB_IO_ABSTIME) or a duration.  tv_sec holds a
 * signed 64-bit count stored in a __u64: a value that is negative as
 * __s64 is invalid, and so is tv_nsec >= 1000000000.  A point is on
 * CLOCK_REALTIME (MQLAB_IO_REALTIME) or on CLOCK_MONOTONIC of the
 * caller's time namespace; a duration is always measured on
 * CLOCK_MONOTONIC.  See MQLAB_IOC_SEND above.
 */
struct mqlab_timespec {
	__u64 tv_sec;
	__u64 tv_nsec;
};

/*
 * flags of struct mqlab_send and struct mqlab_recv.  MQLAB_IO_REALTIME
 * only changes the clock of an absolute timeout: a relative one is a
 * duration on CLOCK_MONOTONIC either way.
 */
#define MQLAB_IO_NONBLOCK	_BITUL(0)	/* EAGAIN instead of blocking */
#define MQLAB_IO_TIMEOUT	_BITUL(1)	/* @timeout is valid */
#define MQLAB_IO_ABSTIME	_BITUL(2)	/* ... and absolute, not relative */
#define MQLAB_IO_REALTIME	_BITUL(3)	/* ... on CLOCK_REALTIME, not MONOTONIC */
#define MQLAB_IO_FLAGS		(MQLAB_IO_NONBLOCK | MQLAB_IO_TIMEOUT | \
				 MQLAB_IO_ABSTIME | MQLAB_IO_REALTIME)
/*
 * struct mqlab_recv.flags only (MQLAB_IOC_RECV; EINVAL anywhere else).
 * With a selector, @prio is in: the selector's priority, out: the
 * message's.  At most one selector.
 */
#define MQLAB_IO_PEEK		_BITUL(4)	/* copy, do not remove (FEAT_PEEK) */
#define MQLAB_IO_PRIO_EQ	_BITUL(5)	/* priority == @prio (FEAT_SELECT) */
#define MQLAB_IO_PRIO_LE	_BITUL(6)	/* the highest priority <= @prio */
#define MQLAB_IO_PRIO_NE	_BITUL(7)	/* any priority but @prio */
#define MQLAB_IO_PRIO_SEL	(MQLAB_IO_PRIO_EQ | MQLAB_IO_PRIO_LE | \
				 MQLAB_IO_PRIO_NE)
#define MQLAB_IO_RECV_FLAGS	(MQLAB_IO_FLAGS | MQLAB_IO_PEEK | \
				 MQLAB_IO_PRIO_SEL)
/*
 * Bit 8, kept for a per-message TTL in a batch; no command accepts it
 * yet (EINVAL): MQLAB_IOC_SEND_TTL has its @ttl_ns.
 */
#define MQLAB_IO_TTL		_BITUL(8)

struct mqlab_send {
	__u64 buf;		/* user pointer to the message */
	__u32 len;		/* 0 .. msgsize */
	__u32 prio;		/* 0 .. MQLAB_PRIO_MAX - 1 */
	__u32 flags;		/* MQLAB_IO_* */
	__u32 pad;		/* zero */
	struct mqlab_timespec timeout;	/* with MQLAB_IO_TIMEOUT */
};

/* The longest time to live: 2^32 - 1 ms, about 49.7 days. */
#define MQLAB_TTL_MAX_NS	(0xffffffffULL * 1000000ULL)

/* MQLAB_IOC_SEND_TTL: struct mqlab_send, then the time to live. */
struct mqlab_send_ttl {
	__u64 buf;		/* user pointer to the message */
	__u32 len;		/* 0 .. msgsize */
	__u32 prio;		/* 0 .. MQLAB_PRIO_MAX - 1 */
	__u32 flags;		/* MQLAB_IO_*, not MQLAB_IO_TTL */
	__u32 pad;		/* zero */
	struct mqlab_timespec timeout;	/* with MQLAB_IO_TIMEOUT */
	__u64 ttl_ns;		/* 0 (none) .. MQLAB_TTL_MAX_NS */
	__u64 reserved[2];	/* zero */
};

struct mqlab_recv {
	__u64 buf;		/* in: user pointer to the buffer */
	__u32 len;		/* in: buffer size; out: message length */
				/* (or the size needed on EMSGSIZE) */
	__u32 flags;		/* in: MQLAB_IO_* */
	struct mqlab_timespec timeout;	/* in: with MQLAB_IO_TIMEOUT */
	__u32 prio;		/* in: selector (MQLAB_IO_PRIO_*); out */
	__u32 pid;		/* out: sender's tgid in our pid namespace */
	__u32 uid;		/* out: sender's uid in our user namespace */
	__u32 pad;		/* in: zero; out: zero */
	__u64 timestamp_ns;	/* out: enqueue time, our CLOCK_MONOTONIC */
};

/* Most messages one MQLAB_IOC_SEND_BATCH or MQLAB_IOC_RECV_BATCH moves. */
#define MQLAB_BATCH_MAX		64

/* One message of a batch; an array of them is at struct mqlab_batch.msgs. */
struct mqlab_batch_msg {
	__u64 buf;		/* user pointer to the message / buffer */
	__u32 len;		/* send: 0 .. msgsize; recv in: buffer size, */
				/* out: message length (or size needed) */
	__u32 prio;		/* send: 0 .. MQLAB_PRIO_MAX - 1; recv: out */
	__u32 pid;		/* recv out: sender's tgid; send: zero */
	__u32 uid;		/* recv out: sender's uid; send: zero */
	__u64 timestamp_ns;	/* recv out: enqueue time; send: zero */
};

struct mqlab_batch {
	__u64 msgs;		/* user pointer to @count mqlab_batch_msg */
	__u32 count;		/* 1 .. MQLAB_BATCH_MAX */
	__u32 flags;		/* MQLAB_IO_* */
	struct mqlab_timespec timeout;	/* with MQLAB_IO_TIMEOUT */
};

/* struct mqlab_attr.fd_flags and struct mqlab_setattr.fd_flags */
#define MQLAB_FD_NONBLOCK	_BITUL(0)
#define MQLAB_FD_FLAGS		MQLAB_FD_NONBLOCK

struct mqlab_attr {
	__u64 maxmsg;		/* capacity in messages */
	__u64 msgsize;		/* largest message, bytes */
	__u64 curmsgs;		/* messages queued now */
	__u64 curbytes;		/* payload bytes queued now */
	__u64 sent;		/* messages sent over the queue's life */
	__u64 received;		/* messages received over its life */
	__u32 waiting_senders;	/* tasks blocked in send */
	__u32 waiting_receivers; /* tasks blocked in receive */
	__u32 fd_flags;		/* this fd: MQLAB_FD_* */
	__u32 mode;		/* permission bits */
	__u32 uid;		/* owner, in the caller's user namespace */
	__u32 gid;
	__u64 reserved[2];	/* zero, but for MQLAB_ATTR_EXPIRED */
};

/*
 * MQLAB_FEAT_EXPIRE: struct mqlab_attr.reserved[MQLAB_ATTR_EXPIRED] is
 * the count of messages dropped by expiry over the queue's life.  The
 * field keeps its name, so that the v1 struct does not change.
 */
#define MQLAB_ATTR_EXPIRED	0

struct mqlab_setattr {
	__u32 fd_flags;		/* MQLAB_FD_* */
	__u32 pad;		/* zero */
};

/* struct mqlab_notify.action */
#define MQLAB_NOTIFY_REMOVE	0
#define MQLAB_NOTIFY_NONE	1
#define MQLAB_NOTIFY_SIGNAL	2
#define MQLAB_NOTIFY_EVENT	3
#define MQLAB_NOTIFY_ACK	4

struct mqlab_notify {
	__u32 action;		/* MQLAB_NOTIFY_* */
	__u32 signo;		/* MQLAB_NOTIFY_SIGNAL: 1 .. 64, else 0 */
	__u64 value;		/* MQLAB_NOTIFY_SIGNAL: sival_ptr, else 0 */
};

#define MQLAB_IOC_MAGIC		0xB9

#define MQLAB_IOC_VERSION	_IOR(MQLAB_IOC_MAGIC, 0x00, struct mqlab_version)
#define MQLAB_IOC_BIND		_IOW(MQLAB_IOC_MAGIC, 0x01, struct mqlab_bind)
#define MQLAB_IOC_UNLINK	_IOW(MQLAB_IOC_MAGIC, 0x02, struct mqlab_unlink)
#define MQLAB_IOC_SEND		_IOW(MQLAB_IOC_MAGIC, 0x03, struct mqlab_send)
#define MQLAB_IOC_RECV		_IOWR(MQLAB_IOC_MAGIC, 0x04, struct mqlab_recv)
#define MQLAB_IOC_GETATTR	_IOR(MQLAB_IOC_MAGIC, 0x05, struct mqlab_attr)
#define MQLAB_IOC_SETATTR	_IOW(MQLAB_IOC_MAGIC, 0x06, struct mqlab_setattr)
#define MQLAB_IOC_NOTIFY	_IOW(MQLAB_IOC_MAGIC, 0x07, struct mqlab_notify)
#define MQLAB_IOC_SEND_BATCH	_IOWR(MQLAB_IOC_MAGIC, 0x08, struct mqlab_batch)
#define MQLAB_IOC_RECV_BATCH	_IOWR(MQLAB_IOC_MAGIC, 0x09, struct mqlab_batch)
#define MQLAB_IOC_CHOWN		_IOW(MQLAB_IOC_MAGIC, 0x0A, struct mqlab_chown)
#define MQLAB_IOC_SEND_TTL	_IOW(MQLAB_IOC_MAGIC, 0x0B, struct mqlab_send_ttl)

/* clang-format on */

#endif /* _UAPI_LINUX_MQUEUE_LAB_H */
