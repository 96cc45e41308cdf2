/* SPDX-License-Identifier: MIT */
/* exporter.c - the snapshot rendered and published each round; see exporter.h. */
#include "exporter.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "log.h"
#include "metrics.h"

#define N_FORMATS 2

struct pue_exporter {
	struct pue_snapshot *snap;
	struct pue_blob_slot slots[N_FORMATS]; /* by enum pue_metrics_format */
	bool failing;			       /* the last rendering ran out of memory */
};

struct pue_exporter *
pue_exporter_new(const struct pue_config *cfg, struct pue_err *err)
{
	struct pue_exporter *x = calloc(1, sizeof(*x));
	size_t i;

	if (x == NULL) {
		pue_err_set(err, -ENOMEM, "exporter: out of memory");
		return NULL;
	}
	if ((x->snap = pue_snapshot_new(cfg, err)) == NULL) {
		free(x);
		return NULL;
	}
	for (i = 0; i < N_FORMATS; i++)
		pue_blob_slot_init(&x->slots[i]);
	return x;
}

void
pue_exporter_free(struct pue_exporter *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < N_FORMATS; i++)
		pue_blob_slot_destroy(&x->slots[i]);
	pue_snapshot_free(x->snap);
	free(x);
}

void
pue_exporter_update(struct pue_exporter *x, const struct pue_snapshot_source *src)
{
	static const enum pue_metrics_format formats[N_FORMATS] = {PUE_METRICS_TEXT,
								   PUE_METRICS_OPENMETRICS};
	bool failed = pue_snapshot_fill(x->snap, src) < 0;
	struct pue_blob *b;
	size_t i, len;
	char *text;

	for (i = 0; i < N_FORMATS; i++) {
		text = pue_metrics_render(x->snap, formats[i], &len);
		b = text != NULL ? pue_blob_take(text, len, pue_metrics_content_type(formats[i]))
				 : NULL;
		if (b != NULL)
			pue_blob_slot_set(&x->slots[formats[i]], b);
		failed |= b == NULL;
	}
	if (failed && !x->failing)
		pue_log(LOG_ERR, "exporter: out of memory; /metrics serves older figures");
	else if (!failed && x->failing)
		pue_log(LOG_NOTICE, "exporter: /metrics is current again");
	x->failing = failed;
}

const struct pue_snapshot *
pue_exporter_snapshot(const struct pue_exporter *x)
{
	return x->snap;
}

struct pue_blob *
pue_exporter_metrics(void *arg, const struct pue_http_request *req)
{
	struct pue_exporter *x = arg;

	return pue_blob_slot_get(&x->slots[pue_metrics_negotiate(req->accept)]);
}
