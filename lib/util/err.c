/* SPDX-License-Identifier: MIT */
/* err.c - filling struct pue_err; see err.h. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

int
pue_err_set(struct pue_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* Mark the cut so nobody trusts the tail, after a whole character. */
	if (n >= (int)sizeof(err->msg))
		memcpy(err->msg + pue_utf8_cut(err->msg, sizeof(err->msg) - 4), "...", 4);
	return code;
}

void
pue_err_clear(struct pue_err *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}
