/* SPDX-License-Identifier: MIT */
/*
 * puectl.c - asks a running pued over its control socket and prints the
 * answer: a table for people, or the JSON result with --json.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl_client.h"
#include "status_text.h"

#define DEFAULT_SOCKET "/run/pued/pued.sock"
#define TIMEOUT_MS 5000

static volatile sig_atomic_t interrupted;

static void
on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void
usage(FILE *out)
{
	fprintf(out, "usage: puectl [-s SOCKET] [--json] [--watch SECONDS] COMMAND\n"
		     "commands:\n"
		     "  status    PUE windows with coverage, ceiling, devices and storage\n"
		     "  devices   each device's health\n"
		     "  ping      check that pued answers\n"
		     "options:\n"
		     "  -s, --socket PATH   pued's control socket (default $PUED_SOCKET "
		     "or " DEFAULT_SOCKET ")\n"
		     "  -j, --json          print the JSON result for scripts\n"
		     "  -w, --watch N       repeat every N seconds until interrupted\n"
		     "  -h, --help          this text\n");
}

static int
once(const char *socket_path, const char *cmd, bool json)
{
	struct pue_err err = {0};
	json_t *result = pue_ctl_request(socket_path, cmd, NULL, TIMEOUT_MS, &err);

	if (result == NULL) {
		fprintf(stderr, "puectl: %s\n", err.msg);
		return 1;
	}
	if (json) {
		json_dumpf(result, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else if (strcmp(cmd, "status") == 0)
		pue_status_print(stdout, result);
	else if (strcmp(cmd, "devices") == 0)
		pue_devices_print(stdout, json_object_get(result, "devices"));
	else
		printf("pued is answering at %s\n", socket_path);
	json_decref(result);
	fflush(stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"watch", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *socket_path = getenv("PUED_SOCKET"), *cmd;
	bool json = false;
	long watch = 0;
	char *end;
	int c, rc;

	if (socket_path == NULL || *socket_path == '\0')
		socket_path = DEFAULT_SOCKET;
	while ((c = getopt_long(argc, argv, "s:jw:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			socket_path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'w':
			errno = 0;
			watch = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || watch < 1 || watch > 3600) {
				fprintf(stderr,
					"puectl: --watch: expected 1..3600 seconds, got "
					"\"%s\"\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "status") != 0 && strcmp(cmd, "devices") != 0 && strcmp(cmd, "ping") != 0) {
		fprintf(stderr, "puectl: unknown command \"%s\" (status, devices, ping)\n", cmd);
		return 2;
	}
	if (watch == 0)
		return once(socket_path, cmd, json);
	signal(SIGINT, on_interrupt);
	signal(SIGTERM, on_interrupt);
	do {
		struct timespec ts = {.tv_sec = watch};

		if (!json && isatty(STDOUT_FILENO))
			printf("\033[H\033[2J");
		rc = once(socket_path, cmd, json);
		if (!isatty(STDOUT_FILENO))
			printf("\n");
		while (!interrupted && nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	} while (!interrupted);
	return rc;
}
