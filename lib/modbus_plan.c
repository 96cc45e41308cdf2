/* SPDX-License-Identifier: MIT */
/* modbus_plan.c - merging register ranges; see modbus_plan.h. */
#include "modbus_plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

static int
by_function_address(const void *a, const void *b, void *points)
{
	const struct pue_point_conf *pa =
		(const struct pue_point_conf *)points + *(const size_t *)a;
	const struct pue_point_conf *pb =
		(const struct pue_point_conf *)points + *(const size_t *)b;

	if (pa->function != pb->function)
		return pa->function < pb->function ? -1 : 1;
	if (pa->address != pb->address)
		return pa->address < pb->address ? -1 : 1;
	return 0;
}

int
pue_modbus_plan(const struct pue_device_conf *dev, struct pue_mb_plan *plan, struct pue_err *err)
{
	uint16_t max_read = dev->modbus.max_read_registers ? dev->modbus.max_read_registers : 125;
	uint16_t max_gap = dev->modbus.max_gap_registers;
	size_t n = dev->n_points, i, *order = NULL;
	struct pue_mb_read *cur = NULL;
	int rc = -ENOMEM;

	memset(plan, 0, sizeof(*plan));
	order = calloc(n ? n : 1, sizeof(*order));
	plan->reads = calloc(n ? n : 1, sizeof(*plan->reads));
	plan->point_read = calloc(n ? n : 1, sizeof(size_t));
	plan->point_reg = calloc(n ? n : 1, sizeof(size_t));
	if (order == NULL || plan->reads == NULL || plan->point_read == NULL ||
	    plan->point_reg == NULL) {
		pue_err_set(err, rc, "device %s: out of memory planning reads", dev->name);
		goto out;
	}
	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), by_function_address, dev->points);

	for (i = 0; i < n; i++) {
		const struct pue_point_conf *p = &dev->points[order[i]];
		unsigned width = pue_dtype_registers(p->type);
		uint32_t end = (uint32_t)p->address + width; /* one past the last */

		if (width > max_read || end > 65536) {
			rc = pue_err_set(err, -EINVAL,
					 "device %s: point %s (%s at %u) does not fit in one read "
					 "of at most %u registers",
					 dev->name, p->name, pue_dtype_name(p->type), p->address,
					 max_read);
			goto out;
		}
		if (cur == NULL || cur->function != p->function ||
		    p->address > (uint32_t)cur->address + cur->count + max_gap ||
		    end - cur->address > max_read) {
			cur = &plan->reads[plan->n_reads++];
			*cur = (struct pue_mb_read){p->function, p->address, (uint16_t)width, 0};
		} else if (end > (uint32_t)cur->address + cur->count)
			cur->count = (uint16_t)(end - cur->address);
		plan->point_read[order[i]] = (size_t)(cur - plan->reads);
	}
	for (i = 0; i < plan->n_reads; i++) {
		plan->reads[i].first_reg = plan->n_regs;
		plan->n_regs += plan->reads[i].count;
	}
	for (i = 0; i < n; i++) {
		const struct pue_mb_read *r = &plan->reads[plan->point_read[i]];

		plan->point_reg[i] = r->first_reg + (dev->points[i].address - r->address);
	}
	rc = 0;
out:
	free(order);
	if (rc < 0)
		pue_modbus_plan_free(plan);
	return rc;
}

void
pue_modbus_plan_free(struct pue_mb_plan *plan)
{
	free(plan->reads);
	free(plan->point_read);
	free(plan->point_reg);
	memset(plan, 0, sizeof(*plan));
}
