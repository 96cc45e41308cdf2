/* SPDX-License-Identifier: MIT */
/*
 * sim.c - pue-sim, the facility simulator that pued's tests poll.
 *
 * A small data hall (hall.c) whose meters answer Modbus TCP on loopback
 * (server.c, responder.c, regmap.c), changed over time by a schedule
 * (schedule.c) or over a control socket (control.c, command.c), with
 * faults injected per unit (fault.c). It runs on lib/util/clock.h's clock, so
 * PUED_TEST_CLOCK puts it on the same scaled time as pued.
 *
 * Modules start in dependency order and stop in reverse, and SIGTERM or
 * SIGINT ends the loop cleanly, so a leak report after exit starts from
 * zero. See tests/sim/README.md for the command line and register map.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "util/clock.h"
#include "command.h"
#include "control.h"
#include "util/err.h"
#include "fault.h"
#include "hall.h"
#include "util/log.h"
#include "loop.h"
#include "meters.h"
#include "opts.h"
#include "responder.h"
#include "rtu.h"
#include "schedule.h"
#include "server.h"

struct sim {
	struct sim_watch sig; /* signalfd for SIGTERM and SIGINT */
	struct pue_clock *clock;
	struct sim_schedule *schedule;
	struct sim_hall *hall;
	struct sim_meters *meters;
	struct sim_faults *faults;
	struct sim_responder *responder;
	struct sim_loop *loop;
	struct sim_server *server;
	struct sim_rtu *rtu;
	struct sim_control *control;
};

static void
on_signal(struct sim_watch *w, uint32_t events)
{
	struct sim *sim = SIM_CONTAINER_OF(w, struct sim, sig);
	struct signalfd_siginfo si;

	(void)events;
	if (read(w->fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return;
	pue_log(LOG_INFO, "pue-sim: %s, exiting", strsignal((int)si.ssi_signo));
	sim_loop_stop(sim->loop);
}

/* Signals arrive through a descriptor in the loop, so nothing runs in a
 * handler; the libmodbus select() inside the loop is never interrupted. */
static int
open_signals(struct sim *sim, struct pue_err *err)
{
	sigset_t mask;

	signal(SIGPIPE, SIG_IGN); /* a vanished stderr reader must not kill us */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return pue_err_set(err, -errno, "sigprocmask: %s", strerror(errno));
	sim->sig.fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sim->sig.fd < 0)
		return pue_err_set(err, -errno, "signalfd: %s", strerror(errno));
	sim->sig.fn = on_signal;
	return sim_loop_add(sim->loop, &sim->sig, EPOLLIN, err);
}

/* Writes every bound port, one per line, to path.tmp, then renames it:
 * a test waiting for path never reads half a file. */
static int
write_ports(const struct sim_server *server, const char *path, struct pue_err *err)
{
	char tmp[4096];
	FILE *fp;
	unsigned i;
	int rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return pue_err_set(err, -ENAMETOOLONG, "--ports-file: %s: name too long", path);
	if ((fp = fopen(tmp, "we")) == NULL)
		return pue_err_set(err, -errno, "--ports-file: %s: %s", tmp, strerror(errno));
	for (i = 0; i < sim_server_n_ports(server); i++)
		fprintf(fp, "%u\n", sim_server_port(server, i));
	if (ferror(fp))
		rc = pue_err_set(err, -EIO, "--ports-file: %s: write failed", tmp);
	if (fclose(fp) != 0 && rc == 0)
		rc = pue_err_set(err, -errno, "--ports-file: %s: %s", tmp, strerror(errno));
	if (rc == 0 && rename(tmp, path) < 0)
		rc = pue_err_set(err, -errno, "--ports-file: rename to %s: %s", path,
				 strerror(errno));
	if (rc < 0)
		unlink(tmp);
	return rc;
}

static int
start(struct sim *sim, const struct sim_opts *o, struct pue_err *err)
{
	struct sim_server_conf sc = {o->bind_addr, o->port, o->n_listen};
	struct sim_meters_conf mc = {.n_generic = o->n_meters,
				     .units_per_port = o->units_per_port,
				     .n_ports = o->n_listen};
	struct sim_rtu_conf rc_rtu = {o->rtu_path, o->baud, o->n_listen};
	unsigned n_endpoints = o->n_listen + (o->rtu_path != NULL ? 1 : 0);
	struct sim_command_ctx cx;
	int rc;

	memcpy(mc.kw, o->meter_kw, sizeof(mc.kw));
	memcpy(mc.kwh, o->meter_kwh, sizeof(mc.kwh));
	mc.n_kw = o->n_meter_kw;
	mc.n_kwh = o->n_meter_kwh;

	if ((sim->clock = pue_clock_new_from_env(err)) == NULL)
		return err->code != 0 ? err->code : pue_err_set(err, -ENOMEM, "clock: no memory");
	sim->hall = sim_hall_new(&o->hall, sim->schedule, pue_clock_mono(sim->clock), err);
	if (sim->hall == NULL)
		return err->code;
	sim->meters = sim_meters_new(sim->hall, &mc, pue_clock_mono(sim->clock), err);
	if (sim->meters == NULL)
		return err->code;
	if ((sim->faults = sim_faults_new(n_endpoints)) == NULL)
		return pue_err_set(err, -ENOMEM, "faults: out of memory");
	sim->responder = sim_responder_new(sim->meters, sim->faults, sim->clock, n_endpoints, err);
	if (sim->responder == NULL)
		return err->code;
	if ((sim->loop = sim_loop_new(err)) == NULL)
		return err->code;
	if ((rc = open_signals(sim, err)) < 0)
		return rc;
	if ((sim->server = sim_server_new(sim->loop, sim->responder, &sc, err)) == NULL)
		return err->code;
	if (o->rtu_path != NULL &&
	    (sim->rtu = sim_rtu_new(sim->loop, sim->responder, &rc_rtu, err)) == NULL)
		return err->code;
	if (o->control_path != NULL) {
		cx = (struct sim_command_ctx){sim->hall,      sim->meters, sim->faults,
					      sim->responder, sim->server, o->rtu_path != NULL,
					      sim->clock};
		if ((sim->control = sim_control_new(sim->loop, o->control_path, &cx, err)) == NULL)
			return err->code;
	}
	/* Last: the file tells tests that everything above is ready. */
	if (o->ports_file != NULL && (rc = write_ports(sim->server, o->ports_file, err)) < 0)
		return rc;
	if (o->n_meters > 0)
		pue_log(LOG_INFO,
			"pue-sim: %u generic meters, %u per port, on %s ports %u..., clock rate %g",
			o->n_meters, o->units_per_port, o->bind_addr,
			sim_server_port(sim->server, 0), pue_clock_rate(sim->clock));
	else
		pue_log(LOG_INFO,
			"pue-sim: %u meters (%u UPS, %u cooling) on %s port %u%s, facility %.3f "
			"kW, IT %.3f kW, clock rate %g",
			sim_hall_n_meters(sim->hall), o->hall.n_ups, o->hall.n_cooling,
			o->bind_addr, sim_server_port(sim->server, 0),
			o->n_listen > 1 ? " and more" : "", o->hall.facility_kw, o->hall.it_kw,
			pue_clock_rate(sim->clock));
	return 0;
}

static void
stop(struct sim *sim)
{
	sim_control_free(sim->control);
	sim_rtu_free(sim->rtu);
	sim_server_free(sim->server);
	if (sim->sig.fd >= 0) {
		if (sim->loop != NULL)
			sim_loop_del(sim->loop, &sim->sig);
		close(sim->sig.fd);
	}
	sim_loop_free(sim->loop);
	sim_responder_free(sim->responder);
	sim_faults_free(sim->faults);
	sim_meters_free(sim->meters);
	sim_hall_free(sim->hall);
	sim_schedule_free(sim->schedule);
	pue_clock_free(sim->clock);
}

int
main(int argc, char **argv)
{
	struct sim sim = {.sig = {.fd = -1}};
	struct pue_err err = {0};
	struct sim_opts o;
	int rc, status = 0;

	rc = sim_opts_parse(argc, argv, &o, &err);
	if (rc == SIM_OPTS_HELP)
		return 0;
	if (rc == 0 && (sim.schedule = sim_schedule_parse(o.schedule, &err)) == NULL)
		rc = err.code;
	if (rc < 0) {
		fprintf(stderr, "pue-sim: %s\nTry 'pue-sim --help'.\n", err.msg);
		return 2;
	}
	pue_log_open("pue-sim", true);
	if (o.verbose)
		pue_log_set_level(LOG_DEBUG);
	if (start(&sim, &o, &err) < 0 || sim_loop_run(sim.loop, &err) < 0) {
		pue_log(LOG_ERR, "pue-sim: %s", err.msg);
		status = 1;
	}
	stop(&sim);
	pue_log_close();
	return status;
}
