/* SPDX-License-Identifier: MIT */
/* counter_rate.c - a counter's power between its changes; see counter_rate.h. */
#include "core/counter_rate.h"

#include <math.h>
#include <string.h>

/* Records are kept at least this far apart, so the ring spans the span. */
#define SPACING_MS (PUE_RATE_SPAN_MS / (PUE_RATE_RECORDS - 1))
#define MS_PER_HOUR 3.6e6
#define QUANTUM_SLACK 1.189207115002721 /* 2^(1/4) */

void
pue_counter_rate_clear(struct pue_counter_rate *cr)
{
	memset(cr, 0, sizeof(*cr));
}

static const struct pue_rate_change *
ring_at(const struct pue_counter_rate *cr, unsigned i)
{
	return &cr->rec[(cr->first + i) % PUE_RATE_RECORDS];
}

/* Which changes become records must not depend on when the crossings
 * were seen: a record kept because its reading came at least so long
 * after the last one is more often one seen late, and its crossing then
 * looks later than it was (0.1 % too much power, measured with a 1 s
 * poll). So a change is kept when the counter has passed the next
 * multiple of a quantum of energy: the value says which step that is,
 * whatever the phase of the polls. The quantum is about a record
 * spacing's energy at the rough power over the ring, set anew when that
 * power moved by more than a fifth (2^(1/4)) since: a steady counter
 * keeps it, and its ring spans the span within a fifth. */
static void
keep(struct pue_counter_rate *cr, const struct pue_rate_change *ch)
{
	const struct pue_rate_change *old;
	double target;

	if (cr->n > 0 && cr->quantum_kwh > 0 &&
	    floor(ch->kwh / cr->quantum_kwh) <=
		    floor(ring_at(cr, cr->n - 1u)->kwh / cr->quantum_kwh))
		return;
	if (cr->n == PUE_RATE_RECORDS) {
		cr->first = (unsigned char)((cr->first + 1) % PUE_RATE_RECORDS);
		cr->n--;
	}
	cr->rec[(cr->first + cr->n) % PUE_RATE_RECORDS] = *ch;
	cr->n++;
	old = ring_at(cr, 0);
	if (cr->n < 2 || ch->after_ms <= old->after_ms)
		return;
	target = (ch->kwh - old->kwh) / (double)(ch->after_ms - old->after_ms) * SPACING_MS;
	if (cr->quantum_kwh <= 0 || target > QUANTUM_SLACK * cr->quantum_kwh ||
	    target < cr->quantum_kwh / QUANTUM_SLACK)
		cr->quantum_kwh = target;
}

void
pue_counter_rate_add(struct pue_counter_rate *cr, int64_t t_ms, double kwh, double step_kwh,
		     bool exact)
{
	struct pue_rate_change ch;
	int64_t gap;

	if (cr->has_last && t_ms <= cr->last_ms)
		return;
	if (cr->has_last && kwh < cr->last_kwh)
		pue_counter_rate_clear(cr); /* a position never goes down: start afresh */
	cr->step_kwh = step_kwh > 0 ? step_kwh : 0;
	cr->exact = exact && cr->step_kwh > 0;
	if (!cr->has_last) {
		cr->has_last = true;
		cr->start_ms = cr->last_ms = t_ms;
		cr->last_kwh = kwh;
		return;
	}
	if (kwh > cr->last_kwh) {
		gap = t_ms - cr->last_ms;
		ch = (struct pue_rate_change){
			.after_ms = t_ms,
			.gap_ms = gap > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)gap,
			.step_kwh = kwh - cr->last_kwh,
			.kwh = kwh,
		};
		cr->head = ch;
		cr->has_head = true;
		keep(cr, &ch);
		cr->last_kwh = kwh;
	}
	cr->last_ms = t_ms;
}

/* The records, oldest first, the newest change last. In steady state
 * the ring spans about PUE_RATE_SPAN_MS (see keep), or PUE_RATE_RECORDS
 * changes of a counter that changes less often; records older than twice
 * the span are left out (a slow counter, or one whose power fell).
 * Returns how many. */
static size_t
gather(const struct pue_counter_rate *cr, struct pue_rate_change *set)
{
	int64_t from = cr->head.after_ms - 2 * PUE_RATE_SPAN_MS;
	size_t n = 0;
	unsigned i;

	for (i = 0; i < cr->n; i++)
		if (ring_at(cr, i)->after_ms >= from)
			set[n++] = *ring_at(cr, i);
	if (n == 0 || set[n - 1].after_ms < cr->head.after_ms)
		set[n++] = cr->head;
	return n;
}

/* The greatest common divisor of two positive steps, to a ten-thousandth
 * of the smaller: float registers give exact multiples of their ulp, and
 * sums of scaled integer counts are off by far less than that. */
static double
gcd_kwh(double a, double b)
{
	double tol, r;

	if (a < b) {
		r = a;
		a = b;
		b = r;
	}
	tol = 1e-4 * b;
	while (b > tol) {
		r = fmod(a, b);
		if (b - r <= tol)
			r = 0;
		a = b;
		b = r;
	}
	return a;
}

/* The counter's step s: the register's one count when its type says so,
 * else the common divisor of the changes seen (a multiple of the real
 * step: the readings' intervals stay true), never below the type's ulp. */
static double
resolution(const struct pue_counter_rate *cr, const struct pue_rate_change *set, size_t n)
{
	double s = 0;
	size_t i;

	if (cr->exact)
		return cr->step_kwh;
	for (i = 0; i < n; i++)
		s = s > 0 ? gcd_kwh(s, set[i].step_kwh) : set[i].step_kwh;
	return s > cr->step_kwh ? s : cr->step_kwh;
}

/* What readings (t1, v1) and (t2, v2) allow a steady power (kWh per ms)
 * to be: the energy between them is their difference within one step. */
static void
pair(double t1, double v1, double t2, double v2, double s, double *lo, double *hi)
{
	double dt = t2 - t1, l, h;

	if (dt == 0)
		return;
	if (dt < 0) {
		dt = -dt;
		l = v1, v1 = v2, v2 = l;
	}
	l = (v2 - v1 - s) / dt;
	h = (v2 - v1 + s) / dt;
	if (l > *lo)
		*lo = l;
	if (h < *hi)
		*hi = h;
}

static double
kw(double kwh, double ms)
{
	return kwh / ms * MS_PER_HOUR;
}

/* How many of the newest records one steady power fits: the first of
 * them is returned (n when not even the newest does). Each record holds
 * two readings, the last with the old value and the first with the new
 * one, and every two readings must allow the power (counter_rate.h). This
 * only finds where the power changed; the estimate is fit()'s. */
static size_t
steady_from(const struct pue_rate_change *set, size_t n, double s)
{
	double t[2 * (PUE_RATE_RECORDS + 1)], v[2 * (PUE_RATE_RECORDS + 1)];
	double lo = 0, hi = INFINITY; /* a counter's power is not negative */
	size_t m = 0, k, i, oldest = n;

	for (k = n; k-- > 0;) {
		double ta = (double)set[k].after_ms, va = set[k].kwh;
		double tb = ta - set[k].gap_ms, vb = va - set[k].step_kwh;

		pair(tb, vb, ta, va, s, &lo, &hi);
		for (i = 0; i < m; i++) {
			pair(tb, vb, t[i], v[i], s, &lo, &hi);
			pair(ta, va, t[i], v[i], s, &lo, &hi);
		}
		if (lo > hi)
			break;
		t[m] = tb, v[m++] = vb;
		t[m] = ta, v[m++] = va;
		oldest = k;
	}
	return oldest;
}

/* When record r's crossing came, as an estimate (ms) and the most it can
 * be off (*u_ms). It came after the last reading with the old value and
 * no later than the first with the new one; a record of k steps in one
 * gap g crossed its last step within about g / k before the new reading
 * (at a steady power the steps are g / (k +- 1) apart). The estimate is
 * off by the same amount on average for every record, whatever the phase
 * of the polls, so differences of crossings are not. */
static double
crossing(const struct pue_rate_change *r, double s, double *u_ms)
{
	double k = floor(r->step_kwh / s + 0.5), g = (double)r->gap_ms;

	if (k <= 1) {
		*u_ms = g / 2;
		return (double)r->after_ms - g / 2;
	}
	*u_ms = g * (k + 1) / (2 * k * (k - 1));
	return (double)r->after_ms - g / (2 * k);
}

/* The power over records from..n-1: a least-squares line of the crossing
 * times against the values (the values are exact; the times carry the
 * error), its slope's inverse. Linear in the crossing times, so it leans
 * neither way when their errors do not (a midpoint of the powers all the
 * records allow would be tighter, but it leans by up to 0.1 % one way or
 * the other depending on how the step period falls on the poll).
 * half_kw is the most the slope can be off, were every crossing off by
 * its most. */
static bool
fit(const struct pue_rate_change *set, size_t from, size_t n, double s, struct pue_rate *out)
{
	double c[PUE_RATE_RECORDS + 1], u[PUE_RATE_RECORDS + 1];
	double mv = 0, mc = 0, sxx = 0, sxy = 0, err = 0, w;
	int64_t t0 = set[n - 1].after_ms;
	size_t k, m = n - from;

	if (m < 2)
		return false;
	for (k = from; k < n; k++) {
		c[k] = crossing(&set[k], s, &u[k]) - (double)t0; /* small numbers */
		mv += set[k].kwh;
		mc += c[k];
	}
	mv /= (double)m;
	mc /= (double)m;
	for (k = from; k < n; k++) {
		sxx += (set[k].kwh - mv) * (set[k].kwh - mv);
		sxy += (set[k].kwh - mv) * (c[k] - mc);
	}
	if (!(sxx > 0) || !(sxy > 0))
		return false;
	w = sxy / sxx; /* ms per kWh */
	for (k = from; k < n; k++)
		err += fabs(set[k].kwh - mv) / sxx * u[k];
	if (err >= w)
		return false;
	out->power_kw = kw(1, w);
	out->half_kw = out->power_kw * err / (w - err);
	if (!isfinite(out->power_kw) || !isfinite(out->half_kw))
		return false; /* a slope within a few ulp of 0 */
	out->span_ms = set[n - 1].after_ms - (set[from].after_ms - set[from].gap_ms);
	return true;
}

/* The average when the power changed: from the newest record at least
 * PUE_RATE_AVG_STEPS steps and about PUE_RATE_AVG_MS of energy (the
 * quantum's worth, see keep) before the newest change, else the oldest,
 * to that change. Chosen by energy, not time, for the reason keep()
 * gives. */
static bool
average(const struct pue_counter_rate *cr, const struct pue_rate_change *set, size_t n, double s,
	struct pue_rate *out)
{
	struct pue_rate_change two[2];
	double need = (PUE_RATE_AVG_STEPS - 0.5) * s;
	size_t k, m = 0;

	if (n < 2)
		return false;
	if (cr->quantum_kwh * PUE_RATE_AVG_MS / SPACING_MS > need)
		need = cr->quantum_kwh * PUE_RATE_AVG_MS / SPACING_MS;
	for (k = n - 1; k-- > 0;)
		if (set[n - 1].kwh - set[k].kwh >= need) {
			m = k;
			break;
		}
	two[0] = set[m];
	two[1] = set[n - 1];
	return fit(two, 0, 2, s, out);
}

bool
pue_counter_rate_get(const struct pue_counter_rate *cr, struct pue_rate *out)
{
	struct pue_rate_change set[PUE_RATE_RECORDS + 1];
	struct pue_rate f, a;
	bool has_f, has_a;
	double s, bound;
	size_t n;

	*out = (struct pue_rate){0};
	if (!cr->has_last)
		return false;
	if (!cr->has_head) {
		/* Never moved: less than one step since the first reading. */
		if (cr->step_kwh <= 0 || cr->last_ms - cr->start_ms < PUE_RATE_SPAN_MS)
			return false;
		out->power_kw = kw(cr->step_kwh, (double)(cr->last_ms - cr->start_ms));
		out->half_kw = out->power_kw;
		out->span_ms = cr->last_ms - cr->start_ms;
		out->ready = true;
		return true;
	}
	n = gather(cr, set);
	s = resolution(cr, set, n);
	has_f = fit(set, steady_from(set, n, s), n, s, &f);
	has_a = average(cr, set, n, s, &a);
	if (!has_f && !has_a)
		return false;
	*out = has_f && (!has_a || f.half_kw <= a.half_kw) ? f : a;
	out->ready = out->half_kw <= PUE_RATE_READY * out->power_kw ||
		     (cr->n >= 2 && cr->head.after_ms - cr->start_ms >= PUE_RATE_READY_SPAN_MS);
	/* Less than one step since the newest change (counter_rate.h). */
	if (cr->last_ms > cr->head.after_ms) {
		bound = kw(s, (double)(cr->last_ms - cr->head.after_ms));
		if (out->power_kw > bound)
			out->power_kw = bound;
	}
	return true;
}
