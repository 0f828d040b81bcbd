// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - module parameters, the misc device and its file operations
 *
 * open() gives an unbound fd (struct mqlab_file); MQLAB_IOC_BIND attaches
 * it to a named queue.  read()/write() work on the bound queue; poll()
 * on any fd (poll.c).
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "queue.h"
#include "mqueue_lab_trace.h"

/* Defaults follow the kernel's own POSIX mq (/proc/sys/fs/mqueue). */
unsigned int mqlab_max_queues = 256;
module_param_named(max_queues, mqlab_max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues, "Most queues alive at once (default 256)");

unsigned int mqlab_default_maxmsg = 10;
module_param_named(default_maxmsg, mqlab_default_maxmsg, uint, 0444);
MODULE_PARM_DESC(default_maxmsg,
		 "Capacity of a new queue when BIND gives 0 (default 10)");

unsigned long mqlab_default_msgsize = 8192;
module_param_named(default_msgsize, mqlab_default_msgsize, ulong, 0444);
MODULE_PARM_DESC(default_msgsize,
		 "Message size of a new queue when BIND gives 0 (default 8192)");

unsigned long mqlab_maxmsg_max = 65536;
module_param_named(maxmsg_max, mqlab_maxmsg_max, ulong, 0444);
MODULE_PARM_DESC(maxmsg_max, "Largest capacity of a queue (default 65536)");

unsigned long mqlab_msgsize_max = 16UL << 20;
module_param_named(msgsize_max, mqlab_msgsize_max, ulong, 0444);
MODULE_PARM_DESC(msgsize_max,
		 "Largest message size of a queue, bytes (default 16 MiB)");

unsigned long mqlab_max_total_bytes = 64UL << 20;
module_param_named(max_total_bytes, mqlab_max_total_bytes, ulong, 0444);
/*
 * clang-format would break the long descriptions below after the
 * '(', which checkpatch --strict flags ("Lines should not end with a
 * '('"): it leaves them as they are.
 */
/* clang-format off */
MODULE_PARM_DESC(max_total_bytes,
		 "Bytes all queues and blocked senders together may hold (default 64 MiB)");

/* Per-user limits (account.c); CAP_SYS_RESOURCE exceeds them. */
unsigned int mqlab_max_user_queues = 64;
module_param_named(max_user_queues, mqlab_max_user_queues, uint, 0444);
MODULE_PARM_DESC(max_user_queues,
		 "Queues one user may have alive at once (default 64)");

unsigned long mqlab_max_user_bytes = 16UL << 20;
module_param_named(max_user_bytes, mqlab_max_user_bytes, ulong, 0444);
MODULE_PARM_DESC(max_user_bytes,
		 "Bytes one user's queues and blocked senders may hold (default 16 MiB)");

unsigned long mqlab_user_msgsize_max = 8192;
module_param_named(user_msgsize_max, mqlab_user_msgsize_max, ulong, 0444);
MODULE_PARM_DESC(user_msgsize_max,
		 "Largest message size without CAP_SYS_RESOURCE, bytes (default 8192)");

bool mqlab_kernel_limits = true;
module_param_named(kernel_limits, mqlab_kernel_limits, bool, 0444);
MODULE_PARM_DESC(kernel_limits,
		 "Also follow the fs.mqueue sysctls and RLIMIT_MSGQUEUE when creating (default on)");
/* clang-format on */

static ushort mqlab_mode = 0666;
module_param_named(mode, mqlab_mode, ushort, 0444);
MODULE_PARM_DESC(mode, "Permission bits of /dev/mqueue-lab (default 0666)");

/*
 * Refuse parameters that make no sense, rather than loading a module
 * that cannot work: every limit at least 1, defaults within the caps
 * (an unprivileged user's too), per-user limits within the module-wide
 * ones, a default queue's payload within the per-user bytes, and sizes
 * that fit the __u32 length fields and read()'s return value.
 */
static int __init mqlab_check_params(void)
{
	unsigned long bytes;

	if (!mqlab_max_queues || !mqlab_maxmsg_max || !mqlab_msgsize_max)
		return -EINVAL;
	if (mqlab_maxmsg_max > INT_MAX || mqlab_msgsize_max > MAX_RW_COUNT)
		return -EINVAL;
	if (!mqlab_default_maxmsg || mqlab_default_maxmsg > mqlab_maxmsg_max)
		return -EINVAL;
	if (!mqlab_user_msgsize_max ||
	    mqlab_user_msgsize_max > mqlab_msgsize_max)
		return -EINVAL;
	if (!mqlab_default_msgsize ||
	    mqlab_default_msgsize > mqlab_user_msgsize_max)
		return -EINVAL;
	if (!mqlab_max_user_queues ||
	    mqlab_max_user_queues > mqlab_max_queues ||
	    mqlab_max_user_bytes > mqlab_max_total_bytes)
		return -EINVAL;
	if (check_mul_overflow((unsigned long)mqlab_default_maxmsg,
			       mqlab_default_msgsize, &bytes) ||
	    bytes > mqlab_max_user_bytes)
		return -EINVAL;
	if (mqlab_mode & ~0777)
		return -EINVAL;
	return 0;
}

static int mqlab_open(struct inode *inode, struct file *file)
{
	struct mqlab_file *pf;
	int ret;

	/* A queue fd is a stream: no seeking, no pread/pwrite. */
	ret = stream_open(inode, file);
	if (ret)
		return ret;

	pf = kzalloc(sizeof(*pf), GFP_KERNEL_ACCOUNT);
	if (!pf)
		return -ENOMEM;
	mutex_init(&pf->bind_mutex);
	mqlab_poll_init(pf);
	file->private_data = pf;
	return 0;
}

/*
 * close() of any fd that refers to this file.  Like mqueue_flush_file():
 * when the process that registered a notification through this file
 * closes it (or exits), the registration goes away.
 */
static int mqlab_flush(struct file *file, fl_owner_t id)
{
	struct mqlab_file *pf = file->private_data;
	struct mqlab_queue *q = mqlab_file_queue(pf);

	if (q)
		mqlab_notify_drop_file(q, pf, task_tgid(current));
	return 0;
}

/* Last reference to the file: nobody can be blocked on it any more. */
static int mqlab_release(struct inode *inode, struct file *file)
{
	struct mqlab_file *pf = file->private_data;
	struct mqlab_queue *q = mqlab_file_queue(pf);

	mqlab_poll_release(pf, q);
	if (q) {
		mqlab_notify_drop_file(q, pf, NULL);
		mqlab_queue_put(q);
		mqlab_user_put(pf->acct);
	}
	kfree(pf);
	return 0;
}

static ssize_t mqlab_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	struct mqlab_queue *q = mqlab_io_queue(file, FMODE_READ);
	struct mqlab_deadline forever = { .clock = CLOCK_MONOTONIC,
					  .intr_err = -ERESTARTSYS };
	struct mqlab_msginfo info;
	int ret;

	if (IS_ERR(q))
		return PTR_ERR(q);

	/* rw_verify_area() already capped count at MAX_RW_COUNT. */
	trace_mqlab_receive(q, count, 0);
	ret = mqlab_receive(q, buf, count, file->f_flags & O_NONBLOCK, &forever,
			    &info);
	/*
	 * Not "ret ? ret : info.len": that is an unsigned int, so -EMSGSIZE
	 * would come back as a count of 4294967206 bytes to a 64-bit caller.
	 */
	if (ret)
		return ret;
	return info.len;
}

static ssize_t mqlab_write(struct file *file, const char __user *buf,
			   size_t count, loff_t *ppos)
{
	struct mqlab_queue *q = mqlab_io_queue(file, FMODE_WRITE);
	struct mqlab_deadline forever = { .clock = CLOCK_MONOTONIC,
					  .intr_err = -ERESTARTSYS };
	int ret;

	if (IS_ERR(q))
		return PTR_ERR(q);
	/*
	 * read() returns 0 for a zero-length message, which a stream reader
	 * takes for end of file; write() does not make such messages (only
	 * MQLAB_IOC_SEND does, whose receiver can tell them apart).
	 */
	if (!count)
		return -EINVAL;
	if (count > q->msgsize) /* before truncating it to u32 */
		return -EMSGSIZE;

	trace_mqlab_send(q, count, 0);
	ret = mqlab_send(file->private_data, q, buf, count, 0,
			 file->f_flags & O_NONBLOCK, &forever);
	return ret ? ret : count;
}

static long mqlab_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case MQLAB_IOC_VERSION:
		return mqlab_ioc_version(argp);
	case MQLAB_IOC_BIND:
		return mqlab_ioc_bind(file, argp);
	case MQLAB_IOC_UNLINK:
		return mqlab_ioc_unlink(file, argp);
	case MQLAB_IOC_SEND:
		return mqlab_ioc_send(file, argp);
	case MQLAB_IOC_RECV:
		return mqlab_ioc_recv(file, argp);
	case MQLAB_IOC_GETATTR:
		return mqlab_ioc_getattr(file, argp);
	case MQLAB_IOC_SETATTR:
		return mqlab_ioc_setattr(file, argp);
	case MQLAB_IOC_NOTIFY:
		return mqlab_ioc_notify(file, argp);
	case MQLAB_IOC_SEND_BATCH:
		return mqlab_ioc_send_batch(file, argp);
	case MQLAB_IOC_RECV_BATCH:
		return mqlab_ioc_recv_batch(file, argp);
	case MQLAB_IOC_CHOWN:
		return mqlab_ioc_chown(file, argp);
	case MQLAB_IOC_SEND_TTL:
		return mqlab_ioc_send_ttl(file, argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations mqlab_fops = {
	.owner = THIS_MODULE,
	.open = mqlab_open,
	.flush = mqlab_flush,
	.release = mqlab_release,
	.read = mqlab_read,
	.write = mqlab_write,
	.poll = mqlab_poll,
	.unlocked_ioctl = mqlab_ioctl,
	/* Every argument struct has the same layout for 32-bit callers. */
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice mqlab_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = MQLAB_DEVICE_NAME,
	.fops = &mqlab_fops,
};

static int __init mqlab_init(void)
{
	int ret;

	ret = mqlab_check_params();
	if (ret) {
		pr_err("invalid module parameters\n");
		return ret;
	}

	ret = mqlab_msg_init();
	if (ret)
		return ret;

	ret = mqlab_table_init();
	if (ret)
		goto out_msg_exit;

	ret = mqlab_proc_init();
	if (ret)
		goto out_table_exit;

	/* Last: once the device exists, user space can reach us. */
	mqlab_misc.mode = mqlab_mode;
	ret = misc_register(&mqlab_misc);
	if (ret)
		goto out_remove_proc;

	return 0;

out_remove_proc:
	mqlab_proc_exit();
out_table_exit:
	mqlab_table_exit();
	mqlab_ns_exit();
out_msg_exit:
	mqlab_msg_exit();
	return ret;
}

static void __exit mqlab_exit(void)
{
	/* First: no new opens.  Open fds pin the module, so none remain. */
	misc_deregister(&mqlab_misc);
	mqlab_proc_exit();
	mqlab_ns_stop();
	mqlab_table_exit();
	mqlab_ns_exit();
	mqlab_account_exit();
	/* Last: mqlab_table_exit() freed every message. */
	mqlab_msg_exit();
}

module_init(mqlab_init);
module_exit(mqlab_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("mqueue-lab developers");
MODULE_DESCRIPTION("Named message queues behind /dev/mqueue-lab");
/* The package's version: dkms.conf's PACKAGE_VERSION (make lint compares). */
MODULE_VERSION("1.1.0");
