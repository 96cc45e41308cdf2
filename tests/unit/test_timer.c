/* SPDX-License-Identifier: MIT */
/*
 * test_timer.c - a timer that cannot be armed never stops without a word
 * (timer.h; issue 15, item 8). The loop's test hook (pue_loop_fail_timers)
 * makes the next registrations fail with -ENOMEM: a struct pue_timer logs
 * the failure once, is armed again by pue_timer_retry() and then runs at
 * its deadline, or at once when that has passed; the control socket's
 * sweep and the alert round, each made to fail at its own re-arm, run on
 * after their module's _rearm(); an SNMP device whose request timeout
 * cannot be armed is polled again once its poller is re-armed (the
 * service's tick does it). Log lines are read from stderr, which the
 * tests point at a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "alerts/alerts.h"
#include "alerts/alerts_control.h"
#include "util/clock.h"
#include "config/config.h"
#include "control/control.h"
#include "control/control_commands.h"
#include "engine/engine.h"
#include "util/log.h"
#include "util/loop.h"
#include "poll/poller.h"
#include "poll/snmp_lib.h"
#include "poll/snmp_poll.h"
#include "store/store.h"
#include "store/store_config.h"
#include "util/timer.h"

/* stderr (where pue_log writes) into a file, and back ------------------ */

struct capture {
	char path[64];
	int saved;
};

/* A copy of the capture in progress (the test's own is on a stack that a
 * failed assertion leaves): a test that fails stops before capture_stop(),
 * and its teardown (shown()) gives cmocka's message and the log back. */
static struct capture capturing;
static bool is_capturing;

static void
capture_start(struct capture *c)
{
	int fd;

	snprintf(c->path, sizeof(c->path), "/tmp/pued-test-log.XXXXXX");
	assert_true((fd = mkstemp(c->path)) >= 0);
	fflush(stderr);
	assert_true((c->saved = dup(STDERR_FILENO)) >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	close(fd);
	capturing = *c;
	is_capturing = true;
}

/* How many captured lines hold needle so far. */
static int
captured(const struct capture *c, const char *needle)
{
	FILE *fp = fopen(c->path, "r");
	char line[512];
	int n = 0;

	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL)
		n += strstr(line, needle) != NULL;
	fclose(fp);
	return n;
}

static void
capture_stop(struct capture *c)
{
	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	unlink(c->path);
	is_capturing = false;
}

static int
shown(void **state)
{
	struct capture *c = &capturing;
	char line[512];
	FILE *fp;

	(void)state;
	if (!is_capturing)
		return 0;
	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	if ((fp = fopen(c->path, "r")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL)
			fputs(line, stderr);
		fclose(fp);
	}
	unlink(c->path);
	is_capturing = false;
	return 0;
}

/* A loop on a stepped clock, run until it has caught up with target ---- */

struct stepped {
	char path[64];
	struct pue_clock *clock;
	struct pue_loop *loop;
};

static void
stepped_new(struct stepped *s)
{
	struct pue_err err;
	int fd;

	snprintf(s->path, sizeof(s->path), "/tmp/pued-test-clock.XXXXXX");
	assert_true((fd = mkstemp(s->path)) >= 0);
	close(fd);
	assert_int_equal(pue_clock_file_init(s->path, (pue_wall_t){1767225600000}, &err), 0);
	assert_non_null(s->clock = pue_clock_new_stepped(s->path, &err));
	assert_non_null(s->loop = pue_loop_new(s->clock, &err));
}

static void
stepped_free(struct stepped *s)
{
	pue_loop_free(s->loop);
	pue_clock_free(s->clock);
	unlink(s->path);
}

static void
stop_loop(void *arg)
{
	pue_loop_stop(arg);
}

static void
wake(void *arg)
{
	(void)arg; /* the timerfd woke the loop: the clock's timers due run */
}

/* At the target: stops the loop once nothing is busy (loop.h), else looks
 * again a real millisecond later. */
static void
stop_caught_up(void *arg)
{
	struct pue_loop *loop = arg;

	if (pue_loop_caught_up(loop))
		pue_loop_stop(loop);
	else
		assert_true(pue_loop_add_real_timer(loop, pue_mono_add_ms(pue_clock_real(), 1),
						    stop_caught_up, loop) > 0);
}

/* Runs s's loop until its clock stands ms later, everything due by then
 * done (the stop comes last: a timer at the target added after all the
 * others) and nothing busy, and makes the next fail registrations of the code under test
 * fail (pue_loop_fail_timers). */
static void
advance(struct stepped *s, int64_t ms, unsigned fail)
{
	pue_mono_t target = pue_mono_add_ms(pue_clock_mono(s->clock), ms);

	assert_true(pue_loop_add_timer(s->loop, target, stop_caught_up, s->loop) > 0);
	/* A stepped clock arms no timerfd for its own timers: a timer due
	 * now, armed outside the loop, runs at the next wake-up. */
	assert_true(pue_loop_add_real_timer(s->loop, pue_clock_real(), wake, NULL) > 0);
	pue_loop_fail_timers(s->loop, fail);
	assert_int_equal(pue_loop_advance(s->loop, target), 0);
	assert_int_equal(pue_loop_run(s->loop), 0);
}

static int64_t
mono_ms(const struct stepped *s)
{
	return pue_clock_mono(s->clock).ns / 1000000;
}

/* pue_timer ------------------------------------------------------------ */

struct fired {
	struct stepped *s;
	int n;
	int64_t at_ms;
};

static void
on_fire(void *arg)
{
	struct fired *f = arg;

	f->n++;
	f->at_ms = mono_ms(f->s);
}

/* One pue_timer on a stepped loop, its log captured. */
struct timer_case {
	struct stepped s;
	struct capture log;
	struct pue_timer t;
	struct fired f;
	int64_t start; /* monotonic ms */
};

static void
case_start(struct timer_case *c, const char *what)
{
	stepped_new(&c->s);
	c->f = (struct fired){.s = &c->s};
	c->start = mono_ms(&c->s);
	capture_start(&c->log);
	pue_timer_init(&c->t, c->s.loop, false, on_fire, &c->f, "test: the %s", what);
}

static void
case_end(struct timer_case *c)
{
	capture_stop(&c->log);
	stepped_free(&c->s);
}

static int
arm_in(struct timer_case *c, int64_t ms)
{
	return pue_timer_arm(&c->t, pue_mono_add_ms(pue_clock_mono(c->s.clock), ms));
}

static void
test_timer_failed_arm_is_logged_once_and_runs_once_retried(void **state)
{
	struct timer_case c;

	(void)state;
	case_start(&c, "probe");
	pue_loop_fail_timers(c.s.loop, 2);
	assert_int_equal(arm_in(&c, 3000), -ENOMEM);
	assert_false(pue_timer_pending(&c.t));
	assert_true(c.t.failed);
	assert_true(pue_timer_retry(&c.t)); /* the second injected failure */
	assert_int_equal(c.t.errors, 2);
	assert_int_equal(captured(&c.log, "test: the probe: cannot arm its timer: "), 1);
	assert_int_equal(captured(&c.log, strerror(ENOMEM)), 1);
	assert_false(pue_timer_retry(&c.t));
	assert_true(pue_timer_pending(&c.t));
	assert_false(pue_timer_retry(&c.t)); /* nothing to do: it is armed */
	assert_int_equal(captured(&c.log, "test: the probe runs again"), 1);
	/* It runs once, at the deadline first asked for. */
	advance(&c.s, 5000, 0);
	assert_int_equal(c.f.n, 1);
	assert_int_equal(c.f.at_ms - c.start, 3000);
	assert_false(pue_timer_pending(&c.t));
	case_end(&c);
}

static void
test_timer_retried_after_its_deadline_runs_at_once(void **state)
{
	struct timer_case c;

	(void)state;
	case_start(&c, "late one");
	pue_loop_fail_timers(c.s.loop, 1);
	assert_int_equal(arm_in(&c, 1000), -ENOMEM);
	advance(&c.s, 4000, 0); /* nothing runs: it is not armed */
	assert_int_equal(c.f.n, 0);
	assert_false(pue_timer_retry(&c.t));
	advance(&c.s, 0, 0);
	assert_int_equal(c.f.n, 1);
	assert_int_equal(c.f.at_ms - c.start, 4000);
	/* A cancelled timer is not retried. */
	pue_loop_fail_timers(c.s.loop, 1);
	assert_int_equal(arm_in(&c, 1000), -ENOMEM);
	pue_timer_cancel(&c.t);
	assert_false(pue_timer_retry(&c.t));
	assert_false(pue_timer_pending(&c.t));
	case_end(&c);
}

/* The control socket's sweep -------------------------------------------- */

static json_t *
no_handler(void *arg, const char *cmd, json_t *request, const struct ucred *peer,
	   struct pue_err *err)
{
	(void)arg;
	(void)cmd;
	(void)request;
	(void)peer;
	pue_err_set(err, -EINVAL, "no commands here");
	return NULL;
}

/* Runs loop for ms of real time; the next fail registrations of the code
 * under test fail. */
static void
run_for(struct pue_loop *loop, int64_t ms, unsigned fail)
{
	assert_true(pue_loop_add_real_timer(loop, pue_mono_add_ms(pue_clock_real(), ms), stop_loop,
					    loop) > 0);
	pue_loop_fail_timers(loop, fail);
	assert_int_equal(pue_loop_run(loop), 0);
}

static void
test_control_sweep_goes_on_after_a_failed_arm(void **state)
{
	char dir[] = "/tmp/pued-test-control.XXXXXX", sock[96];
	struct pue_control_conf conf = {0};
	struct pue_clock *clock = pue_clock_new_system();
	struct capture log;
	struct pue_loop *loop;
	struct pue_control *c;
	struct pue_err err;
	const char *failed = "control: the clients' deadlines: cannot arm its timer";

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/pued.sock", dir);
	conf.socket = sock;
	assert_non_null(loop = pue_loop_new(clock, &err));
	capture_start(&log);
	assert_non_null(c = pue_control_new(&conf, loop, clock, no_handler, NULL, NULL, &err));
	/* The sweep runs a real second after the start; its re-arm fails. */
	run_for(loop, 1500, 1);
	assert_int_equal(captured(&log, failed), 1);
	/* Nothing arms it meanwhile: another second and no sweep. */
	run_for(loop, 1200, 0);
	assert_int_equal(captured(&log, failed), 1);
	/* The service's timers call this; the sweep runs again (its next
	 * re-arm, failed on purpose, shows that it ran). */
	assert_int_equal(pue_control_rearm(c), 0);
	assert_int_equal(captured(&log, "control: the clients' deadlines runs again"), 1);
	run_for(loop, 200, 1);
	assert_int_equal(captured(&log, failed), 2);
	assert_int_equal(pue_control_rearm(c), 0);
	pue_control_free(c);
	capture_stop(&log);
	pue_loop_free(loop);
	pue_clock_free(clock);
	rmdir(dir);
}

/* The alert round ------------------------------------------------------- */

static const char config_yaml[] = "site: \"timer test\"\n"
				  "poll_interval: 1s\n"
				  "devices:\n"
				  "  - name: m\n"
				  "    protocol: modbus_tcp\n"
				  "    modbus: {host: 127.0.0.1, port: 1}\n"
				  "    points:\n"
				  "      - {name: f, register: 0, type: uint32, unit: Wh, kind: "
				  "energy}\n"
				  "      - {name: i, register: 2, type: uint32, unit: Wh, kind: "
				  "energy, measured_at: ups_output}\n"
				  "pue:\n"
				  "  facility: {add: [m/f]}\n"
				  "  it: {add: [m/i]}\n"
				  "  alert_window: 15m\n"
				  "  min_duration: 1m\n"
				  "storage: {path: %s/pued.db}\n"
				  "control: {socket: %s/pued.sock}\n";

/* The state of alert key, "none" when it is not active. */
static char *
alert_state(struct pue_alerts *a, const char *key)
{
	struct ucred peer = {.pid = 1, .uid = 0, .gid = 0};
	json_t *req = json_object(), *reply, *al;
	struct pue_err err;
	const char *st = "none";
	char *out;
	size_t i;

	assert_non_null(reply = pue_alerts_control_command(a, PUE_CMD_ALERTS, req, &peer, &err));
	json_array_foreach(json_object_get(reply, "active"), i,
			   al) if (strcmp(json_string_value(json_object_get(al, "alert")), key) ==
				   0) st = json_string_value(json_object_get(al, "state"));
	out = strdup(st);
	json_decref(reply);
	json_decref(req);
	return out;
}

static void
expect_state(struct pue_alerts *a, const char *key, const char *want)
{
	char *got = alert_state(a, key);

	assert_string_equal(got, want);
	free(got);
}

static void
test_alert_round_goes_on_after_a_failed_arm(void **state)
{
	char dir[] = "/tmp/pued-test-round.XXXXXX", yaml[1024], db[96];
	const char *failed = "alerts: the alert round: cannot arm its timer";
	struct pue_config *cfg = NULL;
	struct pue_diags diags = {0};
	struct pue_alerts_source src;
	struct pue_store *store;
	struct pue_engine *engine;
	struct pue_alerts *a;
	struct capture log;
	struct stepped s;
	struct pue_err err;
	int n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	n = snprintf(yaml, sizeof(yaml), config_yaml, dir, dir);
	assert_int_equal(pue_config_load_buffer("test.yaml", yaml, (size_t)n, &cfg, &diags), 0);
	stepped_new(&s);
	capture_start(&log);
	assert_non_null(store = pue_store_config_open(cfg->storage.path, cfg, &err));
	assert_non_null(engine = pue_engine_new(cfg, s.clock, store, &err));
	src = (struct pue_alerts_source){
		.cfg = cfg, .clock = s.clock, .loop = s.loop, .engine = engine, .store = store};
	assert_non_null(a = pue_alerts_new(&src, &err));
	advance(&s, 0, 0); /* the year's first computation, which arms its own timer */
	/* The first round (a second after the start) sees no data: pending.
	 * Its re-arm fails. */
	advance(&s, 1000, 1);
	expect_state(a, "insufficient_data:15m", "pending");
	assert_int_equal(captured(&log, failed), 1);
	/* Unarmed, no round runs: past the minute it stays pending. */
	advance(&s, 90000, 0);
	expect_state(a, "insufficient_data:15m", "pending");
	/* Armed again, the round runs at once and fires it: on a window
	 * it has not judged yet (the service ticks the engine every second;
	 * here the tick closes the minutes since the start). */
	pue_engine_tick(engine);
	assert_int_equal(pue_alerts_rearm(a), 0);
	assert_int_equal(captured(&log, "alerts: the alert round runs again"), 1);
	advance(&s, 0, 0);
	expect_state(a, "insufficient_data:15m", "firing");
	advance(&s, 5000, 0);
	assert_int_equal(captured(&log, failed), 1);
	pue_alerts_free(a);
	pue_engine_free(engine);
	pue_store_config_close(store);
	capture_stop(&log);
	stepped_free(&s);
	pue_config_free(cfg);
	snprintf(db, sizeof(db), "rm -rf %s", dir);
	assert_int_equal(system(db), 0);
}

/* An SNMP device's polls -------------------------------------------------- */

/* A meter that never answers: a UDP socket on loopback that takes the
 * requests and says nothing. The test's loop watches it, so that the test
 * sees each request come. */
struct silent_meter {
	struct pue_loop *loop;
	int fd;
	uint16_t port;
	unsigned requests;
	bool stop_at_request; /* stop the loop when a request comes */
};

static void
on_request(void *arg, int fd, uint32_t events)
{
	struct silent_meter *m = arg;
	char buf[1500];

	(void)events;
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		m->requests++;
	if (m->stop_at_request)
		pue_loop_stop(m->loop);
}

static void
silent_meter_start(struct silent_meter *m, struct pue_loop *loop)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);

	*m = (struct silent_meter){.loop = loop};
	assert_true((m->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0);
	assert_int_equal(bind(m->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(m->fd, (struct sockaddr *)&sin, &len), 0);
	m->port = ntohs(sin.sin_port);
	assert_int_equal(pue_loop_add_fd(loop, m->fd, EPOLLIN, on_request, m), 0);
}

static void
polled(void *arg, size_t device)
{
	(void)device;
	(*(unsigned *)arg)++;
}

static int
no_reading(void *arg, size_t device, size_t point, const struct pue_reading *r, struct pue_err *err)
{
	(void)arg;
	(void)device;
	(void)point;
	(void)r;
	(void)err;
	return 0;
}

static const char snmp_yaml[] = "site: \"timer test\"\n"
				"devices:\n"
				"  - name: pdu\n"
				"    protocol: snmp\n"
				"    poll_interval: 10s\n"
				"    timeout: 50ms\n"
				"    retries: 0\n"
				"    snmp: {host: 127.0.0.1, port: %u}\n"
				"    points:\n"
				"      - {name: e, oid: \"1.3.6.1.2.1.33.1.4.4.1.4.1\", unit: kWh, "
				"kind: energy, measured_at: ups_output}\n"
				"pue: {facility: {add: [pdu/e]}, it: {add: [pdu/e]}}\n";

static void
test_snmp_polls_resume_after_a_timeout_that_could_not_be_armed(void **state)
{
	const char *failed = "device pdu: the timeout of its SNMP requests: cannot arm its timer";
	struct pue_config *cfg = NULL;
	struct pue_diags diags = {0};
	struct pue_snmp_lib *lib;
	struct pue_poller *p;
	struct silent_meter meter;
	struct capture log;
	struct stepped s;
	struct pue_err err;
	unsigned polls = 0;
	char yaml[1024];
	int64_t guard;
	int n;

	(void)state;
	stepped_new(&s);
	silent_meter_start(&meter, s.loop);
	n = snprintf(yaml, sizeof(yaml), snmp_yaml, meter.port);
	assert_int_equal(pue_config_load_buffer("test.yaml", yaml, (size_t)n, &cfg, &diags), 0);
	capture_start(&log);
	assert_non_null(lib = pue_snmp_lib_new(&err));
	assert_non_null(p = pue_snmp_poll_ops.new(
				&(struct pue_poller_env){
					.cfg = cfg,
					.loop = s.loop,
					.clock = s.clock,
					.sink = &(struct pue_poll_sink){.arg = &polls,
									.reading = no_reading,
									.polled = polled},
					.snmp_lib = lib},
				&err));
	/* The first poll, at the start: its request times out 50 ms later. */
	advance(&s, 0, 0);
	assert_int_equal(meter.requests, 1);
	assert_int_equal(polls, 1);
	/* The next poll arms its successor, sends its request and arms the
	 * request's timeout: the two arms fail. The loop stops as the
	 * request comes in, so nothing arms anything meanwhile. */
	meter.stop_at_request = true;
	pue_loop_fail_timers(s.loop, 2);
	assert_int_equal(pue_loop_advance(s.loop, pue_mono_add_ms(pue_clock_mono(s.clock), 60000)),
			 0);
	assert_int_equal(pue_loop_run(s.loop), 0);
	meter.stop_at_request = false;
	assert_int_equal(meter.requests, 2);
	assert_int_equal(polls, 1); /* its request waits for a timeout no timer will run */
	/* What the service's 1 s tick does (pue_service_rearm()). Then a
	 * minute on pued's clock: the request times out, and the device is
	 * polled again (at its backoff's pace, as it never answers). The
	 * guard, in real time, stops a loop whose clock cannot move. */
	assert_int_equal(pue_poller_rearm(p), 0);
	assert_true(
		(guard = pue_loop_add_real_timer(s.loop, pue_mono_add_ms(pue_clock_real(), 10000),
						 stop_loop, s.loop)) > 0);
	advance(&s, 60000, 0);
	pue_loop_cancel(s.loop, guard);
	assert_true(polls >= 3);
	assert_true(pue_loop_caught_up(s.loop));
	assert_int_equal(meter.requests, polls);
	assert_int_equal(captured(&log, failed), 1);
	assert_int_equal(captured(&log, "device pdu: the timeout of its SNMP requests runs again"),
			 1);
	pue_snmp_poll_ops.free(p);
	pue_snmp_lib_unref(lib);
	capture_stop(&log);
	pue_loop_del_fd(s.loop, meter.fd);
	close(meter.fd);
	stepped_free(&s);
	pue_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			test_timer_failed_arm_is_logged_once_and_runs_once_retried, shown),
		cmocka_unit_test_teardown(test_timer_retried_after_its_deadline_runs_at_once,
					  shown),
		cmocka_unit_test_teardown(test_control_sweep_goes_on_after_a_failed_arm, shown),
		cmocka_unit_test_teardown(test_alert_round_goes_on_after_a_failed_arm, shown),
		cmocka_unit_test_teardown(
			test_snmp_polls_resume_after_a_timeout_that_could_not_be_armed, shown),
	};

	pue_log_set_sink(PUE_LOG_STDERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
