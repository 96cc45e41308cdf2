/* SPDX-License-Identifier: MIT */
/* alert_inform_queue.c - an inform target's queue; see
 * alert_inform_queue.h. */
#include "alerts/alert_inform_queue.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pue_alert_inform {
	int64_t id; /* its inform_queue row; 0 when the database failed */
	char *json; /* the notification */
};

void
pue_alert_inform_queue_init(struct pue_alert_inform_queue *iq, struct pue_alert_db *db,
			    struct pue_alert_target_stats *stats, const char *target, unsigned max)
{
	*iq = (struct pue_alert_inform_queue){
		.db = db, .stats = stats, .target = target, .max = max};
	snprintf(iq->dropped_key, sizeof(iq->dropped_key), "inform_dropped:%s", target);
	stats->dropped = (uint64_t)pue_alert_db_meta_get(db, iq->dropped_key, 0);
}

int
pue_alert_inform_queue_push(struct pue_alert_inform_queue *iq, int64_t id, const char *json,
			    bool head_in_flight)
{
	struct pue_alert_inform *grown;
	struct pue_err err;

	/* Full: the oldest waiting inform goes, not the one in flight. */
	while (iq->len >= iq->max && iq->len > (head_in_flight ? 1u : 0u)) {
		size_t victim = iq->head + (head_in_flight ? 1 : 0);

		if (iq->q[victim].id > 0)
			pue_alert_db_queue_delete(iq->db, iq->q[victim].id, &err);
		free(iq->q[victim].json);
		memmove(&iq->q[victim], &iq->q[victim + 1],
			(iq->head + iq->len - victim - 1) * sizeof(*iq->q));
		iq->len--;
		iq->stats->dropped++;
		pue_alert_db_meta_set(iq->db, iq->dropped_key, (int64_t)iq->stats->dropped, &err);
		pue_alert_target_error(
			iq->stats, iq->target,
			"inform queue full (%u): dropped the oldest (%llu dropped in all)", iq->max,
			(unsigned long long)iq->stats->dropped);
	}
	if (iq->head > 0 && iq->head + iq->len == iq->cap) {
		memmove(iq->q, &iq->q[iq->head], iq->len * sizeof(*iq->q));
		iq->head = 0;
	}
	if (iq->head + iq->len == iq->cap) {
		size_t cap = iq->cap ? iq->cap * 2 : 16;

		if ((grown = reallocarray(iq->q, cap, sizeof(*grown))) == NULL)
			return -ENOMEM;
		iq->q = grown;
		iq->cap = cap;
	}
	if ((iq->q[iq->head + iq->len].json = strdup(json)) == NULL)
		return -ENOMEM;
	iq->q[iq->head + iq->len].id = id;
	iq->len++;
	iq->stats->queued = iq->len;
	return 0;
}

static void
on_queued(void *arg, int64_t id, const char *json)
{
	struct pue_alert_inform_queue *iq = arg;

	/* Loading happens before anything is in flight. */
	if (pue_alert_inform_queue_push(iq, id, json, false) < 0)
		pue_alert_target_error(iq->stats, iq->target,
				       "out of memory loading the inform queue");
}

int
pue_alert_inform_queue_load(struct pue_alert_inform_queue *iq, struct pue_err *err)
{
	return pue_alert_db_queue_load(iq->db, iq->target, on_queued, iq, err);
}

const char *
pue_alert_inform_queue_head(const struct pue_alert_inform_queue *iq)
{
	return iq->len > 0 ? iq->q[iq->head].json : NULL;
}

void
pue_alert_inform_queue_pop(struct pue_alert_inform_queue *iq)
{
	struct pue_err err;

	if (iq->len == 0)
		return;
	if (iq->q[iq->head].id > 0)
		pue_alert_db_queue_delete(iq->db, iq->q[iq->head].id, &err);
	free(iq->q[iq->head].json);
	iq->head++;
	iq->len--;
	iq->stats->queued = iq->len;
	if (iq->len == 0)
		iq->head = 0;
}

void
pue_alert_inform_queue_free(struct pue_alert_inform_queue *iq)
{
	while (iq->len > 0) {
		free(iq->q[iq->head].json);
		iq->head++;
		iq->len--;
	}
	free(iq->q);
	iq->q = NULL;
	iq->cap = iq->head = 0;
}
