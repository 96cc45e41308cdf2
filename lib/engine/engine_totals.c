/* SPDX-License-Identifier: MIT */
/* engine_totals.c - what an engine counted since it started; see
 * engine_totals.h. */
#include "engine/engine_totals.h"

#include "engine/engine_internal.h"

struct pue_engine_totals
pue_engine_totals(const struct pue_engine *e)
{
	return e->totals;
}

double
pue_engine_totals_point_energy(const struct pue_engine *e, size_t device, size_t point)
{
	return e->devices[device].p[point].energy_kwh;
}

uint64_t
pue_engine_totals_windows_changed(const struct pue_engine *e)
{
	return e->windows_changed;
}
