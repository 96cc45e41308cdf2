/* SPDX-License-Identifier: MIT */
/*
 * year_json.h - the reporting year as JSON: the "year" object of pued's
 * status and of `puectl year` / `puectl report`, one shape for both.
 */
#ifndef PUE_YEAR_JSON_H
#define PUE_YEAR_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "core/year.h"

/* year_start, year_end, as_of, ceiling, state ("ok", "below_one" or
 * "insufficient_data"), then either the figures (pue_ytd, pue_projected,
 * budget_kwh, headroom_kwh, pue_required, out_of_reach) or why. */
json_t *pue_year_json(const struct pue_year *y, int64_t start_ms, int64_t end_ms, int64_t at_ms,
		      double ceiling);

#endif
