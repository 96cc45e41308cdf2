/* SPDX-License-Identifier: MIT */
/*
 * test_rtu_line.c - the serial line's quiet (rtu_line.h): how long an
 * answer must stay alone at a baud rate and framing, and draining a line
 * until it is silent. A pipe stands for the tty: both are byte streams
 * read with poll() and read().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "poll/rtu_line.h"

static struct pue_device_conf
bus(uint32_t baud, char parity, int64_t gap_ms)
{
	struct pue_device_conf d = {.protocol = PUE_PROTO_MODBUS_RTU};

	d.modbus.baud = baud;
	d.modbus.parity = parity;
	d.modbus.data_bits = 8;
	d.modbus.stop_bits = 1;
	d.modbus.request_gap_ms = gap_ms;
	return d;
}

static void
test_rtu_line_answer_alone_for_two_frame_gaps_or_the_gap(void **state)
{
	struct pue_device_conf d;

	(void)state;
	d = bus(19200, 'N', 0); /* 10 bits a character: 2 x 3.5 x 10 / 19200 s = 3.6 ms */
	assert_int_equal(pue_rtu_line_alone_ms(&d), 4);
	d = bus(9600, 'E', 0); /* 11 bits: 8.02 ms */
	assert_int_equal(pue_rtu_line_alone_ms(&d), 9);
	d = bus(115200, 'N', 0); /* above 19200 baud the gap is fixed: 2 x 1.75 ms */
	assert_int_equal(pue_rtu_line_alone_ms(&d), 4);
	d = bus(19200, 'N', 20); /* the request gap, when longer, is spent watching */
	assert_int_equal(pue_rtu_line_alone_ms(&d), 20);
}

static void
line(int fds[2])
{
	assert_int_equal(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
}

static void
test_rtu_line_speaks_only_with_a_byte_waiting(void **state)
{
	int fds[2];

	(void)state;
	line(fds);
	assert_false(pue_rtu_line_speaks(fds[0], 0));
	assert_false(pue_rtu_line_speaks(fds[0], 5));
	assert_int_equal(write(fds[1], "\3", 1), 1);
	assert_true(pue_rtu_line_speaks(fds[0], 0));
	close(fds[0]);
	close(fds[1]);
}

static void
test_rtu_line_settle_drops_what_waits_and_leaves_a_quiet_line(void **state)
{
	unsigned char frame[9] = {3, 3, 4, 0x43, 0xC8, 0, 0, 0x4D, 0x89}; /* 400.0 from unit 3 */
	int fds[2], i;

	(void)state;
	line(fds);
	for (i = 0; i < 20; i++) /* 180 bytes: more than one read of the drain */
		assert_int_equal(write(fds[1], frame, sizeof(frame)), (ssize_t)sizeof(frame));
	assert_int_equal(pue_rtu_line_settle(fds[0], 20, NULL), 0);
	assert_false(pue_rtu_line_speaks(fds[0], 0));
	close(fds[0]);
	close(fds[1]);
}

static void
test_rtu_line_settle_reports_a_line_that_is_gone(void **state)
{
	int fds[2];

	(void)state;
	line(fds);
	close(fds[1]); /* end of file, as a tty whose other end went away */
	assert_int_equal(pue_rtu_line_settle(fds[0], 20, NULL), EIO);
	close(fds[0]);
}

static void
test_rtu_line_settle_stops_when_pued_stops(void **state)
{
	atomic_bool stop = true;
	int fds[2];

	(void)state;
	line(fds);
	assert_int_equal(pue_rtu_line_settle(fds[0], 60000, &stop), ECANCELED);
	close(fds[0]);
	close(fds[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtu_line_answer_alone_for_two_frame_gaps_or_the_gap),
		cmocka_unit_test(test_rtu_line_speaks_only_with_a_byte_waiting),
		cmocka_unit_test(test_rtu_line_settle_drops_what_waits_and_leaves_a_quiet_line),
		cmocka_unit_test(test_rtu_line_settle_reports_a_line_that_is_gone),
		cmocka_unit_test(test_rtu_line_settle_stops_when_pued_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
