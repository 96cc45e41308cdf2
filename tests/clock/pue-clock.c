/* SPDX-License-Identifier: MIT */
/*
 * pue-clock - the harness's hand on the stepped test clock (lib/util/clock.h).
 *
 *   pue-clock init FILE START        a clock file standing at START
 *   pue-clock show FILE              "WALL_MS MONO_MS" where it stands
 *   pue-clock advance FILE DURATION  moves it while no pued runs on it
 *   pue-clock step-wall FILE DURATION  steps only the wall clock (may be
 *                                      negative: "-10m"), pued down
 *   pue-clock reboot FILE            a new boot: the next pued cannot
 *                                    measure its downtime on the
 *                                    monotonic clock (clock.h)
 *   pue-clock run SOCKET DURATION [WALL_STEP]
 *                                    asks the pued at SOCKET to advance
 *                                    (stepping the wall first, if given)
 *                                    and waits until it has run every
 *                                    timer in the span and is idle
 *
 * START is Unix milliseconds; DURATION is pued's duration syntax (250ms,
 * 90s, 15m, 30d) or plain milliseconds. While pued runs, only pued moves
 * the clock ("run"): moving the file under it would put a whole span's
 * polls at its end.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "util/clock.h"
#include "config/config.h"
#include "control/ctl_client.h"

/* A run of a year of polls takes real minutes; the harness's own limit
 * (the test runner's timeout) is the one that counts. */
#define RUN_LIMIT_MS 280000

static int
usage(void)
{
	fputs("usage: pue-clock init FILE START_MS | show FILE | advance FILE DURATION |\n"
	      "       step-wall FILE DURATION | reboot FILE | run SOCKET DURATION [WALL_STEP]\n",
	      stderr);
	return 2;
}

static int
duration(const char *s, int64_t *ms)
{
	int neg = s[0] == '-';
	char *end;

	errno = 0;
	*ms = strtoll(s + neg, &end, 10);
	if (errno != 0 || end == s + neg ||
	    (*end != '\0' && pue_duration_parse_positive(s + neg, ms) < 0)) {
		fprintf(stderr, "pue-clock: \"%s\" is not a duration\n", s);
		return -1;
	}
	if (neg)
		*ms = -*ms;
	return 0;
}

static struct pue_clock *
open_clock(const char *path)
{
	struct pue_err err;
	struct pue_clock *c = pue_clock_new_stepped(path, &err);

	if (c == NULL)
		fprintf(stderr, "pue-clock: %s\n", err.msg);
	return c;
}

static int64_t
real_ms(void)
{
	return pue_clock_real().ns / 1000000;
}

/* Asks pued to advance and waits until it has caught up. */
static int
run(const char *socket, int64_t ms, int64_t wall_step)
{
	struct pue_err err;
	json_t *req =
		json_pack("{s:I,s:I}", "ms", (json_int_t)ms, "wall_step_ms", (json_int_t)wall_step);
	json_t *res = pue_ctl_client_request(socket, "advance", req, 10000, &err);
	int64_t give_up = real_ms() + RUN_LIMIT_MS;
	struct timespec nap = {0, 1000000};

	json_decref(req);
	while (res != NULL && !json_is_true(json_object_get(res, "caught_up"))) {
		json_decref(res);
		if (real_ms() > give_up) {
			fprintf(stderr, "pue-clock: pued did not catch up within %d s\n",
				RUN_LIMIT_MS / 1000);
			return 1;
		}
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 20000000)
			nap.tv_nsec *= 2;
		res = pue_ctl_client_request(socket, "clock", NULL, 10000, &err);
	}
	if (res == NULL) {
		fprintf(stderr, "pue-clock: %s\n", err.msg);
		return 1;
	}
	printf("%s\n", json_string_value(json_object_get(res, "time")));
	json_decref(res);
	return 0;
}

int
main(int argc, char **argv)
{
	struct pue_clock *c;
	struct pue_err err;
	int64_t ms = 0, step = 0;
	char *end;

	if (argc < 3)
		return usage();
	if (strcmp(argv[1], "init") == 0 && argc == 4) {
		errno = 0;
		ms = strtoll(argv[3], &end, 10);
		if (errno != 0 || *end != '\0' || ms < 0)
			return usage();
		if (pue_clock_file_init(argv[2], (pue_wall_t){ms}, &err) < 0) {
			fprintf(stderr, "pue-clock: %s\n", err.msg);
			return 1;
		}
		return 0;
	}
	if (strcmp(argv[1], "run") == 0 && (argc == 4 || argc == 5)) {
		if (duration(argv[3], &ms) < 0 || ms < 0 ||
		    (argc == 5 && duration(argv[4], &step) < 0))
			return usage();
		return run(argv[2], ms, step);
	}
	if ((strcmp(argv[1], "advance") == 0 || strcmp(argv[1], "step-wall") == 0) && argc == 4) {
		if (duration(argv[3], &ms) < 0 || (argv[1][0] == 'a' && ms < 0))
			return usage();
	} else if ((strcmp(argv[1], "show") != 0 && strcmp(argv[1], "reboot") != 0) || argc != 3) {
		return usage();
	}
	if ((c = open_clock(argv[2])) == NULL)
		return 1;
	if (argv[1][0] == 'a')
		pue_clock_advance(c, ms);
	else if (argv[1][0] == 'r')
		pue_clock_reboot(c);
	else if (argv[1][1] == 't')
		pue_clock_step_wall(c, ms);
	printf("%" PRId64 " %" PRId64 "\n", pue_clock_wall(c).ms, pue_clock_mono(c).ns / 1000000);
	pue_clock_free(c);
	return 0;
}
