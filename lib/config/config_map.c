/* SPDX-License-Identifier: MIT */
/*
 * config_map.c - ready-made point maps for common meters ("map: sdm630").
 *
 *   devices:
 *     - name: incomer
 *       protocol: modbus_tcp
 *       modbus: {host: 10.0.0.10, unit_id: 1}
 *       map: sdm630                 # meters/sdm630.yaml
 *       points:                     # optional: replaces the map's "energy"
 *         - {name: energy, register: 0x0048, function: input, type: float32,
 *            unit: kWh, kind: energy, measured_at: ups_output}
 *
 * A map is a YAML file holding points:, in the same form as a device's
 * points, and optionally modbus: {max_read_registers, max_gap_registers}:
 * how the meter lets its registers be read (the largest read it answers,
 * and gaps of registers it answers without an exception), so that its
 * points are read in the fewest requests by default (issue 18: SDM630's
 * power and energy are 18 and 34 registers apart). A device's own
 * modbus: keys override the map's. NAME.yaml is looked for in the meters/ directory next to
 * the configuration file, then in PUE_MAPS_DIR (the installed maps). Each
 * map is read once per load, however many devices use it, and its mistakes
 * are reported once, at their place in the map file ("meters/x.yaml:12:9:
 * points[3].type: ..."), after the configuration file's own. A device gets
 * the map's points in the map's order; a point of its own with the same
 * name replaces the map's whole point, and its other points follow.
 *
 * Part of the configuration loader (config_ctx.h). On the loader's thread.
 */
#include "config/config_map.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config_point.h"
#include "config/config_value.h"
#include "config/yaml_load.h"

#ifndef PUE_MAPS_DIR
#define PUE_MAPS_DIR "/usr/local/share/pued/meters"
#endif

struct pue_cfgmap {
	char *name;
	struct pue_ytree *tree; /* the map file, with its errors; NULL when not found */
	struct pue_point_conf *points;
	size_t n_points;
	bool has_read, has_gap; /* the map's modbus: sets them */
	uint16_t max_read, max_gap;
};

static const char *const map_keys[] = {"points", "modbus", NULL};
static const char *const map_modbus_keys[] = {"max_read_registers", "max_gap_registers", NULL};

/* A map name becomes a file name: letters, digits, '_' and '-', starting
 * with a letter or digit, so it never leaves the maps directory. */
static bool
map_name_is_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n &&
	       s[0] != '-' && s[0] != '_';
}

static bool
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Fills path with the first NAME.yaml that exists; false (and both
 * candidates in tried) when none does. */
static bool
find_map_file(const struct pue_cfgctx *c, const char *name, char *path, size_t size, char *tried,
	      size_t tried_size)
{
	const char *cfg_path = c->cfg->path, *slash = strrchr(cfg_path, '/');
	char local[4096], shared[4096];
	int dir_len = slash != NULL ? (int)(slash - cfg_path) : 1;

	snprintf(local, sizeof(local), "%.*s/meters/%s.yaml", dir_len,
		 slash != NULL ? cfg_path : ".", name);
	snprintf(shared, sizeof(shared), "%s/%s.yaml", PUE_MAPS_DIR, name);
	if (is_file(local)) {
		snprintf(path, size, "%s", local);
		return true;
	}
	if (is_file(shared)) {
		snprintf(path, size, "%s", shared);
		return true;
	}
	snprintf(tried, tried_size, "%s and %s", local, shared);
	return false;
}

/* The map's modbus: keys, the same ranges as a device's (config_device.c). */
static void
read_map_modbus(struct pue_cfgctx *mc, struct pue_cfgmap *m, const struct pue_ynode *n)
{
	const struct pue_ynode *k;
	uint64_t u;

	if (n == NULL || !pue_config_value_is_map(mc, n))
		return;
	pue_config_value_check_keys(mc, n, map_modbus_keys);
	if ((k = pue_yaml_tree_get(n, "max_read_registers")) != NULL &&
	    pue_config_value_uint(mc, k, 1, 125, &u))
		m->max_read = (uint16_t)u, m->has_read = true;
	if ((k = pue_yaml_tree_get(n, "max_gap_registers")) != NULL &&
	    pue_config_value_uint(mc, k, 0, 125, &u))
		m->max_gap = (uint16_t)u, m->has_gap = true;
}

/* Reads the points of a loaded map tree into m. */
static void
read_map_points(struct pue_cfgctx *c, struct pue_cfgmap *m)
{
	struct pue_cfgctx mc = {.tree = m->tree, .cfg = c->cfg};
	const struct pue_ynode *root = pue_yaml_tree_root(m->tree), *seq;
	/* Maps are for Modbus meters; the device's own settings come later. */
	struct pue_device_conf proto = {.name = m->name,
					.protocol = PUE_PROTO_MODBUS_TCP,
					.poll_interval_ms = c->cfg->poll_interval_ms};
	size_t i;

	if (root == NULL || root->kind != PUE_YNODE_MAPPING) {
		pue_yaml_tree_error(m->tree, root, "expected a mapping with a points: list");
		return;
	}
	pue_config_value_check_keys(&mc, root, map_keys);
	read_map_modbus(&mc, m, pue_yaml_tree_get(root, "modbus"));
	if ((seq = pue_config_value_require(&mc, root, "points")) == NULL ||
	    !pue_config_value_is_seq(&mc, seq))
		goto out;
	if (seq->n_kids == 0) {
		pue_yaml_tree_error(m->tree, seq, "a map needs at least one point");
		goto out;
	}
	if ((m->points = pue_config_value_calloc(&mc, seq->n_kids, sizeof(*m->points))) == NULL)
		goto out;
	m->n_points = seq->n_kids;
	for (i = 0; i < m->n_points; i++)
		pue_config_point_read_modbus(&mc, seq->kids[i], &m->points[i], &proto);
	pue_config_point_check_names(&mc, seq, m->points, m->n_points);
out:
	if (mc.oom)
		c->oom = true;
}

/* The map called name, read now or earlier in this load; NULL after
 * reporting at node why there is none. */
static const struct pue_cfgmap *
get_map(struct pue_cfgctx *c, const struct pue_ynode *node, const char *name)
{
	char path[4096], tried[8300];
	struct pue_cfgmap *grown, *m;
	size_t i;

	for (i = 0; i < c->n_maps; i++)
		if (strcmp(c->maps[i].name, name) == 0)
			return c->maps[i].tree != NULL ? &c->maps[i] : NULL;
	grown = reallocarray(c->maps, c->n_maps + 1, sizeof(*c->maps));
	if (grown == NULL) {
		c->oom = true;
		return NULL;
	}
	c->maps = grown;
	m = &c->maps[c->n_maps];
	memset(m, 0, sizeof(*m));
	if ((m->name = pue_config_value_strdup(c, name)) == NULL)
		return NULL;
	c->n_maps++;
	if (!find_map_file(c, name, path, sizeof(path), tried, sizeof(tried))) {
		pue_yaml_tree_error(c->tree, node, "no meter map \"%s\" (looked for %s)", name,
				    tried);
		return NULL;
	}
	if ((m->tree = pue_yaml_tree_new(path)) == NULL) {
		c->oom = true;
		return NULL;
	}
	if (pue_yaml_load_file(m->tree) == 0)
		read_map_points(c, m);
	return m;
}

/* A copy of a map's point for one device. */
static bool
copy_point(struct pue_cfgctx *c, const struct pue_point_conf *from, struct pue_point_conf *to)
{
	*to = *from;
	to->oid = NULL;
	to->invalid_values = NULL;
	to->n_invalid_values = 0;
	to->name = pue_config_value_strdup(c, from->name);
	return to->name != NULL;
}

/* The map's read limits, where the device's modbus: (mb, may be NULL)
 * does not set its own. */
static void
apply_limits(const struct pue_cfgmap *m, const struct pue_ynode *mb, struct pue_device_conf *d)
{
	bool mapping = mb != NULL && mb->kind == PUE_YNODE_MAPPING;

	if (m->has_read && !(mapping && pue_yaml_tree_get(mb, "max_read_registers") != NULL))
		d->modbus.max_read_registers = m->max_read;
	if (m->has_gap && !(mapping && pue_yaml_tree_get(mb, "max_gap_registers") != NULL))
		d->modbus.max_gap_registers = m->max_gap;
}

void
pue_config_map_apply(struct pue_cfgctx *c, const struct pue_ynode *node, struct pue_device_conf *d,
		     bool proto_ok, const struct pue_ynode *mb)
{
	const struct pue_cfgmap *m;
	struct pue_point_conf *merged;
	struct pue_strmap own = {0}; /* the device's point names */
	char *name = NULL, buf[128];
	bool *taken = NULL;
	size_t i, j, n = 0;

	if (proto_ok && d->protocol == PUE_PROTO_SNMP) {
		pue_yaml_tree_error_key(c->tree, node, "only for Modbus devices");
		return;
	}
	if (!pue_config_value_string(c, node, &name))
		return;
	if (!map_name_is_valid(name)) {
		pue_yaml_tree_error(
			c->tree, node,
			"expected a map name such as sdm630 (letters, digits, _ and -), "
			"got %s",
			pue_config_value_show(node, buf, sizeof(buf)));
		goto out;
	}
	if ((m = get_map(c, node, name)) == NULL || m->n_points == 0)
		goto out;
	if (proto_ok)
		apply_limits(m, mb, d);
	merged = pue_config_value_calloc(c, m->n_points + d->n_points, sizeof(*merged));
	taken = pue_config_value_calloc(c, d->n_points + 1, sizeof(*taken));
	if (merged == NULL || taken == NULL) {
		free(merged);
		goto out;
	}
	for (j = 0; j < d->n_points; j++)
		if (d->points[j].name != NULL &&
		    pue_strmap_add(&own, d->points[j].name, j, NULL) < 0) {
			c->oom = true;
			free(merged);
			goto out;
		}
	for (i = 0; i < m->n_points; i++) {
		if (m->points[i].name == NULL) /* reported in the map file */
			continue;
		if (pue_strmap_find(&own, m->points[i].name, &j) && !taken[j]) {
			/* the device's own point replaces the map's */
			merged[n++] = d->points[j];
			taken[j] = true;
		} else if (copy_point(c, &m->points[i], &merged[n]))
			n++;
	}
	for (j = 0; j < d->n_points; j++)
		if (!taken[j])
			merged[n++] = d->points[j];
	free(d->points); /* the structs moved into merged */
	d->points = merged;
	d->n_points = n;
out:
	pue_strmap_free(&own);
	free(taken);
	free(name);
}

size_t
pue_config_map_n_errors(const struct pue_cfgctx *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->n_maps; i++)
		if (c->maps[i].tree != NULL)
			n += pue_yaml_tree_n_errors(c->maps[i].tree) +
			     pue_yaml_tree_oom(c->maps[i].tree);
	return n;
}

int
pue_config_map_take_errors(struct pue_cfgctx *c, char ***lines, size_t *n)
{
	size_t i;

	for (i = 0; i < c->n_maps; i++)
		if (c->maps[i].tree != NULL &&
		    pue_config_value_append_errors(c->maps[i].tree, lines, n) < 0)
			return -ENOMEM;
	return 0;
}

void
pue_config_map_free(struct pue_cfgctx *c)
{
	size_t i;

	for (i = 0; i < c->n_maps; i++) {
		free(c->maps[i].name);
		pue_yaml_tree_free(c->maps[i].tree);
		pue_config_point_free_array(c->maps[i].points, c->maps[i].n_points);
	}
	free(c->maps);
	c->maps = NULL;
	c->n_maps = 0;
}
