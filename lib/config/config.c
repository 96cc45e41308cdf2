/* SPDX-License-Identifier: MIT */
/*
 * config.c - loading pued.yaml; see config.h.
 *
 * The start of the data flow (config ──► devices ──► ...). The file is read
 * into a tree with positions (yaml_tree.c), then walked section by section
 * into a fresh struct pue_config (config_device.c, config_pue.c), each value
 * through a checking reader (config_value.c). As OpenBSD ntpd's parse.y
 * does, a mistake is recorded and the walk goes on, so one run reports every
 * error; only a complete, error-free configuration is handed over. This file
 * holds the entry point, the top level, storage: and control:, and the
 * names, lookups and freeing the rest of pued uses.
 */
#include "config/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config/config_alerts.h"
#include "config/config_ctx.h"
#include "config/config_device.h"
#include "config/config_http.h"
#include "config/config_map.h"
#include "config/config_point.h"
#include "config/config_pue.h"
#include "config/config_secret.h"
#include "config/config_value.h"
#include "config/diag.h"
#include "util/log.h"
#include "config/yaml_load.h"

#define DAY_MS (86400 * 1000LL)

/* Key tables, laid out by hand. */
/* clang-format off */
static const char *const top_keys[] = {
	"site", "poll_interval", "workers", "devices", "pue", "alerts", "storage", "control",
	"http", NULL
};
static const char *const storage_keys[] = {
	"path", "raw_retention", "minute_retention", "disk_budget", "flush_interval", NULL
};
static const char *const control_keys[] = {"socket", "group", "admin_group", NULL};
/* clang-format on */

/* Names and lookups ------------------------------------------------------ */

ssize_t
pue_config_find_device(const struct pue_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_devices; i++)
		if (cfg->devices[i].name != NULL && strcmp(cfg->devices[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

ssize_t
pue_config_find_point(const struct pue_device_conf *dev, const char *name)
{
	size_t i;

	for (i = 0; i < dev->n_points; i++)
		if (dev->points[i].name != NULL && strcmp(dev->points[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

int
pue_config_category(const struct pue_config *cfg, const struct pue_sum *it)
{
	int cat = 0;
	size_t i;

	for (i = 0; i < it->n_terms; i++) {
		const struct pue_term *t = &it->terms[i];
		int c = pue_point_it_location_category(
			cfg->devices[t->device].points[t->point].num.measured_at);

		if (cat == 0 || c < cat)
			cat = c;
	}
	return cat;
}

/* Exec targets' programs ------------------------------------------------ */

/* Why the program at path cannot be run, or NULL when it can. access()
 * judges as this process's user and groups: pued checks as the user it
 * runs as, --check-config as whoever runs it. */
static const char *
program_problem(const char *path, char *buf, size_t len)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return "does not exist";
		snprintf(buf, len, "cannot be looked at (%s)", strerror(errno));
		return buf;
	}
	if (!S_ISREG(st.st_mode))
		return "is not a file";
	if (access(path, X_OK) < 0)
		return "is not executable";
	return NULL;
}

int
pue_config_check_programs(const struct pue_config *cfg, struct pue_diags *diags)
{
	struct pue_diag_list l = {0};
	const char *why;
	char buf[160], *text;
	size_t i;

	diags->lines = NULL;
	diags->n = 0;
	for (i = 0; i < cfg->alerts.n_targets; i++) {
		const struct pue_target_conf *t = &cfg->alerts.targets[i];

		if (t->type != PUE_TARGET_EXEC || t->argv == NULL || t->argv[0] == NULL ||
		    (why = program_problem(t->argv[0], buf, sizeof(buf))) == NULL)
			continue;
		if (asprintf(&text,
			     "%s:%d:%d: alerts.targets[%zu].command[0]: %s %s: target \"%s\" "
			     "cannot run it",
			     cfg->path, t->program_line, t->program_column, i, t->argv[0], why,
			     t->name) < 0) {
			pue_diag_free(&l);
			return -ENOMEM;
		}
		pue_diag_add(&l, t->program_line, t->program_column, text);
	}
	if (l.oom || pue_diag_take(&l, &diags->lines, &diags->n) < 0) {
		pue_diag_free(&l);
		return -ENOMEM;
	}
	return (int)diags->n;
}

/* Freeing --------------------------------------------------------------- */

static void
free_snmp(struct pue_snmp_conf *s)
{
	free(s->host);
	free(s->user);
	pue_config_secret_free(&s->community);
	pue_config_secret_free(&s->auth_passphrase);
	pue_config_secret_free(&s->priv_passphrase);
}

static void
free_device(struct pue_device_conf *d)
{
	pue_config_point_free_array(d->points, d->n_points);
	free(d->name);
	free(d->modbus.host);
	free(d->modbus.serial_device);
	free_snmp(&d->snmp);
}

void
pue_config_free(struct pue_config *cfg)
{
	size_t i, j;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->n_devices; i++)
		free_device(&cfg->devices[i]);
	free(cfg->devices);
	free(cfg->pue.facility.terms);
	free(cfg->pue.it.terms);
	for (i = 0; i < cfg->pue.n_zones; i++) {
		free(cfg->pue.zones[i].name);
		free(cfg->pue.zones[i].it.terms);
		free(cfg->pue.zones[i].infrastructure.terms);
	}
	free(cfg->pue.zones);
	free(cfg->pue.windows_ms);
	for (i = 0; i < cfg->alerts.n_targets; i++) {
		struct pue_target_conf *t = &cfg->alerts.targets[i];

		free(t->name);
		free_snmp(&t->snmp);
		for (j = 0; j < t->argc; j++)
			free(t->argv[j]);
		free(t->argv);
	}
	free(cfg->alerts.targets);
	free(cfg->alerts.enterprise_oid);
	free(cfg->alerts.agentx_socket);
	free(cfg->storage.path);
	free(cfg->control.socket);
	free(cfg->control.group);
	free(cfg->control.admin_group);
	pue_config_http_free(&cfg->http);
	free(cfg->site);
	free(cfg->path);
	free(cfg);
}

void
pue_config_diags_free(struct pue_diags *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free(d->lines[i]);
	free(d->lines);
	d->lines = NULL;
	d->n = 0;
}

/* Sections -------------------------------------------------------------- */

static void
read_storage(struct pue_cfgctx *c, const struct pue_ynode *n)
{
	struct pue_storage_conf *s = &c->cfg->storage;
	const struct pue_ynode *k;

	s->raw_retention_ms = 7 * DAY_MS;
	s->minute_retention_ms = 400 * DAY_MS; /* a 365-day window and a late report */
	s->disk_budget_bytes = UINT64_C(2) << 30;
	s->flush_interval_ms = 1000;
	if ((s->path = pue_config_value_strdup(c, "/var/lib/pued/pued.db")) == NULL)
		return;
	if (n == NULL || pue_yaml_tree_is_null(n) || !pue_config_value_is_map(c, n))
		return;
	pue_config_value_check_keys(c, n, storage_keys);
	if ((k = pue_yaml_tree_get(n, "path")) != NULL)
		pue_config_value_string(c, k, &s->path);
	if ((k = pue_yaml_tree_get(n, "raw_retention")) != NULL)
		pue_config_value_duration(c, k, 3600 * 1000, 3650 * DAY_MS, &s->raw_retention_ms);
	if ((k = pue_yaml_tree_get(n, "minute_retention")) != NULL &&
	    pue_config_value_duration(c, k, DAY_MS, 3650 * DAY_MS, &s->minute_retention_ms)) {
		const struct pue_pue_conf *pc = &c->cfg->pue;
		int64_t longest = 0;
		size_t i;
		char text[32];

		for (i = 0; i < pc->n_windows; i++)
			if (pc->windows_ms[i] > longest)
				longest = pc->windows_ms[i];
		/* Windows resume from the stored minutes after a restart or a
		 * reload: fewer minutes would leave the longest one short of
		 * data (insufficient) for as long as it is long. */
		if (s->minute_retention_ms < longest) {
			pue_duration_format(longest, text, sizeof(text));
			pue_yaml_tree_error(c->tree, k,
					    "shorter than the longest window, %s: pued resumes its "
					    "windows from the stored minutes after a restart",
					    text);
		}
	}
	/* 1 MiB is a floor for tests; a site with 4000 meters needs GiBs. */
	if ((k = pue_yaml_tree_get(n, "disk_budget")) != NULL)
		pue_config_value_size(c, k, UINT64_C(1) << 20, UINT64_C(1) << 50,
				      &s->disk_budget_bytes);
	if ((k = pue_yaml_tree_get(n, "flush_interval")) != NULL)
		pue_config_value_duration(c, k, 10, 3600 * 1000, &s->flush_interval_ms);
}

static void
read_control(struct pue_cfgctx *c, const struct pue_ynode *n)
{
	struct pue_control_conf *ctl = &c->cfg->control;
	const struct pue_ynode *k;

	if ((ctl->socket = pue_config_value_strdup(c, "/run/pued/pued.sock")) == NULL)
		return;
	if (n == NULL || pue_yaml_tree_is_null(n) || !pue_config_value_is_map(c, n))
		return;
	pue_config_value_check_keys(c, n, control_keys);
	if ((k = pue_yaml_tree_get(n, "socket")) != NULL &&
	    pue_config_value_string(c, k, &ctl->socket) &&
	    strlen(ctl->socket) >= sizeof(((struct sockaddr_un *)NULL)->sun_path))
		pue_yaml_tree_error(c->tree, k,
				    "longer than %zu bytes, the most a UNIX socket path holds",
				    sizeof(((struct sockaddr_un *)NULL)->sun_path) - 1);
	if ((k = pue_yaml_tree_get(n, "group")) != NULL)
		pue_config_value_string(c, k, &ctl->group);
	if ((k = pue_yaml_tree_get(n, "admin_group")) != NULL)
		pue_config_value_string(c, k, &ctl->admin_group);
}

static void
read_top(struct pue_cfgctx *c, const struct pue_ynode *root)
{
	struct pue_config *cfg = c->cfg;
	const struct pue_ynode *k;
	uint64_t u;

	cfg->poll_interval_ms = 1000;
	cfg->workers = 4;
	if (root == NULL) {
		pue_yaml_tree_error(c->tree, NULL, "the file holds no configuration");
		return;
	}
	if (root->kind != PUE_YNODE_MAPPING) {
		pue_yaml_tree_error(
			c->tree, root,
			"expected a mapping of settings (site:, devices:, pue:, ...) at the "
			"top level");
		return;
	}
	pue_config_value_check_keys(c, root, top_keys);
	if ((k = pue_config_value_require(c, root, "site")) != NULL)
		pue_config_value_string(c, k, &cfg->site);
	if ((k = pue_yaml_tree_get(root, "poll_interval")) != NULL)
		pue_config_value_duration(c, k, PUE_CFG_POLL_MIN_MS, PUE_CFG_POLL_MAX_MS,
					  &cfg->poll_interval_ms);
	if ((k = pue_yaml_tree_get(root, "workers")) != NULL &&
	    pue_config_value_uint(c, k, 1, 256, &u))
		cfg->workers = (unsigned)u;
	/* Devices before pue:, whose terms name them. */
	pue_config_device_read(c, pue_config_value_require(c, root, "devices"));
	pue_config_pue_read(c, pue_config_value_require(c, root, "pue"));
	pue_config_alerts_read(c, pue_yaml_tree_get(root, "alerts"));
	read_storage(c, pue_yaml_tree_get(root, "storage"));
	read_control(c, pue_yaml_tree_get(root, "control"));
	pue_config_http_read(c, pue_yaml_tree_get(root, "http"));
}

/* Loading --------------------------------------------------------------- */

/* Loads the file at path, or the len bytes at buf when buf is not NULL. */
static int
load(const char *path, const char *buf, size_t len, enum pue_config_purpose purpose,
     struct pue_config **out, struct pue_diags *diags, struct pue_diags *notes)
{
	struct pue_cfgctx c = {.purpose = purpose};
	struct pue_diags none = {0};
	int rc;

	if (diags == NULL)
		diags = &none;
	diags->lines = NULL;
	diags->n = 0;
	if (notes != NULL)
		*notes = (struct pue_diags){0};
	if ((c.tree = pue_yaml_tree_new(path)) == NULL)
		return -ENOMEM;
	rc = buf != NULL ? pue_yaml_load_buffer(c.tree, buf, len) : pue_yaml_load_file(c.tree);
	if (rc == 0) {
		if ((c.cfg = calloc(1, sizeof(*c.cfg))) == NULL ||
		    (c.cfg->path = strdup(path)) == NULL)
			c.oom = true;
		else
			read_top(&c, pue_yaml_tree_root(c.tree));
		if (c.oom || pue_yaml_tree_oom(c.tree)) {
			pue_yaml_tree_error(c.tree, NULL, "out of memory");
			rc = -ENOMEM;
		} else if (pue_yaml_tree_n_errors(c.tree) > 0 || pue_config_map_n_errors(&c) > 0 ||
			   pue_config_http_n_errors(&c) > 0)
			rc = PUE_E_CONFIG;
	}
	/* Before the hand-over, so that a list that cannot be given fails it. */
	if (notes != NULL && pue_yaml_tree_take_notes(c.tree, &notes->lines, &notes->n) < 0 &&
	    rc == 0)
		rc = -ENOMEM;
	if (rc == 0) {
		struct stat st;

		/* Secrets written in the file itself: it must not be for all eyes. */
		if (buf == NULL && c.inline_secrets && stat(path, &st) == 0 &&
		    (st.st_mode & S_IROTH))
			pue_log(LOG_WARNING,
				"config: %s holds secrets and is readable by every user; chmod o-r "
				"it, or move them to {file: ...} or {credential: ...}",
				path);
		*out = c.cfg;
		c.cfg = NULL;
	} else if ((pue_yaml_tree_take_errors(c.tree, &diags->lines, &diags->n) < 0 ||
		    pue_config_map_take_errors(&c, &diags->lines, &diags->n) < 0 ||
		    pue_config_http_take_errors(&c, &diags->lines, &diags->n) < 0) &&
		   rc == PUE_E_CONFIG)
		rc = -ENOMEM;
	pue_config_map_free(&c);
	pue_yaml_tree_free(c.web_tree);
	pue_config_device_index_free(&c);
	pue_config_diags_free(&none);
	pue_config_free(c.cfg);
	pue_yaml_tree_free(c.tree);
	return rc;
}

int
pue_config_load(const char *path, struct pue_config **out, struct pue_diags *diags)
{
	return load(path, NULL, 0, PUE_CONFIG_FOR_DAEMON, out, diags, NULL);
}

int
pue_config_load_for(const char *path, enum pue_config_purpose purpose, struct pue_config **out,
		    struct pue_diags *diags, struct pue_diags *notes)
{
	return load(path, NULL, 0, purpose, out, diags, notes);
}

int
pue_config_load_buffer(const char *path, const char *buf, size_t len, struct pue_config **out,
		       struct pue_diags *diags)
{
	return load(path, buf != NULL ? buf : "", len, PUE_CONFIG_FOR_DAEMON, out, diags, NULL);
}
