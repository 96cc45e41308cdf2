/* SPDX-License-Identifier: MIT */
/* report.c - period sums, dates and exports; see report.h. */
#include "report/report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "core/duration.h"
#include "store/raw_cursor.h"

#define HOUR_MS (3600 * 1000LL)

struct pue_report_db {
	sqlite3 *db;
	char path[256];
};

struct pue_report_db *
pue_report_open(const char *path, struct pue_err *err)
{
	struct pue_report_db *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		pue_err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	snprintf(r->path, sizeof(r->path), "%s", path);
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		pue_err_set(err, PUE_E_STORE, "%s: %s", path,
			    r->db ? sqlite3_errmsg(r->db) : "out of memory");
		pue_report_close(r);
		return NULL;
	}
	sqlite3_busy_timeout(r->db, 2000);
	/* Reports scan a span once: a cache beyond a few index pages saves no
	 * read, and pued keeps two of these connections open (the year's
	 * watch, the status page) for its whole life: 256 KiB each, not
	 * SQLite's default 2000 KiB (issue 18). */
	sqlite3_exec(r->db, "PRAGMA cache_size = -256", NULL, NULL, NULL);
	return r;
}

void
pue_report_close(struct pue_report_db *r)
{
	if (r == NULL)
		return;
	sqlite3_close(r->db);
	free(r);
}

void
pue_report_release(struct pue_report_db *r)
{
	if (r != NULL)
		(void)sqlite3_db_release_memory(r->db);
}

static int
fail(struct pue_report_db *r, struct pue_err *err, const char *what)
{
	return pue_err_set(err, PUE_E_STORE, "%s: %s: %s", r->path, what, sqlite3_errmsg(r->db));
}

struct sums {
	double facility_kwh, it_kwh;
	int64_t covered_ms;
	int category;
};

static int
sum_table(struct pue_report_db *r, const char *table, int64_t from, int64_t to, struct sums *s,
	  struct pue_err *err)
{
	char sql[200];
	sqlite3_stmt *q = NULL;
	int rc = 0;

	if (from >= to)
		return 0;
	snprintf(sql, sizeof(sql),
		 "SELECT total(facility_kwh), total(it_kwh), total(covered_ms), min(category)"
		 " FROM %s WHERE t >= ? AND t < ?",
		 table);
	if (sqlite3_prepare_v2(r->db, sql, -1, &q, NULL) != SQLITE_OK)
		return fail(r, err, "summing the period");
	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	if (sqlite3_step(q) == SQLITE_ROW) {
		s->facility_kwh += sqlite3_column_double(q, 0);
		s->it_kwh += sqlite3_column_double(q, 1);
		s->covered_ms += (int64_t)sqlite3_column_double(q, 2);
		if (sqlite3_column_type(q, 3) != SQLITE_NULL) {
			int c = sqlite3_column_int(q, 3);

			if (s->category == 0 || c < s->category)
				s->category = c;
		}
	} else
		rc = fail(r, err, "summing the period");
	sqlite3_finalize(q);
	return rc;
}

static int64_t
scalar(struct pue_report_db *r, const char *sql, int64_t dflt)
{
	sqlite3_stmt *q = NULL;
	int64_t v = dflt;

	if (sqlite3_prepare_v2(r->db, sql, -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

/* Hours above the ceiling and the warning level, judged one by one in C
 * with pue_figure_eval() (figure.h), the same rule as every other figure:
 * an hour at 1.250 is not above 1.25. An hour counts when its own coverage
 * supports a figure; one below 1.0 is a metering error, above nothing. */
static int
count_hours(struct pue_report_db *r, int64_t from, int64_t to, const struct pue_pue_conf *pc,
	    struct pue_report *out, struct pue_err *err)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if (sqlite3_prepare_v2(r->db,
			       "SELECT facility_kwh, it_kwh, covered_ms FROM hours"
			       " WHERE t >= ? AND t + 3600000 <= ? AND it_kwh > 0",
			       -1, &q, NULL) != SQLITE_OK)
		return fail(r, err, "counting hours");
	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct pue_figure f =
			pue_figure_eval(sqlite3_column_double(q, 0), sqlite3_column_double(q, 1),
					(int64_t)sqlite3_column_double(q, 2), HOUR_MS, pc);

		if (f.state == PUE_FIG_INSUFFICIENT || f.state == PUE_FIG_NO_IT_LOAD)
			continue;
		out->hours_total++;
		out->hours_above_ceiling += f.state == PUE_FIG_CEILING;
		out->hours_above_warning +=
			f.state == PUE_FIG_CEILING || f.state == PUE_FIG_WARNING;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : fail(r, err, "counting hours");
}

/* Where a period starting at from_ms goes over from hours to minutes.
 * Minutes past their retention survive only as hours, so before the oldest
 * minute the hours tell. The hour holding the oldest minute comes from its
 * minutes when they hold all of it (none trimmed yet: pued's first hour),
 * else from its hour row, whole; a period that starts inside that hour
 * takes the minutes it still has rather than a whole hour's row. */
static int64_t
minutes_from(struct pue_report_db *r, int64_t from_ms)
{
	char sql[160];
	int64_t oldest, h0, split;

	oldest = scalar(r, "SELECT min(t) FROM minutes", INT64_MAX);
	if (oldest == INT64_MAX)
		return INT64_MAX;
	h0 = oldest - oldest % HOUR_MS;
	snprintf(sql, sizeof(sql),
		 "SELECT (SELECT total(covered_ms) FROM minutes WHERE t >= %lld AND t < %lld) ="
		 " (SELECT total(covered_ms) FROM hours WHERE t = %lld)",
		 (long long)h0, (long long)(h0 + HOUR_MS), (long long)h0);
	split = scalar(r, sql, 0) == 1 ? h0 : h0 + HOUR_MS;
	if (from_ms > h0 && from_ms < split)
		split = from_ms;
	return split;
}

int
pue_report_period(struct pue_report_db *r, int64_t from_ms, int64_t to_ms,
		  const struct pue_pue_conf *pc, struct pue_report *out, struct pue_err *err)
{
	struct sums s = {0};
	int64_t split;

	if (to_ms <= from_ms)
		return pue_err_set(err, -EINVAL, "the period ends before it starts");
	memset(out, 0, sizeof(*out));
	out->from_ms = from_ms;
	out->to_ms = to_ms;
	/* Hours up to where the minutes hold everything, minutes after it. */
	split = minutes_from(r, from_ms);
	if (split < from_ms)
		split = from_ms;
	if (split > to_ms)
		split = to_ms;
	if (sum_table(r, "hours", from_ms, split, &s, err) < 0 ||
	    sum_table(r, "minutes", split, to_ms, &s, err) < 0 ||
	    count_hours(r, from_ms, to_ms, pc, out, err) < 0)
		return PUE_E_STORE;
	out->fig = pue_figure_eval(s.facility_kwh, s.it_kwh, s.covered_ms, to_ms - from_ms, pc);
	out->category = s.category;
	if (pue_figure_has_value(&out->fig)) /* judged as printed: 1.250 complies */
		out->verdict = out->fig.state != PUE_FIG_CEILING ? "compliant" : "not compliant";
	else if (out->fig.state == PUE_FIG_BELOW_ONE)
		out->verdict = "metering error";
	else
		out->verdict = "insufficient data";
	return 0;
}

int
pue_report_series(struct pue_report_db *r, int64_t from_ms, int64_t to_ms, int64_t step_ms,
		  const struct pue_pue_conf *pc, struct pue_chart_point *points, size_t max,
		  struct pue_err *err)
{
	struct pue_report rep;
	size_t n = 0;
	int64_t t;

	if (step_ms <= 0)
		return pue_err_set(err, -EINVAL, "a series needs a step above zero");
	for (t = from_ms + step_ms; t <= to_ms && n < max; t += step_ms) {
		if (pue_report_period(r, t - step_ms, t, pc, &rep, err) < 0)
			return PUE_E_STORE;
		points[n++] =
			(struct pue_chart_point){t, rep.fig.pue, pue_figure_has_value(&rep.fig)};
	}
	return (int)n;
}

/* The start of the reporting year holding t (local time). */
static int64_t
year_start(int64_t t_ms, const struct pue_pue_conf *pc, int64_t *end_ms)
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm now, start;
	int64_t s;

	localtime_r(&t, &now);
	start = (struct tm){.tm_year = now.tm_year,
			    .tm_mon = (int)pc->year_start_month - 1,
			    .tm_mday = (int)pc->year_start_day,
			    .tm_isdst = -1};
	if (start.tm_mon < 0) { /* unset: the calendar year */
		start.tm_mon = 0;
		start.tm_mday = 1;
	}
	s = (int64_t)mktime(&start) * 1000;
	if (s > t_ms) {
		start.tm_year--;
		start.tm_isdst = -1;
		s = (int64_t)mktime(&start) * 1000;
	}
	start.tm_year++;
	start.tm_isdst = -1;
	*end_ms = (int64_t)mktime(&start) * 1000;
	return s;
}

int
pue_report_year(struct pue_report_db *r, int64_t now_ms, const struct pue_pue_conf *pc,
		struct pue_year *out, int64_t *start_ms, int64_t *end_ms, struct pue_err *err)
{
	const int64_t day = 24 * HOUR_MS;
	struct pue_year_input in = {0};
	struct pue_report ytd, pace;
	int64_t y0, y1, first, pace_from;

	y0 = year_start(now_ms, pc, &y1);
	*start_ms = y0;
	*end_ms = y1;
	first = scalar(r, "SELECT min(t) FROM hours", INT64_MAX);
	pace_from = now_ms - 30 * day;
	if (now_ms <= y0 || pue_report_period(r, y0, now_ms, pc, &ytd, err) < 0 ||
	    pue_report_period(r, pace_from, now_ms, pc, &pace, err) < 0) {
		*out = (struct pue_year){.state = PUE_YEAR_INSUFFICIENT, .why = "no data yet"};
		return now_ms <= y0 ? 0 : PUE_E_STORE;
	}
	in.facility_ytd_kwh = ytd.fig.facility;
	in.it_ytd_kwh = ytd.fig.it;
	in.coverage_ytd = ytd.fig.coverage;
	/* "Fewer than 30 days of data": the history, not the coverage. */
	in.pace_days = first == INT64_MAX ? 0 : (double)(now_ms - first) / (double)day;
	if (in.pace_days > 30)
		in.pace_days = 30;
	if (pace.fig.coverage > 0) {
		double covered_days = pace.fig.coverage * 30.0;

		in.facility_pace_kwh = pace.fig.facility / covered_days;
		in.it_pace_kwh = pace.fig.it / covered_days;
	}
	in.days_left = (double)(y1 - now_ms) / (double)day;
	*out = pue_year_project(&in, pc->ceiling, pc->min_coverage);
	return 0;
}

static int
export_rollups(struct pue_report_db *r, FILE *out, const char *table, int64_t from, int64_t to,
	       struct pue_err *err)
{
	char sql[200], when[40];
	sqlite3_stmt *q = NULL;
	int rc;

	snprintf(sql, sizeof(sql),
		 "SELECT t, facility_kwh, it_kwh, covered_ms, category FROM %s"
		 " WHERE t >= ? AND t < ? ORDER BY t",
		 table);
	if (sqlite3_prepare_v2(r->db, sql, -1, &q, NULL) != SQLITE_OK)
		return fail(r, err, "exporting");
	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	fprintf(out, "time,facility_kwh,it_kwh,covered_s,category,pue\n");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		double f = sqlite3_column_double(q, 1), it = sqlite3_column_double(q, 2);

		pue_duration_format_time((pue_wall_t){sqlite3_column_int64(q, 0)}, when,
					 sizeof(when));
		fprintf(out, "%s,%.6f,%.6f,%.3f,%d,", when, f, it,
			(double)sqlite3_column_int64(q, 3) / 1000.0, sqlite3_column_int(q, 4));
		/* No ratio without IT energy: an empty field, never inf or nan. */
		if (it > 0)
			fprintf(out, "%.4f", f / it);
		fputc('\n', out);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : fail(r, err, "exporting");
}

/* The configured and former points, by id, for the export's columns. */
struct point_name {
	int64_t id;
	char *device, *name, *unit;
};

static void
free_names(struct point_name *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].device);
		free(p[i].name);
		free(p[i].unit);
	}
	free(p);
}

static char *
column_dup(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);

	return strdup(t != NULL ? (const char *)t : "");
}

/* Every row of points, sorted by id; the count, or a negative code. */
static int
load_names(struct pue_report_db *r, struct point_name **out, struct pue_err *err)
{
	sqlite3_stmt *q = NULL;
	struct point_name *p = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (sqlite3_prepare_v2(r->db, "SELECT id, device, name, unit FROM points ORDER BY id", -1,
			       &q, NULL) != SQLITE_OK)
		return fail(r, err, "exporting");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (n == cap) {
			struct point_name *a = reallocarray(p, cap ? 2 * cap : 64, sizeof(*a));

			if (a == NULL)
				break;
			p = a;
			cap = cap ? 2 * cap : 64;
		}
		p[n] = (struct point_name){sqlite3_column_int64(q, 0), column_dup(q, 1),
					   column_dup(q, 2), column_dup(q, 3)};
		if (p[n++].device == NULL || p[n - 1].name == NULL || p[n - 1].unit == NULL)
			break; /* out of memory: freed below */
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW) {
		free_names(p, n);
		return pue_err_set(err, -ENOMEM, "exporting: out of memory");
	}
	if (rc != SQLITE_DONE) {
		free_names(p, n);
		return fail(r, err, "exporting");
	}
	*out = p;
	return (int)n;
}

static int
by_id(const void *key, const void *elem)
{
	int64_t a = *(const int64_t *)key, b = ((const struct point_name *)elem)->id;

	return (a > b) - (a < b);
}

static int
by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The error for a --point the database does not know: the device's
 * points, or the devices when the device is unknown too, so that the next
 * try can be right; at most 8 named (the message is one line). */
static int
unknown_point(const struct point_name *p, int n, const char *point, size_t dev_len,
	      struct pue_err *err)
{
	const char **list = calloc(n > 0 ? (size_t)n : 1, sizeof(*list));
	bool dev_known = false;
	char names[160] = "";
	size_t k = 0, len = 0, shown = 0, i;
	int j;

	if (list == NULL)
		return pue_err_set(err, -ENOMEM, "exporting: out of memory");
	for (j = 0; j < n; j++)
		dev_known = dev_known || (strncmp(p[j].device, point, dev_len) == 0 &&
					  p[j].device[dev_len] == '\0');
	for (j = 0; j < n; j++)
		if (!dev_known)
			list[k++] = p[j].device;
		else if (strncmp(p[j].device, point, dev_len) == 0 && p[j].device[dev_len] == '\0')
			list[k++] = p[j].name;
	qsort(list, k, sizeof(*list), by_text);
	for (i = 0; i < k; i++) {
		if (i > 0 && strcmp(list[i], list[i - 1]) == 0)
			continue;
		if (shown++ < 8 && len < sizeof(names))
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
						len ? ", " : "", list[i]);
	}
	if (shown > 8 && len < sizeof(names))
		snprintf(names + len, sizeof(names) - len, " and %zu more", shown - 8);
	free(list);
	if (dev_known)
		return pue_err_set(err, -ENOENT,
				   "--point: device \"%.*s\" has no point \"%s\" (its points: %s)",
				   (int)dev_len, point, point + dev_len + 1, names);
	if (k == 0)
		return pue_err_set(err, -ENOENT,
				   "--point: no device \"%.*s\" in the database (it has no points "
				   "yet)",
				   (int)dev_len, point);
	return pue_err_set(err, -ENOENT,
			   "--point: no device \"%.*s\" in the database (its devices: %s)",
			   (int)dev_len, point, names);
}

/* The raw samples of [from, to), all points or one, oldest first, each
 * value as the meter gave it (printed to 6 decimals, as always). */
static int
export_raw(struct pue_report_db *r, FILE *out, int64_t from, int64_t to, const char *point,
	   struct pue_err *err)
{
	const char *slash = point ? strchr(point, '/') : NULL;
	struct point_name *names = NULL;
	struct pue_raw_cursor *c = NULL;
	struct pue_raw_sample s;
	int64_t id = -1;
	char when[40];
	int n, rc, i;

	if (point != NULL && (slash == NULL || (size_t)(slash - point) >= 128))
		return pue_err_set(err, -EINVAL, "--point: expected DEVICE/POINT, got \"%s\"",
				   point);
	if ((n = load_names(r, &names, err)) < 0)
		return n;
	for (i = 0; slash != NULL && i < n; i++)
		if (strncmp(names[i].device, point, (size_t)(slash - point)) == 0 &&
		    names[i].device[slash - point] == '\0' && strcmp(names[i].name, slash + 1) == 0)
			id = names[i].id;
	/* before the header: an unknown point is an error, not an empty export */
	if (slash != NULL && id < 0) {
		rc = unknown_point(names, n, point, (size_t)(slash - point), err);
		free_names(names, (size_t)n);
		return rc;
	}
	fprintf(out, "time,device,point,value,unit\n");
	rc = 0;
	if (from < to)
		rc = pue_raw_cursor_open(r->db, from, to - 1, id, &c, err);
	while (c != NULL && (rc = pue_raw_cursor_next(c, &s, err)) == 1) {
		const struct point_name *p =
			n == 0 ? NULL : bsearch(&s.point, names, (size_t)n, sizeof(*names), by_id);

		if (p == NULL)
			continue; /* no row in points: nothing to name it by */
		pue_duration_format_time((pue_wall_t){s.t_ms}, when, sizeof(when));
		fprintf(out, "%s,%s,%s,%.6f,%s\n", when, p->device, p->name, s.value, p->unit);
	}
	pue_raw_cursor_close(c);
	free_names(names, (size_t)n);
	return rc < 0 ? rc : 0;
}

int
pue_report_export(struct pue_report_db *r, FILE *out, const char *kind, int64_t from_ms,
		  int64_t to_ms, const char *point, struct pue_err *err)
{
	if (strcmp(kind, "minutes") == 0 || strcmp(kind, "hours") == 0)
		return export_rollups(r, out, kind, from_ms, to_ms, err);
	if (strcmp(kind, "raw") == 0)
		return export_raw(r, out, from_ms, to_ms, point, err);
	return pue_err_set(err, -EINVAL, "unknown export \"%s\" (raw, minutes, hours)", kind);
}
