/* SPDX-License-Identifier: MIT */
/* combine.c - the covered-time intersection; see combine.h. */
#include "core/combine.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct span {
	int64_t start, end; /* ms, end exclusive */
	double kwh_per_ms;  /* energy density of the interval it came from */
};

struct input {
	size_t device, point;
	double facility_sign; /* +1/-1 in the facility sum, 0 when absent */
	double it_sign;
	struct span *spans; /* pending intervals, oldest first */
	size_t n, cap;
	int64_t reported_until; /* end of the latest interval seen */
	double power_kw;	/* < 0: no estimate */
	double weight_kw;	/* the latest estimate, held; < 0: none ever */
	int64_t power_at_ms;
	bool has_power; /* reported at all */
	bool ready;
};

struct pue_combine {
	struct input *in;
	size_t n_in;
	int64_t next_minute;		    /* start of the oldest minute still open */
	int64_t start;			    /* nothing before it is counted */
	int64_t done_until;		    /* see pue_combine_done_until() */
	struct span *scratch_a, *scratch_b; /* intersection work areas */
	size_t scratch_cap;
};

static int
find_or_add(struct pue_combine *c, const struct pue_term *t)
{
	size_t i;

	for (i = 0; i < c->n_in; i++)
		if (c->in[i].device == t->device && c->in[i].point == t->point)
			return (int)i;
	c->in[c->n_in].device = t->device;
	c->in[c->n_in].point = t->point;
	c->in[c->n_in].weight_kw = -1;
	return (int)c->n_in++;
}

struct pue_combine *
pue_combine_new(const struct pue_sum *fac, const struct pue_sum *it, pue_wall_t start)
{
	struct pue_combine *c = calloc(1, sizeof(*c));
	size_t i, max = fac->n_terms + it->n_terms;

	if (c == NULL)
		return NULL;
	c->in = calloc(max ? max : 1, sizeof(*c->in));
	if (c->in == NULL) {
		free(c);
		return NULL;
	}
	for (i = 0; i < fac->n_terms; i++)
		c->in[find_or_add(c, &fac->terms[i])].facility_sign += fac->terms[i].sign;
	for (i = 0; i < it->n_terms; i++)
		c->in[find_or_add(c, &it->terms[i])].it_sign += it->terms[i].sign;
	pue_combine_restart(c, start);
	return c;
}

void
pue_combine_restart(struct pue_combine *c, pue_wall_t start)
{
	size_t i;

	for (i = 0; i < c->n_in; i++)
		c->in[i].n = 0;
	c->start = c->done_until = start.ms;
	c->next_minute = start.ms - start.ms % PUE_MINUTE_MS;
}

void
pue_combine_free(struct pue_combine *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n_in; i++)
		free(c->in[i].spans);
	free(c->in);
	free(c->scratch_a);
	free(c->scratch_b);
	free(c);
}

int
pue_combine_input(const struct pue_combine *c, size_t device, size_t point)
{
	size_t i;

	for (i = 0; i < c->n_in; i++)
		if (c->in[i].device == device && c->in[i].point == point)
			return (int)i;
	return -1;
}

int
pue_combine_add(struct pue_combine *c, int input, const struct pue_interval *iv)
{
	struct input *in = &c->in[input];
	int64_t len = iv->end.ms - iv->start.ms;
	struct span *grown;

	if (len <= 0)
		return 0;
	if (iv->end.ms > in->reported_until)
		in->reported_until = iv->end.ms;
	if (iv->end.ms <= c->next_minute)
		return 0; /* entirely in closed minutes */
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 128;

		grown = reallocarray(in->spans, cap, sizeof(*grown));
		if (grown == NULL)
			return -ENOMEM;
		in->spans = grown;
		in->cap = cap;
	}
	in->spans[in->n++] = (struct span){iv->start.ms, iv->end.ms, iv->energy_kwh / (double)len};
	return 0;
}

void
pue_combine_set_power(struct pue_combine *c, int input, double power_kw, bool ready, pue_wall_t at)
{
	struct input *in = &c->in[input];

	in->power_kw = power_kw;
	in->ready = ready && power_kw >= 0;
	in->power_at_ms = at.ms;
	in->has_power = true;
	if (power_kw >= 0)
		in->weight_kw = power_kw;
}

static int
reserve_scratch(struct pue_combine *c, size_t need)
{
	struct span *a, *b;

	if (need <= c->scratch_cap)
		return 0;
	a = reallocarray(c->scratch_a, need, sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	c->scratch_a = a;
	b = reallocarray(c->scratch_b, need, sizeof(*b));
	if (b == NULL)
		return -ENOMEM;
	c->scratch_b = b;
	c->scratch_cap = need;
	return 0;
}

/* out = cover ∩ (the input's spans clipped to [m0, m1)). Both lists are
 * sorted and disjoint, so one merge pass does it. Returns out's length. */
static size_t
intersect(const struct span *cover, size_t n_cover, const struct input *in, struct span *out)
{
	size_t i = 0, j = 0, n = 0;

	while (i < n_cover && j < in->n) {
		int64_t s =
			cover[i].start > in->spans[j].start ? cover[i].start : in->spans[j].start;
		int64_t e = cover[i].end < in->spans[j].end ? cover[i].end : in->spans[j].end;

		if (s < e)
			out[n++] = (struct span){s, e, 0};
		if (cover[i].end < in->spans[j].end)
			i++;
		else
			j++;
	}
	return n;
}

/* Energy of an input over the covered spans. */
static double
energy_over(const struct input *in, const struct span *cover, size_t n_cover)
{
	size_t i = 0, j = 0;
	double kwh = 0;

	while (i < n_cover && j < in->n) {
		int64_t s =
			cover[i].start > in->spans[j].start ? cover[i].start : in->spans[j].start;
		int64_t e = cover[i].end < in->spans[j].end ? cover[i].end : in->spans[j].end;

		if (s < e)
			kwh += (double)(e - s) * in->spans[j].kwh_per_ms;
		if (cover[i].end < in->spans[j].end)
			i++;
		else
			j++;
	}
	return kwh;
}

/* Drops spans that end at or before t. */
static void
trim(struct input *in, int64_t t)
{
	size_t k = 0;

	while (k < in->n && in->spans[k].end <= t)
		k++;
	if (k > 0) {
		memmove(in->spans, in->spans + k, (in->n - k) * sizeof(*in->spans));
		in->n -= k;
	}
}

static bool
minute_complete(const struct pue_combine *c, int64_t m1, pue_wall_t now, int64_t grace_ms)
{
	size_t i;

	if (now.ms >= m1 + grace_ms)
		return true;
	if (now.ms < m1)
		return false;
	for (i = 0; i < c->n_in; i++)
		if (c->in[i].reported_until < m1)
			return false;
	return true;
}

static void
close_minute(struct pue_combine *c, struct pue_minute *m)
{
	int64_t m0 = c->next_minute, m1 = m0 + PUE_MINUTE_MS;
	size_t i, need = 1, n_cover;
	struct span *cover, *next, *swap;

	*m = (struct pue_minute){.start_ms = m0};
	for (i = 0; i < c->n_in; i++)
		need += c->in[i].n;
	if (c->n_in == 0 || reserve_scratch(c, need) < 0)
		goto out; /* an uncovered minute rather than a wrong one */
	cover = c->scratch_a;
	next = c->scratch_b;
	cover[0] = (struct span){m0 > c->start ? m0 : c->start, m1, 0};
	n_cover = cover[0].start < m1 ? 1 : 0;
	for (i = 0; i < c->n_in && n_cover > 0; i++) {
		n_cover = intersect(cover, n_cover, &c->in[i], next);
		swap = cover, cover = next, next = swap;
	}
	for (i = 0; i < n_cover; i++)
		m->covered_ms += cover[i].end - cover[i].start;
	for (i = 0; i < c->n_in && n_cover > 0; i++) {
		double kwh = energy_over(&c->in[i], cover, n_cover);

		m->facility_kwh += c->in[i].facility_sign * kwh;
		m->it_kwh += c->in[i].it_sign * kwh;
	}
out:
	for (i = 0; i < c->n_in; i++)
		trim(&c->in[i], m1);
	c->next_minute = m1;
	if (m1 > c->done_until)
		c->done_until = m1;
}

size_t
pue_combine_close(struct pue_combine *c, pue_wall_t now, int64_t grace_ms, pue_minute_cb cb,
		  void *arg)
{
	struct pue_minute m;
	size_t closed = 0;

	while (minute_complete(c, c->next_minute + PUE_MINUTE_MS, now, grace_ms)) {
		close_minute(c, &m);
		cb(arg, &m);
		closed++;
	}
	return closed;
}

size_t
pue_combine_close_partial(struct pue_combine *c, pue_minute_cb cb, void *arg)
{
	struct pue_minute m;
	bool any = false;
	int64_t until;
	size_t i;

	for (i = 0; i < c->n_in; i++)
		any |= c->in[i].n > 0;
	if (!any)
		return 0;
	close_minute(c, &m);
	/* Whatever arrived beyond the covered part is lost with this combine:
	 * the next one must not count it again, so it starts after all of it
	 * (at most one poll interval later than the coverage ends). */
	until = pue_combine_reported_until(c);
	c->done_until = until > c->start ? until : c->start;
	cb(arg, &m);
	return 1;
}

int64_t
pue_combine_done_until(const struct pue_combine *c)
{
	return c->done_until;
}

int64_t
pue_combine_reported_until(const struct pue_combine *c)
{
	int64_t until = 0;
	size_t i;

	for (i = 0; i < c->n_in; i++)
		if (c->in[i].reported_until > until)
			until = c->in[i].reported_until;
	return until;
}

/* pue_combine_live() with the given weighing: by held power (mean for
 * an input that never had one), or by number. */
static void
live_sums(const struct pue_combine *c, pue_wall_t now, int64_t max_age_ms, double mean,
	  bool by_number, struct pue_live *out, double *all)
{
	double f = 0, it = 0, fresh = 0, warm = 0, f_all = 0, f_fresh = 0, it_all = 0;
	double it_fresh = 0, w;
	size_t i;

	*all = 0;
	for (i = 0; i < c->n_in; i++) {
		const struct input *in = &c->in[i];
		bool answers = in->has_power && now.ms - in->power_at_ms <= max_age_ms;

		w = by_number ? 1 : in->weight_kw >= 0 ? in->weight_kw : mean;
		*all += w;
		f_all += (in->facility_sign != 0) * w;
		it_all += (in->it_sign != 0) * w;
		if (answers && !in->ready)
			warm += w;
		if (!answers || !in->ready)
			continue;
		fresh += w;
		f_fresh += (in->facility_sign != 0) * w;
		it_fresh += (in->it_sign != 0) * w;
		f += in->facility_sign * in->power_kw;
		it += in->it_sign * in->power_kw;
	}
	if (!(*all > 0))
		return;
	out->coverage = fresh / *all;
	out->warming = warm / *all;
	out->facility_kw = f_fresh > 0 ? f * (f_all / f_fresh) : 0;
	out->it_kw = it_fresh > 0 ? it * (it_all / it_fresh) : 0;
}

int
pue_combine_live(const struct pue_combine *c, pue_wall_t now, int64_t max_age_ms,
		 struct pue_live *out)
{
	double known = 0, all;
	size_t i, n_known = 0, n_reported = 0;

	*out = (struct pue_live){0};
	for (i = 0; i < c->n_in; i++) {
		n_reported += c->in[i].has_power;
		if (c->in[i].weight_kw >= 0) {
			known += c->in[i].weight_kw;
			n_known++;
		}
	}
	if (n_reported == 0)
		return -ENODATA;
	live_sums(c, now, max_age_ms, n_known > 0 ? known / (double)n_known : 1, false, out, &all);
	/* No load anywhere: every input weighs alike. */
	if (!(all > 0))
		live_sums(c, now, max_age_ms, 1, true, out, &all);
	/* Powers near the double's range (a counter that claims 1e300 kW
	 * and passed as plausible) scale to no number, not to infinity. */
	if (!isfinite(out->facility_kw) || !isfinite(out->it_kw) || !isfinite(out->coverage))
		return -ENODATA;
	return 0;
}
