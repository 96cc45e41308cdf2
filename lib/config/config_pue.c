/* SPDX-License-Identifier: MIT */
/*
 * config_pue.c - the pue: section (what is summed, windows, thresholds)
 (the alerts: section is config_alerts.c).
 *
 *   pue:
 *     facility: {add: [incomer-1/energy], subtract: [office/energy]}
 *     it: {add: [ups-a/output]}
 *     windows: [15m, 1h, 24h, 7d, 30d, 365d]
 *     ceiling: 1.25
 *
 * Part of the configuration loader (config_ctx.h). Terms name a
 * "device/point" and are resolved here against the devices read before,
 * each error at the term's own line and column. See PUE.md for why every
 * IT point must say where it measures, and why the windows are energy sums.
 */
#include "config/config_pue.h"

#include <stdlib.h>
#include <string.h>

#include "config/config_device.h"
#include "config/config_text.h"
#include "core/duration.h"
#include "core/window.h"
#include "config/config_value.h"

#define MINUTE_MS (60 * 1000LL)
#define DAY_MS (86400 * 1000LL)

/* Key tables, laid out by hand. */
/* clang-format off */
static const char *const pue_keys[] = {
	"facility", "it", "zones", "windows", "ceiling", "warning", "hysteresis", "min_coverage",
	"alert_window", "min_duration", "year_start", "dcie", NULL
};
static const char *const sum_keys[] = {"add", "subtract", NULL};
static const char *const zone_keys[] = {"name", "it", "infrastructure", NULL};
/* clang-format on */

/* The PUE.md defaults: the interim windows and the 12-month figure. */
static const int64_t default_windows_ms[] = {
	15 * MINUTE_MS, 60 * MINUTE_MS, DAY_MS, 7 * DAY_MS, 30 * DAY_MS, 365 * DAY_MS,
};

/* Terms ----------------------------------------------------------------- */

/* Resolves "device/point" into t, or reports at n why not. */
static bool
resolve_term(struct pue_cfgctx *c, const struct pue_ynode *n, struct pue_term *t)
{
	const struct pue_config *cfg = c->cfg;
	const struct pue_device_conf *d;
	const char *slash, *hint;
	const char **names;
	char buf[128], *dev;
	ssize_t di, pi;
	size_t i;

	if (n->kind == PUE_YNODE_ALIAS)
		return false;
	if (n->kind != PUE_YNODE_SCALAR || pue_yaml_tree_is_null(n) || strlen(n->text) != n->len ||
	    (slash = strchr(n->text, '/')) == NULL || slash == n->text || slash[1] == '\0' ||
	    strchr(slash + 1, '/') != NULL) {
		pue_yaml_tree_error(c->tree, n, "expected \"device/point\", got %s",
				    pue_config_value_show(n, buf, sizeof(buf)));
		return false;
	}
	if ((dev = strndup(n->text, (size_t)(slash - n->text))) == NULL) {
		c->oom = true;
		return false;
	}
	di = pue_config_device_index(c, dev);
	if (di < 0) {
		if (c->suggestions++ >= PUE_CFG_MAX_NAME_SUGGESTIONS)
			pue_yaml_tree_error(c->tree, n, "no device \"%s\"", dev);
		else if ((names = pue_config_value_calloc(c, cfg->n_devices, sizeof(*names))) !=
			 NULL) {
			for (i = 0; i < cfg->n_devices; i++)
				names[i] = cfg->devices[i].name;
			hint = pue_config_text_suggest(dev, names, cfg->n_devices);
			pue_yaml_tree_error(c->tree, n, "no device \"%s\"%s%s%s", dev,
					    hint ? "; did you mean \"" : "", hint ? hint : "",
					    hint ? "\"?" : "");
			free(names);
		}
		free(dev);
		return false;
	}
	d = &cfg->devices[di];
	pi = pue_config_device_point_index(c, (size_t)di, slash + 1);
	if (pi < 0) {
		if (c->suggestions++ >= PUE_CFG_MAX_NAME_SUGGESTIONS)
			pue_yaml_tree_error(c->tree, n, "device %s has no point \"%s\"", dev,
					    slash + 1);
		else if ((names = pue_config_value_calloc(c, d->n_points, sizeof(*names))) !=
			 NULL) {
			for (i = 0; i < d->n_points; i++)
				names[i] = d->points[i].name;
			hint = pue_config_text_suggest(slash + 1, names, d->n_points);
			pue_yaml_tree_error(c->tree, n, "device %s has no point \"%s\"%s%s%s", dev,
					    slash + 1, hint ? "; did you mean \"" : "",
					    hint ? hint : "", hint ? "\"?" : "");
			free(names);
		}
		free(dev);
		return false;
	}
	free(dev);
	t->device = (size_t)di;
	t->point = (size_t)pi;
	return true;
}

/* Reads one add: or subtract: list into sum, after the terms already
 * there; at[] keeps each term's node for "listed twice" messages, and seen
 * indexes the terms' text (a resolved "device/point" names one point in
 * one spelling) to find them. */
static void
read_terms(struct pue_cfgctx *c, const struct pue_ynode *seq, int sign, bool it,
	   struct pue_sum *sum, const struct pue_ynode **at, struct pue_strmap *seen)
{
	const struct pue_config *cfg = c->cfg;
	struct pue_term t;
	size_t i, j;
	int rc;

	for (i = 0; i < seq->n_kids; i++) {
		const struct pue_ynode *n = seq->kids[i];
		const struct pue_point_conf *p;

		if (!resolve_term(c, n, &t))
			continue;
		t.sign = sign;
		if ((rc = pue_strmap_add(seen, n->text, sum->n_terms, &j)) < 0) {
			c->oom = true;
			return;
		}
		if (rc > 0) {
			/* Counting a meter twice, or adding and subtracting it,
			 * is always a slip: the PUE would be silently wrong. */
			pue_yaml_tree_error(c->tree, n,
					    "%s is listed twice (first at line %d column %d)",
					    n->text, at[j]->line, at[j]->column);
			continue;
		}
		p = &cfg->devices[t.device].points[t.point];
		if (it && p->num.measured_at == PUE_AT_NONE)
			pue_yaml_tree_error(
				c->tree, n,
				"point %s has no measured_at; an IT point must say where "
				"it measures (ups_output, pdu_output or it_input) to set "
				"the PUE category",
				n->text);
		at[sum->n_terms] = n;
		sum->terms[sum->n_terms++] = t;
	}
}

/* {add: [...], subtract: [...]}; add needs at least one term. */
static void
read_sum(struct pue_cfgctx *c, const struct pue_ynode *n, bool it, struct pue_sum *sum)
{
	const struct pue_ynode *add, *sub, **at;
	struct pue_strmap seen = {0};
	size_t max = 0;

	if (n == NULL || !pue_config_value_is_map(c, n))
		return;
	pue_config_value_check_keys(c, n, sum_keys);
	if ((add = pue_config_value_require(c, n, "add")) != NULL &&
	    !pue_config_value_is_seq(c, add))
		add = NULL;
	if ((sub = pue_yaml_tree_get(n, "subtract")) != NULL && !pue_config_value_is_seq(c, sub))
		sub = NULL;
	if (add != NULL && add->n_kids == 0)
		pue_yaml_tree_error(c->tree, add, "needs at least one \"device/point\" term");
	max = (add ? add->n_kids : 0) + (sub ? sub->n_kids : 0);
	if (max == 0)
		return;
	if ((sum->terms = pue_config_value_calloc(c, max, sizeof(*sum->terms))) == NULL)
		return;
	if ((at = pue_config_value_calloc(c, max, sizeof(*at))) == NULL)
		return;
	if (add != NULL)
		read_terms(c, add, +1, it, sum, at, &seen);
	if (sub != NULL)
		read_terms(c, sub, -1, it, sum, at, &seen);
	pue_strmap_free(&seen);
	free(at);
}

static void
read_zones(struct pue_cfgctx *c, const struct pue_ynode *seq)
{
	struct pue_pue_conf *pc = &c->cfg->pue;
	const struct pue_ynode *k;
	struct pue_strmap names = {0};
	size_t i;
	int rc;

	if (!pue_config_value_is_seq(c, seq) || seq->n_kids == 0)
		return;
	if ((pc->zones = pue_config_value_calloc(c, seq->n_kids, sizeof(*pc->zones))) == NULL)
		return;
	pc->n_zones = seq->n_kids;
	for (i = 0; i < pc->n_zones; i++) {
		const struct pue_ynode *n = seq->kids[i];
		struct pue_zone_conf *z = &pc->zones[i];

		if (!pue_config_value_is_map(c, n))
			continue;
		pue_config_value_check_keys(c, n, zone_keys);
		if ((k = pue_config_value_require(c, n, "name")) != NULL &&
		    pue_config_value_name(c, k, &z->name)) {
			if ((rc = pue_strmap_add(&names, z->name, i, NULL)) < 0)
				c->oom = true;
			else if (rc > 0)
				pue_yaml_tree_error(c->tree, k, "duplicate zone name \"%s\"",
						    z->name);
		}
		read_sum(c, pue_config_value_require(c, n, "it"), false, &z->it);
		read_sum(c, pue_config_value_require(c, n, "infrastructure"), false,
			 &z->infrastructure);
	}
	pue_strmap_free(&names);
}

/* Windows and thresholds ------------------------------------------------ */

struct window {
	int64_t ms;
	const struct pue_ynode *n;
};

static int
window_cmp(const void *a, const void *b)
{
	const struct window *x = a, *y = b;

	if (x->ms != y->ms)
		return x->ms < y->ms ? -1 : 1;
	if (x->n->line != y->n->line)
		return x->n->line < y->n->line ? -1 : 1;
	return x->n->column < y->n->column ? -1 : x->n->column > y->n->column;
}

/* A window's span (pue.windows, pue.alert_window): 1m is the bucket size;
 * 400d leaves the 365d figure room for a leap year and a late report. It
 * must be a whole number of minutes (pue_window_check_span()): a window of
 * 90s passed here and pued then could not make it. */
static bool
read_window(struct pue_cfgctx *c, const struct pue_ynode *n, int64_t *ms)
{
	struct pue_err err = {0};

	if (!pue_config_value_duration(c, n, MINUTE_MS, 400 * DAY_MS, ms))
		return false;
	if (pue_window_check_span(*ms, &err) == 0)
		return true;
	pue_yaml_tree_error(c->tree, n, "%s", err.msg);
	return false;
}

static void
read_windows(struct pue_cfgctx *c, const struct pue_ynode *seq)
{
	struct pue_pue_conf *pc = &c->cfg->pue;
	struct window *w;
	size_t i, n = 0;
	char text[32];

	if (seq == NULL) {
		n = sizeof(default_windows_ms) / sizeof(default_windows_ms[0]);
		if ((pc->windows_ms = pue_config_value_calloc(c, n, sizeof(int64_t))) == NULL)
			return;
		memcpy(pc->windows_ms, default_windows_ms, sizeof(default_windows_ms));
		pc->n_windows = n;
		return;
	}
	if (!pue_config_value_is_seq(c, seq))
		return;
	if (seq->n_kids == 0) {
		pue_yaml_tree_error(c->tree, seq, "needs at least one window");
		return;
	}
	if ((w = pue_config_value_calloc(c, seq->n_kids, sizeof(*w))) == NULL)
		return;
	for (i = 0; i < seq->n_kids; i++)
		if (read_window(c, seq->kids[i], &w[n].ms))
			w[n++].n = seq->kids[i];
	qsort(w, n, sizeof(*w), window_cmp);
	if ((pc->windows_ms = pue_config_value_calloc(c, n, sizeof(int64_t))) != NULL) {
		for (i = 0; i < n; i++) {
			if (pc->n_windows > 0 && pc->windows_ms[pc->n_windows - 1] == w[i].ms) {
				pue_duration_format(w[i].ms, text, sizeof(text));
				pue_yaml_tree_error(c->tree, w[i].n, "window %s is listed twice",
						    text);
				continue;
			}
			pc->windows_ms[pc->n_windows++] = w[i].ms;
		}
	}
	free(w);
}

/* "MM-DD", a day every year has (29 February would start some years on
 * 1 March). */
static void
read_year_start(struct pue_cfgctx *c, const struct pue_ynode *n)
{
	static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	struct pue_pue_conf *pc = &c->cfg->pue;
	const char *s = n->text;
	unsigned month, day;
	char buf[128];

	if (n->kind == PUE_YNODE_ALIAS)
		return;
	if (n->kind == PUE_YNODE_SCALAR && n->len == 5 && s[2] == '-' &&
	    strspn(s, "0123456789") == 2 && strspn(s + 3, "0123456789") == 2) {
		month = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
		day = (unsigned)(s[3] - '0') * 10 + (unsigned)(s[4] - '0');
		if (month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1]) {
			pc->year_start_month = month;
			pc->year_start_day = day;
			return;
		}
	}
	pue_yaml_tree_error(
		c->tree, n,
		"expected a month and day \"MM-DD\" that every year has (e.g. \"04-01\"), "
		"got %s",
		pue_config_value_show(n, buf, sizeof(buf)));
}

static void
read_thresholds(struct pue_cfgctx *c, const struct pue_ynode *n)
{
	struct pue_pue_conf *pc = &c->cfg->pue;
	const struct pue_ynode *ceiling, *warning, *k, *aw;
	bool levels_ok = true, window_ok = true;
	char text[32];
	size_t i;

	if ((ceiling = pue_yaml_tree_get(n, "ceiling")) != NULL)
		levels_ok &= pue_config_value_double(c, ceiling, 1.0, 3.0, &pc->ceiling);
	if ((warning = pue_yaml_tree_get(n, "warning")) != NULL)
		levels_ok &= pue_config_value_double(c, warning, 1.0, 3.0, &pc->warning);
	if (levels_ok && pc->warning > pc->ceiling) {
		if (warning != NULL)
			pue_yaml_tree_error(c->tree, warning,
					    "%g is above ceiling %g; the warning "
					    "must come before the ceiling is crossed",
					    pc->warning, pc->ceiling);
		else
			pue_yaml_tree_error(c->tree, ceiling,
					    "%g is below the default warning level %g; set "
					    "pue.warning as well",
					    pc->ceiling, pc->warning);
	}
	if ((k = pue_yaml_tree_get(n, "hysteresis")) != NULL)
		pue_config_value_double(c, k, 0, 0.5, &pc->hysteresis);
	if ((k = pue_yaml_tree_get(n, "min_coverage")) != NULL)
		pue_config_value_double(c, k, 0, 1, &pc->min_coverage);
	if ((k = pue_yaml_tree_get(n, "min_duration")) != NULL)
		pue_config_value_duration(c, k, 0, DAY_MS, &pc->min_duration_ms);
	if ((aw = pue_yaml_tree_get(n, "alert_window")) != NULL)
		window_ok = read_window(c, aw, &pc->alert_window_ms);
	if (!window_ok || pc->windows_ms == NULL)
		return;
	for (i = 0; i < pc->n_windows; i++)
		if (pc->windows_ms[i] == pc->alert_window_ms)
			return;
	pue_duration_format(pc->alert_window_ms, text, sizeof(text));
	if (aw != NULL)
		pue_yaml_tree_error(c->tree, aw, "%s is not one of pue.windows", text);
	else
		pue_yaml_tree_error(
			c->tree, pue_yaml_tree_get(n, "windows"),
			"the default alert_window %s is not one of the windows; add it or "
			"set pue.alert_window",
			text);
}

void
pue_config_pue_read(struct pue_cfgctx *c, const struct pue_ynode *n)
{
	struct pue_pue_conf *pc = &c->cfg->pue;
	const struct pue_ynode *k;

	pc->ceiling = 1.25; /* the Yangtze River Delta and national hub ceiling */
	pc->warning = 1.22;
	pc->hysteresis = 0.01;
	pc->min_coverage = 0.95;
	pc->alert_window_ms = DAY_MS;
	pc->min_duration_ms = 15 * MINUTE_MS;
	pc->year_start_month = 1;
	pc->year_start_day = 1;
	if (n == NULL || !pue_config_value_is_map(c, n))
		return;
	pue_config_value_check_keys(c, n, pue_keys);
	read_sum(c, pue_config_value_require(c, n, "facility"), false, &pc->facility);
	read_sum(c, pue_config_value_require(c, n, "it"), true, &pc->it);
	if ((k = pue_yaml_tree_get(n, "zones")) != NULL && !pue_yaml_tree_is_null(k))
		read_zones(c, k);
	read_windows(c, pue_yaml_tree_get(n, "windows"));
	read_thresholds(c, n);
	if ((k = pue_yaml_tree_get(n, "year_start")) != NULL)
		read_year_start(c, k);
	if ((k = pue_yaml_tree_get(n, "dcie")) != NULL)
		pue_config_value_bool(c, k, &pc->dcie);
}
