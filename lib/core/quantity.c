/* SPDX-License-Identifier: MIT */
/* quantity.c - a whole number with a unit; see quantity.h. */
#include "core/quantity.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
pue_quantity_parse(const char *s, const struct pue_quantity_unit *units, size_t n_units,
		   uint64_t max, uint64_t *value)
{
	unsigned long long v;
	char *end;
	size_t i;

	if (s == NULL || !isdigit((unsigned char)s[0])) /* no sign, no blanks */
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	for (i = 0; i < n_units; i++) {
		if (strcmp(end, units[i].name) != 0)
			continue;
		if (errno == ERANGE || v > max / units[i].mult)
			return -ERANGE;
		*value = (uint64_t)v * units[i].mult;
		return 0;
	}
	return -EINVAL;
}
