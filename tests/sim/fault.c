/* SPDX-License-Identifier: MIT */
/* fault.c - the per-endpoint, per-unit fault table; see fault.h. */
#include "fault.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct sim_faults {
	unsigned n_endpoints;
	struct sim_fault (*by_unit)[256]; /* [endpoint][unit] */
};

static const struct {
	const char *name;
	enum sim_fault_mode mode;
} modes[] = {
	{"none", SIM_FAULT_NONE},	    {"noanswer", SIM_FAULT_NOANSWER},
	{"exception", SIM_FAULT_EXCEPTION}, {"slow", SIM_FAULT_SLOW},
	{"close", SIM_FAULT_CLOSE},	    {"wronglen", SIM_FAULT_WRONGLEN},
	{"otherunit", SIM_FAULT_OTHERUNIT}, {"mbaplen", SIM_FAULT_MBAPLEN},
	{"twice", SIM_FAULT_TWICE},	    {"retransmit", SIM_FAULT_RESEND},
};

struct sim_faults *
sim_faults_new(unsigned n_endpoints)
{
	struct sim_faults *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	/* all zero: SIM_FAULT_NONE */
	if ((f->by_unit = calloc(n_endpoints ? n_endpoints : 1, sizeof(*f->by_unit))) == NULL) {
		free(f);
		return NULL;
	}
	f->n_endpoints = n_endpoints;
	return f;
}

void
sim_faults_free(struct sim_faults *f)
{
	if (f == NULL)
		return;
	free(f->by_unit);
	free(f);
}

void
sim_faults_set(struct sim_faults *f, uint32_t endpoint, uint8_t unit, const struct sim_fault *fault)
{
	unsigned i;

	for (i = 0; i < f->n_endpoints; i++)
		if (endpoint == SIM_FAULT_ALL_ENDPOINTS || endpoint == i)
			f->by_unit[i][unit] = *fault;
}

const struct sim_fault *
sim_faults_get(const struct sim_faults *f, unsigned endpoint, uint8_t unit)
{
	static const struct sim_fault none = {.mode = SIM_FAULT_NONE};

	return endpoint < f->n_endpoints ? &f->by_unit[endpoint][unit] : &none;
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
	/* keep in step with modes[]; reset is the counter action (command.c) */
	return "none|noanswer|exception [CODE]|slow MS|close|wronglen|otherunit UNIT|mbaplen|twice|"
	       "retransmit MS|reset";
}
