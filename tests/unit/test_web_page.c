/* SPDX-License-Identifier: MIT */
/*
 * test_web_page.c - the status page at "/": the alert window's PUE as
 * status shows it, the ceiling, every window, the curves, alerts, devices
 * and the year from the control socket's answers; every string from them
 * escaped; no script and nothing to fetch. And the feed that makes the
 * page on the main loop: its curves read from a database the store wrote,
 * ending at the last whole step before now, with a gap where data is
 * missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "util/buf.h"
#include "store/store.h"
#include "web/web_feed.h"
#include "web/web_page.h"

#define T0 1772323200000LL /* 2026-03-01T00:00:00Z */
#define MIN_MS 60000LL
#define HOUR_MS (60 * MIN_MS)

/* A status answer as pued gives it (doc/schema/status.json), trimmed to
 * what the page reads, with hostile strings where pued passes text on. */
static const char status_json[] =
	"{\"site\": \"Hall <7> & 'B'\", \"time\": \"2026-03-02T00:00:00.000Z\","
	" \"ceiling\": 1.25, \"warning\": 1.22, \"min_coverage\": 0.95,"
	" \"alert_window\": \"24h\", \"category\": 1,"
	" \"instant\": {\"state\": \"ok\", \"pue\": 1.2, \"pue_milli\": 1200, \"coverage\": 1,"
	"  \"category\": 1, \"facility_kw\": 960, \"it_kw\": 800},"
	" \"windows\": ["
	"  {\"window\": \"15m\", \"state\": \"insufficient_data\", \"pue\": null,"
	"   \"pue_milli\": null, \"coverage\": 0.933, \"category\": 1, \"facility_kwh\": 224,"
	"   \"it_kwh\": 186.7},"
	"  {\"window\": \"1h\", \"state\": \"<b>bold</b>\", \"pue\": 1.2, \"pue_milli\": 1200,"
	"   \"coverage\": 1, \"category\": 1, \"facility_kwh\": 960, \"it_kwh\": 800},"
	"  {\"window\": \"24h\", \"state\": \"warning\", \"pue\": 1.2214, \"pue_milli\": 1221,"
	"   \"coverage\": 0.9986, \"category\": 1, \"facility_kwh\": 23450.9,"
	"   \"it_kwh\": 19200}],"
	" \"devices\": [{\"name\": \"ups-a\", \"state\": \"down\", \"address\": \"127.0.0.1:1502\","
	"  \"last_success\": null, \"last_error\": \"read 3060+2: <timeout>\"}],"
	" \"year\": {\"state\": \"ok\", \"ceiling\": 1.25, \"pue_ytd\": 1.2635,"
	"  \"pue_projected\": 1.2474, \"headroom_kwh\": 22800, \"pue_required\": 1.227,"
	"  \"out_of_reach\": false, \"over_ceiling\": false},"
	" \"alerts\": {\"firing\": 1, \"pending\": 0}}";

static const char alerts_json[] =
	"{\"active\": [{\"number\": 7, \"alert\": \"pue_warning:24h\", \"severity\": \"warning\","
	" \"state\": \"firing\", \"since\": \"2026-03-01T23:00:00.000Z\", \"acked_by\": null,"
	" \"message\": \"24h PUE 1.221 <script>alert(1)</script>\"}]}";

static const struct pue_chart_point day[] = {
	{T0 + 1 * HOUR_MS, 1.20, true},
	{T0 + 2 * HOUR_MS, 1.21, true},
	{T0 + 3 * HOUR_MS, 1.40, false},
};

static char *
render(const char *status, const char *alerts, unsigned refresh_s)
{
	json_t *st = json_loads(status, 0, NULL), *al = alerts ? json_loads(alerts, 0, NULL) : NULL;
	struct pue_web_page_input in = {
		.status = st,
		.alerts = al,
		.day = {.points = day, .n = 3, .from_ms = T0, .to_ms = T0 + 3 * HOUR_MS},
		.month = {.from_ms = T0 - 29 * 24 * HOUR_MS, .to_ms = T0 + 24 * HOUR_MS},
		.day_step = "hour",
		.month_step = "6 hours",
		.refresh_s = refresh_s};
	struct pue_buf b = PUE_BUF_INIT;

	assert_non_null(st);
	pue_web_page_render(&b, &in);
	json_decref(st);
	json_decref(al);
	assert_false(pue_buf_failed(&b));
	return pue_buf_take(&b, NULL);
}

static void
has(const char *page, const char *needle)
{
	if (strstr(page, needle) == NULL)
		fail_msg("no \"%s\" in\n%s", needle, page);
}

static void
test_web_page_headline_is_the_alert_windows_figure(void **state)
{
	char *p = render(status_json, alerts_json, 60);

	(void)state;
	has(p, "<span class=\"pue state-warning\" id=\"pue-now\" data-window=\"24h\">1.221</span>");
	has(p, "<span class=\"state-warning\">ABOVE WARNING</span>");
	has(p, "ceiling <strong id=\"ceiling\">1.25</strong>, warning level 1.22");
	/* coverage 0.9986, cut to 0.1% (figure.h) */
	has(p, "coverage 99.8% (95% needed for a figure); measurement category 1.");
	has(p, "<title>PUE 1.221 - Hall &lt;7&gt; &amp; &#39;B&#39; - pued</title>");
	has(p, "<meta http-equiv=\"refresh\" content=\"60\">");
	free(p);
	p = render(status_json, alerts_json, 0);
	assert_null(strstr(p, "http-equiv"));
	free(p);
}

static void
test_web_page_windows_with_coverage_and_category(void **state)
{
	char *p = render(status_json, alerts_json, 60);

	(void)state;
	/* no number without the coverage for it */
	has(p, "<tr><th scope=\"row\">15m</th><td class=\"num state-insufficient_data\">-</td>"
	       "<td>insufficient data</td><td class=\"num\">93.3%</td><td class=\"num\">1</td>");
	has(p, "<tr><th scope=\"row\">24h</th><td class=\"num state-warning\">1.221</td>"
	       "<td>ABOVE WARNING</td><td class=\"num\">99.8%</td><td class=\"num\">1</td>"
	       "<td class=\"num\">23450.9 kWh</td><td class=\"num\">19200.0 kWh</td></tr>");
	/* a state pued does not know is no class name and no markup */
	has(p, "<td class=\"num state-unknown\">1.200</td><td>unknown</td>");
	assert_null(strstr(p, "<b>bold"));
	free(p);
}

static void
test_web_page_curves_alerts_devices_year(void **state)
{
	char *p = render(status_json, alerts_json, 60);
	const char *fig;

	(void)state;
	assert_non_null(fig = strstr(p, "<figure id=\"curve-24h\">"));
	assert_non_null(strstr(fig, "<polyline class=\"pue-line\""));
	assert_non_null(strstr(fig, "<rect class=\"gap\""));
	assert_non_null(strstr(fig, "<line class=\"ceiling\""));
	assert_non_null(fig = strstr(p, "<figure id=\"curve-30d\">"));
	assert_non_null(strstr(fig, "insufficient data: no figure to draw"));
	has(p, "24h PUE 1.221 &lt;script&gt;alert(1)&lt;/script&gt;");
	has(p, "<td class=\"sev-warning\">warning</td><td>firing</td>");
	has(p, "<th scope=\"row\">ups-a</th><td>down</td><td>127.0.0.1:1502</td><td>-</td>"
	       "<td>read 3060+2: &lt;timeout&gt;</td>");
	has(p, "PUE so far 1.2635; at the last 30 days' pace the year ends at 1.2474, under "
	       "the ceiling 1.25, with +22800 kWh of headroom");
	/* nothing to run or fetch; one link, to pued's own /metrics */
	assert_null(strstr(p, "<script"));
	assert_null(strstr(p, "src="));
	assert_non_null(strstr(p, "<a href=\"/metrics\">/metrics</a>"));
	assert_null(strstr(strstr(p, "href=") + 1, "href="));
	free(p);
}

static void
test_web_page_without_alerts_or_figure(void **state)
{
	char *p = render("{\"site\": \"s\", \"alert_window\": \"24h\", \"windows\": []}", NULL, 0);

	(void)state;
	has(p, "id=\"pue-now\" data-window=\"24h\">-</span>");
	has(p, "<h2>Active alerts</h2>\n<p>Not known.</p>");
	free(p);
	p = render(status_json, "{\"active\": []}", 0);
	has(p, "<h2>Active alerts</h2>\n<p>None.</p>");
	free(p);
}

/* Energy is never negative (PUE.md): a value a hair below zero (a meter
 * subtracted from another) shows as 0.0, never "-0.0". */
static void
test_web_page_never_shows_minus_zero(void **state)
{
	char *p = render(
		"{\"site\": \"s\", \"alert_window\": \"15m\","
		" \"instant\": {\"state\": \"no_it_load\", \"facility_kw\": 12.5, \"it_kw\": "
		"-0.01},"
		" \"windows\": [{\"window\": \"15m\", \"state\": \"no_it_load\", \"coverage\": 1,"
		" \"category\": 1, \"facility_kwh\": 3.125, \"it_kwh\": -0.0}]}",
		NULL, 0);

	(void)state;
	has(p, "Power now: facility 12.5 kW, IT 0.0 kW");
	has(p, "<td class=\"num\">3.1 kWh</td><td class=\"num\">0.0 kWh</td></tr>");
	assert_null(strstr(p, "-0.0 k"));
	free(p);
}

/* The points of the polylines in the figure at fig, and how many lines. */
static size_t
curve_points(const char *fig, size_t *lines)
{
	const char *end_fig = strstr(fig, "</figure>"), *p = fig, *end;
	size_t n = 0;

	*lines = 0;
	while ((p = strstr(p, "points=\"")) != NULL && p < end_fig) {
		end = strchr(p + 8, '"');
		(*lines)++;
		for (n++; (p = strchr(p + 1, ' ')) != NULL && p < end;)
			n++;
		p = end;
	}
	return n;
}

/* The feed: two days of minutes at 960 / 800 kW from T0, none in the
 * hour from 40:00; the page built at 48:05 (a lag of a minute, 59 s of
 * grace and a 1 s flush: curves end at 48:00). */
static void
test_web_feed_curves_from_the_database(void **state)
{
	char dir[] = "/tmp/pued-web.XXXXXX", path[64], cmd[64];
	struct pue_config cfg = {.site = "s"};
	struct pue_store *st;
	struct pue_web_feed *f;
	struct pue_err err;
	json_t *status;
	char *page, *again;
	const char *fig;
	size_t len, lines;
	int64_t t;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pued.db", dir);
	cfg.pue = (struct pue_pue_conf){.ceiling = 1.25, .warning = 1.22, .min_coverage = 0.95};
	cfg.storage = (struct pue_storage_conf){.path = path,
						.raw_retention_ms = 24 * HOUR_MS,
						.minute_retention_ms = 400 * 24 * HOUR_MS,
						.disk_budget_bytes = UINT64_C(1) << 30,
						.flush_interval_ms = 1000};
	assert_non_null(f = pue_web_feed_new(&cfg, 59000));
	status = json_loads(status_json, 0, NULL);
	/* no database yet: a page all the same, with no curve */
	assert_non_null(page = pue_web_feed_build(f, status, NULL, T0, &len, &err));
	assert_null(strstr(page, "<polyline"));
	free(page);

	assert_non_null(st = pue_store_open(
				path,
				&(struct pue_store_conf){.raw_retention_ms = 24 * HOUR_MS,
							 .minute_retention_ms = 400 * 24 * HOUR_MS,
							 .disk_budget_bytes = UINT64_C(1) << 30},
				&err));
	for (t = T0; t < T0 + 48 * HOUR_MS; t += MIN_MS) {
		struct pue_minute m = {t, 16.0, 40.0 / 3, MIN_MS};

		if (t < T0 + 40 * HOUR_MS || t >= T0 + 41 * HOUR_MS)
			assert_int_equal(pue_store_add_minute(st, &m, 1), 0);
	}
	assert_int_equal(pue_store_flush(st, (pue_wall_t){0}, &err), 0);
	assert_non_null(page = pue_web_feed_build(f, status, NULL, T0 + 48 * HOUR_MS + 5 * MIN_MS,
						  &len, &err));
	assert_int_equal(strlen(page), len);
	assert_non_null(fig = strstr(page, "<figure id=\"curve-24h\">"));
	/* 96 quarters from 24:00 to 48:00; 40:00-41:00 shaded, so two lines
	 * of 64 and 28 points; the last point at the plot's right edge */
	assert_non_null(strstr(fig, "<rect class=\"gap\""));
	assert_int_equal(curve_points(fig, &lines), 64 + 28);
	assert_int_equal(lines, 2);
	assert_non_null(strstr(fig, " 630.0,"));

	/* Read again only when a step completes: minutes stored meanwhile
	 * show from the next quarter's build on. The hour missing at 40:00
	 * is filled now; at 48:10 (same quarter) the page is as it was. */
	for (t = T0 + 40 * HOUR_MS; t < T0 + 41 * HOUR_MS; t += MIN_MS) {
		struct pue_minute m = {t, 16.0, 40.0 / 3, MIN_MS};

		assert_int_equal(pue_store_add_minute(st, &m, 1), 0);
	}
	assert_int_equal(pue_store_flush(st, (pue_wall_t){0}, &err), 0);
	again = pue_web_feed_build(f, status, NULL, T0 + 48 * HOUR_MS + 10 * MIN_MS, &len, &err);
	assert_string_equal(again, page);
	free(again);
	again = pue_web_feed_build(f, status, NULL, T0 + 48 * HOUR_MS + 20 * MIN_MS, &len, &err);
	assert_non_null(fig = strstr(again, "<figure id=\"curve-24h\">"));
	/* 24:30 to 48:15: one line of 95 points, the last quarter (no data
	 * after 48:00) its only gap */
	assert_int_equal(curve_points(fig, &lines), 95);
	assert_int_equal(lines, 1);
	free(again);
	free(page);
	pue_store_close(st);
	pue_web_feed_free(f);
	pue_web_feed_free(NULL);
	json_decref(status);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* What the HTTP thread gets: nothing (503) before the first page, then a
 * reference to the latest, which stays valid after the next update. */
static void
test_web_feed_publishes_pages_by_reference(void **state)
{
	struct pue_config cfg = {.site = "s"};
	struct pue_http_request req = {.path = "/"};
	struct pue_web_feed *f;
	struct pue_blob *first, *second;
	json_t *status = json_loads(status_json, 0, NULL);

	(void)state;
	cfg.pue = (struct pue_pue_conf){.ceiling = 1.25, .warning = 1.22, .min_coverage = 0.95};
	assert_non_null(f = pue_web_feed_new(&cfg, 59000));
	assert_null(pue_web_feed_page(f, &req));
	pue_web_feed_update(f, status, NULL, T0);
	assert_non_null(first = pue_web_feed_page(f, &req));
	assert_string_equal(first->content_type, "text/html; charset=utf-8");
	assert_true(first->len > 0 && first->len == strlen(first->data));
	assert_non_null(strstr(first->data, "id=\"pue-now\" data-window=\"24h\">1.221<"));
	json_object_set_new(status, "time", json_string("2026-03-02T00:01:00.000Z"));
	pue_web_feed_update(f, status, NULL, T0 + MIN_MS);
	assert_non_null(second = pue_web_feed_page(f, &req));
	assert_ptr_not_equal(first, second);
	assert_non_null(strstr(second->data, "2026-03-02T00:01:00.000Z"));
	assert_non_null(strstr(first->data, "2026-03-02T00:00:00.000Z")); /* still ours */
	pue_blob_unref(first);
	pue_blob_unref(second);
	pue_web_feed_free(f);
	json_decref(status);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_web_page_headline_is_the_alert_windows_figure),
		cmocka_unit_test(test_web_page_windows_with_coverage_and_category),
		cmocka_unit_test(test_web_page_curves_alerts_devices_year),
		cmocka_unit_test(test_web_page_without_alerts_or_figure),
		cmocka_unit_test(test_web_page_never_shows_minus_zero),
		cmocka_unit_test(test_web_feed_curves_from_the_database),
		cmocka_unit_test(test_web_feed_publishes_pages_by_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
