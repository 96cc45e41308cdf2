/* SPDX-License-Identifier: MIT */
/*
 * test_mbap.c - a Modbus TCP answer counts only when its MBAP header and
 * PDU answer the read pued sent: the unit id and MBAP length that
 * libmodbus 3.1.6 leaves unchecked (issue 14), and what its own read
 * checks (transaction id, protocol id, function, byte count).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <modbus.h>

#include "poll/mbap.h"

/* Read holding 10+2 from unit 2, as pued sends it. */
static const struct pue_mbap_read q = {.unit = 2, .function = 0x03, .count = 2};

/* The answer a meter gives: 0x4470 0x0000 (float32 960.0). */
static size_t
answer(uint8_t *adu)
{
	static const uint8_t ok[] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x02, /* MBAP */
				     0x03, 0x04, 0x44, 0x70, 0x00, 0x00};
	memcpy(adu, ok, sizeof(ok));
	return sizeof(ok);
}

static int
check(const uint8_t *adu, size_t len, uint16_t *dst, char *why)
{
	return pue_mbap_check(adu, len, &q, dst, why, 120);
}

static void
test_mbap_answer_of_the_unit_asked_gives_its_registers(void **state)
{
	uint8_t adu[32];
	uint16_t regs[2] = {0, 0};
	char why[120] = "x";
	size_t len = answer(adu);

	(void)state;
	assert_int_equal(check(adu, len, regs, why), 0);
	assert_int_equal(regs[0], 0x4470);
	assert_int_equal(regs[1], 0x0000);
	assert_string_equal(why, "");
}

static void
test_mbap_answer_from_another_unit_is_a_protocol_error(void **state)
{
	uint8_t adu[32];
	uint16_t regs[2] = {7, 7};
	char why[120];
	size_t len = answer(adu);

	(void)state;
	adu[6] = 3; /* the neighbour behind the same gateway */
	assert_int_equal(check(adu, len, regs, why), EMBBADSLAVE);
	assert_string_equal(why, "answer from unit id 3, asked unit id 2");
	assert_int_equal(regs[0], 7); /* nothing of its value taken */
	/* An exception from another unit is not ours either. */
	adu[7] = 0x83;
	adu[8] = 0x0B;
	adu[5] = 3;
	assert_int_equal(check(adu, 9, regs, why), EMBBADSLAVE);
}

static void
test_mbap_length_that_disagrees_with_the_frame_is_a_protocol_error(void **state)
{
	uint8_t adu[32];
	uint16_t regs[2] = {7, 7};
	char why[120];
	size_t len = answer(adu);

	(void)state;
	adu[5] = 8; /* one byte more than follows */
	assert_int_equal(check(adu, len, regs, why), EMBBADDATA);
	assert_string_equal(why, "invalid answer (MBAP length 8, 7 bytes follow)");
	adu[5] = 6;
	assert_int_equal(check(adu, len, regs, why), EMBBADDATA);
	assert_int_equal(regs[0], 7);
}

static void
test_mbap_transaction_and_protocol_ids_are_checked(void **state)
{
	uint8_t adu[32];
	uint16_t regs[2];
	char why[120];
	size_t len = answer(adu);

	(void)state;
	adu[1] = 5; /* not the 0 this read was sent with: an answer to another */
	assert_int_equal(check(adu, len, regs, why), EMBBADDATA);
	assert_string_equal(why, "invalid answer (transaction id 5, sent 0)");
	adu[1] = 0;
	adu[3] = 1; /* libmodbus 3.1.6 lets 0x0001 through (it wants both bytes non-zero) */
	assert_int_equal(check(adu, len, regs, why), EMBBADDATA);
	assert_string_equal(why, "invalid answer (protocol id 1, not 0)");
}

static void
test_mbap_request_carries_the_read_and_its_transaction_id(void **state)
{
	const struct pue_mbap_read r = {
		.tid = 0x1234, .unit = 2, .function = 0x04, .address = 0x010A, .count = 2};
	static const uint8_t want[PUE_MBAP_READ_BYTES] = {0x12, 0x34, 0x00, 0x00, 0x00, 0x06,
							  0x02, 0x04, 0x01, 0x0A, 0x00, 0x02};
	uint8_t adu[PUE_MBAP_READ_BYTES];

	(void)state;
	pue_mbap_request(&r, adu);
	assert_memory_equal(adu, want, sizeof(want));
}

static void
test_mbap_answer_to_the_previous_request_is_not_this_ones(void **state)
{
	/* A gateway that sends each answer twice: the second copy of the power
	 * read's answer (same unit, function and byte count) comes when the
	 * energy read, the connection's next request, waits. */
	struct pue_mbap_read energy = q;
	uint8_t adu[32];
	uint16_t regs[2] = {7, 7};
	char why[120];
	size_t len = answer(adu);

	(void)state;
	adu[1] = 41; /* the power read's id */
	energy.tid = 42;
	assert_int_equal(pue_mbap_check(adu, len, &energy, regs, why, sizeof(why)), EMBBADDATA);
	assert_string_equal(why, "invalid answer (transaction id 41, sent 42)");
	assert_int_equal(regs[0], 7); /* nothing written */
	adu[1] = 42;
	assert_int_equal(pue_mbap_check(adu, len, &energy, regs, why, sizeof(why)), 0);
	assert_int_equal(regs[0], 0x4470);
}

static void
test_mbap_function_and_byte_count_must_answer_the_read(void **state)
{
	uint8_t adu[32];
	uint16_t regs[2];
	char why[120];
	size_t len = answer(adu);

	(void)state;
	adu[7] = 0x04;
	assert_int_equal(check(adu, len, regs, why), EMBBADDATA);
	assert_string_equal(why, "invalid answer (function 0x04, asked 0x03)");
	/* one register fewer, consistently framed */
	len = answer(adu);
	adu[5] = 5;
	adu[8] = 2;
	assert_int_equal(check(adu, len - 2, regs, why), EMBBADDATA);
	assert_string_equal(why, "invalid answer (2 bytes of registers, asked 4)");
	assert_int_equal(check(adu, 8, regs, why), EMBBADDATA); /* cut after the function */
}

static void
test_mbap_exception_of_the_unit_asked_is_its_code(void **state)
{
	uint8_t adu[32];
	uint16_t regs[2];
	char why[120];

	(void)state;
	answer(adu);
	adu[5] = 3;
	adu[7] = 0x83;
	adu[8] = 0x0B;
	assert_int_equal(check(adu, 9, regs, why), EMBXGTAR);
	assert_string_equal(why, "");
	adu[8] = 0x2A; /* no such exception */
	assert_int_equal(check(adu, 9, regs, why), EMBBADEXC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mbap_answer_of_the_unit_asked_gives_its_registers),
		cmocka_unit_test(test_mbap_request_carries_the_read_and_its_transaction_id),
		cmocka_unit_test(test_mbap_answer_to_the_previous_request_is_not_this_ones),
		cmocka_unit_test(test_mbap_answer_from_another_unit_is_a_protocol_error),
		cmocka_unit_test(
			test_mbap_length_that_disagrees_with_the_frame_is_a_protocol_error),
		cmocka_unit_test(test_mbap_transaction_and_protocol_ids_are_checked),
		cmocka_unit_test(test_mbap_function_and_byte_count_must_answer_the_read),
		cmocka_unit_test(test_mbap_exception_of_the_unit_asked_is_its_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
