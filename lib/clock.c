/* SPDX-License-Identifier: MIT */
/* clock.c - system, scaled and manual clocks; see clock.h. */
#include "clock.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum kind { SYSTEM, SCALED, MANUAL };

struct pue_clock {
	enum kind kind;
	double rate;
	int64_t start_ms;     /* SCALED: wall reading at the anchor */
	int64_t anchor_ms;    /* SCALED: real Unix ms of the anchor */
	int64_t mono_base_ns; /* SCALED: real monotonic ns when created */
	int64_t manual_ms;    /* MANUAL: current wall reading */
	int64_t manual_mono_ns;
};

static int64_t
read_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct pue_clock *
clock_new(enum kind kind)
{
	struct pue_clock *c = calloc(1, sizeof(*c));

	if (c != NULL) {
		c->kind = kind;
		c->rate = 1.0;
	}
	return c;
}

struct pue_clock *
pue_clock_new_system(void)
{
	return clock_new(SYSTEM);
}

struct pue_clock *
pue_clock_new_scaled(pue_wall_t start, pue_wall_t anchor, double rate)
{
	struct pue_clock *c = clock_new(SCALED);

	if (c == NULL)
		return NULL;
	c->rate = rate;
	c->start_ms = start.ms;
	c->anchor_ms = anchor.ms;
	c->mono_base_ns = read_ns(CLOCK_MONOTONIC);
	return c;
}

struct pue_clock *
pue_clock_new_manual(pue_wall_t start)
{
	struct pue_clock *c = clock_new(MANUAL);

	if (c == NULL)
		return NULL;
	c->manual_ms = start.ms;
	c->manual_mono_ns = 1000000000; /* never 0, so "unset" stays distinguishable */
	return c;
}

struct pue_clock *
pue_clock_new_from_env(struct pue_err *err)
{
	const char *s = getenv(PUE_CLOCK_ENV);
	int64_t start, anchor;
	double rate;
	int used = 0;

	if (s == NULL || *s == '\0')
		return pue_clock_new_system();
	if (sscanf(s, "%" SCNd64 ",%" SCNd64 ",%lf%n", &start, &anchor, &rate, &used) != 3 ||
	    s[used] != '\0' || !(rate > 0 && rate <= 100000) || start < 0 || anchor < 0) {
		pue_err_set(err, -EINVAL, "%s=\"%s\": expected START_MS,ANCHOR_MS,RATE",
			    PUE_CLOCK_ENV, s);
		return NULL;
	}
	return pue_clock_new_scaled((pue_wall_t){start}, (pue_wall_t){anchor}, rate);
}

void
pue_clock_free(struct pue_clock *c)
{
	free(c);
}

pue_mono_t
pue_clock_mono(const struct pue_clock *c)
{
	switch (c->kind) {
	case SCALED:
		return (pue_mono_t){
			(int64_t)((double)(read_ns(CLOCK_MONOTONIC) - c->mono_base_ns) * c->rate) +
			1000000000};
	case MANUAL:
		return (pue_mono_t){c->manual_mono_ns};
	case SYSTEM:
	default:
		return (pue_mono_t){read_ns(CLOCK_MONOTONIC)};
	}
}

pue_wall_t
pue_clock_wall(const struct pue_clock *c)
{
	switch (c->kind) {
	case SCALED: {
		double real_ms = (double)read_ns(CLOCK_REALTIME) / 1e6;
		return (pue_wall_t){c->start_ms +
				    (int64_t)((real_ms - (double)c->anchor_ms) * c->rate)};
	}
	case MANUAL:
		return (pue_wall_t){c->manual_ms};
	case SYSTEM:
	default:
		return (pue_wall_t){read_ns(CLOCK_REALTIME) / 1000000};
	}
}

void
pue_clock_advance(struct pue_clock *c, int64_t ms)
{
	if (c->kind != MANUAL)
		return;
	c->manual_ms += ms;
	c->manual_mono_ns += ms * 1000000;
}

int64_t
pue_clock_real_ns_until(const struct pue_clock *c, pue_mono_t deadline)
{
	int64_t left;

	if (c->kind == MANUAL)
		return INT64_MAX;
	left = deadline.ns - pue_clock_mono(c).ns;
	if (left <= 0)
		return 0;
	return (int64_t)((double)left / c->rate);
}

double
pue_clock_rate(const struct pue_clock *c)
{
	return c->rate;
}
