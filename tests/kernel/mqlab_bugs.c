// SPDX-License-Identifier: GPL-2.0
/*
 * mqlab_bugs - one deliberate bug per debug-kernel detector.
 *
 * The check-debug lane's proof (tests/kernel/bugs-run.sh) loads this
 * module on the debug kernel and writes a bug's name to
 * /sys/kernel/debug/mqlab_bugs/trigger; each bug must make its detector
 * print its report, and the suite's runner must count that report as a
 * failure.  Only for that kernel: never load it anywhere else.
 *
 *   lockdep        AB-BA order on two mutexes (first: a KASAN report
 *                  turns lockdep off)
 *   atomic-sleep   GFP_KERNEL allocation under a spinlock
 *   list           list_del() of an entry already deleted
 *   objects        kfree() of a struct holding a pending timer
 *   ubsan          array index one past the end (inside the struct)
 *   kasan-oob      read one byte past a kmalloc()ed buffer
 *   kasan-uaf      read of a kfree()d buffer
 *   kmemleak       kmalloc()ed buffers whose pointers are dropped
 *
 * Each bug is written so that the kernel survives it: the detectors'
 * fixups (list_del, the timer) or the bug's shape (reads, not writes)
 * keep the rest of the run meaningful.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/uaccess.h>

static struct dentry *bugs_dir;

static DEFINE_MUTEX(bugs_a);
static DEFINE_MUTEX(bugs_b);

/* Lock B inside A, then A inside B: lockdep sees the cycle at once. */
static void bug_lockdep(void)
{
	mutex_lock(&bugs_a);
	mutex_lock(&bugs_b);
	mutex_unlock(&bugs_b);
	mutex_unlock(&bugs_a);

	mutex_lock(&bugs_b);
	mutex_lock(&bugs_a);
	mutex_unlock(&bugs_a);
	mutex_unlock(&bugs_b);
}

static DEFINE_SPINLOCK(bugs_lock);

/* A GFP_KERNEL allocation may sleep: not under a spinlock. */
static void bug_atomic_sleep(void)
{
	void *p;

	spin_lock(&bugs_lock);
	p = kmalloc(32, GFP_KERNEL);
	spin_unlock(&bugs_lock);
	kfree(p);
}

/* The second list_del() finds LIST_POISON1 and refuses to unlink. */
static void bug_list(void)
{
	LIST_HEAD(head);
	struct list_head entry;

	list_add(&entry, &head);
	list_del(&entry);
	list_del(&entry);
}

struct bugs_timer {
	struct timer_list timer;
};

static void bugs_timer_fn(struct timer_list *t)
{
}

/* Freed with its timer pending: DEBUG_OBJECTS reports and deletes it. */
static void bug_objects(void)
{
	struct bugs_timer *bt = kmalloc(sizeof(*bt), GFP_KERNEL);

	if (!bt)
		return;
	timer_setup(&bt->timer, bugs_timer_fn, 0);
	mod_timer(&bt->timer, jiffies + 3600 * HZ);
	kfree(bt);
}

struct bugs_array {
	int a[4];
	int after;		/* a[4] lands here: UBSAN sees it, KASAN does not */
};

static void bug_ubsan(void)
{
	struct bugs_array s = { .after = 1 };
	int i = ARRAY_SIZE(s.a);
	int v;

	OPTIMIZER_HIDE_VAR(i);
	v = s.a[i];		/* a plain read: &s.a[4] alone is legal C */
	pr_info("ubsan: read %d\n", v);
}

static void bug_kasan_oob(void)
{
	size_t n = 13;
	char *p = kmalloc(n, GFP_KERNEL);

	if (!p)
		return;
	OPTIMIZER_HIDE_VAR(n);
	pr_info("kasan-oob: read %d\n", READ_ONCE(p[n]));
	kfree(p);
}

static void bug_kasan_uaf(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	pr_info("kasan-uaf: read %d\n", READ_ONCE(p[8]));
}

/*
 * Several buffers, so that a stale copy of one pointer on some stack
 * cannot hide them all from the scan.
 */
static void bug_kmemleak(void)
{
	int i;

	for (i = 0; i < 8; i++) {
		void *p = kmalloc(64 << (i % 4), GFP_KERNEL);

		if (p)
			memset(p, 0x5a, 64);
		OPTIMIZER_HIDE_VAR(p);
	}
}

static const struct {
	const char *name;
	void (*fn)(void);
} bugs[] = {
	{ "lockdep", bug_lockdep },
	{ "atomic-sleep", bug_atomic_sleep },
	{ "list", bug_list },
	{ "objects", bug_objects },
	{ "ubsan", bug_ubsan },
	{ "kasan-oob", bug_kasan_oob },
	{ "kasan-uaf", bug_kasan_uaf },
	{ "kmemleak", bug_kmemleak },
};

static ssize_t trigger_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char name[32];
	size_t n = min(len, sizeof(name) - 1);
	size_t i;

	if (copy_from_user(name, ubuf, n))
		return -EFAULT;
	name[n] = '\0';
	strim(name);
	for (i = 0; i < ARRAY_SIZE(bugs); i++) {
		if (!strcmp(name, bugs[i].name)) {
			pr_info("triggering %s\n", bugs[i].name);
			bugs[i].fn();
			return len;
		}
	}
	return -EINVAL;
}

static const struct file_operations trigger_fops = {
	.owner = THIS_MODULE,
	.write = trigger_write,
	.llseek = noop_llseek,
};

static int __init bugs_init(void)
{
	bugs_dir = debugfs_create_dir("mqlab_bugs", NULL);
	debugfs_create_file("trigger", 0200, bugs_dir, NULL, &trigger_fops);
	return 0;
}

static void __exit bugs_exit(void)
{
	debugfs_remove_recursive(bugs_dir);
}

module_init(bugs_init);
module_exit(bugs_exit);
MODULE_DESCRIPTION("mqueue-lab: one deliberate bug per debug-kernel detector");
MODULE_LICENSE("GPL");
