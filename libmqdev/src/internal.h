/* SPDX-License-Identifier: MIT */
/*
 * internal.h - private parts of the native API (mqdev.c): the handle
 * and the translations the unit tests exercise.  Not installed.
 */
#ifndef MQDEV_INTERNAL_H
#define MQDEV_INTERNAL_H

#include <mqdev.h>

#include "core.h"

/* The opaque handle behind struct mqdev *. */
struct mqdev {
	int fd;			/* bound fd of the device */
};

/*
 * The first (smallest accepted) size of each size-versioned struct.
 * Version 1 of the API is the current layout of every struct.
 */
#define MQDEV_OPEN_OPTS_SZ_V1	sizeof(struct mqdev_open_opts)
#define MQDEV_IO_OPTS_SZ_V1	sizeof(struct mqdev_io_opts)
#define MQDEV_MSGINFO_SZ_V1	sizeof(struct mqdev_msginfo)
#define MQDEV_ATTR_SZ_V1	offsetof(struct mqdev_attr, expired)

/* Fill the known fields of @out (its sz is left alone) from @in. */
void mqdev__attr_from_lab(const struct mqlab_attr *in, struct mqdev_attr *out);

#endif /* MQDEV_INTERNAL_H */
