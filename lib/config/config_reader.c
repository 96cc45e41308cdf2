/* SPDX-License-Identifier: MIT */
/*
 * config_reader.c - loading a configuration off the main loop; see
 * config_reader.h. The job lives in the reader: the worker writes its
 * result fields, and the main loop reads them only after
 * pue_workq_take_done() has handed the job back (under the queue's lock).
 */
#include "config/config_reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/log.h"
#include "util/workq.h"

struct load {
	struct pue_job job; /* first: the job pointer is the load pointer */
	char *path;
	/* written by the worker */
	struct pue_config *cfg;
	int64_t took_ms;
};

struct pue_config_reader {
	struct pue_workq *q;
	struct load load;
	bool busy;  /* started, result not taken */
	bool again; /* a request came while busy */
};

/* Worker side: everything the file says is wrong goes to the log from here,
 * so that a file of 700,000 mistakes does not hold the loop either. */
static void
run_load(struct pue_job *job)
{
	struct load *l = (struct load *)job;
	struct pue_diags diags = {0};
	pue_mono_t t0 = pue_clock_real();
	int rc;
	size_t i;

	l->cfg = NULL;
	rc = pue_config_load(l->path, &l->cfg, &diags);
	for (i = 0; i < diags.n; i++)
		pue_log(LOG_ERR, "%s", diags.lines[i]);
	if (rc < 0 && diags.n == 0)
		pue_log(LOG_ERR, "%s: %s", l->path, strerror(-rc));
	pue_config_diags_free(&diags);
	if (rc < 0)
		l->cfg = NULL;
	l->took_ms = pue_mono_diff_ms(pue_clock_real(), t0);
}

struct pue_config_reader *
pue_config_reader_new(struct pue_err *err)
{
	struct pue_config_reader *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		pue_err_set(err, -ENOMEM, "config reader: out of memory");
		return NULL;
	}
	/* One thread, kept: a reload should not wait for a thread to start. */
	if ((r->q = pue_workq_new(1, 1, 1, PUE_WORKQ_IDLE_MS, err)) == NULL) {
		free(r);
		return NULL;
	}
	r->load.job.run = run_load;
	return r;
}

void
pue_config_reader_free(struct pue_config_reader *r)
{
	if (r == NULL)
		return;
	pue_workq_free(r->q); /* joins: the load in progress ends first */
	pue_config_free(r->load.cfg);
	free(r->load.path);
	free(r);
}

int
pue_config_reader_fd(const struct pue_config_reader *r)
{
	return pue_workq_fd(r->q);
}

int
pue_config_reader_start(struct pue_config_reader *r, const char *path)
{
	char *copy;

	if (r->busy) {
		r->again = true;
		return 1;
	}
	if ((copy = strdup(path)) == NULL)
		return -ENOMEM;
	free(r->load.path);
	r->load.path = copy;
	r->load.cfg = NULL;
	r->load.took_ms = 0;
	if (pue_workq_submit(r->q, &r->load.job) < 0)
		return -EAGAIN; /* cannot happen: one job at most, and the queue holds one */
	r->busy = true;
	r->again = false;
	return 0;
}

bool
pue_config_reader_busy(const struct pue_config_reader *r)
{
	return r->busy;
}

int
pue_config_reader_take(struct pue_config_reader *r, struct pue_config **cfg, int64_t *took_ms,
		       bool *again)
{
	if (pue_workq_take_done(r->q) == NULL)
		return 0;
	/* The only job is back: this call finds none and drains the eventfd,
	 * so the loop is not woken again for it. */
	(void)pue_workq_take_done(r->q);
	*cfg = r->load.cfg;
	r->load.cfg = NULL;
	*took_ms = r->load.took_ms;
	*again = r->again;
	r->busy = r->again = false;
	return 1;
}
