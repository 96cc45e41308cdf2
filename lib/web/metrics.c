/* SPDX-License-Identifier: MIT */
/*
 * metrics.c - the Prometheus text and OpenMetrics renderings of a
 * snapshot; see metrics.h. The two formats differ in three places only:
 * a counter family is named without its _total in OpenMetrics, site and
 * version are an info family there, and OpenMetrics ends with "# EOF".
 */
#include "web/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/version.h"

#define J_PER_KWH 3.6e6
#define W_PER_KW 1e3

/* The text being made: a buffer that doubles as it fills (a site of 1000
 * meters makes about 1.9 MB). After a failed allocation it stops growing
 * and the rendering fails as a whole. */
struct out {
	char *buf;
	size_t len, cap;
	bool om;
	bool oom;
};

struct label {
	const char *name, *value;
};

#define N_LABELS(...) (sizeof((const struct label[]){__VA_ARGS__}) / sizeof(struct label))
/* sample(o, "name", "_suffix", value, {"label", "value"}, ...) */
#define SAMPLE(o, name, suffix, v, ...)                                                            \
	sample(o, name, suffix, (const struct label[]){__VA_ARGS__}, N_LABELS(__VA_ARGS__), v)
#define COUNT(o, name, v, ...)                                                                     \
	count(o, name, (const struct label[]){__VA_ARGS__}, N_LABELS(__VA_ARGS__), v)

static void
put(struct out *o, const char *s, size_t n)
{
	char *grown;
	size_t cap;

	if (o->oom)
		return;
	if (n > o->cap - o->len) {
		for (cap = o->cap ? o->cap : 65536; cap - o->len < n; cap *= 2)
			if (cap > SIZE_MAX / 2) {
				o->oom = true;
				return;
			}
		if ((grown = realloc(o->buf, cap)) == NULL) {
			o->oom = true;
			return;
		}
		o->buf = grown;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* A label value: backslash, double quote and line feed escaped (both
 * formats). */
static void
put_label_value(struct out *o, const char *s)
{
	size_t n;

	for (;;) {
		n = strcspn(s, "\\\"\n");
		put(o, s, n);
		if (s[n] == '\0')
			return;
		put(o, s[n] == '\n' ? "\\n" : s[n] == '"' ? "\\\"" : "\\\\", 2);
		s += n + 1;
	}
}

static void
put_u64(struct out *o, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	put(o, p, (size_t)(buf + sizeof(buf) - p));
}

static void
put_value(struct out *o, double v)
{
	char buf[40];

	if (isnan(v))
		put_str(o, "NaN");
	else if (isinf(v))
		put_str(o, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 1e15) { /* exact as an integer */
		if (v < 0)
			put(o, "-", 1);
		put_u64(o, (uint64_t)fabs(v));
	} else {
		/* The shortest of 15 or 17 digits that reads back the same. */
		snprintf(buf, sizeof(buf), "%.15g", v);
		if (strtod(buf, NULL) != v)
			snprintf(buf, sizeof(buf), "%.17g", v);
		put_str(o, buf);
	}
}

/* One family's HELP and TYPE. name is the stem: a counter's samples add
 * "_total", which the text format's HELP and TYPE lines carry as well. */
static void
family(struct out *o, const char *name, const char *type, const char *help)
{
	const char *suffix = strcmp(type, "counter") == 0 && !o->om ? "_total" : "";
	const char *parts[] = {"# HELP ", name,	  suffix, " ",	help, "\n# TYPE ",
			       name,	  suffix, " ",	  type, "\n"};
	size_t i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		put_str(o, parts[i]);
}

static void
put_name(struct out *o, const char *name, const char *suffix, const struct label *l, size_t n)
{
	size_t i;

	put_str(o, name);
	put_str(o, suffix);
	for (i = 0; i < n; i++) {
		put(o, i == 0 ? "{" : ",", 1);
		put_str(o, l[i].name);
		put(o, "=\"", 2);
		put_label_value(o, l[i].value);
		put(o, "\"", 1);
	}
	put(o, n > 0 ? "} " : " ", n > 0 ? 2 : 1);
}

static void
sample(struct out *o, const char *name, const char *suffix, const struct label *l, size_t n,
       double v)
{
	put_name(o, name, suffix, l, n);
	put_value(o, v);
	put(o, "\n", 1);
}

/* A counter's sample from an integer count (exact beyond 2^53). */
static void
count(struct out *o, const char *name, const struct label *l, size_t n, uint64_t v)
{
	put_name(o, name, "_total", l, n);
	put_u64(o, v);
	put(o, "\n", 1);
}

static double
seconds(pue_wall_t t)
{
	return (double)t.ms / 1000.0;
}

/* The PUE as status prints it (figure.h): a number for the states that
 * have one and for below_one, rounded as judged. */
static bool
pue_of(const struct pue_figure *f, double *pue)
{
	if (!pue_figure_has_value(f) && f->state != PUE_FIG_BELOW_ONE)
		return false;
	*pue = (double)pue_figure_milli(f->pue) / 1000.0;
	return true;
}

static const enum pue_figure_state all_states[] = {
	PUE_FIG_OK,	    PUE_FIG_WARNING,   PUE_FIG_CEILING, PUE_FIG_INSUFFICIENT,
	PUE_FIG_NO_IT_LOAD, PUE_FIG_BELOW_ONE, PUE_FIG_UNKNOWN,
};

static void
site(struct out *o, const struct pue_snapshot *s)
{
	const struct pue_pue_conf *pc = &s->cfg->pue;

	if (o->om)
		family(o, "pued", "info", "The site pued measures, and its version.");
	else
		family(o, "pued_info", "gauge",
		       "The site pued measures, and its version (always 1).");
	SAMPLE(o, "pued_info", "", 1, {"site", s->cfg->site}, {"version", pue_version()});
	family(o, "pued_snapshot_timestamp_seconds", "gauge",
	       "When these figures were taken, by pued's clock.");
	sample(o, "pued_snapshot_timestamp_seconds", "", NULL, 0, seconds(s->time));
	family(o, "pued_pue_ceiling", "gauge", "The PUE ceiling (pue.ceiling).");
	sample(o, "pued_pue_ceiling", "", NULL, 0, pc->ceiling);
	family(o, "pued_pue_warning_level", "gauge", "The PUE warning level (pue.warning).");
	sample(o, "pued_pue_warning_level", "", NULL, 0, pc->warning);
	family(o, "pued_min_coverage_ratio", "gauge",
	       "The coverage a window needs for a PUE figure (pue.min_coverage).");
	sample(o, "pued_min_coverage_ratio", "", NULL, 0, pc->min_coverage);
}

static void
windows(struct out *o, const struct pue_snapshot *s)
{
	char cat[8];
	double pue;
	size_t i, k;

	snprintf(cat, sizeof(cat), "%d", s->category);
	family(o, "pued_pue", "gauge",
	       "PUE, facility over IT energy in the window's covered time, rounded half-up to "
	       "3 decimals as pued judges it; absent without the coverage for a figure or "
	       "without IT load.");
	for (i = 0; i < s->n_windows; i++)
		if (pue_of(&s->windows[i].f, &pue))
			SAMPLE(o, "pued_pue", "", pue, {"window", s->windows[i].name},
			       {"category", cat});
	family(o, "pued_window_facility_energy_joules", "gauge",
	       "Facility energy in the window's covered time.");
	for (i = 0; i < s->n_windows; i++)
		SAMPLE(o, "pued_window_facility_energy_joules", "",
		       s->windows[i].f.facility * J_PER_KWH, {"window", s->windows[i].name},
		       {"category", cat});
	family(o, "pued_window_it_energy_joules", "gauge",
	       "IT energy in the window's covered time.");
	for (i = 0; i < s->n_windows; i++)
		SAMPLE(o, "pued_window_it_energy_joules", "", s->windows[i].f.it * J_PER_KWH,
		       {"window", s->windows[i].name}, {"category", cat});
	family(o, "pued_window_coverage_ratio", "gauge",
	       "Share of the window during which every input of the PUE had valid energy.");
	for (i = 0; i < s->n_windows; i++)
		SAMPLE(o, "pued_window_coverage_ratio", "", s->windows[i].f.coverage,
		       {"window", s->windows[i].name}, {"category", cat});
	family(o, "pued_window_state", "gauge",
	       "The window's state (1 for the current one): ok, warning, above_ceiling, "
	       "insufficient_data, no_it_load, below_one (a metering error), unknown.");
	for (i = 0; i < s->n_windows; i++)
		for (k = 0; k < sizeof(all_states) / sizeof(all_states[0]); k++)
			SAMPLE(o, "pued_window_state", "", s->windows[i].f.state == all_states[k],
			       {"window", s->windows[i].name},
			       {"state", pue_figure_state_name(all_states[k])});
}

static void
live(struct out *o, const struct pue_snapshot *s)
{
	const struct pue_figure *f = &s->instant;
	/* Powers only where the live figure's coverage supports them: while
	 * warming up or short of coverage its sums are partial (scaled up by
	 * the share they cover), not the site's power. */
	bool known = f->state != PUE_FIG_UNKNOWN && f->state != PUE_FIG_INSUFFICIENT &&
		     f->state != PUE_FIG_WARMING_UP;
	double ratio;

	family(o, "pued_instant_power_ratio", "gauge",
	       "Live indicator only, not a PUE: facility power over IT power now.");
	if (pue_of(f, &ratio))
		sample(o, "pued_instant_power_ratio", "", NULL, 0, ratio);
	family(o, "pued_facility_power_watts", "gauge", "Facility power now.");
	if (known)
		sample(o, "pued_facility_power_watts", "", NULL, 0, f->facility * W_PER_KW);
	family(o, "pued_it_power_watts", "gauge", "IT power now.");
	if (known)
		sample(o, "pued_it_power_watts", "", NULL, 0, f->it * W_PER_KW);
	family(o, "pued_facility_energy_joules", "counter",
	       "Facility energy of the covered time of every minute closed since pued started "
	       "or was last reloaded; increase() over increase() of the IT counter is a PUE.");
	sample(o, "pued_facility_energy_joules", "_total", NULL, 0,
	       s->totals.facility_kwh * J_PER_KWH);
	family(o, "pued_it_energy_joules", "counter",
	       "IT energy of the covered time of every minute closed since pued started or was "
	       "last reloaded.");
	sample(o, "pued_it_energy_joules", "_total", NULL, 0, s->totals.it_kwh * J_PER_KWH);
	family(o, "pued_covered_seconds", "counter",
	       "Covered time of every minute closed since pued started or was last reloaded.");
	sample(o, "pued_covered_seconds", "_total", NULL, 0, (double)s->totals.covered_ms / 1000.0);
}

static void
zones(struct out *o, const struct pue_snapshot *s)
{
	double ppue;
	size_t z, i;

	if (s->n_zones == 0)
		return;
	family(o, "pued_zone_ppue", "gauge",
	       "A zone's partial PUE, (IT + infrastructure) over IT energy in the window's "
	       "covered time; absent without the coverage for a figure.");
	for (z = 0; z < s->n_zones; z++)
		for (i = 0; i < s->n_windows; i++)
			if (pue_of(&s->zones[z].windows[i].f, &ppue))
				SAMPLE(o, "pued_zone_ppue", "", ppue, {"zone", s->zones[z].name},
				       {"window", s->windows[i].name});
	family(o, "pued_zone_coverage_ratio", "gauge", "A zone's coverage in the window.");
	for (z = 0; z < s->n_zones; z++)
		for (i = 0; i < s->n_windows; i++)
			SAMPLE(o, "pued_zone_coverage_ratio", "", s->zones[z].windows[i].f.coverage,
			       {"zone", s->zones[z].name}, {"window", s->windows[i].name});
}

static const char *
kind_name(enum pue_point_kind k)
{
	return k == PUE_KIND_POWER ? "power" : "energy";
}

static void
points(struct out *o, const struct pue_snapshot *s)
{
	const struct pue_snap_point *p;
	size_t i;

	family(o, "pued_point_energy_joules", "counter",
	       "Energy of a point's valid intervals since pued started or was last reloaded "
	       "(counter steps, or its power integrated); points the PUE or a zone uses only.");
	for (i = 0, p = s->points; i < s->n_points; i++, p++)
		if (p->used)
			SAMPLE(o, "pued_point_energy_joules", "_total", p->energy_kwh * J_PER_KWH,
			       {"device", p->device}, {"point", p->point},
			       {"kind", kind_name(p->kind)});
	family(o, "pued_point_power_watts", "gauge", "A power point's last valid reading.");
	for (i = 0, p = s->points; i < s->n_points; i++, p++)
		if (p->kind == PUE_KIND_POWER && p->at.ms != 0)
			SAMPLE(o, "pued_point_power_watts", "", p->value * W_PER_KW,
			       {"device", p->device}, {"point", p->point});
	family(o, "pued_point_meter_energy_joules", "gauge",
	       "An energy point's last valid meter reading (the meter's own register, which "
	       "may wrap or reset).");
	for (i = 0, p = s->points; i < s->n_points; i++, p++)
		if (p->kind == PUE_KIND_ENERGY && p->at.ms != 0)
			SAMPLE(o, "pued_point_meter_energy_joules", "", p->value * J_PER_KWH,
			       {"device", p->device}, {"point", p->point});
	family(o, "pued_point_last_sample_timestamp_seconds", "gauge",
	       "When a point's last valid reading was taken.");
	for (i = 0, p = s->points; i < s->n_points; i++, p++)
		if (p->at.ms != 0)
			SAMPLE(o, "pued_point_last_sample_timestamp_seconds", "", seconds(p->at),
			       {"device", p->device}, {"point", p->point});
}

static void
histogram(struct out *o, const struct pue_snap_device *d)
{
	const struct pue_health *h = &d->health;
	uint64_t cum = 0;
	char le[24];
	size_t i;

	for (i = 0; i <= PUE_LATENCY_BUCKETS; i++) {
		cum += h->latency_count[i];
		if (i < PUE_LATENCY_BUCKETS)
			snprintf(le, sizeof(le), "%g",
				 (double)pue_health_latency_bucket_ms[i] / 1000.0);
		else
			snprintf(le, sizeof(le), "+Inf");
		put_name(o, "pued_device_poll_duration_seconds", "_bucket",
			 (const struct label[]){{"device", d->name}, {"le", le}}, 2);
		put_u64(o, cum);
		put(o, "\n", 1);
	}
	SAMPLE(o, "pued_device_poll_duration_seconds", "_sum", (double)h->latency_sum_ms / 1000.0,
	       {"device", d->name});
	put_name(o, "pued_device_poll_duration_seconds", "_count",
		 (const struct label[]){{"device", d->name}}, 1);
	put_u64(o, cum);
	put(o, "\n", 1);
}

static void
devices(struct out *o, const struct pue_snapshot *s)
{
	static const enum pue_dev_state states[] = {PUE_DEV_UNKNOWN, PUE_DEV_UP, PUE_DEV_DEGRADED,
						    PUE_DEV_DOWN};
	const struct pue_snap_device *d;
	size_t i, k;

	family(o, "pued_device_up", "gauge", "1 when the device's last poll read every point.");
	for (i = 0, d = s->devices; i < s->n_devices; i++, d++)
		SAMPLE(o, "pued_device_up", "", d->polled && d->health.state == PUE_DEV_UP,
		       {"device", d->name},
		       {"protocol", pue_config_text_protocol_name(d->protocol)});
	family(o, "pued_device_state", "gauge",
	       "The device's state (1 for the current one): unknown, up, degraded, down.");
	for (i = 0, d = s->devices; i < s->n_devices; i++, d++)
		for (k = 0; k < sizeof(states) / sizeof(states[0]); k++)
			SAMPLE(o, "pued_device_state", "",
			       (d->polled ? d->health.state : PUE_DEV_UNKNOWN) == states[k],
			       {"device", d->name}, {"state", pue_health_state_name(states[k])});
	family(o, "pued_device_poll_duration_seconds", "histogram",
	       "Time a poll took, every request and retry included (polls that read something).");
	for (i = 0, d = s->devices; i < s->n_devices; i++, d++)
		if (d->polled)
			histogram(o, d);
	family(o, "pued_device_polls", "counter", "Polls finished, good or bad.");
	for (i = 0, d = s->devices; i < s->n_devices; i++, d++)
		if (d->polled)
			COUNT(o, "pued_device_polls", d->health.polls, {"device", d->name});
	family(o, "pued_device_poll_failures", "counter", "Polls that read nothing.");
	for (i = 0, d = s->devices; i < s->n_devices; i++, d++)
		if (d->polled)
			COUNT(o, "pued_device_poll_failures", d->health.failures,
			      {"device", d->name});
	family(o, "pued_device_polls_skipped", "counter",
	       "Poll ticks skipped because the previous poll was still running.");
	for (i = 0, d = s->devices; i < s->n_devices; i++, d++)
		if (d->polled)
			COUNT(o, "pued_device_polls_skipped", d->health.skipped,
			      {"device", d->name});
	family(o, "pued_device_protocol_errors", "counter",
	       "Answers rejected as malformed or from another unit.");
	for (i = 0, d = s->devices; i < s->n_devices; i++, d++)
		if (d->polled)
			COUNT(o, "pued_device_protocol_errors", d->health.protocol_errors,
			      {"device", d->name});
	family(o, "pued_device_last_success_timestamp_seconds", "gauge",
	       "When the device last answered a poll.");
	for (i = 0, d = s->devices; i < s->n_devices; i++, d++)
		if (d->polled && d->health.last_success.ms != 0)
			SAMPLE(o, "pued_device_last_success_timestamp_seconds", "",
			       seconds(d->health.last_success), {"device", d->name});
}

static void
store(struct out *o, const struct pue_snapshot *s)
{
	const struct pue_store_stats *st = &s->store.stats;

	if (!s->store.on)
		return;
	family(o, "pued_store_failing", "gauge", "1 while the database cannot be written.");
	sample(o, "pued_store_failing", "", NULL, 0, !s->store.open || st->failing);
	family(o, "pued_store_pending_rows", "gauge", "Rows waiting for the next write.");
	sample(o, "pued_store_pending_rows", "", NULL, 0, (double)st->pending);
	family(o, "pued_store_samples_written", "counter",
	       "Samples written since pued started or was last reloaded.");
	count(o, "pued_store_samples_written", NULL, 0, st->written);
	family(o, "pued_store_samples_dropped", "counter",
	       "Samples dropped while the database could not be written.");
	count(o, "pued_store_samples_dropped", NULL, 0, st->dropped);
	family(o, "pued_store_used_bytes", "gauge", "Database pages in use.");
	sample(o, "pued_store_used_bytes", "", NULL, 0, (double)st->used_bytes);
}

static void
alerts(struct out *o, const struct pue_snapshot *s)
{
	const struct pue_alert_view *a;
	size_t i, firing = 0, pending = 0;

	family(o, "pued_alert_active", "gauge",
	       "An alert that is pending or firing (absent when it is neither).");
	for (i = 0, a = s->alerts; i < s->n_alerts; i++, a++) {
		if (a->phase != PUE_ALERT_PENDING && a->phase != PUE_ALERT_FIRING)
			continue;
		firing += a->phase == PUE_ALERT_FIRING;
		pending += a->phase == PUE_ALERT_PENDING;
		SAMPLE(o, "pued_alert_active", "", 1,
		       {"rule", pue_config_text_alert_rule_name(a->rule)}, {"subject", a->subject},
		       {"severity", pue_alert_state_severity_name(a->severity)},
		       {"state", pue_alert_state_phase_name(a->phase)});
	}
	family(o, "pued_alerts_firing", "gauge", "Alerts firing.");
	sample(o, "pued_alerts_firing", "", NULL, 0, (double)firing);
	family(o, "pued_alerts_pending", "gauge",
	       "Alerts pending (not yet for their minimum "
	       "duration).");
	sample(o, "pued_alerts_pending", "", NULL, 0, (double)pending);
}

static void
http(struct out *o, const struct pue_snapshot *s)
{
	if (!s->http_on)
		return;
	family(o, "pued_http_connections_accepted", "counter",
	       "Connections to this listener handed to its server.");
	count(o, "pued_http_connections_accepted", NULL, 0, s->http.accepted);
	family(o, "pued_http_connections_refused", "counter",
	       "Connections closed at once, over http.max_connections or the per-address limit.");
	count(o, "pued_http_connections_refused", NULL, 0, s->http.refused);
	family(o, "pued_http_requests", "counter", "Requests answered, any status.");
	count(o, "pued_http_requests", NULL, 0, s->http.requests);
	family(o, "pued_http_unauthorized_requests", "counter",
	       "Requests answered 401 (basic authentication failed or missing).");
	count(o, "pued_http_unauthorized_requests", NULL, 0, s->http.unauthorized);
}

static double
round_to(double v, double scale)
{
	return round(v * scale) / scale;
}

/* The reporting year, rounded as status rounds it (year_json.c). */
static void
year(struct out *o, const struct pue_snapshot *s)
{
	const struct pue_year_figures *yf = &s->year;
	const char *state = !yf->known				? "unknown"
			    : yf->y.state == PUE_YEAR_OK	? "ok"
			    : yf->y.state == PUE_YEAR_BELOW_ONE ? "below_one"
								: "insufficient_data";
	static const char *const states[] = {"ok", "insufficient_data", "below_one", "unknown"};
	bool ok = yf->known && yf->y.state == PUE_YEAR_OK;
	size_t k;

	family(o, "pued_year_state", "gauge",
	       "The reporting year's projection (1 for the current state): ok, "
	       "insufficient_data, below_one, unknown.");
	for (k = 0; k < sizeof(states) / sizeof(states[0]); k++)
		SAMPLE(o, "pued_year_state", "", strcmp(state, states[k]) == 0,
		       {"state", states[k]});
	family(o, "pued_year_to_date_pue", "gauge", "The reporting year's PUE so far.");
	if (ok)
		sample(o, "pued_year_to_date_pue", "", NULL, 0, round_to(yf->y.pue_ytd, 1e4));
	family(o, "pued_year_projected_pue", "gauge",
	       "The year's PUE projected to its end at the last 30 days' pace.");
	if (ok)
		sample(o, "pued_year_projected_pue", "", NULL, 0,
		       round_to(yf->y.pue_projected, 1e4));
	family(o, "pued_year_required_pue", "gauge",
	       "The PUE the rest of the year must average to end at the ceiling.");
	if (ok)
		sample(o, "pued_year_required_pue", "", NULL, 0, round_to(yf->y.pue_required, 1e4));
	family(o, "pued_year_headroom_joules", "gauge",
	       "Facility energy the year can still use at the current pace and end at the "
	       "ceiling; negative: over by that much.");
	if (ok)
		sample(o, "pued_year_headroom_joules", "", NULL, 0,
		       round(yf->y.headroom_kwh) * J_PER_KWH);
}

char *
pue_metrics_render(const struct pue_snapshot *s, enum pue_metrics_format f, size_t *len)
{
	struct out o = {.om = f == PUE_METRICS_OPENMETRICS};

	site(&o, s);
	windows(&o, s);
	live(&o, s);
	zones(&o, s);
	points(&o, s);
	devices(&o, s);
	store(&o, s);
	alerts(&o, s);
	year(&o, s);
	http(&o, s);
	if (o.om)
		put_str(&o, "# EOF\n");
	if (o.oom || o.buf == NULL) {
		free(o.buf);
		return NULL;
	}
	*len = o.len;
	return o.buf;
}
