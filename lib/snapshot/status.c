/* SPDX-License-Identifier: MIT */
/* status.c - status and device answers as JSON; see status.h. */
#include "snapshot/status.h"

#include <stdio.h>

#include "core/duration.h"
#include "core/figure.h"
#include "report/year_json.h"

void
pue_status_device_address(const struct pue_device_conf *d, char *buf, size_t len)
{
	static const char *const versions[] = {"v1", "v2c", "v3"};

	switch (d->protocol) {
	case PUE_PROTO_MODBUS_TCP:
		snprintf(buf, len, "%s:%u unit %u", d->modbus.host, d->modbus.port,
			 d->modbus.unit_id);
		break;
	case PUE_PROTO_MODBUS_RTU:
		snprintf(buf, len, "%s unit %u", d->modbus.serial_device, d->modbus.unit_id);
		break;
	case PUE_PROTO_SNMP:
		snprintf(buf, len, "udp:%s:%u %s", d->snmp.host, d->snmp.port,
			 versions[d->snmp.version]);
		break;
	}
}

/* Figures are rounded for people and scripts alike: a PUE to 3 decimals
 * as it is judged (figure.h), energy to Wh, coverage cut to 0.01%
 * (pue_figure_coverage_shown()); never -0 (pue_figure_round()). */
static json_t *
rounded(double v, double scale)
{
	return json_real(pue_figure_round(v, scale));
}

static json_t *
time_or_null(pue_wall_t t)
{
	char buf[40];

	if (t.ms == 0)
		return json_null();
	pue_duration_format_time(t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
figure_json(const struct pue_figure *f, const struct pue_pue_conf *pc, int category, bool energy)
{
	bool has = pue_figure_has_value(f) || f->state == PUE_FIG_BELOW_ONE;
	int64_t milli = pue_figure_milli(f->pue), ceiling = pue_figure_milli(pc->ceiling);
	json_t *o = json_object();

	json_object_set_new(o, "state", json_string(pue_figure_state_name(f->state)));
	/* The PUE as judged (figure.h): pue and pue_milli are the same number. */
	json_object_set_new(o, "pue", has ? json_real((double)milli / 1000.0) : json_null());
	json_object_set_new(o, "pue_milli", has ? json_integer(milli) : json_null());
	json_object_set_new(o, "coverage", json_real(pue_figure_coverage_shown(f->coverage, 1e4)));
	json_object_set_new(o, energy ? "facility_kwh" : "facility_kw", rounded(f->facility, 1e3));
	json_object_set_new(o, energy ? "it_kwh" : "it_kw", rounded(f->it, 1e3));
	json_object_set_new(o, "category", json_integer(category));
	json_object_set_new(o, "exceeds_ceiling", json_boolean(has && milli > ceiling));
	json_object_set_new(o, "at_ceiling", json_boolean(has && milli == ceiling));
	json_object_set_new(o, "exceeds_warning",
			    json_boolean(has && milli > pue_figure_milli(pc->warning)));
	if (pc->dcie && has && f->pue > 0)
		json_object_set_new(o, "dcie", rounded(1.0 / f->pue, 1e4));
	return o;
}

json_t *
pue_status_device_json(const struct pue_snapshot *s, size_t i)
{
	const struct pue_device_conf *d = &s->cfg->devices[i];
	const struct pue_snap_device *sd = &s->devices[i];
	const struct pue_health *h = &sd->health;
	json_t *o = json_object();
	char addr[160];

	pue_status_device_address(d, addr, sizeof(addr));
	json_object_set_new(o, "name", json_string(d->name));
	json_object_set_new(o, "protocol", json_string(pue_config_text_protocol_name(d->protocol)));
	json_object_set_new(o, "address", json_string(addr));
	if (!sd->polled) {
		json_object_set_new(o, "state", json_string("unsupported"));
		json_object_set_new(o, "last_error",
				    json_string("this pued does not poll this protocol yet"));
		return o;
	}
	json_object_set_new(o, "state", json_string(pue_health_state_name(h->state)));
	json_object_set_new(o, "consecutive_failures", json_integer(h->consecutive_failures));
	json_object_set_new(o, "last_success", time_or_null(h->last_success));
	json_object_set_new(o, "last_error",
			    pue_health_error(h)[0] ? json_string(pue_health_error(h))
						   : json_null());
	json_object_set_new(o, "latency_ms", json_integer(h->latency_ms));
	json_object_set_new(o, "requests_last_poll", json_integer(h->requests));
	json_object_set_new(o, "reads_per_poll", json_integer((json_int_t)sd->reads_per_poll));
	json_object_set_new(o, "polls", json_integer((json_int_t)h->polls));
	json_object_set_new(o, "failures", json_integer((json_int_t)h->failures));
	json_object_set_new(o, "skipped", json_integer((json_int_t)h->skipped));
	json_object_set_new(o, "protocol_errors", json_integer((json_int_t)h->protocol_errors));
	return o;
}

json_t *
pue_status_devices_json(const struct pue_snapshot *s)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < s->n_devices; i++)
		json_array_append_new(arr, pue_status_device_json(s, i));
	return json_pack("{s:o}", "devices", arr);
}

/* How many devices are in each state: the summary's share of the list
 * "devices" gives in full. */
static json_t *
device_counts_json(const struct pue_snapshot *s)
{
	static const enum pue_dev_state states[] = {PUE_DEV_UP, PUE_DEV_DEGRADED, PUE_DEV_DOWN,
						    PUE_DEV_UNKNOWN};
	size_t n[4] = {0}, unsupported = 0, i, k;
	json_t *o = json_object();

	for (i = 0; i < s->n_devices; i++) {
		if (!s->devices[i].polled) {
			unsupported++;
			continue;
		}
		for (k = 0; k < 4; k++)
			n[k] += s->devices[i].health.state == states[k];
	}
	json_object_set_new(o, "total", json_integer((json_int_t)s->n_devices));
	for (k = 0; k < 4; k++)
		json_object_set_new(o, pue_health_state_name(states[k]),
				    json_integer((json_int_t)n[k]));
	json_object_set_new(o, "unsupported", json_integer((json_int_t)unsupported));
	return o;
}

static json_t *
storage_json(const struct pue_snapshot *s)
{
	const struct pue_store_stats *st = &s->store.stats;
	json_t *o = json_object();

	if (!s->store.on) {
		json_object_set_new(o, "state", json_string("off"));
		return o;
	}
	json_object_set_new(o, "state", json_string(st->failing ? "failing" : "ok"));
	json_object_set_new(o, "path", json_string(s->cfg->storage.path));
	json_object_set_new(o, "pending_rows", json_integer((json_int_t)st->pending));
	json_object_set_new(o, "samples_written", json_integer((json_int_t)st->written));
	json_object_set_new(o, "samples_dropped", json_integer((json_int_t)st->dropped));
	json_object_set_new(o, "last_error",
			    st->failing ? json_string(st->last_error) : json_null());
	return o;
}

/* The ceiling is the site's PUE limit; a zone's pPUE is not held to it. */
static json_t *
zone_figure(json_t *f)
{
	json_object_del(f, "exceeds_ceiling");
	json_object_del(f, "at_ceiling");
	json_object_del(f, "exceeds_warning");
	return f;
}

/* pPUE per zone: the same figure layout, without a ceiling. */
static json_t *
zones_json(const struct pue_snapshot *s)
{
	const struct pue_pue_conf *pc = &s->cfg->pue;
	json_t *zones = json_array();
	size_t z, i;

	for (z = 0; z < s->n_zones; z++) {
		const struct pue_snap_zone *sz = &s->zones[z];
		json_t *zone = json_object(), *wins = json_array(), *w;

		json_object_set_new(zone, "zone", json_string(sz->name));
		json_object_set_new(
			zone, "instant",
			zone_figure(figure_json(&sz->instant, pc, sz->category, false)));
		for (i = 0; i < s->n_windows; i++) {
			w = zone_figure(figure_json(&sz->windows[i].f, pc, sz->category, true));
			json_object_set_new(w, "window", json_string(sz->windows[i].name));
			json_array_append_new(wins, w);
		}
		json_object_set_new(zone, "windows", wins);
		json_array_append_new(zones, zone);
	}
	return zones;
}

/* The reporting year as the alerts module keeps it (alert_year.h). */
static json_t *
year_json(const struct pue_snapshot *s)
{
	const struct pue_year_figures *yf = &s->year;

	if (!yf->known)
		return json_pack("{s:s, s:s}", "state", "unknown", "why",
				 yf->error[0] ? yf->error : "not computed yet");
	return pue_year_json(&yf->y, yf->start_ms, yf->end_ms, yf->at_ms, s->cfg->pue.ceiling);
}

/* The counts, and each alert that is pending or firing in a line; the
 * details (message, since, acknowledgement) are "alerts"'. */
static json_t *
alerts_json(const struct pue_snapshot *s)
{
	json_t *active = json_array();
	size_t i, firing = 0, pending = 0;

	for (i = 0; i < s->n_alerts; i++) {
		const struct pue_alert_view *v = &s->alerts[i];

		if (v->phase != PUE_ALERT_FIRING && v->phase != PUE_ALERT_PENDING)
			continue;
		firing += v->phase == PUE_ALERT_FIRING;
		pending += v->phase == PUE_ALERT_PENDING;
		json_array_append_new(
			active,
			json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "alert", v->key, "rule",
				  pue_config_text_alert_rule_name(v->rule), "subject", v->subject,
				  "severity", pue_alert_state_severity_name(v->severity), "state",
				  pue_alert_state_phase_name(v->phase), "acked", v->acked,
				  "silenced", v->silenced));
	}
	return json_pack("{s:I, s:I, s:o}", "firing", (json_int_t)firing, "pending",
			 (json_int_t)pending, "active", active);
}

json_t *
pue_status_json(const struct pue_snapshot *s)
{
	const struct pue_pue_conf *pc = &s->cfg->pue;
	json_t *o = json_object(), *wins = json_array();
	char span[16];
	size_t i;

	json_object_set_new(o, "site", json_string(s->cfg->site));
	json_object_set_new(o, "time", time_or_null(s->time));
	json_object_set_new(o, "ceiling", json_real(pc->ceiling));
	json_object_set_new(o, "warning", json_real(pc->warning));
	json_object_set_new(o, "min_coverage", json_real(pc->min_coverage));
	pue_duration_format_span(pc->alert_window_ms, span, sizeof(span));
	json_object_set_new(o, "alert_window", json_string(span));
	json_object_set_new(o, "category", json_integer(s->category));
	json_object_set_new(o, "instant", figure_json(&s->instant, pc, s->category, false));
	json_object_set_new(json_object_get(o, "instant"), "source",
			    json_string(s->instant_source));
	for (i = 0; i < s->n_windows; i++) {
		const struct pue_figure *f = &s->windows[i].f;
		json_t *w = figure_json(f, pc, s->category, true);

		json_object_set_new(w, "window", json_string(s->windows[i].name));
		json_object_set_new(w, "period_s", json_integer(f->period_ms / 1000));
		json_array_append_new(wins, w);
	}
	json_object_set_new(o, "windows", wins);
	json_object_set_new(o, "zones", zones_json(s));
	json_object_set_new(o, "device_counts", device_counts_json(s));
	json_object_set_new(o, "storage", storage_json(s));
	json_object_set_new(o, "year", year_json(s));
	json_object_set_new(o, "alerts", alerts_json(s));
	return o;
}
