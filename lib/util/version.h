/* SPDX-License-Identifier: MIT */
/*
 * version.h - the version every program prints for --version.
 *
 * It has one source: the upstream part of the newest entry in
 * debian/changelog (0.1.0 of "pued (0.1.0-1) unstable"), which the Makefile
 * passes to lib/util/version.c alone as PUE_VERSION, so a new changelog entry
 * rebuilds one object and every program follows.
 */
#ifndef PUE_VERSION_H
#define PUE_VERSION_H

/* "0.1.0"; "unknown" in a build that did not go through the Makefile. */
const char *pue_version(void);

#endif
