/* SPDX-License-Identifier: MIT */
/*
 * engine_handover.c - what a reload carries from the old engine to the new
 * one: each point's energy state, given back to the points that stayed;
 * see engine_handover.h.
 *
 * Points are matched by "device/point" in a hash map (strmap.h), so a
 * reload costs O(P) for P points, and a point stayed when its canonical
 * definition (config_canon.h) is the same string: every field of its
 * configuration counts, by construction, not a hand-kept list.
 */
#include "engine/engine_handover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_canon.h"
#include "engine/engine_internal.h"
#include "util/log.h"
#include "util/strmap.h"

struct handed_point {
	char *key;   /* "device/point": names are [A-Za-z0-9_.-]+, so '/' splits them */
	char *canon; /* pue_config_canon_point() in the old configuration */
	struct pue_energy *energy; /* a copy of its state; NULL when it had none */
};

struct pue_engine_handover {
	struct handed_point *p;
	size_t n;
	struct pue_strmap by_key; /* key -> index in p */
};

/* A copy of from (owned by the caller), or NULL for none: *failed is set
 * when memory ran out. */
static struct pue_energy *
copy_energy(const struct pue_energy *from, bool *failed)
{
	struct pue_energy *to;

	if (from == NULL)
		return NULL;
	if ((to = malloc(sizeof(*to))) == NULL) {
		*failed = true;
		return NULL;
	}
	*to = *from;
	return to;
}

/* The state a point of the new engine continues with: the old point's
 * (NULL: it had none, so it starts afresh like one that had never been
 * read). A point outside every track gets one only to keep what the old
 * point had seen (engine_internal.h). */
static void
give_energy(struct point_state *ps, const struct pue_energy *from)
{
	bool failed = false;

	if (ps->energy != NULL)
		*ps->energy = from != NULL ? *from : (struct pue_energy){0};
	else if (from != NULL && (ps->energy = copy_energy(from, &failed)) == NULL)
		pue_log(LOG_ERR, "engine: out of memory; a point's limit starts afresh");
}

static char *
point_key(const struct pue_device_conf *dev, const struct pue_point_conf *pt)
{
	char *key;

	if (asprintf(&key, "%s/%s", dev->name, pt->name) < 0)
		return NULL;
	return key;
}

struct pue_engine_handover *
pue_engine_handover_take(struct pue_engine *e)
{
	struct pue_engine_handover *h = calloc(1, sizeof(*h));
	size_t d, p, n = 0;
	bool failed = false;

	/* The minute in progress goes to the store as it stands; the new
	 * engine continues in the same minute and the store adds the rest. */
	pue_engine_stop(e);
	if (h == NULL)
		return NULL;
	for (d = 0; d < e->cfg->n_devices; d++)
		n += e->cfg->devices[d].n_points;
	if ((h->p = calloc(n ? n : 1, sizeof(*h->p))) == NULL)
		goto nomem;
	for (d = 0; d < e->cfg->n_devices; d++) {
		const struct pue_device_conf *dev = &e->cfg->devices[d];

		for (p = 0; p < dev->n_points; p++) {
			struct handed_point *hp = &h->p[h->n++];

			hp->key = point_key(dev, &dev->points[p]);
			hp->canon = pue_config_canon_point(dev, &dev->points[p]);
			hp->energy = copy_energy(e->devices[d].p[p].energy, &failed);
			if (hp->key == NULL || hp->canon == NULL || failed ||
			    pue_strmap_add(&h->by_key, hp->key, h->n - 1, NULL) < 0)
				goto nomem;
		}
	}
	return h;
nomem:
	pue_engine_handover_free(h);
	return NULL;
}

size_t
pue_engine_handover_give(struct pue_engine *e, struct pue_engine_handover *h)
{
	size_t d, p, i, given = 0;

	if (h == NULL)
		return 0;
	for (d = 0; d < e->cfg->n_devices; d++) {
		const struct pue_device_conf *dev = &e->cfg->devices[d];

		for (p = 0; p < dev->n_points; p++) {
			char *key = point_key(dev, &dev->points[p]), *canon = NULL;

			if (key != NULL && pue_strmap_find(&h->by_key, key, &i) &&
			    (canon = pue_config_canon_point(dev, &dev->points[p])) != NULL &&
			    strcmp(canon, h->p[i].canon) == 0) {
				give_energy(&e->devices[d].p[p], h->p[i].energy);
				given++;
			}
			free(key);
			free(canon);
		}
	}
	return given;
}

void
pue_engine_handover_free(struct pue_engine_handover *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++) {
		free(h->p[i].key);
		free(h->p[i].canon);
		free(h->p[i].energy);
	}
	pue_strmap_free(&h->by_key);
	free(h->p);
	free(h);
}
