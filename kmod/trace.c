// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c - the one place the trace events of mqueue_lab_trace.h are
 * defined (CREATE_TRACE_POINTS); every other file only calls them.
 */
#define CREATE_TRACE_POINTS
#include "mqueue_lab_trace.h"
