/* SPDX-License-Identifier: MIT */
/* energy.c - counters and trapezoids; see energy.h and PUE.md. */
#include "core/energy.h"

#include <math.h>
#include <stdio.h>

int64_t
pue_energy_max_gap_ms(const struct pue_point *p, int64_t poll_interval_ms)
{
	if (p->max_gap_ms > 0)
		return p->max_gap_ms;
	if (p->kind == PUE_KIND_ENERGY)
		return PUE_COUNTER_MAX_GAP_MS;
	return 3 * poll_interval_ms;
}

/* The raw count a counter's value in kWh stands for (the inverse of scale,
 * offset and unit), when that is a whole number that a double holds
 * exactly, modulo 2^bits as counters are differenced (a column's sum of
 * Counter32 rows goes past 2^32). */
static bool
count_of_value(const struct pue_point *p, double value, unsigned bits, uint64_t *count)
{
	double factor = pue_point_unit_factor(p->unit), raw, whole;

	if (p->scale == 0 || factor == 0)
		return false;
	raw = (value / factor - p->offset) / p->scale;
	whole = round(raw);
	/* Beyond 2^53 a double no longer holds every whole number. */
	if (!(whole >= 0 && whole < 9007199254740992.0) || fabs(raw - whole) > 1e-3)
		return false;
	*count = bits < 64 ? (uint64_t)whole & ((UINT64_C(1) << bits) - 1) : (uint64_t)whole;
	return true;
}

/* Counter delta in kWh, or a negative result code. Integer counters are
 * differenced in unsigned arithmetic of counter_bits width: a decrease of
 * more than half the range is a wrap (PUE.md worked example 3), any other
 * decrease is a reset. Float counters cannot wrap. */
static enum pue_energy_result
counter_delta(const struct pue_point *p, const struct pue_reading *a, const struct pue_reading *b,
	      double *delta_kwh)
{
	/* Configured, or else the width the answer's type carries. */
	unsigned bits = p->counter_bits ? p->counter_bits : b->raw.bits;
	bool a_counts = a->raw.has_count;
	uint64_t a_count = a->raw.count;

	/* A reading rebuilt from a stored sample has no count when only the
	 * answers carry the width (SNMP Counter32 without counter_bits,
	 * pue_energy_stored_reading()): its value gives it back, so that a
	 * wrap while pued was down is still a wrap and not a reset. */
	if (!a_counts && b->raw.has_count && bits > 0)
		a_counts = count_of_value(p, a->value, bits, &a_count);
	if (a_counts && b->raw.has_count && bits > 0) {
		uint64_t mask = bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
		uint64_t prev = a_count & mask, cur = b->raw.count & mask;
		uint64_t d = (cur - prev) & mask;

		if (cur < prev && (prev - cur) <= mask / 2)
			return PUE_ENERGY_RESET;
		/* Signed types holding a counter: differences of the raw bits
		 * are still exact, and scale/unit apply to the difference. */
		*delta_kwh = (double)d * p->scale * pue_point_unit_factor(p->unit);
		return PUE_ENERGY_INTERVAL;
	}
	if (b->value < a->value)
		return PUE_ENERGY_RESET;
	*delta_kwh = b->value - a->value;
	return PUE_ENERGY_INTERVAL;
}

/* The step a counter's register moves in, in kWh, for its live power
 * (counter_rate.h): one count of an integer register, exactly; for a
 * float, the ulp of its raw value (as a float32 when it is one), a lower
 * bound: a float64 may hold a value counted in coarser steps. */
static double
resolution_kwh(const struct pue_point *p, const struct pue_reading *r, bool *exact)
{
	double factor = fabs(p->scale) * pue_point_unit_factor(p->unit), v = fabs(r->raw.value);
	float f = (float)v;

	/* A point with a scale register has no count (modbus_plan.c). */
	*exact = r->raw.has_count;
	if (*exact)
		return factor;
	if (!isfinite(v))
		return 0;
	if ((double)f == v)
		return ((double)nextafterf(f, INFINITY) - v) * factor;
	return (nextafter(v, INFINITY) - v) * factor;
}

/* Feeds a counter's live power: res says what became of the reading. An
 * interval adds its energy to the position; anything that leaves the
 * energy since the last reading unknown starts the estimate afresh. */
static void
feed_rate(struct pue_energy *e, const struct pue_point *p, const struct pue_reading *r,
	  enum pue_energy_result res, double kwh)
{
	bool exact;
	double step = resolution_kwh(p, r, &exact);

	if (res == PUE_ENERGY_INTERVAL)
		e->position_kwh += kwh;
	else {
		pue_counter_rate_clear(&e->rate);
		e->position_kwh = 0;
	}
	pue_counter_rate_add(&e->rate, r->wall.ms, e->position_kwh, step, exact);
}

void
pue_energy_forget(struct pue_energy *e)
{
	double seen = e->max_seen_kw;

	*e = (struct pue_energy){.max_seen_kw = seen};
}

bool
pue_energy_live_power(const struct pue_energy *e, const struct pue_point *p, struct pue_rate *out)
{
	if (p->kind == PUE_KIND_POWER) {
		*out = (struct pue_rate){.power_kw = e->last_power_kw, .ready = true};
		return e->have_prev;
	}
	return pue_counter_rate_get(&e->rate, out);
}

double
pue_energy_power_limit_kw(const struct pue_energy *e, const struct pue_point *p)
{
	double kw;

	if (p->max_power_kw > 0)
		return p->max_power_kw;
	if (e->max_seen_kw <= 0)
		return PUE_UNRATED_MAX_KW;
	kw = PUE_GLITCH_FACTOR * e->max_seen_kw;
	if (kw < PUE_PLAUSIBLE_FLOOR_KW)
		kw = PUE_PLAUSIBLE_FLOOR_KW;
	return kw < PUE_UNRATED_MAX_KW ? kw : PUE_UNRATED_MAX_KW;
}

bool
pue_energy_plausible(const struct pue_energy *e, const struct pue_point *p,
		     const struct pue_reading *r, char *why, size_t len)
{
	double limit;

	if (!isfinite(r->value)) {
		snprintf(why, len, "%s %s", p->kind == PUE_KIND_POWER ? "power" : "counter",
			 isnan(r->value) ? "NaN" : "infinite");
		return false;
	}
	if (p->kind == PUE_KIND_ENERGY) {
		/* A signed register counted by its raw bits passes its sign
		 * bit on the way round: that is a wrap, not a negative count. */
		if (r->value < 0 && !(r->raw.has_count && p->counter_bits > 0)) {
			snprintf(why, len, "counter %g kWh below zero", r->value);
			return false;
		}
		return true;
	}
	limit = pue_energy_power_limit_kw(e, p);
	if (r->value > limit) {
		snprintf(why, len, "power %g kW above the limit of %g kW%s", r->value, limit,
			 p->max_power_kw > 0 ? " (max_power_kw)" : "");
		return false;
	}
	if (r->value < -PUE_NEGATIVE_TOLERANCE * limit) {
		snprintf(why, len, "power %g kW below -%g kW", r->value,
			 PUE_NEGATIVE_TOLERANCE * limit);
		return false;
	}
	return true;
}

/* A plausible power reading a little below zero (PUE.md allows down to
 * -1% of the point's limit: a meter's noise on an idle feed) is no energy
 * flowing back: pued models no export, and energy is never negative. */
static double
flow_kw(double kw)
{
	return kw < 0 ? 0 : kw;
}

static void
set_event(struct pue_energy *e, enum pue_energy_event ev, struct pue_energy_mark about)
{
	/* One event a reading: a reset the reading confirms wins over a
	 * glitch it is, which its own interval being unknown covers. */
	if (e->event == PUE_ENERGY_EVENT_RESET)
		return;
	e->event = (uint8_t)ev;
	e->about = about;
}

/* Whether the counter going from m to r implies more than limit_kw. */
static bool
too_fast(struct pue_energy_mark m, const struct pue_reading *r, double limit_kw)
{
	double hours = (double)(r->wall.ms - m.wall.ms) / 3.6e6;

	return hours <= 0 || (r->value - m.value) / hours > limit_kw;
}

/* A counter's reading judged against a drop or a jump before it (the
 * suspect; trusted is the last reading before it, energy.h:
 * pue_energy_take_event()); res is its interval's result so far and
 * jumped whether that interval is an implausible jump. Returns the
 * interval's result. */
static enum pue_energy_result
judge(struct pue_energy *e, const struct pue_reading *r, enum pue_energy_result res, bool jumped,
      double limit_kw)
{
	struct pue_energy_mark now = {r->value, r->wall}, prev = {e->prev.value, e->prev.wall};
	bool pending = e->reset_pending || e->jump_pending;

	if (pending && r->value == e->suspect.value) {
		/* The suspect value again (a meter that answers 0 for a few
		 * polls as it boots): no evidence either way for a while, and
		 * the interval is as unknown as the one to it; read on for
		 * PUE_ENERGY_SUSPECT_HOLD_MS, the counter is really there. */
		if (r->wall.ms - e->suspect.wall.ms < PUE_ENERGY_SUSPECT_HOLD_MS)
			return e->reset_pending ? PUE_ENERGY_RESET : PUE_ENERGY_GLITCH;
		if (e->reset_pending)
			set_event(e, PUE_ENERGY_EVENT_RESET, e->suspect);
		e->reset_pending = e->jump_pending = false;
		return res;
	}
	if (pending && r->value >= e->trusted.value &&
	    (e->reset_pending || r->value < e->suspect.value)) {
		/* Back at or above where it was before a drop (the bogus low
		 * reading, PUE.md's "classic case"), or back from a jump: the
		 * suspect was the glitch, not a reset, whatever limit is known;
		 * the interval from it is unknown. Unless this reading is
		 * itself too far above the trusted one. */
		if (e->reset_pending)
			set_event(e, PUE_ENERGY_EVENT_GLITCH, e->suspect);
		if (res == PUE_ENERGY_INTERVAL || res == PUE_ENERGY_RESET)
			res = PUE_ENERGY_GLITCH;
		e->reset_pending = false;
		e->jump_pending = too_fast(e->trusted, r, limit_kw);
		if (e->jump_pending) {
			set_event(e, PUE_ENERGY_EVENT_GLITCH, now);
			e->suspect = now;
		}
		return res;
	}
	if (pending && r->value < e->trusted.value) {
		if (e->reset_pending) {
			set_event(e, PUE_ENERGY_EVENT_RESET, e->suspect); /* it stayed down */
			prev = e->suspect;				  /* the new base */
		} else {
			/* Below where it was before a jump: a drop from the
			 * trusted value, judged by the next reading. */
			e->jump_pending = false;
			e->reset_pending = true;
			e->suspect = now;
			return PUE_ENERGY_RESET;
		}
	}
	/* Nothing pending, a confirmed reset, or on from above a jump (a
	 * meter swapped for one that reads higher): a reading like any. */
	e->jump_pending = jumped;
	e->reset_pending = res == PUE_ENERGY_RESET;
	if (jumped)
		set_event(e, PUE_ENERGY_EVENT_GLITCH, now);
	if (jumped || e->reset_pending) {
		e->trusted = prev;
		e->suspect = now;
	}
	return res;
}

enum pue_energy_result
pue_energy_update(struct pue_energy *e, const struct pue_point *p, int64_t poll_interval_ms,
		  const struct pue_reading *r, struct pue_interval *out)
{
	enum pue_energy_result res;
	int64_t elapsed_ms;
	double hours, kwh = 0, limit_kw;
	bool jumped = false;
	char why[96];

	e->event = PUE_ENERGY_NO_EVENT;
	if (!pue_energy_plausible(e, p, r, why, sizeof(why)))
		return PUE_ENERGY_REJECTED;
	if (!e->have_prev) {
		e->have_prev = true;
		e->prev = *r;
		if (p->kind == PUE_KIND_POWER)
			e->last_power_kw = flow_kw(r->value);
		else
			feed_rate(e, p, r, PUE_ENERGY_FIRST, 0);
		return PUE_ENERGY_FIRST;
	}
	elapsed_ms = r->wall.ms - e->prev.wall.ms;
	if (elapsed_ms <= 0)
		return PUE_ENERGY_BACKWARDS;
	hours = (double)elapsed_ms / 3.6e6;

	if (p->kind == PUE_KIND_POWER) {
		e->last_power_kw = flow_kw(r->value);
		if (elapsed_ms > pue_energy_max_gap_ms(p, poll_interval_ms))
			res = PUE_ENERGY_GAP;
		else {
			kwh = (flow_kw(e->prev.value) + flow_kw(r->value)) / 2.0 * hours;
			res = PUE_ENERGY_INTERVAL;
		}
	} else {
		res = counter_delta(p, &e->prev, r, &kwh);
		if (r->rebased || (res == PUE_ENERGY_INTERVAL &&
				   elapsed_ms > pue_energy_max_gap_ms(p, poll_interval_ms)))
			res = PUE_ENERGY_GAP;
		limit_kw = p->max_power_kw > 0	? p->max_power_kw
			   : e->max_seen_kw > 0 ? PUE_GLITCH_FACTOR * e->max_seen_kw
						: PUE_UNRATED_MAX_KW;
		if (res == PUE_ENERGY_INTERVAL && kwh / hours > limit_kw) {
			res = PUE_ENERGY_GLITCH;
			jumped = true;
		}
		res = judge(e, r, res, jumped, limit_kw);
		if (res == PUE_ENERGY_INTERVAL && kwh / hours > e->max_seen_kw)
			e->max_seen_kw = kwh / hours;
		feed_rate(e, p, r, res, kwh);
	}
	if (p->kind == PUE_KIND_POWER && res == PUE_ENERGY_INTERVAL &&
	    fabs(r->value) > e->max_seen_kw)
		e->max_seen_kw = fabs(r->value);
	/* Continue from the new value whatever happened (PUE.md: after a
	 * reset, "continue from the new value"). */
	if (res == PUE_ENERGY_INTERVAL) {
		out->start = e->prev.wall;
		out->end = r->wall;
		out->energy_kwh = kwh;
	}
	e->prev = *r;
	return res;
}

enum pue_energy_event
pue_energy_take_event(struct pue_energy *e, double *value, pue_wall_t *at)
{
	enum pue_energy_event ev = e->event;

	e->event = PUE_ENERGY_NO_EVENT;
	*value = e->about.value;
	*at = e->about.wall;
	return ev;
}

const char *
pue_energy_result_name(enum pue_energy_result r)
{
	switch (r) {
	case PUE_ENERGY_FIRST:
		return "first reading";
	case PUE_ENERGY_INTERVAL:
		return "interval";
	case PUE_ENERGY_GAP:
		return "gap";
	case PUE_ENERGY_RESET:
		return "counter reset";
	case PUE_ENERGY_GLITCH:
		return "implausible jump";
	case PUE_ENERGY_BACKWARDS:
		return "time went backwards";
	case PUE_ENERGY_REJECTED:
		return "impossible reading";
	}
	return "?";
}

struct pue_reading
pue_energy_stored_reading(const struct pue_point *p, pue_wall_t t, double value)
{
	struct pue_reading r = {.wall = t, .value = value};

	if (p->kind != PUE_KIND_ENERGY || p->counter_bits == 0 ||
	    !count_of_value(p, value, p->counter_bits, &r.raw.count))
		return r;
	r.raw.value = (double)r.raw.count;
	r.raw.has_count = true;
	return r;
}
