/* SPDX-License-Identifier: MIT */
/*
 * quantity.h - a whole number with a unit, as people write it in pued.yaml
 * and on puectl's command line: "15m", "500ms", "64MiB". The one parser
 * behind durations (duration.h) and sizes (config_text.h). Pure, any
 * thread.
 */
#ifndef PUE_QUANTITY_H
#define PUE_QUANTITY_H

#include <stddef.h>
#include <stdint.h>

/* A unit's name ("" for a bare number) and what one of it is worth. */
struct pue_quantity_unit {
	const char *name;
	uint64_t mult;
};

/* Parses s: decimal digits (no sign, no blanks, no fraction) followed by
 * exactly the name of one of units[0..n_units). Returns 0 with *value the
 * number times that unit's multiplier, -EINVAL when s has another form,
 * or -ERANGE when the value would exceed max (never a wrapped value). */
int pue_quantity_parse(const char *s, const struct pue_quantity_unit *units, size_t n_units,
		       uint64_t max, uint64_t *value);

#endif
