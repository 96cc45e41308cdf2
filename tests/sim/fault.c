/* SPDX-License-Identifier: MIT */
/* fault.c - the per-unit fault table; see fault.h. */
#include "fault.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct sim_faults {
	struct sim_fault by_unit[256];
};

static const struct {
	const char *name;
	enum sim_fault_mode mode;
} modes[] = {
	{"none", SIM_FAULT_NONE},
	{"noanswer", SIM_FAULT_NOANSWER},
	{"exception", SIM_FAULT_EXCEPTION},
};

struct sim_faults *
sim_faults_new(void)
{
	return calloc(1, sizeof(struct sim_faults)); /* all zero: SIM_FAULT_NONE */
}

void
sim_faults_free(struct sim_faults *f)
{
	free(f);
}

void
sim_faults_set(struct sim_faults *f, uint8_t unit, const struct sim_fault *fault)
{
	f->by_unit[unit] = *fault;
}

const struct sim_fault *
sim_faults_get(const struct sim_faults *f, uint8_t unit)
{
	return &f->by_unit[unit];
}

int
sim_fault_mode_parse(const char *name, enum sim_fault_mode *mode)
{
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(name, modes[i].name) == 0) {
			*mode = modes[i].mode;
			return 0;
		}
	return -EINVAL;
}

const char *
sim_fault_mode_names(void)
{
	return "none|noanswer|exception"; /* keep in step with modes[] */
}
