// SPDX-License-Identifier: GPL-2.0
/*
 * segcache.c - the payload pages of large messages, and a queue's spares
 *
 * A message longer than MQLAB_MSG_INLINE (msg.c) keeps its payload in
 * whole pages, linked through page->lru (the page owner's list): no
 * message needs more than order-0 pages, and a 4 KiB message is one page
 * and one copy each way.
 *
 * Each page costs the page allocator, its memory cgroup charge and, with
 * init_on_alloc (Debian's default), a clear_page() that copy_from_user()
 * then overwrites: about as much again as the copy itself.  So a queue
 * keeps the pages of the messages it frees, up to one message of its
 * msgsize and at most MQLAB_SPARES_MAX pages, and its senders take those
 * first.  A spare page still holds an old payload of the same queue: it
 * is only ever read back after it has been written again, up to the new
 * message's length (mqlab_msg_store(), mqlab_msg_copy()).
 *
 * The spares are memory-cgroup charged (GFP_KERNEL_ACCOUNT) to the task
 * that first allocated them, as long as the queue keeps them, and freed
 * with the queue (mqlab_msg_free_all(): at its last reference, and for
 * every queue at module unload).  They are not part of the queue's
 * charge (account.c): like the message a sender builds before taking
 * the queue lock, they are at most one message on top of it.
 *
 * No lock: the list is an llist.  A sender takes the whole list
 * (llist_del_all(), which is safe against concurrent adds and takes)
 * and gives back what it did not use; a freer reserves room in @nr
 * before adding, so @nr bounds the pages in the list plus those a sender
 * holds to give back, and never exceeds the bound.  A sender that finds
 * the list taken by another one allocates: a miss, nothing worse.
 */
#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/llist.h>
#include <linux/mm.h>

#include "queue.h"

/* The most pages a queue keeps: one 64 KiB message. */
#define MQLAB_SPARES_MAX 16U

/* What queue @c keeps: one message of its msgsize, at most the cap. */
static u32 mqlab_spares_max(struct mqlab_segcache *c)
{
	const struct mqlab_queue *q =
		container_of(c, struct mqlab_queue, spares);

	return min_t(u64, DIV_ROUND_UP_ULL(q->msgsize, PAGE_SIZE),
		     MQLAB_SPARES_MAX);
}

/* Take every spare page of @c, for mqlab_page_get(). */
struct llist_node *mqlab_spares_take(struct mqlab_segcache *c)
{
	return llist_del_all(&c->free);
}

/*
 * A page for a message's payload: the next of @spares (*@used counts
 * them), or a new one; NULL if none can be had.  Not zeroed: the caller
 * fills it from user space.
 */
struct page *mqlab_page_get(struct llist_node **spares, u32 *used)
{
	struct llist_node *node = *spares;

	if (node) {
		*spares = node->next;
		(*used)++;
		return virt_to_page(node);
	}
	return alloc_page(GFP_KERNEL_ACCOUNT);
}

/* Give back the @spares a sender did not use; @used it kept. */
void mqlab_spares_done(struct mqlab_segcache *c, struct llist_node *spares,
		       u32 used)
{
	struct llist_node *last = spares;

	if (spares) {
		while (last->next)
			last = last->next;
		llist_add_batch(spares, last, &c->free);
	}
	if (used)
		atomic_sub(used, &c->nr);
}

/*
 * Free the @n payload pages @pages of a message of @c's queue: as many
 * as there is room for become spares, the rest go back to the allocator.
 */
void mqlab_pages_free(struct mqlab_segcache *c, struct list_head *pages, u32 n)
{
	struct llist_node *first = NULL, *last = NULL, *node;
	struct page *page, *tmp;
	int nr = atomic_read(&c->nr), room;

	/* Reserve room for every page of @pages, or what is left. */
	do {
		room = min_t(int, (int)mqlab_spares_max(c) - nr, n);
		if (room <= 0)
			break;
	} while (!atomic_try_cmpxchg(&c->nr, &nr, nr + room));

	list_for_each_entry_safe(page, tmp, pages, lru) {
		list_del(&page->lru);
		if (room <= 0) {
			__free_page(page);
			continue;
		}
		node = page_address(page);
		node->next = first;
		first = node;
		if (!last)
			last = node;
		room--;
	}
	if (first)
		llist_add_batch(first, last, &c->free);
	/* @n was more than the pages in @pages: give the rest of the room back. */
	if (room > 0)
		atomic_sub(room, &c->nr);
}

/* Free every spare page of @c: its queue is going. */
void mqlab_spares_drain(struct mqlab_segcache *c)
{
	struct llist_node *node = llist_del_all(&c->free), *next;

	for (; node; node = next) {
		next = node->next;
		free_page((unsigned long)node);
	}
	atomic_set(&c->nr, 0);
}
