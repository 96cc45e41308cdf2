/* SPDX-License-Identifier: MIT */
/* version.c - see version.h. */
#include "util/version.h"

#ifndef PUE_VERSION
#define PUE_VERSION "unknown" /* compiled outside the Makefile */
#endif

const char *
pue_version(void)
{
	return PUE_VERSION;
}
