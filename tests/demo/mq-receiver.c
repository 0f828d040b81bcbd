// SPDX-License-Identifier: MIT
/*
 * mq-receiver - process B of the mqueue-lab story.
 *
 *   usage: mq-receiver [QUEUE]        (QUEUE defaults to "xyz")
 *
 * B opens the queue for reading, creating it if nobody has yet, and asks
 * for a message.  The queue is empty, so the kernel puts B to sleep inside
 * the receive call.  When process A (mq-sender) sends, the kernel hands
 * the message straight to B and wakes it up; B prints what it got and who
 * sent it, and exits.  The queue itself stays in the kernel afterwards.
 *
 * Every libmqdev function returns 0 (or a length) on success and a
 * NEGATIVE errno value on failure, e.g. -ENOENT; errno is not used.
 */
#include <fcntl.h>		/* O_RDONLY, O_CREAT */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>		/* getpid() */

#include <mqdev.h>		/* the native library of /dev/mqueue-lab */

int main(int argc, char **argv)
{
	/* The queue's name: a plain word, no '/' (unlike POSIX mq). */
	const char *name = argc > 1 ? argv[1] : "xyz";
	struct mqdev *q;		/* our handle: one fd bound to the queue */
	struct mqdev_attr attr;		/* the queue's size and counters */
	struct mqdev_msginfo info;	/* what the kernel tells about a message */
	char *buf;
	ssize_t len;
	int err;

	/*
	 * Step 1: open the queue for receiving.  O_CREAT makes it when it
	 * does not exist yet (mode 0644: everybody may read, its owner may
	 * write); no options (NULL) means the module's default size.
	 * Whoever of A and B comes first creates the queue (in the demo, A).
	 */
	err = mqdev_open(name, O_RDONLY | O_CREAT, 0644, NULL, &q);
	if (err < 0) {
		fprintf(stderr, "B: cannot open queue %s: %s\n", name,
			mqdev_strerror(err));
		return EXIT_FAILURE;
	}

	/*
	 * Step 2: ask how big a message can be, so that our buffer is large
	 * enough for any of them.  The "sz" fields tell the library which
	 * version of the struct we were compiled with.
	 */
	attr.sz = sizeof(attr);
	err = mqdev_getattr(q, &attr);
	if (err < 0) {
		fprintf(stderr, "B: getattr: %s\n", mqdev_strerror(err));
		mqdev_close(q);
		return EXIT_FAILURE;
	}
	buf = malloc(attr.msgsize + 1);		/* +1 for a '\0' to print it */
	if (!buf) {
		mqdev_close(q);
		return EXIT_FAILURE;
	}

	/*
	 * Step 3: receive.  No options (NULL) means "block until a message
	 * arrives": with the queue empty, the kernel now puts this process
	 * to sleep.  `mqctl stat xyz` shows waiting_receivers: 1 meanwhile.
	 */
	printf("B (pid %d): queue %s is empty, waiting for a message...\n",
	       (int)getpid(), name);
	fflush(stdout);		/* show the line now, before we sleep */

	info.sz = sizeof(info);
	len = mqdev_receive(q, buf, attr.msgsize, &info, NULL);
	if (len < 0) {
		fprintf(stderr, "B: receive: %s\n", mqdev_strerror(len));
		free(buf);
		mqdev_close(q);
		return EXIT_FAILURE;
	}

	/*
	 * Step 4: woken up with a message.  Besides the payload, the kernel
	 * recorded its priority and who sent it (pid and uid of process A).
	 * Our demo messages are text, so we print them as a string.
	 */
	buf[len] = '\0';
	printf("B: got \"%s\" (%zd bytes, priority %u) from pid %d uid %u\n",
	       buf, len, info.prio, (int)info.pid, (unsigned int)info.uid);

	/*
	 * Step 5: close our handle and exit.  This does NOT delete the
	 * queue: only `mqctl rm xyz` (mqdev_unlink()) removes its name.
	 */
	free(buf);
	mqdev_close(q);
	return EXIT_SUCCESS;
}
