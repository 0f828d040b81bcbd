// SPDX-License-Identifier: GPL-2.0
/*
 * bigmsg_test - messages longer than a page: a header and whole pages,
 * which a queue keeps as spares for its next messages (kmod/segcache.c).
 *
 *   - every length around the page boundaries arrives intact, with
 *     nothing written past it in the receiver's buffer, also when a
 *     shorter message reuses the spare pages of a longer one;
 *   - a peek (the in-kernel copy) gives the same bytes;
 *   - a send whose buffer faults in its third page queues nothing, and
 *     the queue then carries whole messages as before, however often
 *     that happened (the spares' bound stays right on the error path).
 */
#define _GNU_SOURCE

#include <sys/mman.h>

#include "mqlab_kst.h"

#define BM_MSGSIZE	65536
#define BM_MAXMSG	8
#define BM_PAGE		4096
#define BM_FILL		0xa5

FIXTURE(bigmsg) {
	struct mqk k;
	const char *name;
	int fd;
	unsigned char in[BM_MSGSIZE];
	unsigned char out[BM_MSGSIZE + BM_PAGE];
};

FIXTURE_SETUP(bigmsg)
{
	mqk_setup(_metadata, &self->k);
	self->name = mqk_name(_metadata, &self->k, "big");
	self->fd = mqk_create(_metadata, self->name, O_RDWR, 0600, BM_MAXMSG,
			      BM_MSGSIZE);
}

FIXTURE_TEARDOWN(bigmsg)
{
	if (self->fd > 0)
		close(self->fd);
	mqk_teardown(&self->k);
}

/* The bytes of message @seq, @len long: differ per message and per page. */
static void bm_fill(unsigned char *buf, unsigned int seq, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 7 + i / BM_PAGE + seq * 13);
}

/* Receive one message and check it is message @seq of @len bytes. */
static void bm_expect(struct __test_metadata *_metadata,
		      FIXTURE_DATA(bigmsg) *self, unsigned int seq, size_t len,
		      __u32 flags)
{
	struct mqlab_recv r;
	size_t i;

	bm_fill(self->in, seq, len);
	memset(self->out, BM_FILL, sizeof(self->out));
	ASSERT_EQ(0, mqk_recv_sel(self->fd, self->out, sizeof(self->out),
				  MQLAB_IO_NONBLOCK | flags, 0, NULL, &r))
		TH_LOG("message %u (%zu bytes)", seq, len);
	ASSERT_EQ(len, r.len) TH_LOG("message %u", seq);
	for (i = 0; i < len; i++)
		ASSERT_EQ(self->in[i], self->out[i])
			TH_LOG("message %u (%zu bytes): byte %zu", seq, len, i);
	for (i = len; i < sizeof(self->out); i++)
		ASSERT_EQ(BM_FILL, self->out[i])
			TH_LOG("message %u (%zu bytes): byte %zu past it written",
			       seq, len, i);
}

static const size_t bm_lens[] = {
	4031, 4032, 4033, 4095, 4096, 4097, 8191, 8192, 8193,
	3 * BM_PAGE + 100, 65535, 65536, 1, 5000, 64,
};

/* One message at a time, longest first among neighbours: spares reused. */
TEST_F(bigmsg, lengths_one_at_a_time)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bm_lens); i++) {
		bm_fill(self->in, i, bm_lens[i]);
		ASSERT_EQ(0, mqk_send(self->fd, self->in, bm_lens[i], 0,
				      MQLAB_IO_NONBLOCK, NULL));
		bm_expect(_metadata, self, i, bm_lens[i], 0);
	}
}

/* A full queue of large messages, then all received: no page shared. */
TEST_F(bigmsg, full_queue_of_large_messages)
{
	unsigned int round, i, seq;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < BM_MAXMSG; i++) {
			seq = round * BM_MAXMSG + i;
			bm_fill(self->in, seq, bm_lens[seq % ARRAY_SIZE(bm_lens)]);
			ASSERT_EQ(0, mqk_send(self->fd, self->in,
					      bm_lens[seq % ARRAY_SIZE(bm_lens)],
					      0, MQLAB_IO_NONBLOCK, NULL));
		}
		for (i = 0; i < BM_MAXMSG; i++) {
			seq = round * BM_MAXMSG + i;
			bm_expect(_metadata, self, seq,
				  bm_lens[seq % ARRAY_SIZE(bm_lens)], 0);
		}
	}
}

/* A peek copies in the kernel (mqlab_msg_copy()): the same bytes. */
TEST_F(bigmsg, peek_of_large_messages)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bm_lens); i++) {
		bm_fill(self->in, i, bm_lens[i]);
		ASSERT_EQ(0, mqk_send(self->fd, self->in, bm_lens[i], 0,
				      MQLAB_IO_NONBLOCK, NULL));
		bm_expect(_metadata, self, i, bm_lens[i], MQLAB_IO_PEEK);
		bm_expect(_metadata, self, i, bm_lens[i], 0);
	}
}

/*
 * A buffer whose third page faults: EFAULT, nothing queued; 40 times
 * (more than the spares a queue keeps), then whole messages still pass,
 * several queued at once.
 */
TEST_F(bigmsg, fault_in_third_page_queues_nothing)
{
	size_t len = 3 * BM_PAGE + 100;
	unsigned char *map;
	unsigned int i;

	map = mmap(NULL, 4 * BM_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + 2 * BM_PAGE, 2 * BM_PAGE));
	memset(map, 1, 2 * BM_PAGE);
	for (i = 0; i < 40; i++) {
		ASSERT_EQ(-EFAULT, mqk_send(self->fd, map, len, 0,
					    MQLAB_IO_NONBLOCK, NULL));
		ASSERT_EQ(0, mqk_attr(_metadata, self->fd).curmsgs);
	}
	munmap(map, 2 * BM_PAGE);
	for (i = 0; i < BM_MAXMSG; i++) {
		bm_fill(self->in, i, BM_MSGSIZE - i);
		ASSERT_EQ(0, mqk_send(self->fd, self->in, BM_MSGSIZE - i, 0,
				      MQLAB_IO_NONBLOCK, NULL));
	}
	for (i = 0; i < BM_MAXMSG; i++)
		bm_expect(_metadata, self, i, BM_MSGSIZE - i, 0);
}

#include "mqlab_kst_last.h"
TEST_HARNESS_MAIN
