/* SPDX-License-Identifier: MIT */
/*
 * err.h - the one error value every fallible libpue call fills.
 * Any thread. A function returns 0 or a negative code and, on failure,
 * leaves one line of context in err->msg; it does not log. The caller that
 * handles the error logs it once.
 */
#ifndef PUE_ERR_H
#define PUE_ERR_H

#include <stddef.h>

enum {
	PUE_E_CONFIG = -1000, /* configuration invalid (details in the message list) */
	PUE_E_DEVICE = -1001, /* a meter answered wrongly or not at all */
	PUE_E_PROTO = -1002,  /* a peer broke the protocol (socket client, meter) */
	PUE_E_RANGE = -1003,  /* a value outside its valid range (NaN, overflow) */
	PUE_E_STORE = -1004,  /* the database failed */
};

struct pue_err {
	int code;      /* negative errno value or PUE_E_* */
	char msg[256]; /* one line with its context; a cut is marked with "..." */
};

/* Fills err (which may be NULL) and returns code, so callers can write
 * "return pue_err_set(err, -EINVAL, ...)". */
int pue_err_set(struct pue_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears err to "no error". NULL is accepted. */
void pue_err_clear(struct pue_err *err);

#endif
