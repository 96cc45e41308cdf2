/* SPDX-License-Identifier: MIT */
/*
 * test_modbus_poll.c - the poller against a small Modbus TCP server on a
 * thread of this test.
 *
 * The first test proves that no descriptor >= 1024 reaches libmodbus even
 * when every lower one is taken after start: libmodbus 3.1.6 calls
 * select() inside modbus_connect(), so a socket numbered 1024 or more
 * would overflow its fd_set (Debian's fortified build aborts) before any
 * check after the connect could refuse it. The poller reserves one low
 * descriptor per connection at start and connects on it. The second proves
 * the same for a link of several connections (modbus.connections), and
 * that its unit ids are dealt to them round robin, each unit id on one
 * connection only.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/clock.h"
#include "config/config.h"
#include "util/loop.h"
#include "poll/modbus_poll.h"

/* The server ---------------------------------------------------------- */

#define MAX_CLIENTS 8

/* Answers every read (fc 03/04) with register a = a, on any descriptor
 * number: it waits with poll(), never select(). Counts the connections it
 * accepted and, per connection, the unit ids asked on it (read once the
 * thread is joined). */
struct server {
	int lfd, stop[2];
	uint16_t port;
	pthread_t tid;
	unsigned accepted;
	uint64_t units[MAX_CLIENTS][4]; /* per connection: a bit per unit id */
};

/* Answers one request on fd; returns its unit id, or -1 when the client
 * is gone (fd closed). */
static int
answer(int fd)
{
	uint8_t req[12], rsp[9 + 250];
	unsigned addr, nb, i;
	ssize_t n = recv(fd, req, sizeof(req), MSG_WAITALL);

	if (n != (ssize_t)sizeof(req)) {
		close(fd);
		return -1;
	}
	addr = (unsigned)req[8] << 8 | req[9];
	nb = (unsigned)req[10] << 8 | req[11];
	if (nb > 125)
		nb = 125;
	memcpy(rsp, req, 7);
	rsp[4] = (uint8_t)((3 + 2 * nb) >> 8);
	rsp[5] = (uint8_t)(3 + 2 * nb);
	rsp[7] = req[7];
	rsp[8] = (uint8_t)(2 * nb);
	for (i = 0; i < nb; i++) {
		rsp[9 + 2 * i] = (uint8_t)((addr + i) >> 8);
		rsp[10 + 2 * i] = (uint8_t)(addr + i);
	}
	if (send(fd, rsp, 9 + 2 * nb, MSG_NOSIGNAL) < 0) {
		close(fd);
		return -1;
	}
	return req[6];
}

static void *
serve(void *arg)
{
	struct server *s = arg;
	struct pollfd p[2 + MAX_CLIENTS];
	nfds_t n = 2, i;

	p[0] = (struct pollfd){.fd = s->stop[0], .events = POLLIN};
	p[1] = (struct pollfd){.fd = s->lfd, .events = POLLIN};
	for (;;) {
		if (poll(p, n, -1) < 0)
			continue;
		if (p[0].revents)
			break;
		if ((p[1].revents & POLLIN) && n < 2 + MAX_CLIENTS) {
			int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0) {
				p[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
				s->accepted++;
			}
		}
		for (i = 2; i < n; i++) {
			int unit;

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			if ((unit = answer(p[i].fd)) < 0)
				p[i].fd = -1; /* closed: poll() skips it from now on */
			else
				s->units[i - 2][unit / 64] |= UINT64_C(1) << (unit % 64);
		}
	}
	for (i = 2; i < n; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	return NULL;
}

static void
server_start(struct server *s)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);

	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s->lfd >= 0);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(s->lfd, 16), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sin, &len), 0);
	s->port = ntohs(sin.sin_port);
	assert_int_equal(pipe2(s->stop, O_CLOEXEC), 0);
	assert_int_equal(pthread_create(&s->tid, NULL, serve, s), 0);
}

static void
server_stop(struct server *s)
{
	assert_int_equal(write(s->stop[1], "x", 1), 1);
	pthread_join(s->tid, NULL);
	close(s->stop[0]);
	close(s->stop[1]);
	close(s->lfd);
}

/* pued's side ---------------------------------------------------------- */

struct run {
	struct pue_loop *loop;
	unsigned readings, polls;
	unsigned stop_after; /* polls; 0 for 1 */
	double value;
};

static int
on_reading(void *arg, size_t device, size_t point, const struct pue_reading *r, struct pue_err *err)
{
	struct run *run = arg;

	(void)device;
	(void)err;
	if (point == 0)
		run->value = r->value;
	run->readings++;
	return 0;
}

static void
on_polled(void *arg, size_t device)
{
	struct run *run = arg;

	(void)device;
	if (++run->polls >= (run->stop_after ? run->stop_after : 1))
		pue_loop_stop(run->loop);
}

static void
on_timeout(void *arg)
{
	pue_loop_stop(arg);
}

static struct pue_config *
load(const char *yaml_fmt, uint16_t port, char *dir, size_t dir_size)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d;
	char path[300];
	const char *tmp = getenv("TMPDIR");
	FILE *fp;
	size_t i;

	snprintf(dir, dir_size, "%s/pued-test-poll-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pued.yaml", dir);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, yaml_fmt, port);
	assert_int_equal(fclose(fp), 0);
	if (pue_config_load(path, &cfg, &d) != 0) {
		for (i = 0; i < d.n; i++)
			print_message("  diag: %s\n", d.lines[i]);
		pue_config_diags_free(&d);
		fail_msg("configuration");
	}
	unlink(path);
	rmdir(dir);
	return cfg;
}

static const char one_meter[] =
	"site: t\n"
	"workers: 1\n"
	"devices:\n"
	"  - name: m\n"
	"    protocol: modbus_tcp\n"
	"    timeout: 1s\n"
	"    retries: 0\n"
	"    modbus: {host: 127.0.0.1, port: %u}\n"
	"    points:\n"
	"      - {name: p, register: 960, type: uint16, unit: kW, kind: power}\n"
	"      - {name: e, register: 20, type: uint32, unit: kWh, kind: energy,\n"
	"         measured_at: ups_output}\n"
	"pue: {facility: {add: [m/e]}, it: {add: [m/e]}}\n";

static void
test_poll_connects_below_1024_when_low_descriptors_run_out(void **state)
{
	struct run run = {0};
	struct pue_poll_sink sink = {.arg = &run, .reading = on_reading, .polled = on_polled};
	const struct pue_health *h;
	struct pue_config *cfg;
	struct pue_clock *clock;
	struct pue_poller *m;
	struct pue_err err;
	struct server srv;
	struct rlimit rl;
	char dir[256];
	int fillers[1100], n_fill = 0, fd, devnull;

	(void)state;
	/* Room above 1024, or the premise cannot be built here. */
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 1100)
		skip();
	if (rl.rlim_cur < 1100) {
		rl.rlim_cur = 1100;
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	}
	server_start(&srv);
	cfg = load(one_meter, srv.port, dir, sizeof(dir));
	assert_non_null(clock = pue_clock_new_system());
	assert_non_null(run.loop = pue_loop_new(clock, &err));
	m = pue_modbus_poll_ops.new(
		&(struct pue_poller_env){
			.cfg = cfg, .loop = run.loop, .clock = clock, .sink = &sink},
		&err);
	assert_non_null(m);

	/* Now take every descriptor below 1024 that is still free: the
	 * connect happens after this, in the first poll. */
	assert_true((devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0);
	while ((fd = fcntl(devnull, F_DUPFD_CLOEXEC, 0)) >= 0 && fd < PUE_MODBUS_FD_LIMIT &&
	       n_fill < (int)(sizeof(fillers) / sizeof(fillers[0])))
		fillers[n_fill++] = fd;
	assert_true(fd >= PUE_MODBUS_FD_LIMIT); /* the next socket() would get >= 1024 */
	close(fd);

	pue_loop_add_timer(run.loop, pue_mono_add_ms(pue_clock_mono(clock), 5000), on_timeout,
			   run.loop);
	assert_int_equal(pue_loop_run(run.loop), 0);
	while (n_fill > 0)
		close(fillers[--n_fill]);
	close(devnull);

	h = m->ops->health(m, 0);
	assert_int_equal(run.polls, 1);
	if (h->state != PUE_DEV_UP)
		fail_msg("device %s: %s", pue_health_state_name(h->state), pue_health_error(h));
	assert_int_equal(run.readings, 2);
	assert_true(run.value == 960.0); /* register 960 holds 960 */
	m->ops->free(m);
	pue_loop_free(run.loop);
	pue_clock_free(clock);
	pue_config_free(cfg);
	server_stop(&srv);
}

/* Six unit ids behind one host:port with connections: 3, and a seventh
 * device asking unit 2 again. */
static const char gateway_of_three[] =
	"site: t\n"
	"workers: 1\n"
	"devices:\n"
	"  - {name: u1, protocol: modbus_tcp, retries: 0,\n"
	"     modbus: {host: 127.0.0.1, port: %1$u, unit_id: 1, connections: 3},\n"
	"     points: [{name: e, register: 20, type: uint32, unit: kWh, kind: energy,\n"
	"               measured_at: ups_output}]}\n"
	"  - {name: u2, protocol: modbus_tcp, retries: 0, modbus: {host: 127.0.0.1, port: %1$u, "
	"unit_id: 2},\n"
	"     points: [{name: e, register: 20, type: uint32, unit: kWh, kind: energy}]}\n"
	"  - {name: u3, protocol: modbus_tcp, retries: 0, modbus: {host: 127.0.0.1, port: %1$u, "
	"unit_id: 3},\n"
	"     points: [{name: e, register: 20, type: uint32, unit: kWh, kind: energy}]}\n"
	"  - {name: u4, protocol: modbus_tcp, retries: 0, modbus: {host: 127.0.0.1, port: %1$u, "
	"unit_id: 4},\n"
	"     points: [{name: e, register: 20, type: uint32, unit: kWh, kind: energy}]}\n"
	"  - {name: u2b, protocol: modbus_tcp, retries: 0, modbus: {host: 127.0.0.1, port: %1$u, "
	"unit_id: 2},\n"
	"     points: [{name: p, register: 960, type: uint16, unit: kW, kind: power}]}\n"
	"  - {name: u5, protocol: modbus_tcp, retries: 0, modbus: {host: 127.0.0.1, port: %1$u, "
	"unit_id: 5},\n"
	"     points: [{name: e, register: 20, type: uint32, unit: kWh, kind: energy}]}\n"
	"  - {name: u6, protocol: modbus_tcp, retries: 0, modbus: {host: 127.0.0.1, port: %1$u, "
	"unit_id: 6},\n"
	"     points: [{name: e, register: 20, type: uint32, unit: kWh, kind: energy}]}\n"
	"pue: {facility: {add: [u1/e]}, it: {add: [u1/e]}}\n";

static void
test_poll_connections_share_unit_ids_round_robin_below_1024(void **state)
{
	struct run run = {.stop_after = 7};
	struct pue_poll_sink sink = {.arg = &run, .reading = on_reading, .polled = on_polled};
	const struct pue_health *h;
	struct pue_config *cfg;
	struct pue_clock *clock;
	struct pue_poller *m;
	struct pue_err err;
	struct server srv = {0};
	struct rlimit rl;
	char dir[256];
	int fillers[1100], n_fill = 0, fd, devnull;
	unsigned i, c;
	/* unit ids in order of first appearance 1 2 3 4 5 6: connection k
	 * takes the k-th, (k+3)-th; u2b joins unit 2's */
	static const uint64_t want[3] = {1u << 1 | 1u << 4, 1u << 2 | 1u << 5, 1u << 3 | 1u << 6};
	bool seen[3] = {false};

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 1100)
		skip();
	if (rl.rlim_cur < 1100) {
		rl.rlim_cur = 1100;
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	}
	server_start(&srv);
	cfg = load(gateway_of_three, srv.port, dir, sizeof(dir));
	assert_int_equal(cfg->devices[4].modbus.connections, 3); /* the link's, set on u1 */
	assert_non_null(clock = pue_clock_new_system());
	assert_non_null(run.loop = pue_loop_new(clock, &err));
	m = pue_modbus_poll_ops.new(
		&(struct pue_poller_env){
			.cfg = cfg, .loop = run.loop, .clock = clock, .sink = &sink},
		&err);
	assert_non_null(m);

	/* Every descriptor below 1024 taken after start: the three connects
	 * come later, in the first polls, on the three reserved numbers. */
	assert_true((devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0);
	while ((fd = fcntl(devnull, F_DUPFD_CLOEXEC, 0)) >= 0 && fd < PUE_MODBUS_FD_LIMIT &&
	       n_fill < (int)(sizeof(fillers) / sizeof(fillers[0])))
		fillers[n_fill++] = fd;
	assert_true(fd >= PUE_MODBUS_FD_LIMIT);
	close(fd);

	pue_loop_add_timer(run.loop, pue_mono_add_ms(pue_clock_mono(clock), 5000), on_timeout,
			   run.loop);
	assert_int_equal(pue_loop_run(run.loop), 0);
	while (n_fill > 0)
		close(fillers[--n_fill]);
	close(devnull);

	assert_int_equal(run.polls, 7);
	for (i = 0; i < 7; i++) {
		h = m->ops->health(m, i);
		if (h->state != PUE_DEV_UP)
			fail_msg("device %s: %s: %s", cfg->devices[i].name,
				 pue_health_state_name(h->state), pue_health_error(h));
	}
	m->ops->free(m);
	pue_loop_free(run.loop);
	pue_clock_free(clock);
	pue_config_free(cfg);
	server_stop(&srv); /* joined: its counts can be read */

	assert_int_equal(srv.accepted, 3);
	for (c = 0; c < 3; c++) { /* the order of accepts is the order of phases */
		assert_int_equal(srv.units[c][1] | srv.units[c][2] | srv.units[c][3], 0);
		for (i = 0; i < 3; i++)
			if (srv.units[c][0] == want[i] && !seen[i])
				break;
		if (i == 3)
			fail_msg("connection %u asked unit ids 0x%llx", c,
				 (unsigned long long)srv.units[c][0]);
		seen[i] = true;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poll_connects_below_1024_when_low_descriptors_run_out),
		cmocka_unit_test(test_poll_connections_share_unit_ids_round_robin_below_1024),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
