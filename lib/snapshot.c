/* SPDX-License-Identifier: MIT */
/* snapshot.c - pued's state copied at one instant; see snapshot.h. */
#include "snapshot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "window.h"

static struct pue_snap_window *
new_windows(const struct pue_pue_conf *pc)
{
	struct pue_snap_window *w = calloc(pc->n_windows ? pc->n_windows : 1, sizeof(*w));
	size_t i;

	if (w == NULL)
		return NULL;
	for (i = 0; i < pc->n_windows; i++) {
		w[i].f.state = PUE_FIG_UNKNOWN;
		w[i].span_ms = pc->windows_ms[i];
		pue_format_span(pc->windows_ms[i], w[i].name, sizeof(w[i].name));
	}
	return w;
}

/* Marks the points a sum names: only their energy is computed. */
static void
mark_used(struct pue_snapshot *s, const size_t *first, const struct pue_sum *sum)
{
	size_t i;

	for (i = 0; i < sum->n_terms; i++)
		s->points[first[sum->terms[i].device] + sum->terms[i].point].used = true;
}

struct pue_snapshot *
pue_snapshot_new(const struct pue_config *cfg, struct pue_err *err)
{
	struct pue_snapshot *s = calloc(1, sizeof(*s));
	size_t *first = NULL; /* [device]: the index of its first point */
	size_t d, p, z, k = 0;

	if (s == NULL)
		goto nomem;
	s->cfg = cfg;
	s->instant.state = PUE_FIG_UNKNOWN;
	for (d = 0; d < cfg->n_devices; d++)
		s->n_points += cfg->devices[d].n_points;
	s->n_windows = cfg->pue.n_windows;
	s->n_zones = cfg->pue.n_zones;
	s->n_devices = cfg->n_devices;
	if ((s->windows = new_windows(&cfg->pue)) == NULL ||
	    (s->zones = calloc(s->n_zones ? s->n_zones : 1, sizeof(*s->zones))) == NULL ||
	    (s->points = calloc(s->n_points ? s->n_points : 1, sizeof(*s->points))) == NULL ||
	    (s->devices = calloc(s->n_devices ? s->n_devices : 1, sizeof(*s->devices))) == NULL ||
	    (first = calloc(s->n_devices ? s->n_devices : 1, sizeof(*first))) == NULL)
		goto nomem;
	for (z = 0; z < s->n_zones; z++) {
		s->zones[z].name = cfg->pue.zones[z].name;
		s->zones[z].category = pue_category(cfg, &cfg->pue.zones[z].it);
		s->zones[z].instant.state = PUE_FIG_UNKNOWN;
		if ((s->zones[z].windows = new_windows(&cfg->pue)) == NULL)
			goto nomem;
	}
	for (d = 0; d < cfg->n_devices; d++) {
		const struct pue_device_conf *dev = &cfg->devices[d];

		s->devices[d].name = dev->name;
		s->devices[d].protocol = dev->protocol;
		first[d] = k;
		for (p = 0; p < dev->n_points; p++, k++) {
			s->points[k].device = dev->name;
			s->points[k].point = dev->points[p].name;
			s->points[k].kind = dev->points[p].kind;
		}
	}
	mark_used(s, first, &cfg->pue.facility);
	mark_used(s, first, &cfg->pue.it);
	for (z = 0; z < s->n_zones; z++) {
		mark_used(s, first, &cfg->pue.zones[z].it);
		mark_used(s, first, &cfg->pue.zones[z].infrastructure);
	}
	free(first);
	return s;
nomem:
	pue_err_set(err, -ENOMEM, "snapshot: out of memory");
	free(first);
	pue_snapshot_free(s);
	return NULL;
}

void
pue_snapshot_free(struct pue_snapshot *s)
{
	size_t z;

	if (s == NULL)
		return;
	if (s->zones != NULL)
		for (z = 0; z < s->n_zones; z++)
			free(s->zones[z].windows);
	free(s->zones);
	free(s->windows);
	free(s->points);
	free(s->devices);
	free(s->alerts);
	free(s);
}

static void
fill_points(struct pue_snapshot *s, const struct pue_snapshot_source *src)
{
	const struct pue_config *cfg = s->cfg;
	size_t d, p, k = 0;

	for (d = 0; d < cfg->n_devices; d++) {
		const struct pue_health *h = src->health ? src->health(src->arg, d) : NULL;

		s->devices[d].polled = h != NULL;
		if (h != NULL)
			s->devices[d].health = *h;
		for (p = 0; p < cfg->devices[d].n_points; p++, k++) {
			struct pue_snap_point *sp = &s->points[k];

			sp->value = pue_engine_point_value(src->engine, d, p, &sp->at);
			sp->energy_kwh = pue_engine_point_energy(src->engine, d, p);
		}
	}
}

/* The alerts, growing the array when a reload's orphans made more. */
static int
fill_alerts(struct pue_snapshot *s, const struct pue_alerts *a)
{
	size_t i, n = a != NULL ? pue_alerts_count(a) : 0;
	int rc = 0;

	if (n > s->cap_alerts) {
		struct pue_alert_view *grown = reallocarray(s->alerts, n, sizeof(*grown));

		if (grown == NULL) {
			n = s->cap_alerts;
			rc = -ENOMEM;
		} else {
			s->alerts = grown;
			s->cap_alerts = n;
		}
	}
	for (i = 0; i < n; i++)
		pue_alerts_view(a, i, &s->alerts[i]);
	s->n_alerts = n;
	if (a != NULL)
		s->year = *pue_alerts_year(a);
	else
		s->year = (struct pue_year_figures){.known = false};
	return rc;
}

int
pue_snapshot_fill(struct pue_snapshot *s, const struct pue_snapshot_source *src)
{
	size_t i, z;

	s->time = pue_clock_wall(src->clock);
	s->category = pue_engine_category(src->engine);
	s->instant = pue_engine_instant(src->engine);
	s->totals = pue_engine_totals(src->engine);
	for (i = 0; i < s->n_windows; i++)
		s->windows[i].f = pue_engine_window(src->engine, i);
	for (z = 0; z < s->n_zones; z++) {
		s->zones[z].instant = pue_engine_zone_instant(src->engine, z);
		for (i = 0; i < s->n_windows; i++)
			s->zones[z].windows[i].f = pue_engine_zone_window(src->engine, z, i);
	}
	fill_points(s, src);
	s->store.on = src->store != NULL;
	s->store.open = s->store.on && pue_store_is_open(src->store);
	if (src->store != NULL)
		pue_store_stats(src->store, &s->store.stats);
	s->http_on = src->http != NULL;
	if (src->http != NULL)
		pue_http_stats(src->http, &s->http);
	return fill_alerts(s, src->alerts);
}
