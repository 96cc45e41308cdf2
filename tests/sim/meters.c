/* SPDX-License-Identifier: MIT */
/* meters.c - request routing to hall and generic meters; see meters.h. */
#include "meters.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_HOUR 3600e9

struct generic {
	double base_kwh; /* counter at base_ns */
	int64_t base_ns;
	double kw; /* constant */
};

struct fake {
	double kw;
	unsigned answers; /* left; 0: none */
	double kwh;
	unsigned counter_answers; /* left; 0: none */
};

struct sim_meters {
	struct sim_hall *hall; /* borrowed */
	unsigned n_hall;       /* hall meters: ids 0..n_hall-1 are units 1..n_hall */
	struct sim_meters_conf conf;
	struct generic *generic; /* ids n_hall.. */
	struct fake *fakes;	 /* per meter id */
};

/* Meter k's value from the last spread naming it, else dflt. */
static double
spread_at(const struct sim_spread *sp, unsigned n, unsigned k, double dflt)
{
	double v = dflt;
	unsigned i;

	for (i = 0; i < n; i++)
		if (k >= sp[i].first && k <= sp[i].last)
			v = sp[i].first == sp[i].last
				    ? sp[i].lo
				    : sp[i].lo + (sp[i].hi - sp[i].lo) * (k - sp[i].first) /
							 (sp[i].last - sp[i].first);
	return v;
}

static int
parse_spread(const char *option, const char *s, size_t len, double max, struct sim_spread *out,
	     struct pue_err *err)
{
	char buf[128], *p, *end;
	unsigned long first, last;

	if (len >= sizeof(buf))
		goto bad;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	first = strtoul(buf, &end, 10);
	if (end == buf || errno != 0 || buf[0] == '-')
		goto bad;
	last = first;
	if (*end == '-') {
		p = end + 1;
		last = strtoul(p, &end, 10);
		if (end == p || errno != 0 || *p == '-')
			goto bad;
	}
	if (*end != '=' || first > last || last >= SIM_METERS_MAX)
		goto bad;
	p = end + 1;
	out->lo = strtod(p, &end);
	if (end == p)
		goto bad;
	out->hi = out->lo;
	if (*end == ':') {
		p = end + 1;
		out->hi = strtod(p, &end);
		if (end == p)
			goto bad;
	}
	if (*end != '\0' || errno != 0 || !(out->lo >= 0 && out->lo <= max) ||
	    !(out->hi >= 0 && out->hi <= max))
		goto bad;
	out->first = (unsigned)first;
	out->last = (unsigned)last;
	return 0;
bad:
	return pue_err_set(err, -EINVAL,
			   "--%s: expected FIRST-LAST=LO[:HI] with meters 0..%d and values "
			   "0..%g, found \"%.*s\"",
			   option, SIM_METERS_MAX - 1, max, (int)(len < 100 ? len : 100), s);
}

int
sim_meters_parse_spreads(const char *option, const char *spec, double max, struct sim_spread *out,
			 struct pue_err *err)
{
	const char *s = spec, *comma;
	int n = 0, rc;

	for (;;) {
		comma = strchr(s, ',');
		if (n == SIM_METERS_MAX_SPREADS)
			return pue_err_set(err, -EINVAL, "--%s: at most %d ranges", option,
					   SIM_METERS_MAX_SPREADS);
		rc = parse_spread(option, s, comma ? (size_t)(comma - s) : strlen(s), max, &out[n],
				  err);
		if (rc < 0)
			return rc;
		n++;
		if (comma == NULL)
			return n;
		s = comma + 1;
	}
}

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
		m->generic[k] =
			(struct generic){spread_at(conf->kwh, conf->n_kwh, k, 100000.0 + k),
					 start.ns, spread_at(conf->kw, conf->n_kw, k, 1.0 + k)};
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
	*power_kw = g->kw;
	*energy_kwh =
		g->base_kwh +
		(now.ns > g->base_ns ? *power_kw * (double)(now.ns - g->base_ns) / NS_PER_HOUR : 0);
}

void
sim_meters_reset_counter(struct sim_meters *m, int meter, pue_mono_t now)
{
	struct generic *g;

	if ((unsigned)meter < m->n_hall) {
		sim_hall_reset_counter(m->hall, now, (unsigned)meter + 1);
		return;
	}
	g = &m->generic[(unsigned)meter - m->n_hall];
	g->base_kwh = 0;
	g->base_ns = now.ns;
}

void
sim_meters_fake_power(struct sim_meters *m, int meter, double power_kw, unsigned answers)
{
	m->fakes[meter].kw = power_kw;
	m->fakes[meter].answers = answers;
}

void
sim_meters_fake_counter(struct sim_meters *m, int meter, double energy_kwh, unsigned answers)
{
	m->fakes[meter].kwh = energy_kwh;
	m->fakes[meter].counter_answers = answers;
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
	if (f->counter_answers > 0) {
		*energy_kwh = f->kwh;
		f->counter_answers--;
	}
}
