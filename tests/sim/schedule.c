/* SPDX-License-Identifier: MIT */
/* schedule.c - parsing --schedule; see schedule.h. */
#include "schedule.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hall.h"

/* Ten years of simulated time keeps at_ns far from int64 overflow. */
#define MAX_SECONDS (10.0 * 366 * 86400)

struct sorted {
	struct sim_schedule_entry e;
	size_t order; /* position in the spec, so equal times keep it */
};

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

static bool
parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (*s == '\0')
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return false;
	*out = v;
	return true;
}

/* One "key=value" pair of an entry. */
static int
parse_assign(char *assign, struct sim_schedule_entry *e, size_t idx, struct pue_err *err)
{
	char *eq = strchr(assign, '=');
	char *key, *value;
	double *slot, kw;

	if (eq == NULL)
		return pue_err_set(err, -EINVAL,
				   "--schedule: entry %zu: expected KEY=VALUE, found \"%s\"", idx,
				   assign);
	*eq = '\0';
	key = trim(assign);
	value = trim(eq + 1);
	if (strcmp(key, "facility_kw") == 0)
		slot = &e->facility_kw;
	else if (strcmp(key, "it_kw") == 0)
		slot = &e->it_kw;
	else
		return pue_err_set(err, -EINVAL,
				   "--schedule: entry %zu: unknown key \"%s\" (facility_kw, it_kw)",
				   idx, key);
	if (!parse_double(value, &kw) || !sim_kw_is_valid(kw))
		return pue_err_set(err, -EINVAL,
				   "--schedule: entry %zu: %s: expected kW 0..%.0f, found \"%s\"",
				   idx, key, SIM_MAX_KW, value);
	*slot = kw;
	return 0;
}

/* One "SECONDS:key=value,..." entry; idx is 1-based for messages. */
static int
parse_entry(char *text, struct sim_schedule_entry *e, size_t idx, struct pue_err *err)
{
	char *colon = strchr(text, ':');
	char *rest, *assign;
	double seconds;
	int rc;

	e->facility_kw = NAN;
	e->it_kw = NAN;
	if (colon == NULL)
		return pue_err_set(err, -EINVAL,
				   "--schedule: entry %zu: expected SECONDS:KEY=VALUE,...", idx);
	*colon = '\0';
	if (!parse_double(trim(text), &seconds) || seconds < 0 || seconds > MAX_SECONDS)
		return pue_err_set(err, -EINVAL,
				   "--schedule: entry %zu: expected seconds 0..%.0f, found \"%s\"",
				   idx, MAX_SECONDS, trim(text));
	e->at_ns = llround(seconds * 1e9);
	rest = colon + 1;
	while ((assign = strsep(&rest, ",")) != NULL)
		if ((rc = parse_assign(assign, e, idx, err)) < 0)
			return rc;
	return 0;
}

static int
cmp_sorted(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;

	if (x->e.at_ns != y->e.at_ns)
		return x->e.at_ns < y->e.at_ns ? -1 : 1;
	return x->order < y->order ? -1 : (x->order > y->order);
}

struct sim_schedule *
sim_schedule_parse(const char *spec, struct pue_err *err)
{
	struct sim_schedule *s = calloc(1, sizeof(*s));
	struct sorted *tmp = NULL;
	char *copy = strdup(spec), *rest, *text;
	size_t cap = 1, i;

	for (i = 0; spec[i] != '\0'; i++)
		cap += spec[i] == ';';
	tmp = calloc(cap, sizeof(*tmp));
	if (s == NULL || copy == NULL || tmp == NULL) {
		pue_err_set(err, -ENOMEM, "--schedule: out of memory");
		goto fail;
	}
	rest = copy;
	while ((text = strsep(&rest, ";")) != NULL) {
		text = trim(text);
		if (*text == '\0') /* "a;;b" and a trailing ';' are harmless */
			continue;
		tmp[s->n].order = s->n;
		if (parse_entry(text, &tmp[s->n].e, s->n + 1, err) < 0)
			goto fail;
		s->n++;
	}
	qsort(tmp, s->n, sizeof(*tmp), cmp_sorted);
	if (s->n > 0 && (s->entries = calloc(s->n, sizeof(*s->entries))) == NULL) {
		pue_err_set(err, -ENOMEM, "--schedule: out of memory");
		goto fail;
	}
	for (i = 0; i < s->n; i++)
		s->entries[i] = tmp[i].e;
	free(tmp);
	free(copy);
	return s;
fail:
	free(tmp);
	free(copy);
	sim_schedule_free(s);
	return NULL;
}

void
sim_schedule_free(struct sim_schedule *s)
{
	if (s == NULL)
		return;
	free(s->entries);
	free(s);
}
