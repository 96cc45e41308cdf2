/* SPDX-License-Identifier: MIT */
/* store_config.c - the store described by the configuration, its state
 * changes logged; see store_config.h. */
#include "store/store_config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "util/log.h"

struct pue_store *
pue_store_config_open(const char *path, const struct pue_config *cfg, struct pue_err *err)
{
	struct pue_store_conf sc = {
		.n_zones = cfg->pue.n_zones,
		.raw_retention_ms = cfg->storage.raw_retention_ms,
		.minute_retention_ms = cfg->storage.minute_retention_ms,
		.disk_budget_bytes = cfg->storage.disk_budget_bytes,
	};
	struct pue_store_point *points;
	const char **zones;
	struct pue_store *st = NULL;
	struct pue_store_stats stats;
	size_t d, p, n = 0;

	for (d = 0; d < cfg->n_devices; d++)
		n += cfg->devices[d].n_points;
	points = calloc(n ? n : 1, sizeof(*points));
	zones = calloc(sc.n_zones ? sc.n_zones : 1, sizeof(*zones));
	if (points == NULL || zones == NULL) {
		pue_err_set(err, -ENOMEM, "store: out of memory");
		goto out;
	}
	for (d = 0; d < cfg->n_devices; d++)
		for (p = 0; p < cfg->devices[d].n_points; p++)
			points[sc.n_points++] = (struct pue_store_point){
				.device = d,
				.point = p,
				.device_name = cfg->devices[d].name,
				.name = cfg->devices[d].points[p].name,
				.kind = cfg->devices[d].points[p].num.kind,
			};
	for (d = 0; d < sc.n_zones; d++)
		zones[d] = cfg->pue.zones[d].name;
	sc.points = points;
	sc.zones = zones;
	if ((st = pue_store_open(path, &sc, err)) == NULL)
		goto out;
	pue_store_stats(st, &stats);
	if (stats.failing)
		pue_log(LOG_ERR,
			"%s; running without it, keeping rows in memory until it can write",
			stats.last_error);
out:
	free(points);
	free(zones);
	return st;
}

int
pue_store_config_flush(struct pue_store *st, pue_wall_t now)
{
	struct pue_store_stats before, after;
	bool was_open = pue_store_is_open(st);
	struct pue_err err;
	int rc;

	pue_store_stats(st, &before);
	rc = pue_store_flush(st, now, &err);
	pue_store_stats(st, &after);
	if (!was_open && pue_store_is_open(st))
		pue_log(LOG_NOTICE, "store: %s opened", pue_store_path(st));
	/* Over 90% of the budget the oldest raw samples go (store.c). */
	if (after.over_budget && !before.over_budget)
		pue_log(LOG_NOTICE,
			"store: database at %llu of %llu bytes allowed; dropping the oldest raw "
			"samples (rollups are kept)",
			(unsigned long long)after.used_bytes,
			(unsigned long long)after.budget_bytes);
	if (rc < 0 && !before.failing)
		pue_log(LOG_ERR, "%s; keeping %zu rows in memory until it can write", err.msg,
			before.pending);
	if (rc == 0 && before.failing)
		pue_log(LOG_NOTICE, "store: writing again (%zu rows caught up, %llu dropped)",
			before.pending, (unsigned long long)after.dropped);
	return rc;
}

void
pue_store_config_close_into(struct pue_store *st, struct pue_store *heir)
{
	struct pue_store_stats stats;

	if (st == NULL)
		return;
	if (pue_store_config_flush(st, (pue_wall_t){0}) < 0) {
		pue_store_stats(st, &stats);
		if (heir == NULL)
			pue_log(LOG_ERR, "%s (%zu rows lost at exit)", stats.last_error,
				stats.pending);
		else
			pue_log(LOG_NOTICE,
				"store: %zu of the %zu rows not written yet kept for the reloaded "
				"configuration",
				pue_store_hand_over(heir, st), stats.pending);
	}
	pue_store_close(st);
}

void
pue_store_config_close(struct pue_store *st)
{
	pue_store_config_close_into(st, NULL);
}
