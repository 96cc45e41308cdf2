/* SPDX-License-Identifier: MIT */
/*
 * modbus_plan.c - merging register ranges; see modbus_plan.h.
 *
 * Each point contributes one span (its value registers) and, with a
 * scale_register, a second one-register span. Spans are sorted by function
 * and address and swept once: a span joins the open read when it starts
 * within max_gap_registers of the read's end and the read stays within
 * max_read_registers; otherwise it opens the next read.
 */
#include "poll/modbus_plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/decode.h"

struct span {
	enum pue_mb_function function;
	uint16_t address;
	unsigned width;
	size_t point;
	bool sf; /* the point's scale register, not its value */
};

static int
by_function_address(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->function != y->function)
		return x->function < y->function ? -1 : 1;
	if (x->address != y->address)
		return x->address < y->address ? -1 : 1;
	if (x->point != y->point) /* stable order for equal addresses */
		return x->point < y->point ? -1 : 1;
	return (int)x->sf - (int)y->sf;
}

/* Lists the spans of dev's points; returns how many. */
static size_t
list_spans(const struct pue_device_conf *dev, struct span *spans)
{
	size_t i, n = 0;

	for (i = 0; i < dev->n_points; i++) {
		const struct pue_point_conf *p = &dev->points[i];

		spans[n++] = (struct span){p->function, p->address,
					   pue_decode_dtype_registers(p->type), i, false};
		if (p->has_scale_register)
			spans[n++] = (struct span){p->function, p->scale_register, 1, i, true};
	}
	return n;
}

/* Moves the n_reads reads planned in tmp into one block that also holds
 * the four per-point arrays: a meter keeps its plan for as long as it is
 * polled, and one allocation sized to what was planned costs less than
 * five sized for the most there could be (issue 18). */
static int
keep(struct pue_mb_plan *plan, const struct pue_mb_read *tmp, size_t n_reads, size_t n)
{
	size_t per_point = n ? n : 1;
	struct pue_mb_read *block;
	size_t *arrays;

	block = calloc(1, n_reads * sizeof(*block) + 4 * per_point * sizeof(size_t));
	if (block == NULL)
		return -ENOMEM;
	memcpy(block, tmp, n_reads * sizeof(*block));
	arrays = (size_t *)(block + n_reads); /* 16-byte reads: size_t-aligned */
	plan->reads = block;
	plan->n_reads = n_reads;
	plan->point_read = arrays;
	plan->point_reg = arrays + per_point;
	plan->point_sf_read = arrays + 2 * per_point;
	plan->point_sf_reg = arrays + 3 * per_point;
	return 0;
}

int
pue_modbus_plan(const struct pue_device_conf *dev, struct pue_mb_plan *plan, struct pue_err *err)
{
	uint16_t max_read = dev->modbus.max_read_registers ? dev->modbus.max_read_registers : 125;
	uint16_t max_gap = dev->modbus.max_gap_registers;
	size_t n = dev->n_points, n_spans, n_reads = 0, i, *span_read = NULL;
	struct span *spans = NULL;
	struct pue_mb_read *reads = NULL, *cur = NULL;
	int rc = -ENOMEM;

	memset(plan, 0, sizeof(*plan));
	spans = calloc(2 * n + 1, sizeof(*spans));
	span_read = calloc(2 * n + 1, sizeof(*span_read));
	reads = calloc(2 * n + 1, sizeof(*reads));
	if (spans == NULL || span_read == NULL || reads == NULL) {
		pue_err_set(err, rc, "device %s: out of memory planning reads", dev->name);
		goto out;
	}
	n_spans = list_spans(dev, spans);
	qsort(spans, n_spans, sizeof(*spans), by_function_address);

	for (i = 0; i < n_spans; i++) {
		const struct span *s = &spans[i];
		uint32_t end = (uint32_t)s->address + s->width; /* one past the last */

		if (s->width > max_read || end > 65536) {
			const struct pue_point_conf *p = &dev->points[s->point];

			rc = pue_err_set(err, -EINVAL,
					 "device %s: point %s (%s at %u) does not fit in one read "
					 "of at most %u registers",
					 dev->name, p->name, pue_point_dtype_name(p->type),
					 p->address, max_read);
			goto out;
		}
		if (cur == NULL || cur->function != s->function ||
		    s->address > (uint32_t)cur->address + cur->count + max_gap ||
		    end - cur->address > max_read) {
			cur = &reads[n_reads++];
			*cur = (struct pue_mb_read){s->function, s->address, (uint16_t)s->width, 0};
		} else if (end > (uint32_t)cur->address + cur->count)
			cur->count = (uint16_t)(end - cur->address);
		span_read[i] = (size_t)(cur - reads);
	}
	for (i = 0; i < n_reads; i++) {
		reads[i].first_reg = plan->n_regs;
		plan->n_regs += reads[i].count;
	}
	if (keep(plan, reads, n_reads, n) < 0) {
		pue_err_set(err, rc, "device %s: out of memory planning reads", dev->name);
		goto out;
	}
	for (i = 0; i < n; i++)
		plan->point_sf_read[i] = PUE_MB_NO_SF;
	for (i = 0; i < n_spans; i++) {
		const struct pue_mb_read *r = &plan->reads[span_read[i]];
		size_t reg = r->first_reg + (size_t)(spans[i].address - r->address);

		if (spans[i].sf) {
			plan->point_sf_read[spans[i].point] = span_read[i];
			plan->point_sf_reg[spans[i].point] = reg;
		} else {
			plan->point_read[spans[i].point] = span_read[i];
			plan->point_reg[spans[i].point] = reg;
		}
	}
	rc = 0;
out:
	free(spans);
	free(span_read);
	free(reads);
	if (rc < 0)
		pue_modbus_plan_free(plan);
	return rc;
}

int
pue_modbus_plan_decode(const struct pue_device_conf *dev, const struct pue_mb_plan *plan,
		       const uint16_t *regs, size_t i, struct pue_raw *raw, double *value,
		       struct pue_err *err)
{
	const struct pue_point_conf *p = &dev->points[i];
	int rc, sf;

	if ((rc = pue_decode_raw(regs + plan->point_reg[i], pue_decode_dtype_registers(p->type),
				 p->type, p->word_order, raw, err)) < 0)
		return rc;
	if (p->has_scale_register) {
		if ((rc = pue_decode_sunspec_value(p->type, raw, err)) < 0 ||
		    (rc = pue_decode_sunssf(regs[plan->point_sf_reg[i]], &sf, err)) < 0)
			return rc;
		raw->value = pue_decode_apply_sunssf(raw->value, sf);
		/* A scale factor may change between polls, so the raw count no
		 * longer measures energy: counters are differenced by value. */
		raw->has_count = false;
	}
	if ((rc = pue_decode_scale(&p->num, raw, value, err)) < 0 && err != NULL) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		return pue_err_set(err, rc, "point %s: %s", p->name, why);
	}
	return rc;
}

void
pue_modbus_plan_free(struct pue_mb_plan *plan)
{
	free(plan->reads); /* and the per-point arrays with it (keep()) */
	memset(plan, 0, sizeof(*plan));
}
