/* SPDX-License-Identifier: MIT */
/* meters.c - request routing to hall and generic meters; see meters.h. */
#include "meters.h"

#include <errno.h>
#include <stdlib.h>

#define NS_PER_HOUR 3600e9

struct generic {
	double base_kwh; /* counter at base_ns */
	int64_t base_ns;
};

struct fake {
	double kw;
	unsigned answers; /* left; 0: none */
};

struct sim_meters {
	struct sim_hall *hall; /* borrowed */
	unsigned n_hall;       /* hall meters: ids 0..n_hall-1 are units 1..n_hall */
	struct sim_meters_conf conf;
	struct generic *generic; /* ids n_hall.. */
	struct fake *fakes;	 /* per meter id */
};

struct sim_meters *
sim_meters_new(struct sim_hall *hall, const struct sim_meters_conf *conf, pue_mono_t start,
	       struct pue_err *err)
{
	struct sim_meters *m;
	unsigned k;

	if (conf->n_generic > SIM_METERS_MAX || conf->units_per_port < 1 ||
	    conf->units_per_port > 247 ||
	    (uint64_t)conf->n_generic > (uint64_t)conf->units_per_port * conf->n_ports) {
		pue_err_set(err, -EINVAL,
			    "--meters %u do not fit on %u ports of %u unit ids (use more "
			    "--listen-ports)",
			    conf->n_generic, conf->n_ports, conf->units_per_port);
		return NULL;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->generic = calloc(conf->n_generic ? conf->n_generic : 1, sizeof(*m->generic))) ==
		    NULL ||
	    (m->fakes = calloc(sim_hall_n_meters(hall) + conf->n_generic, sizeof(*m->fakes))) ==
		    NULL) {
		if (m != NULL)
			free(m->generic);
		free(m);
		pue_err_set(err, -ENOMEM, "meters: out of memory");
		return NULL;
	}
	m->hall = hall;
	m->n_hall = sim_hall_n_meters(hall);
	m->conf = *conf;
	for (k = 0; k < conf->n_generic; k++)
		m->generic[k] = (struct generic){100000.0 + k, start.ns};
	return m;
}

void
sim_meters_free(struct sim_meters *m)
{
	if (m == NULL)
		return;
	free(m->generic);
	free(m->fakes);
	free(m);
}

int
sim_meters_find(const struct sim_meters *m, unsigned endpoint, unsigned unit)
{
	uint64_t k;

	if (m->conf.n_generic == 0 || endpoint >= m->conf.n_ports)
		return unit >= 1 && unit <= m->n_hall ? (int)unit - 1 : -1;
	if (unit < 1 || unit > m->conf.units_per_port)
		return -1;
	k = (uint64_t)endpoint * m->conf.units_per_port + unit - 1;
	return k < m->conf.n_generic ? (int)(m->n_hall + k) : -1;
}

static double
generic_kw(unsigned k)
{
	return 1.0 + k;
}

void
sim_meters_read(struct sim_meters *m, int meter, pue_mono_t now, double *power_kw,
		double *energy_kwh)
{
	const struct generic *g;
	unsigned k;

	if ((unsigned)meter < m->n_hall) {
		sim_hall_read(m->hall, now, (unsigned)meter + 1, power_kw, energy_kwh);
		return;
	}
	k = (unsigned)meter - m->n_hall;
	g = &m->generic[k];
	*power_kw = generic_kw(k);
	*energy_kwh =
		g->base_kwh +
		(now.ns > g->base_ns ? *power_kw * (double)(now.ns - g->base_ns) / NS_PER_HOUR : 0);
}

void
sim_meters_reset_counter(struct sim_meters *m, int meter, pue_mono_t now)
{
	if ((unsigned)meter < m->n_hall) {
		sim_hall_reset_counter(m->hall, now, (unsigned)meter + 1);
		return;
	}
	m->generic[(unsigned)meter - m->n_hall] = (struct generic){0, now.ns};
}

void
sim_meters_fake_power(struct sim_meters *m, int meter, double power_kw, unsigned answers)
{
	m->fakes[meter] = (struct fake){power_kw, answers};
}

void
sim_meters_answer(struct sim_meters *m, int meter, pue_mono_t now, double *power_kw,
		  double *energy_kwh)
{
	struct fake *f = &m->fakes[meter];

	sim_meters_read(m, meter, now, power_kw, energy_kwh);
	if (f->answers > 0) {
		*power_kw = f->kw;
		f->answers--;
	}
}
