/* SPDX-License-Identifier: MIT */
/*
 * test_poller_memory.c - what one device costs the pollers (issue 18),
 * measured on the heap: the difference between a site of FEW and one of
 * MANY devices, divided by the devices added, so that what a poller holds
 * once (net-snmp's and OpenSSL's global state, worker threads) cancels
 * out and only the per-device part is bounded.
 *
 * The devices are the campus bench's (bench/campus.sh): a Modbus TCP
 * meter of a float32 kW and a uint64 Wh counter (one 22-register read),
 * each on its own address, so each brings its own connection and
 * libmodbus context; an SNMP agent of a power and an energy point, one in
 * five SNMPv3 authPriv, one in ten also summing a column. SNMP sessions
 * open at a device's first poll: the SNMP figure is taken once every
 * device's first poll is out, to an address that takes the datagrams and
 * never answers, so that net-snmp's sessions and the requests it holds
 * for resending are counted too.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "poll/modbus_poll.h"
#include "poll/snmp_lib.h"
#include "poll/snmp_poll.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/loop.h"

#include "heap_in_use.h"
#include "meters_site.h"

#define FEW 10
#define MANY 110

/* Bytes per device, for the device's own state (its struct, points,
 * buffers) and its connection's. A Modbus meter on its own address, with
 * its libmodbus context: 2459 before issue 18's cuts (a TCP context kept a
 * 1025-byte host buffer, eight small allocations), 1154 after. An SNMP
 * agent set up: 1955 before (keys, address and message buffers of fixed
 * size in every device, a kilobyte of walk cursor per column point), 1523
 * after. With its session and its first poll out, most of what is added is
 * net-snmp's: the session (some 800 bytes) and the request it keeps for
 * resending until the answer or the timeout, whose every varbind holds a
 * 128-arc name buffer (1.1 kB); 5764 before, 5331 after. */
#define MODBUS_BOUND 1280
#define SNMP_BOUND 1600
#define SNMP_SESSION_BOUND 5500

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

static const struct pue_poll_sink sink = {.reading = no_reading};

/* Modbus ----------------------------------------------------------------- */

static struct pue_config *
meters(size_t n)
{
	return meters_site(n,
			   "      - {name: p, register: 10, type: float32, unit: kW, kind: power}\n"
			   "      - {name: e, register: 28, type: uint64, unit: Wh, kind: energy,\n"
			   "         measured_at: ups_output}\n",
			   "  facility: {add: [m0/e]}\n  it: {add: [m0/e]}\n");
}

/* The heap a Modbus poller of n meters holds once set up: nothing is
 * polled, and nothing more is allocated per meter when it is. */
static size_t
modbus_bytes(size_t n)
{
	struct pue_config *cfg = meters(n);
	struct pue_clock *clock = pue_clock_new_system();
	struct pue_loop *loop;
	struct pue_poller *p;
	struct pue_err err = {0};
	size_t before, after;

	assert_non_null(clock);
	assert_non_null(loop = pue_loop_new(clock, &err));
	before = heap_in_use();
	p = pue_modbus_poll_ops.new(
		&(struct pue_poller_env){.cfg = cfg, .loop = loop, .clock = clock, .sink = &sink},
		&err);
	if (p == NULL)
		fail_msg("%s", err.msg);
	after = heap_in_use();
	p->ops->free(p);
	pue_loop_free(loop);
	pue_clock_free(clock);
	pue_config_free(cfg);
	return after - before;
}

static void
test_modbus_meter_heap_is_bounded(void **state)
{
	size_t few, many, per;

	(void)state;
	few = modbus_bytes(FEW);
	many = modbus_bytes(MANY);
	assert_true(many > few);
	per = (many - few) / (MANY - FEW);
	print_message("modbus: %zu bytes of heap per meter on its own connection\n", per);
	assert_true(per <= MODBUS_BOUND);
}

/* SNMP ------------------------------------------------------------------- */

#define PLAY "1.3.6.1.4.1.8072.9999.9999.1"

static struct pue_config *
agents(size_t n, unsigned port)
{
	struct pue_buf b = {0};
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};
	size_t i;

	pue_buf_printf(&b, "site: campus\npoll_interval: 1s\ndevices:\n");
	for (i = 0; i < n; i++) {
		pue_buf_printf(&b,
			       "  - name: a%zu\n"
			       "    protocol: snmp\n"
			       "    timeout: 60s\n"
			       "    retries: 0\n",
			       i);
		if (i % 5 == 4)
			pue_buf_printf(&b,
				       "    snmp: {host: 127.0.0.1, port: %u, version: 3, user: "
				       "pued-sha256, auth_protocol: sha256, auth_passphrase: "
				       "pued-auth-256, priv_passphrase: pued-priv-aes}\n",
				       port);
		else
			pue_buf_printf(&b,
				       "    snmp: {host: 127.0.0.1, port: %u, community: public}\n",
				       port);
		pue_buf_printf(&b,
			       "    points:\n"
			       "      - {name: power, oid: " PLAY ".1.0, kind: power, unit: W}\n"
			       "      - {name: energy, oid: " PLAY ".4.0, kind: energy, unit: Wh,\n"
			       "         counter_bits: 64%s}\n",
			       i == 0 ? ", measured_at: ups_output" : "");
		if (i % 10 == 3)
			pue_buf_printf(&b, "      - {name: lines, oid: " PLAY
					   ".11, sum_column: true, kind: power, unit: W}\n");
	}
	pue_buf_printf(&b, "pue:\n  facility: {add: [a0/energy]}\n  it: {add: [a0/energy]}\n");
	assert_false(b.failed);
	if (pue_config_load_buffer("agents.yaml", b.data, b.len, &cfg, &d) != 0)
		fail_msg("%s", d.n > 0 ? d.lines[0] : "load failed");
	pue_buf_free(&b);
	return cfg;
}

/* A UDP port that takes every datagram and answers none. */
static int
black_hole(unsigned *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static void
on_stop(void *arg)
{
	pue_loop_stop(arg);
}

/* The heap an SNMP poller of n agents holds once set up (*set_up), and
 * once every agent's first poll is out (the return value). */
static size_t
snmp_bytes(struct pue_snmp_lib *lib, size_t n, size_t *set_up)
{
	struct pue_clock *clock = pue_clock_new_system();
	struct pue_config *cfg;
	struct pue_loop *loop;
	struct pue_poller *p;
	struct pue_err err = {0};
	size_t before, after, i;
	unsigned port;
	int hole = black_hole(&port);

	cfg = agents(n, port);
	assert_non_null(clock);
	assert_non_null(loop = pue_loop_new(clock, &err));
	before = heap_in_use();
	p = pue_snmp_poll_ops.new(
		&(struct pue_poller_env){
			.cfg = cfg, .loop = loop, .clock = clock, .sink = &sink, .snmp_lib = lib},
		&err);
	if (p == NULL)
		fail_msg("%s", err.msg);
	*set_up = heap_in_use() - before;
	/* First polls are spread over the 1 s interval, each on a loop timer:
	 * one due after the interval fires after all of them. Nothing ends
	 * before: nothing answers, and a request times out after 60 s. */
	pue_loop_add_timer(loop, pue_mono_add_ms(pue_clock_mono(clock), 1000), on_stop, loop);
	assert_int_equal(pue_loop_run(loop), 0);
	after = heap_in_use();
	for (i = 0; i < n; i++)
		assert_int_equal(p->ops->health(p, i)->polls, 0); /* all still out */
	p->ops->free(p);
	pue_loop_free(loop);
	pue_clock_free(clock);
	pue_config_free(cfg);
	close(hole);
	return after - before;
}

static void
test_snmp_agent_heap_is_bounded(void **state)
{
	struct pue_err err = {0};
	struct pue_snmp_lib *lib = pue_snmp_lib_new(&err);
	size_t few, many, few_set, many_set, per, per_set;

	(void)state;
	if (lib == NULL)
		fail_msg("%s", err.msg);
	(void)snmp_bytes(lib, FEW, &few_set); /* net-snmp's and OpenSSL's first use */
	few = snmp_bytes(lib, FEW, &few_set);
	many = snmp_bytes(lib, MANY, &many_set);
	assert_true(many > few && many_set > few_set);
	per = (many - few) / (MANY - FEW);
	per_set = (many_set - few_set) / (MANY - FEW);
	print_message("snmp: %zu bytes of heap per agent set up, %zu with its session and "
		      "first poll out\n",
		      per_set, per);
	assert_true(per_set <= SNMP_BOUND);
	assert_true(per <= SNMP_SESSION_BOUND);
	pue_snmp_lib_unref(lib);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modbus_meter_heap_is_bounded),
		cmocka_unit_test(test_snmp_agent_heap_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
