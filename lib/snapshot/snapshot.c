/* SPDX-License-Identifier: MIT */
/* snapshot.c - pued's state copied at one instant; see snapshot.h. */
#include "snapshot/snapshot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/window.h"

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
		pue_duration_format_span(pc->windows_ms[i], w[i].name, sizeof(w[i].name));
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
pue_snapshot_new(const struct pue_config *cfg, size_t n_alerts, struct pue_err *err)
{
	struct pue_snapshot *s = calloc(1, sizeof(*s));
	size_t *first = NULL; /* [device]: the index of its first point */
	size_t d, p, z, k = 0;

	if (s == NULL)
		goto nomem;
	atomic_init(&s->refs, 1);
	pthread_mutex_init(&s->memo_lock, NULL);
	s->cfg = cfg;
	s->n_alerts = n_alerts;
	s->instant.state = PUE_FIG_UNKNOWN;
	s->instant_source = "power points";
	for (d = 0; d < cfg->n_devices; d++)
		s->n_points += cfg->devices[d].n_points;
	s->n_windows = cfg->pue.n_windows;
	s->n_zones = cfg->pue.n_zones;
	s->n_devices = cfg->n_devices;
	if ((s->windows = new_windows(&cfg->pue)) == NULL ||
	    (s->zones = calloc(s->n_zones ? s->n_zones : 1, sizeof(*s->zones))) == NULL ||
	    (s->points = calloc(s->n_points ? s->n_points : 1, sizeof(*s->points))) == NULL ||
	    (s->devices = calloc(s->n_devices ? s->n_devices : 1, sizeof(*s->devices))) == NULL ||
	    (s->alerts = calloc(n_alerts ? n_alerts : 1, sizeof(*s->alerts))) == NULL ||
	    (first = calloc(s->n_devices ? s->n_devices : 1, sizeof(*first))) == NULL)
		goto nomem;
	for (z = 0; z < s->n_zones; z++) {
		s->zones[z].name = cfg->pue.zones[z].name;
		s->zones[z].category = pue_config_category(cfg, &cfg->pue.zones[z].it);
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
			s->points[k].kind = dev->points[p].num.kind;
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
	pue_snapshot_unref(s);
	return NULL;
}

struct pue_snapshot *
pue_snapshot_ref(struct pue_snapshot *s)
{
	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	return s;
}

void
pue_snapshot_unref(struct pue_snapshot *s)
{
	size_t i;

	if (s == NULL || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (i = 0; i < PUE_SNAPSHOT_MEMOS; i++)
		pue_blob_unref(s->memo[i]);
	pthread_mutex_destroy(&s->memo_lock);
	if (s->zones != NULL)
		for (i = 0; i < s->n_zones; i++)
			free(s->zones[i].windows);
	free(s->zones);
	free(s->windows);
	free(s->points);
	if (s->devices != NULL)
		for (i = 0; i < s->n_devices; i++)
			pue_health_release(&s->devices[i].health);
	free(s->devices);
	free(s->alerts);
	free(s);
}

struct pue_blob *
pue_snapshot_memo(struct pue_snapshot *s, enum pue_snapshot_memo_key key, pue_snapshot_render make,
		  const void *arg)
{
	struct pue_blob *b;

	/* One lock for every key: renderings are rare (one per round and
	 * kind), and a second reader of the same kind has to wait anyway. */
	pthread_mutex_lock(&s->memo_lock);
	if (s->memo[key] == NULL)
		s->memo[key] = make(s, arg);
	b = s->memo[key] != NULL ? pue_blob_ref(s->memo[key]) : NULL;
	pthread_mutex_unlock(&s->memo_lock);
	return b;
}

void
pue_snapshot_slot_init(struct pue_snapshot_slot *slot)
{
	pthread_mutex_init(&slot->lock, NULL);
	slot->snap = NULL;
}

void
pue_snapshot_slot_destroy(struct pue_snapshot_slot *slot)
{
	pue_snapshot_unref(slot->snap);
	slot->snap = NULL;
	pthread_mutex_destroy(&slot->lock);
}

void
pue_snapshot_slot_set(struct pue_snapshot_slot *slot, struct pue_snapshot *s)
{
	struct pue_snapshot *old;

	pthread_mutex_lock(&slot->lock);
	old = slot->snap;
	slot->snap = s;
	pthread_mutex_unlock(&slot->lock);
	pue_snapshot_unref(old); /* outside the lock: it may free */
}

struct pue_snapshot *
pue_snapshot_slot_get(struct pue_snapshot_slot *slot)
{
	struct pue_snapshot *s;

	pthread_mutex_lock(&slot->lock);
	s = slot->snap != NULL ? pue_snapshot_ref(slot->snap) : NULL;
	pthread_mutex_unlock(&slot->lock);
	return s;
}

static void
fill_points(struct pue_snapshot *s, const struct pue_snapshot_source *src)
{
	const struct pue_config *cfg = s->cfg;
	size_t d, p, k = 0;

	for (d = 0; d < cfg->n_devices; d++) {
		const struct pue_health *h = src->health ? src->health(src->arg, d) : NULL;

		s->devices[d].polled = h != NULL;
		if (h != NULL) /* its own error text: the poller's may go first */
			pue_health_copy(&s->devices[d].health, h);
		if (src->reads_per_poll != NULL)
			s->devices[d].reads_per_poll = src->reads_per_poll(src->arg, d);
		for (p = 0; p < cfg->devices[d].n_points; p++, k++) {
			struct pue_snap_point *sp = &s->points[k];

			sp->value = pue_engine_point_value(src->engine, d, p, &sp->at);
			sp->energy_kwh = pue_engine_totals_point_energy(src->engine, d, p);
		}
	}
}

static void
fill_alerts(struct pue_snapshot *s, const struct pue_alerts *a)
{
	size_t i;

	for (i = 0; i < s->n_alerts; i++)
		pue_alerts_view(a, i, &s->alerts[i]);
	if (a != NULL)
		s->year = *pue_alerts_view_year(a);
	else
		s->year = (struct pue_year_figures){.known = false};
}

struct pue_snapshot *
pue_snapshot_take(const struct pue_snapshot_source *src, struct pue_err *err)
{
	struct pue_snapshot *s = pue_snapshot_new(
		src->cfg, src->alerts ? pue_alerts_view_count(src->alerts) : 0, err);
	size_t i, z;

	if (s == NULL)
		return NULL;
	s->time = pue_clock_wall(src->clock);
	s->category = pue_engine_category(src->engine);
	s->instant = pue_engine_instant(src->engine);
	s->instant_source = pue_engine_instant_source(src->engine);
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
		pue_http_server_stats(src->http, &s->http);
	fill_alerts(s, src->alerts);
	return s;
}
