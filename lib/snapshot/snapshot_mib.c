/* SPDX-License-Identifier: MIT */
/*
 * snapshot_mib.c - the values the AgentX subagent serves (PUED-MIB), built
 * from a snapshot's figures, year and device health; see snapshot_mib.h.
 */
#include "snapshot/snapshot_mib.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alerts/alert_mib.h"
#include "alerts/alert_rules.h"
#include "core/duration.h"
#include "core/figure.h"
#include "snapshot/status.h"

struct mib {
	struct pue_mib_values *vs;
	const uint32_t *prefix;
	size_t prefix_len;
	int rc;
};

static void
num(struct mib *m, const uint32_t *arcs, size_t n, enum pue_mib_type type, int64_t v)
{
	if (m->rc == 0)
		m->rc = pue_alert_mib_add_number(m->vs, m->prefix, m->prefix_len, arcs, n, type, v);
}

static void
str(struct mib *m, const uint32_t *arcs, size_t n, const char *s)
{
	if (m->rc == 0)
		m->rc = pue_alert_mib_add_octets(m->vs, m->prefix, m->prefix_len, arcs, n, s,
						 strlen(s));
}

static int64_t
clamp32(double v)
{
	if (v > 2147483647.0)
		return 2147483647;
	if (v < -2147483647.0)
		return -2147483647;
	return (int64_t)llround(v);
}

static void
window_rows(struct mib *m, const struct pue_snapshot *s)
{
	char text[64];
	uint32_t i;

	for (i = 0; i < s->n_windows; i++) {
		struct pue_figure f = s->windows[i].f;
		uint32_t c[] = {PUE_MIB_OBJECTS, PUE_MIB_WINDOW_TABLE, 1, 0, i + 1};
		bool number = f.state == PUE_FIG_OK || f.state == PUE_FIG_WARNING ||
			      f.state == PUE_FIG_CEILING || f.state == PUE_FIG_BELOW_ONE;

		c[3] = PUE_MIB_WIN_NAME;
		str(m, c, 5, s->windows[i].name);
		c[3] = PUE_MIB_WIN_SECONDS;
		num(m, c, 5, PUE_MIB_GAUGE32, s->windows[i].span_ms / 1000);
		c[3] = PUE_MIB_WIN_STATE;
		num(m, c, 5, PUE_MIB_INTEGER, (int64_t)f.state + 1);
		if (number) { /* "insufficient data is never a number" */
			c[3] = PUE_MIB_WIN_PUE;
			num(m, c, 5, PUE_MIB_INTEGER, pue_alert_mib_milli(f.pue));
		}
		c[3] = PUE_MIB_WIN_PUE_TEXT;
		pue_alert_rules_pue_text(&f, text, sizeof(text));
		str(m, c, 5, text);
		c[3] = PUE_MIB_WIN_COVERAGE;
		num(m, c, 5, PUE_MIB_GAUGE32,
		    (int64_t)llround(pue_figure_coverage_shown(f.coverage, 1e4) * 10000));
		c[3] = PUE_MIB_WIN_CATEGORY;
		num(m, c, 5, PUE_MIB_INTEGER, s->category);
		c[3] = PUE_MIB_WIN_FACILITY;
		num(m, c, 5, PUE_MIB_GAUGE32, f.facility > 0 ? clamp32(f.facility) : 0);
		c[3] = PUE_MIB_WIN_IT;
		num(m, c, 5, PUE_MIB_GAUGE32, f.it > 0 ? clamp32(f.it) : 0);
	}
}

static void
year_values(struct mib *m, const struct pue_snapshot *s)
{
	const struct pue_year_figures *yf = &s->year;
	const struct pue_year *y = &yf->y;
	uint32_t c[] = {PUE_MIB_OBJECTS, PUE_MIB_YEAR, 0, 0};
	bool ok = yf->known && y->state == PUE_YEAR_OK;
	char text[200], room[48];
	time_t start = (time_t)(yf->start_ms / 1000);
	struct tm tm;

	c[2] = PUE_MIB_YEAR_STATE;
	num(m, c, 4, PUE_MIB_INTEGER, ok ? 1 : 2);
	if (yf->known) {
		localtime_r(&start, &tm);
		strftime(text, sizeof(text), "%Y-%m-%d", &tm);
		c[2] = PUE_MIB_YEAR_START;
		str(m, c, 4, text);
	}
	if (ok) {
		c[2] = PUE_MIB_YEAR_TO_DATE;
		num(m, c, 4, PUE_MIB_INTEGER, pue_alert_mib_milli(y->pue_ytd));
		c[2] = PUE_MIB_YEAR_PROJECTED;
		num(m, c, 4, PUE_MIB_INTEGER, pue_alert_mib_milli(y->pue_projected));
		c[2] = PUE_MIB_YEAR_HEADROOM;
		num(m, c, 4, PUE_MIB_INTEGER, clamp32(y->headroom_kwh));
		c[2] = PUE_MIB_YEAR_BUDGET;
		num(m, c, 4, PUE_MIB_INTEGER, clamp32(y->budget_kwh));
		c[2] = PUE_MIB_YEAR_REQUIRED;
		num(m, c, 4, PUE_MIB_INTEGER, pue_alert_mib_milli(y->pue_required));
		c[2] = PUE_MIB_YEAR_OUT_OF_REACH;
		num(m, c, 4, PUE_MIB_INTEGER, y->out_of_reach ? 1 : 2); /* TruthValue */
		pue_figure_format_fixed(y->headroom_kwh, 0, true, room, sizeof(room)); /* not -0 */
		snprintf(text, sizeof(text),
			 "so far %.4f, projected %.4f, headroom %s kWh, required %.4f%s",
			 y->pue_ytd, y->pue_projected, room, y->pue_required,
			 y->out_of_reach ? ": the ceiling is out of reach this year" : "");
	} else
		snprintf(text, sizeof(text), "insufficient data: %s",
			 !yf->known ? "not computed yet"
			 : y->why   ? y->why
				    : "?");
	c[2] = PUE_MIB_YEAR_TEXT;
	str(m, c, 4, text);
}

static void
device_rows(struct mib *m, const struct pue_snapshot *s)
{
	uint32_t i;
	char addr[160];

	for (i = 0; i < s->n_devices; i++) {
		const struct pue_device_conf *d = &s->cfg->devices[i];
		const struct pue_health *h = s->devices[i].polled ? &s->devices[i].health : NULL;
		uint32_t c[] = {PUE_MIB_OBJECTS, PUE_MIB_DEVICE_TABLE, 1, 0, i + 1};

		c[3] = PUE_MIB_DEV_NAME;
		str(m, c, 5, d->name);
		c[3] = PUE_MIB_DEV_PROTOCOL;
		str(m, c, 5, pue_config_text_protocol_name(d->protocol));
		c[3] = PUE_MIB_DEV_ADDRESS;
		pue_status_device_address(d, addr, sizeof(addr));
		str(m, c, 5, addr);
		c[3] = PUE_MIB_DEV_STATE;
		num(m, c, 5, PUE_MIB_INTEGER, h != NULL ? (int64_t)h->state + 1 : 1);
		c[3] = PUE_MIB_DEV_LAST_ERROR;
		str(m, c, 5, h != NULL ? pue_health_error(h) : "");
		c[3] = PUE_MIB_DEV_FAILURES;
		num(m, c, 5, PUE_MIB_COUNTER32,
		    h != NULL ? (int64_t)(h->failures & 0xffffffffu) : 0);
	}
}

int
pue_snapshot_mib_values(const struct pue_snapshot *s, struct pue_mib_values *vs)
{
	uint32_t prefix[PUE_MIB_MAX_PREFIX];
	size_t prefix_len, i, active = 0;
	struct mib m = {vs, prefix, 0, 0};
	const struct pue_pue_conf *pc = &s->cfg->pue;
	char text[16];

	if (pue_alert_mib_parse_prefix(s->cfg->alerts.enterprise_oid, prefix, &prefix_len) < 0)
		return -EINVAL;
	m.prefix_len = prefix_len;
	for (i = 0; i < s->n_alerts; i++)
		active += s->alerts[i].phase == PUE_ALERT_FIRING;
	str(&m, (const uint32_t[]){PUE_MIB_OBJECTS, PUE_MIB_SITE, 0}, 3, s->cfg->site);
	num(&m, (const uint32_t[]){PUE_MIB_OBJECTS, PUE_MIB_CEILING, 0}, 3, PUE_MIB_GAUGE32,
	    pue_alert_mib_milli(pc->ceiling));
	num(&m, (const uint32_t[]){PUE_MIB_OBJECTS, PUE_MIB_WARNING, 0}, 3, PUE_MIB_GAUGE32,
	    pue_alert_mib_milli(pc->warning));
	num(&m, (const uint32_t[]){PUE_MIB_OBJECTS, PUE_MIB_CATEGORY, 0}, 3, PUE_MIB_INTEGER,
	    s->category);
	pue_duration_format_span(pc->alert_window_ms, text, sizeof(text));
	str(&m, (const uint32_t[]){PUE_MIB_OBJECTS, PUE_MIB_ALERT_WINDOW, 0}, 3, text);
	num(&m, (const uint32_t[]){PUE_MIB_OBJECTS, PUE_MIB_ACTIVE_ALERTS, 0}, 3, PUE_MIB_GAUGE32,
	    (int64_t)active);
	window_rows(&m, s);
	year_values(&m, s);
	device_rows(&m, s);
	return m.rc;
}
