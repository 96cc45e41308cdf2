/* SPDX-License-Identifier: MIT */
/* timer.c - loop timers that say when they cannot run; see timer.h. */
#include "util/timer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"

void
pue_timer_init(struct pue_timer *t, struct pue_loop *loop, bool real, pue_timer_cb cb, void *arg,
	       const char *what, ...)
{
	va_list ap;

	*t = (struct pue_timer){.loop = loop, .cb = cb, .arg = arg, .real = real};
	va_start(ap, what);
	vsnprintf(t->what, sizeof(t->what), what, ap);
	va_end(ap);
}

/* The loop calls this, so that t knows it is no longer pending before its
 * owner's callback runs (and may arm it again). */
static void
fire(void *arg)
{
	struct pue_timer *t = arg;

	t->id = 0;
	t->cb(t->arg);
}

int
pue_timer_arm(struct pue_timer *t, pue_mono_t at)
{
	int64_t id;

	pue_timer_cancel(t);
	t->at = at;
	id = t->real ? pue_loop_add_real_timer(t->loop, at, fire, t)
		     : pue_loop_add_timer(t->loop, at, fire, t);
	if (id > 0) {
		if (t->told)
			pue_log(LOG_NOTICE, "%s runs again", t->what);
		t->told = false;
		t->id = id;
		return 0;
	}
	t->errors++;
	if (!t->told)
		pue_log(LOG_ERR, "%s: cannot arm its timer: %s; retrying from pued's other timers",
			t->what, strerror((int)-id));
	t->told = t->failed = true;
	return (int)id;
}

bool
pue_timer_retry(struct pue_timer *t)
{
	if (!t->failed)
		return false;
	return pue_timer_arm(t, t->at) < 0;
}

void
pue_timer_cancel(struct pue_timer *t)
{
	if (t->id > 0)
		pue_loop_cancel(t->loop, t->id);
	t->id = 0;
	t->failed = false;
}

bool
pue_timer_pending(const struct pue_timer *t)
{
	return t->id > 0;
}
