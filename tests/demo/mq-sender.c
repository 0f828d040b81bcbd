// SPDX-License-Identifier: MIT
/*
 * mq-sender - process A of the mqueue-lab story.
 *
 *   usage: mq-sender [-w] [TEXT [PRIO [QUEUE]]]
 *          defaults: "hello from A", priority 5, queue "xyz"
 *
 * A opens the queue for writing, creating it if nobody has yet, puts one
 * message into it and exits at once.  A does not wait for anybody to read
 * the message: it stays in the kernel until a receiver (mq-receiver, or
 * `mqctl recv xyz`) takes it, and the queue stays after that too.
 *
 * With -w, A first waits (at most 20 s) until a receiver is asleep on the
 * queue, so that you can watch the kernel hand the message to it and wake
 * it.  The kernel does not need this: without -w the message just waits
 * in the queue for the receiver.
 *
 * Every libmqdev function returns 0 on success and a NEGATIVE errno value
 * on failure, e.g. -EINVAL; errno is not used.
 */
#include <errno.h>		/* ETIMEDOUT */
#include <fcntl.h>		/* O_WRONLY, O_CREAT */
#include <limits.h>		/* UINT_MAX */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>		/* nanosleep() */
#include <unistd.h>		/* getpid() */

#include <mqdev.h>		/* the native library of /dev/mqueue-lab */

/*
 * Wait until at least one task is blocked in receive on @q, asking the
 * kernel every 50 ms (its waiting_receivers counter).
 * Returns 0, or a negative errno value.
 */
static int wait_for_receiver(struct mqdev *q)
{
	const struct timespec tick = { .tv_nsec = 50 * 1000 * 1000 };
	struct mqdev_attr attr = { .sz = sizeof(attr) };
	int i, err;

	for (i = 0; i < 400; i++) {
		err = mqdev_getattr(q, &attr);
		if (err < 0)
			return err;
		if (attr.waiting_receivers > 0)
			return 0;
		nanosleep(&tick, NULL);
	}
	return -ETIMEDOUT;
}

int main(int argc, char **argv)
{
	int wait = argc > 1 && strcmp(argv[1], "-w") == 0;
	const char *text, *name;
	unsigned long prio = 5;	/* 0 .. 32767: higher is received first */
	struct mqdev *q;	/* our handle: one fd bound to the queue */
	char *end;
	int err;

	if (wait) {		/* shift -w away */
		argc--;
		argv++;
	}
	text = argc > 1 ? argv[1] : "hello from A";
	name = argc > 3 ? argv[3] : "xyz";

	if (argc > 2) {
		/* A number; the kernel itself rejects one above 32767. */
		prio = strtoul(argv[2], &end, 10);
		if (*argv[2] < '0' || *argv[2] > '9' || *end != '\0' ||
		    prio > UINT_MAX) {
			fprintf(stderr, "A: bad priority '%s'\n", argv[2]);
			return EXIT_FAILURE;
		}
	}

	/*
	 * Step 1: open the queue for sending.  O_CREAT without O_EXCL:
	 * create the queue if it does not exist, else just open it (no
	 * error when B made it first).  NULL options: default size.
	 */
	err = mqdev_open(name, O_WRONLY | O_CREAT, 0644, NULL, &q);
	if (err < 0) {
		fprintf(stderr, "A: cannot open queue %s: %s\n", name,
			mqdev_strerror(err));
		return EXIT_FAILURE;
	}

	printf("A (pid %d): queue %s is open\n", (int)getpid(), name);
	if (wait) {
		printf("A: waiting until a receiver is asleep on %s\n", name);
		fflush(stdout);
		err = wait_for_receiver(q);
		if (err < 0) {
			fprintf(stderr, "A: no receiver: %s\n",
				mqdev_strerror(err));
			mqdev_close(q);
			return EXIT_FAILURE;
		}
	}

	/*
	 * Step 2: enqueue one message: the bytes of the text (without the
	 * terminating '\0') at priority prio.  NULL options: if the queue
	 * were full we would wait for room.  If B is already asleep in
	 * receive, the kernel gives the message directly to B and wakes it,
	 * so B may well print its line before we print "sent".
	 */
	printf("A (pid %d): sending \"%s\" with priority %lu to queue %s\n",
	       (int)getpid(), text, prio, name);
	fflush(stdout);		/* show the line now, before B wakes up */
	err = mqdev_send(q, text, strlen(text), prio, NULL);
	if (err < 0) {
		fprintf(stderr, "A: send: %s\n", mqdev_strerror(err));
		mqdev_close(q);
		return EXIT_FAILURE;
	}
	printf("A: sent; exiting\n");

	/*
	 * Step 3: close and exit.  The queue (and the message, if nobody
	 * took it yet) lives on in the kernel.
	 */
	mqdev_close(q);
	return EXIT_SUCCESS;
}
