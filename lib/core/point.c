/* SPDX-License-Identifier: MIT */
/* point.c - names and widths of a point's numeric description; see point.h. */
#include "core/point.h"

#include <stddef.h>

/* Case matters: mW is a milliwatt, MW a megawatt. */
const struct pue_name pue_point_unit_names[] = {
	{"W", PUE_UNIT_W},     {"kW", PUE_UNIT_KW},   {"MW", PUE_UNIT_MW}, {"Wh", PUE_UNIT_WH},
	{"kWh", PUE_UNIT_KWH}, {"MWh", PUE_UNIT_MWH}, {NULL, 0},
};
const struct pue_name pue_point_kind_names[] = {
	{"power", PUE_KIND_POWER},
	{"energy", PUE_KIND_ENERGY},
	{NULL, 0},
};
const struct pue_name pue_point_dtype_names[] = {
	{"uint16", PUE_T_UINT16},   {"int16", PUE_T_INT16},	{"uint32", PUE_T_UINT32},
	{"int32", PUE_T_INT32},	    {"uint64", PUE_T_UINT64},	{"int64", PUE_T_INT64},
	{"float32", PUE_T_FLOAT32}, {"float64", PUE_T_FLOAT64}, {NULL, 0},
};
const struct pue_name pue_point_location_names[] = {
	{"ups_output", PUE_AT_UPS_OUTPUT},
	{"pdu_output", PUE_AT_PDU_OUTPUT},
	{"it_input", PUE_AT_IT_INPUT},
	{NULL, 0},
};

const char *
pue_point_enum_name(const struct pue_name *names, int value)
{
	for (; names->name != NULL; names++)
		if (names->value == value)
			return names->name;
	return "?";
}

const char *
pue_point_unit_name(enum pue_unit u)
{
	return pue_point_enum_name(pue_point_unit_names, (int)u);
}

const char *
pue_point_dtype_name(enum pue_dtype t)
{
	return pue_point_enum_name(pue_point_dtype_names, (int)t);
}

const char *
pue_point_it_location_name(enum pue_it_location at)
{
	return at == PUE_AT_NONE ? "none" : pue_point_enum_name(pue_point_location_names, (int)at);
}

double
pue_point_unit_factor(enum pue_unit u)
{
	switch (u) {
	case PUE_UNIT_W:
	case PUE_UNIT_WH:
		return 1e-3;
	case PUE_UNIT_MW:
	case PUE_UNIT_MWH:
		return 1e3;
	case PUE_UNIT_KW:
	case PUE_UNIT_KWH:
	default:
		return 1.0;
	}
}

unsigned
pue_point_dtype_bits(enum pue_dtype t)
{
	switch (t) {
	case PUE_T_UINT16:
	case PUE_T_INT16:
		return 16;
	case PUE_T_UINT32:
	case PUE_T_INT32:
	case PUE_T_FLOAT32:
		return 32;
	case PUE_T_UINT64:
	case PUE_T_INT64:
	case PUE_T_FLOAT64:
		return 64;
	}
	return 16;
}

int
pue_point_it_location_category(enum pue_it_location at)
{
	return at == PUE_AT_IT_INPUT ? 3 : at == PUE_AT_PDU_OUTPUT ? 2 : 1;
}
