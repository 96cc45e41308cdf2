/* SPDX-License-Identifier: MIT */
/* status.c - status and device answers as JSON; see status.h. */
#include "status.h"

#include <math.h>
#include <stdio.h>

#include "duration.h"
#include "figure.h"

void
pue_device_address(const struct pue_device_conf *d, char *buf, size_t len)
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
 * as it is judged (figure.h), energy to Wh, coverage to 0.01%. */
static json_t *
rounded(double v, double scale)
{
	return json_real(round(v * scale) / scale);
}

static json_t *
time_or_null(pue_wall_t t)
{
	char buf[40];

	if (t.ms == 0)
		return json_null();
	pue_format_time(t, buf, sizeof(buf));
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
	json_object_set_new(o, "coverage", rounded(f->coverage, 1e4));
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

static json_t *
device_json(const struct pue_status_source *src, size_t i)
{
	const struct pue_device_conf *d = &src->cfg->devices[i];
	const struct pue_health *h = src->health(src->arg, i);
	json_t *o = json_object();
	char addr[160];

	pue_device_address(d, addr, sizeof(addr));
	json_object_set_new(o, "name", json_string(d->name));
	json_object_set_new(o, "protocol", json_string(pue_protocol_name(d->protocol)));
	json_object_set_new(o, "address", json_string(addr));
	if (h == NULL) {
		json_object_set_new(o, "state", json_string("unsupported"));
		json_object_set_new(o, "last_error",
				    json_string("this pued does not poll this protocol yet"));
		return o;
	}
	json_object_set_new(o, "state", json_string(pue_dev_state_name(h->state)));
	json_object_set_new(o, "consecutive_failures", json_integer(h->consecutive_failures));
	json_object_set_new(o, "last_success", time_or_null(h->last_success));
	json_object_set_new(o, "last_error",
			    h->last_error[0] ? json_string(h->last_error) : json_null());
	json_object_set_new(o, "latency_ms", json_integer(h->latency_ms));
	json_object_set_new(o, "requests_last_poll", json_integer(h->requests));
	json_object_set_new(o, "reads_per_poll",
			    json_integer((json_int_t)src->reads_per_poll(src->arg, i)));
	json_object_set_new(o, "polls", json_integer((json_int_t)h->polls));
	json_object_set_new(o, "failures", json_integer((json_int_t)h->failures));
	json_object_set_new(o, "skipped", json_integer((json_int_t)h->skipped));
	json_object_set_new(o, "protocol_errors", json_integer((json_int_t)h->protocol_errors));
	return o;
}

json_t *
pue_status_devices_json(const struct pue_status_source *src)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < src->cfg->n_devices; i++)
		json_array_append_new(arr, device_json(src, i));
	return arr;
}

static json_t *
storage_json(const struct pue_status_source *src)
{
	struct pue_store_stats s;
	json_t *o = json_object();

	if (src->store == NULL) {
		json_object_set_new(o, "state", json_string("off"));
		return o;
	}
	pue_store_stats(src->store, &s);
	json_object_set_new(o, "state", json_string(s.failing ? "failing" : "ok"));
	json_object_set_new(o, "path", json_string(src->store_path));
	json_object_set_new(o, "pending_rows", json_integer((json_int_t)s.pending));
	json_object_set_new(o, "samples_written", json_integer((json_int_t)s.written));
	json_object_set_new(o, "samples_dropped", json_integer((json_int_t)s.dropped));
	json_object_set_new(o, "last_error", s.failing ? json_string(s.last_error) : json_null());
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
zones_json(const struct pue_status_source *src)
{
	const struct pue_pue_conf *pc = &src->cfg->pue;
	json_t *zones = json_array();
	struct pue_figure f;
	char span[16];
	size_t z, i;

	for (z = 0; z < pc->n_zones; z++) {
		json_t *zone = json_object(), *wins = json_array(), *w;
		int cat = pue_category(src->cfg, &pc->zones[z].it);

		json_object_set_new(zone, "zone", json_string(pc->zones[z].name));
		f = pue_engine_zone_instant(src->engine, z);
		json_object_set_new(zone, "instant", zone_figure(figure_json(&f, pc, cat, false)));
		for (i = 0; i < pc->n_windows; i++) {
			f = pue_engine_zone_window(src->engine, z, i);
			w = zone_figure(figure_json(&f, pc, cat, true));
			pue_format_span(pc->windows_ms[i], span, sizeof(span));
			json_object_set_new(w, "window", json_string(span));
			json_array_append_new(wins, w);
		}
		json_object_set_new(zone, "windows", wins);
		json_array_append_new(zones, zone);
	}
	return zones;
}

json_t *
pue_status_json(const struct pue_status_source *src)
{
	const struct pue_pue_conf *pc = &src->cfg->pue;
	int cat = pue_engine_category(src->engine);
	struct pue_figure f;
	json_t *o = json_object(), *wins = json_array();
	char span[16];
	size_t i;

	json_object_set_new(o, "site", json_string(src->cfg->site));
	json_object_set_new(o, "time", time_or_null(pue_clock_wall(src->clock)));
	json_object_set_new(o, "ceiling", json_real(pc->ceiling));
	json_object_set_new(o, "warning", json_real(pc->warning));
	json_object_set_new(o, "min_coverage", json_real(pc->min_coverage));
	pue_format_span(pc->alert_window_ms, span, sizeof(span));
	json_object_set_new(o, "alert_window", json_string(span));
	json_object_set_new(o, "category", json_integer(cat));
	f = pue_engine_instant(src->engine);
	json_object_set_new(o, "instant", figure_json(&f, pc, cat, false));
	json_object_set_new(json_object_get(o, "instant"), "source",
			    json_string(pue_engine_instant_source(src->engine)));
	for (i = 0; i < pc->n_windows; i++) {
		json_t *w;

		f = pue_engine_window(src->engine, i);
		w = figure_json(&f, pc, cat, true);
		pue_format_span(pc->windows_ms[i], span, sizeof(span));
		json_object_set_new(w, "window", json_string(span));
		json_object_set_new(w, "period_s", json_integer(f.period_ms / 1000));
		json_array_append_new(wins, w);
	}
	json_object_set_new(o, "windows", wins);
	json_object_set_new(o, "zones", zones_json(src));
	json_object_set_new(o, "devices", pue_status_devices_json(src));
	json_object_set_new(o, "storage", storage_json(src));
	return o;
}
