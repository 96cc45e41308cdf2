/* SPDX-License-Identifier: MIT */
/* exporter.c - snapshots published each round for /metrics; see exporter.h. */
#include "web/exporter.h"

#include <stdbool.h>
#include <stdlib.h>

#include "web/metrics.h"

struct pue_exporter {
	struct pue_snapshot_slot slot;
};

struct pue_exporter *
pue_exporter_new(void)
{
	struct pue_exporter *x = calloc(1, sizeof(*x));

	if (x != NULL)
		pue_snapshot_slot_init(&x->slot);
	return x;
}

void
pue_exporter_free(struct pue_exporter *x)
{
	if (x == NULL)
		return;
	pue_snapshot_slot_destroy(&x->slot);
	free(x);
}

void
pue_exporter_publish(struct pue_exporter *x, struct pue_snapshot *snap)
{
	pue_snapshot_slot_set(&x->slot, pue_snapshot_ref(snap));
}

struct pue_snapshot *
pue_exporter_snapshot(struct pue_exporter *x)
{
	return pue_snapshot_slot_get(&x->slot);
}

static struct pue_blob *
render(const struct pue_snapshot *s, const void *arg)
{
	enum pue_metrics_format f = *(const enum pue_metrics_format *)arg;
	size_t len;
	char *text = pue_metrics_render(s, f, &len);

	return text != NULL ? pue_blob_take(text, len, pue_metrics_format_content_type(f)) : NULL;
}

struct pue_blob *
pue_exporter_metrics(void *arg, const struct pue_http_request *req)
{
	static const enum pue_metrics_format formats[] = {PUE_METRICS_TEXT,
							  PUE_METRICS_OPENMETRICS};
	static const enum pue_snapshot_memo_key keys[] = {PUE_MEMO_METRICS_TEXT,
							  PUE_MEMO_METRICS_OPENMETRICS};
	struct pue_exporter *x = arg;
	struct pue_snapshot *s = pue_snapshot_slot_get(&x->slot);
	enum pue_metrics_format f = pue_metrics_format_negotiate(req->accept);
	struct pue_blob *b;

	if (s == NULL)
		return NULL;
	b = pue_snapshot_memo(s, keys[f], render, &formats[f]);
	pue_snapshot_unref(s);
	return b;
}
