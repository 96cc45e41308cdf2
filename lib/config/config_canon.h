/* SPDX-License-Identifier: MIT */
/*
 * config_canon.h - a point's definition as one canonical string, so that a
 * reload can tell a point that stayed from one that changed.
 *
 * Two points have the same definition when their strings are equal: the
 * same meter (protocol, host or serial device, port, unit id) and every
 * field of struct pue_point_conf equal, except its name (points are
 * matched by name), and the line and column it was written at (moving a
 * point in the file changes nothing). A point that stayed keeps its energy
 * state over a reload (engine.h); any other change starts it afresh.
 * The connection's other settings (timeouts, retries, credentials, serial
 * framing, read merging) change how a meter is read, not what its numbers
 * mean, and are left out. tests/unit/test_config_canon.c fails to build
 * when a field is added to struct pue_point_conf, and fails when a field
 * does not change the string.
 * Pure function, any thread.
 */
#ifndef PUE_CONFIG_CANON_H
#define PUE_CONFIG_CANON_H

#include "config/config.h"

/* The canonical string of point p of device d ("key=value;" pairs; strings
 * length-prefixed, doubles exact). Returns a string the caller frees, or
 * NULL when memory runs out. */
char *pue_config_canon_point(const struct pue_device_conf *d, const struct pue_point_conf *p);

#endif
