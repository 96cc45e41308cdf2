/* SPDX-License-Identifier: MIT */
/*
 * snmp_setup.c - an SNMP device made ready to poll: its OIDs resolved
 * (MIB names load their module), its v3 keys derived, its buffers and
 * schedule; see snmp_setup.h.
 */
#include "poll/snmp_setup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
pue_snmp_setup_same_secret(const struct pue_secret *a, const struct pue_secret *b)
{
	if (a->value == NULL || b->value == NULL)
		return a->value == b->value;
	return strcmp(a->value, b->value) == 0;
}

static int
setup_points(struct snmp_dev *d, struct pue_err *err)
{
	const struct pue_device_conf *c = d->conf;
	oid name[MAX_OID_LEN];
	struct pue_err why;
	size_t k, len;

	for (k = 0; k < c->n_points; k++) {
		if (pue_snmp_session_resolve(c->points[k].oid, name, &len, &why) < 0)
			return pue_err_set(err, why.code, "device %s point %s: %s", c->name,
					   c->points[k].name, why.msg);
		if ((d->pts[k].name = malloc(len * sizeof(oid))) == NULL)
			return pue_err_set(err, -ENOMEM, "snmp: out of memory");
		memcpy(d->pts[k].name, name, len * sizeof(oid));
		d->pts[k].len = len;
		if (c->points[k].sum_column)
			d->n_walks++;
		else
			d->gets[d->n_gets++] = k;
	}
	return 0;
}

/* Keys cost a megabyte of hashing per passphrase (snmp_session.h): devices
 * that share credentials share the work. */
static int
setup_keys(struct pue_snmp *m, struct snmp_dev *d, struct pue_err *err)
{
	const struct pue_snmp_conf *c = &d->conf->snmp;
	struct pue_err why;
	size_t i;

	if (c->version != PUE_SNMP_V3 || c->level == PUE_SNMP_NOAUTH)
		return 0;
	for (i = 0; i + 1 < m->n_devs; i++) {
		const struct pue_snmp_conf *o = &m->devs[i].conf->snmp;

		if (o->version == PUE_SNMP_V3 && o->level == c->level && o->auth == c->auth &&
		    pue_snmp_setup_same_secret(&o->auth_passphrase, &c->auth_passphrase) &&
		    pue_snmp_setup_same_secret(&o->priv_passphrase, &c->priv_passphrase)) {
			d->keys = m->devs[i].keys;
			return 0;
		}
	}
	if ((d->keys = malloc(sizeof(*d->keys))) == NULL)
		return pue_err_set(err, -ENOMEM, "snmp: out of memory");
	d->own_keys = true;
	if (pue_snmp_session_keys_derive(c, d->keys, &why) < 0)
		return pue_err_set(err, why.code, "device %s: %s", d->conf->name, why.msg);
	return 0;
}

/* A walk's cursor starts with room for its column and a short index
 * (snmp_answer.h); a longer OID in an answer grows it. */
#define CURSOR_INDEX_ARCS 4

static int
setup_walks(struct snmp_dev *d, struct pue_err *err)
{
	const struct pue_device_conf *c = d->conf;
	size_t k, w = 0;

	if (d->n_walks == 0)
		return 0;
	if ((d->walk_cur = calloc(d->n_walks, sizeof(*d->walk_cur))) == NULL)
		return pue_err_set(err, -ENOMEM, "snmp: out of memory");
	for (k = 0; k < c->n_points; k++) {
		struct snmp_cursor *cur = &d->walk_cur[w];

		if (!c->points[k].sum_column)
			continue;
		cur->cap = d->pts[k].len + CURSOR_INDEX_ARCS;
		if (cur->cap > MAX_OID_LEN)
			cur->cap = MAX_OID_LEN;
		if ((cur->arcs = calloc(cur->cap, sizeof(oid))) == NULL)
			return pue_err_set(err, -ENOMEM, "snmp: out of memory");
		w++;
	}
	return 0;
}

int
pue_snmp_setup_dev(struct pue_snmp *m, struct snmp_dev *d, size_t index, pue_timer_cb due,
		   struct pue_err *err)
{
	const struct pue_device_conf *c = &m->poller.cfg->devices[index];
	size_t n = c->n_points ? c->n_points : 1;
	char where[PUE_ADDR_MAX + 16];
	int rc;

	d->m = m;
	d->index = index;
	d->conf = c;
	d->fd = -1;
	pue_poll_schedule_init(&d->sched, &d->health, c->name, c->poll_interval_ms, due, d);
	m->n_devs++; /* from here on the poller's free() cleans this device up */
	d->max_vb = c->snmp.max_varbinds ? c->snmp.max_varbinds : 1;
	if (strchr(c->snmp.host, ':') != NULL)
		snprintf(where, sizeof(where), "[%s]:%u", c->snmp.host, c->snmp.port);
	else
		snprintf(where, sizeof(where), "%s:%u", c->snmp.host, c->snmp.port);
	d->where = strdup(where);
	d->pts = calloc(n, sizeof(*d->pts));
	d->gets = calloc(2 * n, sizeof(*d->gets));
	d->cap_reqs = n; /* snmp_answer.h */
	d->reqs = calloc(d->cap_reqs, sizeof(*d->reqs));
	if (d->where == NULL || d->pts == NULL || d->gets == NULL || d->reqs == NULL)
		return pue_err_set(err, -ENOMEM, "snmp: out of memory");
	d->work = d->gets + n;
	if ((rc = setup_points(d, err)) < 0 || (rc = setup_keys(m, d, err)) < 0 ||
	    (rc = setup_walks(d, err)) < 0)
		return rc;
	m->by_device[index] = d;
	return 0;
}
