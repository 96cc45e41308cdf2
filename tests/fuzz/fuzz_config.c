/* SPDX-License-Identifier: MIT */
/*
 * fuzz_config.c - the configuration loader (config*.c, yaml_tree.c) fed
 * arbitrary bytes as pued.yaml, through pue_config_load_buffer(): the same
 * tree, readers and checks as pue_config_load(), without a file per run.
 *
 * Invariants: a load returns 0 with a configuration and no message, or an
 * error with at least one message and no configuration; every message
 * starts with the file it is about and, unless it is about the file as a
 * whole, a 1-based "LINE:COL: "; a loaded configuration has the shape the
 * rest of pued relies on (devices with points, terms that resolve, windows,
 * ceiling at or above the warning level). ASan and libFuzzer's leak check
 * catch crashes and leaks, -timeout catches hangs.
 *
 * The file is named conf/fuzz.yaml, so "map: sdm630" finds the real meter
 * maps in conf/meters when the fuzzer runs from the repository root.
 * Seeds: tests/fuzz/corpus/config (the configurations in conf/).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/err.h"
#include "util/log.h"

#include "fuzz.h"

#define PATH "conf/fuzz.yaml"
/* Larger inputs only slow the fuzzer down: a real file is a few KiB per
 * device, and the loader's cost per byte is tested by config_scale.sh. */
#define MAX_INPUT (64 * 1024)

/* Messages about the file as a whole carry no position (config.c,
 * yaml_tree.c: an empty file, no memory, too large, unreadable). */
static bool
is_whole_file_message(const char *msg)
{
	static const char *const known[] = {
		"the file holds no configuration",
		"out of memory",
		"larger than ",
		"No such file or directory", /* a meter map that vanished */
		"Is a directory",
		"Permission denied",
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strncmp(msg, known[i], strlen(known[i])) == 0)
			return true;
	return false;
}

/* "FILE:LINE:COL: ..." with LINE, COL >= 1, or "FILE: <whole-file message>";
 * FILE is the configuration or one of the meter maps it names. */
static void
check_message(const char *line)
{
	const char *rest;
	char *end;
	long l, c;

	if (strncmp(line, PATH ":", strlen(PATH ":")) == 0)
		rest = line + strlen(PATH ":");
	else {
		CHECK(strncmp(line, "conf/meters/", 12) == 0 || strstr(line, "/meters/") != NULL,
		      "message about an unknown file: %s", line);
		CHECK((rest = strstr(line, ".yaml:")) != NULL, "no file name: %s", line);
		rest += strlen(".yaml:");
	}
	if (rest[0] == ' ') {
		CHECK(is_whole_file_message(rest + 1), "message without line:column: %s", line);
		return;
	}
	l = strtol(rest, &end, 10);
	CHECK(end != rest && *end == ':' && l >= 1, "bad line number: %s", line);
	rest = end + 1;
	c = strtol(rest, &end, 10);
	CHECK(end != rest && *end == ':' && c >= 1, "bad column number: %s", line);
	CHECK(end[1] == ' ' && end[2] != '\0', "no message after the position: %s", line);
	CHECK(strchr(line, '\n') == NULL, "a message of more than one line: %s", line);
}

static void
check_sum(const struct pue_config *cfg, const struct pue_sum *sum)
{
	size_t i;

	for (i = 0; i < sum->n_terms; i++) {
		const struct pue_term *t = &sum->terms[i];

		CHECK(t->device < cfg->n_devices, "term %zu: device %zu", i, t->device);
		CHECK(t->point < cfg->devices[t->device].n_points, "term %zu: point %zu", i,
		      t->point);
		CHECK(t->sign == 1 || t->sign == -1, "term %zu: sign %d", i, t->sign);
	}
}

static void
check_config(const struct pue_config *cfg)
{
	const struct pue_pue_conf *pc = &cfg->pue;
	size_t i, j;

	CHECK(cfg->site != NULL, "no site");
	CHECK(cfg->n_devices > 0, "no device");
	for (i = 0; i < cfg->n_devices; i++) {
		const struct pue_device_conf *d = &cfg->devices[i];

		CHECK(d->name != NULL && d->n_points > 0, "device %zu", i);
		CHECK(d->poll_interval_ms >= 100, "device %s polls every %lld ms", d->name,
		      (long long)d->poll_interval_ms);
		for (j = 0; j < d->n_points; j++) {
			const struct pue_point_conf *p = &d->points[j];

			CHECK(p->name != NULL, "device %s point %zu has no name", d->name, j);
			CHECK(isfinite(p->num.scale) && p->num.scale != 0 &&
				      isfinite(p->num.offset),
			      "point %s/%s: scale %g offset %g", d->name, p->name, p->num.scale,
			      p->num.offset);
			CHECK(p->num.counter_bits <= 64, "point %s/%s: counter_bits %u", d->name,
			      p->name, p->num.counter_bits);
			CHECK(p->num.kind == PUE_KIND_ENERGY || p->num.counter_bits == 0,
			      "power point %s/%s with counter_bits", d->name, p->name);
		}
	}
	CHECK(pc->facility.n_terms > 0 && pc->it.n_terms > 0, "an empty sum");
	check_sum(cfg, &pc->facility);
	check_sum(cfg, &pc->it);
	for (i = 0; i < pc->n_zones; i++) {
		check_sum(cfg, &pc->zones[i].it);
		check_sum(cfg, &pc->zones[i].infrastructure);
	}
	CHECK(pc->n_windows > 0, "no window");
	for (i = 0; i < pc->n_windows; i++)
		CHECK(pc->windows_ms[i] >= 60000 && pc->windows_ms[i] % 60000 == 0,
		      "window %lld ms", (long long)pc->windows_ms[i]);
	CHECK(isfinite(pc->ceiling) && isfinite(pc->warning) && pc->warning <= pc->ceiling,
	      "ceiling %g, warning %g", pc->ceiling, pc->warning);
	CHECK(pc->min_coverage >= 0 && pc->min_coverage <= 1, "min_coverage %g", pc->min_coverage);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	pue_log_set_level(LOG_EMERG); /* a warning per load would slow every run */
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};
	size_t i;
	int rc;

	if (size > MAX_INPUT)
		return -1; /* not added to the corpus */
	rc = pue_config_load_buffer(PATH, (const char *)data, size, &cfg, &d);
	if (rc == 0) {
		CHECK(cfg != NULL && d.n == 0, "loaded, with %zu messages", d.n);
		check_config(cfg);
		pue_config_free(cfg);
		return 0;
	}
	CHECK(cfg == NULL, "a configuration returned with error %d", rc);
	CHECK(rc == PUE_E_CONFIG || rc == -ENOMEM || rc == -EFBIG, "error %d", rc);
	CHECK(d.n > 0, "error %d without a message", rc);
	for (i = 0; i < d.n; i++)
		check_message(d.lines[i]);
	pue_config_diags_free(&d);
	return 0;
}
