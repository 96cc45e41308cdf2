/* SPDX-License-Identifier: MIT */
/*
 * config_device.c - the devices: list and each device's modbus: section
 * (the snmp: section is config_snmp.c's, the points config_point.c's).
 *
 *   devices:
 *     - name: incomer-1
 *       protocol: modbus_tcp
 *       modbus: {host: 127.0.0.1, port: 1502, unit_id: 1, connections: 4}
 *       points:
 *         - {name: energy, register: 20, type: uint32, unit: Wh, kind: energy}
 *
 * Part of the configuration loader (config_ctx.h); points are read by
 * config_point.c. The checks that span devices live here too: unique
 * names, one setting per serial bus, one connections: per TCP link, and
 * the number of Modbus connections libmodbus can serve.
 */
#include "config/config_device.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_map.h"
#include "config/config_point.h"
#include "config/config_snmp.h"
#include "config/config_text.h"
#include "config/config_value.h"
#include "util/fd_policy.h"

/* Key tables, laid out by hand. */
/* clang-format off */
static const char *const device_keys[] = {
	"name", "protocol", "poll_interval", "timeout", "retries", "modbus", "snmp", "map",
	"points", NULL
};
static const char *const modbus_keys[] = {
	"host", "port", "device", "baud", "parity", "data_bits", "stop_bits", "unit_id",
	"request_gap", "max_read_registers", "max_gap_registers", "connections", NULL
};
static const char *const tcp_keys[] = {"host", "port", "connections", NULL};
static const char *const rtu_keys[] = {"device", "baud", "parity", "data_bits", "stop_bits", NULL};
/* clang-format on */

static const struct pue_name parities[] = {
	{"none", 'N'},
	{"even", 'E'},
	{"odd", 'O'},
	{NULL, 0},
};

/* Rates libmodbus 3.1.6 maps to termios speeds on Linux; for any other it
 * prints a warning and silently opens the port at 9600. */
static const unsigned bauds[] = {110,	  300,	   600,	    1200,    2400,    4800,
				 9600,	  19200,   38400,   57600,   115200,  230400,
				 460800,  500000,  576000,  921600,  1000000, 1152000,
				 1500000, 2000000, 2500000, 3000000, 3500000, 4000000};

/* Modbus ---------------------------------------------------------------- */

static void
read_modbus_tcp(struct pue_cfgctx *c, const struct pue_ynode *n, struct pue_modbus_conf *m)
{
	const struct pue_ynode *k;
	uint64_t u;

	if ((k = pue_config_value_require(c, n, "host")) != NULL)
		pue_config_value_string(c, k, &m->host);
	if ((k = pue_yaml_tree_get(n, "port")) != NULL && pue_config_value_uint(c, k, 1, 65535, &u))
		m->port = (uint16_t)u;
	/* A gateway answers for itself at 255 or 0, and forwards 1..247 to its
	 * serial line (Modbus Messaging on TCP/IP Implementation Guide
	 * v1.0b, 4.4.1.2), so TCP takes the whole byte. */
	if ((k = pue_yaml_tree_get(n, "unit_id")) != NULL &&
	    pue_config_value_uint(c, k, 0, 255, &u))
		m->unit_id = (uint8_t)u;
	/* 0 until check_links() settles the link's value. */
	if ((k = pue_yaml_tree_get(n, "connections")) != NULL &&
	    pue_config_value_uint(c, k, 1, PUE_MODBUS_LINK_MAX_CONNECTIONS, &u))
		m->connections = (uint8_t)u;
}

static void
read_modbus_rtu(struct pue_cfgctx *c, const struct pue_ynode *n, struct pue_modbus_conf *m)
{
	const struct pue_ynode *k;
	char buf[128];
	uint64_t u;
	size_t i;
	int v;

	if ((k = pue_config_value_require(c, n, "device")) != NULL &&
	    pue_config_value_string(c, k, &m->serial_device) && m->serial_device[0] != '/') {
		pue_yaml_tree_error(c->tree, k,
				    "expected an absolute path such as /dev/ttyUSB0, got %s",
				    pue_config_value_show(k, buf, sizeof(buf)));
		free(m->serial_device);
		m->serial_device = NULL;
	}
	if ((k = pue_yaml_tree_get(n, "baud")) != NULL &&
	    pue_config_value_uint(c, k, 1, UINT32_MAX, &u)) {
		for (i = 0; i < sizeof(bauds) / sizeof(bauds[0]); i++)
			if (bauds[i] == u)
				break;
		if (i < sizeof(bauds) / sizeof(bauds[0]))
			m->baud = (uint32_t)u;
		else
			pue_yaml_tree_error(c->tree, k,
					    "expected a serial speed such as 9600, 19200, 38400 or "
					    "115200, got %s",
					    pue_config_value_show(k, buf, sizeof(buf)));
	}
	if ((k = pue_yaml_tree_get(n, "parity")) != NULL &&
	    pue_config_value_enum(c, k, parities, &v))
		m->parity = (char)v;
	if ((k = pue_yaml_tree_get(n, "data_bits")) != NULL &&
	    pue_config_value_uint(c, k, 5, 8, &u))
		m->data_bits = (uint8_t)u;
	if ((k = pue_yaml_tree_get(n, "stop_bits")) != NULL &&
	    pue_config_value_uint(c, k, 1, 2, &u))
		m->stop_bits = (uint8_t)u;
	/* 0 is broadcast and 248..255 are reserved on a serial line (Modbus
	 * over Serial Line v1.02, 2.2). */
	if ((k = pue_yaml_tree_get(n, "unit_id")) != NULL &&
	    pue_config_value_uint(c, k, 1, 247, &u))
		m->unit_id = (uint8_t)u;
}

static void
read_modbus(struct pue_cfgctx *c, const struct pue_ynode *dev, const struct pue_ynode *n,
	    struct pue_device_conf *d)
{
	struct pue_modbus_conf *m = &d->modbus;
	bool tcp = d->protocol == PUE_PROTO_MODBUS_TCP;
	const struct pue_ynode *k;
	uint64_t u;

	m->port = 502;
	m->baud = 9600;
	m->parity = 'N';
	m->data_bits = 8;
	m->stop_bits = 1;
	m->unit_id = 1;
	/* Many RTU meters need a pause after answering before they listen
	 * again (Modbus over Serial Line v1.02 asks for 3.5 characters; slow
	 * firmware wants far more). */
	m->request_gap_ms = tcp ? 0 : 20;
	m->max_read_registers = 125; /* Modbus Application Protocol v1.1b3, 6.3 */
	m->max_gap_registers = 16;
	if (n == NULL) {
		pue_yaml_tree_error_missing(c->tree, dev, "modbus",
					    "required key is missing (protocol %s needs modbus.%s)",
					    pue_config_text_protocol_name(d->protocol),
					    tcp ? "host" : "device");
		return;
	}
	if (!pue_config_value_is_map(c, n))
		return;
	pue_config_value_check_keys(c, n, modbus_keys);
	if (tcp) {
		pue_config_value_reject_keys(c, n, rtu_keys, "only for protocol modbus_rtu");
		read_modbus_tcp(c, n, m);
	} else {
		pue_config_value_reject_keys(c, n, tcp_keys, "only for protocol modbus_tcp");
		read_modbus_rtu(c, n, m);
	}
	if ((k = pue_yaml_tree_get(n, "request_gap")) != NULL)
		pue_config_value_duration(c, k, 0, 10000, &m->request_gap_ms);
	if ((k = pue_yaml_tree_get(n, "max_read_registers")) != NULL &&
	    pue_config_value_uint(c, k, 1, 125, &u))
		m->max_read_registers = (uint16_t)u;
	if ((k = pue_yaml_tree_get(n, "max_gap_registers")) != NULL &&
	    pue_config_value_uint(c, k, 0, 125, &u))
		m->max_gap_registers = (uint16_t)u;
}

/* Devices --------------------------------------------------------------- */

static void
read_device(struct pue_cfgctx *c, const struct pue_ynode *n, struct pue_device_conf *d)
{
	const struct pue_ynode *k, *mb, *sn, *map;
	bool proto_ok = false;
	uint64_t u;
	int v;

	d->line = n->line;
	d->column = n->column;
	d->poll_interval_ms = c->cfg->poll_interval_ms;
	d->timeout_ms = 1000;
	d->retries = 2;
	if (!pue_config_value_is_map(c, n))
		return;
	pue_config_value_check_keys(c, n, device_keys);
	if ((k = pue_config_value_require(c, n, "name")) != NULL)
		pue_config_value_name(c, k, &d->name);
	if ((k = pue_config_value_require(c, n, "protocol")) != NULL &&
	    pue_config_value_enum(c, k, pue_config_text_protocols, &v)) {
		d->protocol = (enum pue_protocol)v;
		proto_ok = true;
	}
	if ((k = pue_yaml_tree_get(n, "poll_interval")) != NULL)
		pue_config_value_duration(c, k, PUE_CFG_POLL_MIN_MS, PUE_CFG_POLL_MAX_MS,
					  &d->poll_interval_ms);
	if ((k = pue_yaml_tree_get(n, "timeout")) != NULL)
		pue_config_value_duration(c, k, 10, 60000, &d->timeout_ms);
	if ((k = pue_yaml_tree_get(n, "retries")) != NULL && pue_config_value_uint(c, k, 0, 10, &u))
		d->retries = (unsigned)u;
	mb = pue_yaml_tree_get(n, "modbus");
	sn = pue_yaml_tree_get(n, "snmp");
	if (proto_ok && d->protocol == PUE_PROTO_SNMP) {
		if (mb != NULL)
			pue_yaml_tree_error_key(c->tree, mb,
						"a modbus: section on a device with protocol snmp");
		pue_config_snmp_read(c, n, sn, false, &d->snmp);
	} else if (proto_ok) {
		if (sn != NULL)
			pue_yaml_tree_error_key(c->tree, sn,
						"an snmp: section on a device with protocol %s",
						pue_config_text_protocol_name(d->protocol));
		read_modbus(c, n, mb, d);
	} else {
		/* Which keys belong depends on the protocol; typos do not. */
		if (mb != NULL && mb->kind == PUE_YNODE_MAPPING)
			pue_config_value_check_keys(c, mb, modbus_keys);
		if (sn != NULL && sn->kind == PUE_YNODE_MAPPING)
			pue_config_value_check_keys(c, sn, pue_config_snmp_keys);
	}
	if ((map = pue_yaml_tree_get(n, "map")) != NULL) { /* points: then only overrides */
		if ((k = pue_yaml_tree_get(n, "points")) != NULL)
			pue_config_point_read(c, k, d, proto_ok);
		pue_config_map_apply(c, map, d, proto_ok, mb);
	} else if ((k = pue_config_value_require(c, n, "points")) != NULL)
		pue_config_point_read(c, k, d, proto_ok);
}

/* A device's place in a sort by Modbus link. */
struct ref {
	char *key;
	size_t index;
};

static int
ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	if (r != 0)
		return r;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Indexes the device names (the terms of pue: are looked up in it) and
 * reports each name used before. */
static void
check_names(struct pue_cfgctx *c, const struct pue_ynode *seq)
{
	const struct pue_config *cfg = c->cfg;
	size_t i, first;
	int rc;

	for (i = 0; i < cfg->n_devices; i++) {
		if (cfg->devices[i].name == NULL)
			continue;
		rc = pue_strmap_add(&c->device_index, cfg->devices[i].name, i, &first);
		if (rc < 0) {
			c->oom = true;
			return;
		}
		if (rc > 0)
			pue_yaml_tree_error(c->tree, pue_yaml_tree_get(seq->kids[i], "name"),
					    "duplicate device name \"%s\" (first at line %d)",
					    cfg->devices[i].name, cfg->devices[first].line);
	}
}

ssize_t
pue_config_device_index(struct pue_cfgctx *c, const char *name)
{
	size_t i;

	return pue_strmap_find(&c->device_index, name, &i) ? (ssize_t)i : -1;
}

ssize_t
pue_config_device_point_index(struct pue_cfgctx *c, size_t d, const char *name)
{
	const struct pue_device_conf *dev = &c->cfg->devices[d];
	struct pue_cfgnames *ix;
	size_t i;

	if (c->point_index == NULL) {
		c->point_index =
			pue_config_value_calloc(c, c->cfg->n_devices, sizeof(*c->point_index));
		if (c->point_index == NULL)
			return -1;
		c->n_point_index = c->cfg->n_devices;
	}
	ix = &c->point_index[d];
	for (i = 0; !ix->built && i < dev->n_points; i++) /* the points are final by now */
		if (dev->points[i].name != NULL &&
		    pue_strmap_add(&ix->map, dev->points[i].name, i, NULL) < 0) {
			c->oom = true;
			return -1;
		}
	ix->built = true;
	return pue_strmap_find(&ix->map, name, &i) ? (ssize_t)i : -1;
}

void
pue_config_device_index_free(struct pue_cfgctx *c)
{
	size_t i;

	for (i = 0; i < c->n_point_index; i++)
		pue_strmap_free(&c->point_index[i].map);
	free(c->point_index);
	c->point_index = NULL;
	c->n_point_index = 0;
	pue_strmap_free(&c->device_index);
}

static bool
same_bus_settings(const struct pue_modbus_conf *a, const struct pue_modbus_conf *b)
{
	return a->baud == b->baud && a->parity == b->parity && a->data_bits == b->data_bits &&
	       a->stop_bits == b->stop_bits;
}

/* Settles connections: for the TCP link of the devices refs[first..end)
 * (sorted by configuration order): the value the first device that sets
 * it gives, with an error at each device that sets another, or 1; every
 * device of the link then holds it (the poller reads it from any). Returns
 * the connections pued will open: no more than the link has unit ids, as
 * each unit id keeps to one connection. */
static size_t
settle_connections(struct pue_cfgctx *c, const struct pue_ynode *seq, const struct ref *refs,
		   size_t first, size_t end)
{
	struct pue_config *cfg = c->cfg;
	const struct pue_device_conf *set = NULL;
	bool seen[256] = {false};
	size_t i, units = 0;
	unsigned n = 1;

	for (i = first; i < end; i++) {
		const struct pue_device_conf *d = &cfg->devices[refs[i].index];

		units += !seen[d->modbus.unit_id];
		seen[d->modbus.unit_id] = true;
		if (d->modbus.connections == 0)
			continue;
		if (set == NULL) {
			set = d;
			n = d->modbus.connections;
		} else if (d->modbus.connections != n)
			pue_yaml_tree_error(
				c->tree,
				pue_yaml_tree_get(
					pue_yaml_tree_get(seq->kids[refs[i].index], "modbus"),
					"connections"),
				"link %s:%u has connections: %u from device %s (line %d); "
				"devices on one link share it",
				d->modbus.host, (unsigned)d->modbus.port, n,
				set->name ? set->name : "?", set->line);
	}
	for (i = first; i < end; i++)
		cfg->devices[refs[i].index].modbus.connections = (uint8_t)n;
	return n < units ? n : units;
}

/* Counts the Modbus connections pued will open (one per serial device,
 * and up to connections: per TCP host:port), each one descriptor libmodbus
 * must keep below FD_SETSIZE; checks that the devices sharing a serial bus
 * agree on its settings and those sharing a TCP link on its connections. */
static void
check_links(struct pue_cfgctx *c, const struct pue_ynode *seq)
{
	struct pue_config *cfg = c->cfg;
	struct ref *refs;
	size_t i, j, end, n = 0, links = 0, first;

	if ((refs = pue_config_value_calloc(c, cfg->n_devices, sizeof(*refs))) == NULL)
		return;
	for (i = 0; i < cfg->n_devices; i++) {
		struct pue_device_conf *d = &cfg->devices[i];
		char *key = NULL;
		int rc = 0;

		if (d->protocol == PUE_PROTO_MODBUS_TCP && d->modbus.host != NULL)
			rc = asprintf(&key, "tcp %s:%u", d->modbus.host, d->modbus.port);
		else if (d->protocol == PUE_PROTO_MODBUS_RTU && d->modbus.serial_device != NULL)
			rc = asprintf(&key, "rtu %s", d->modbus.serial_device);
		else
			continue;
		if (rc < 0) {
			c->oom = true;
			goto out;
		}
		for (j = 4; key[j] != '\0'; j++) /* host names ignore case */
			key[j] = (char)tolower((unsigned char)key[j]);
		refs[n++] = (struct ref){key, i};
	}
	qsort(refs, n, sizeof(*refs), ref_cmp);
	for (first = 0; first < n; first = end) {
		const struct pue_device_conf *f = &cfg->devices[refs[first].index];

		for (end = first + 1; end < n && strcmp(refs[end].key, refs[first].key) == 0; end++)
			;
		if (f->protocol == PUE_PROTO_MODBUS_TCP) {
			links += settle_connections(c, seq, refs, first, end);
			continue;
		}
		links++;
		cfg->devices[refs[first].index].modbus.connections = 1;
		for (i = first + 1; i < end; i++) {
			struct pue_device_conf *d = &cfg->devices[refs[i].index];

			d->modbus.connections = 1;
			if (!same_bus_settings(&d->modbus, &f->modbus))
				pue_yaml_tree_error(
					c->tree,
					pue_yaml_tree_get(seq->kids[refs[i].index], "modbus"),
					"serial bus %s is already used by device %s (line %d) at "
					"%u baud, parity %c, %u data bits, %u stop bits; devices "
					"on one bus share its settings",
					d->modbus.serial_device, f->name ? f->name : "?", f->line,
					f->modbus.baud, f->modbus.parity, f->modbus.data_bits,
					f->modbus.stop_bits);
		}
	}
	if (links > PUE_MODBUS_MAX_CONNECTIONS)
		pue_yaml_tree_error(
			c->tree, seq,
			"needs %zu Modbus connections; libmodbus 3.1.6 cannot use socket "
			"descriptors >= 1024, the limit is %d",
			links, PUE_MODBUS_MAX_CONNECTIONS);
out:
	for (i = 0; i < n; i++)
		free(refs[i].key);
	free(refs);
}

void
pue_config_device_read(struct pue_cfgctx *c, const struct pue_ynode *seq)
{
	struct pue_config *cfg = c->cfg;
	size_t i;

	if (seq == NULL || !pue_config_value_is_seq(c, seq))
		return;
	if (seq->n_kids == 0) {
		pue_yaml_tree_error(c->tree, seq, "at least one device is needed");
		return;
	}
	if ((cfg->devices = pue_config_value_calloc(c, seq->n_kids, sizeof(*cfg->devices))) == NULL)
		return;
	cfg->n_devices = seq->n_kids;
	for (i = 0; i < cfg->n_devices && !c->oom; i++)
		read_device(c, seq->kids[i], &cfg->devices[i]);
	check_names(c, seq);
	check_links(c, seq);
}
