/* SPDX-License-Identifier: MIT */
/*
 * mbap.h - a Modbus TCP read as pued sends it, and is this answer the
 * answer to it? Pure functions, any thread; the worker side of
 * modbus_link.c.
 *
 * libmodbus 3.1.6 checks a TCP answer's transaction id, and its protocol id
 * only when both bytes are non-zero; it reads as many bytes as the function
 * code and byte count say and never looks at the MBAP length, and it never
 * compares the unit id with the request's (only its RTU backend checks the
 * address). A gateway that routes a request to the wrong device behind it
 * sends a well-formed answer from another unit, and libmodbus hands over
 * the neighbour's registers as ours (issue 14: 8 of 8 samples of a
 * neighbour's 12,345 kW stored). pued therefore writes its TCP reads
 * itself and takes the answer, MBAP header included, from
 * modbus_receive_confirmation(), libmodbus doing the framing, and checks
 * here what libmodbus's own read would have checked and what it leaves out
 * (PUE.md, "Readings that cannot be true"; Modbus Messaging on TCP/IP
 * Implementation Guide v1.0b, 3.1.3).
 *
 * Each request carries the next transaction id of its connection, so that
 * an answer to an earlier request cannot pass for this one's. libmodbus
 * 3.1.6's modbus_send_raw_request() gives every request id 0: a gateway
 * that sent each answer twice had the second copy of the power read's
 * answer (same unit, function and byte count) taken for the energy read's,
 * 400 kWh stored for 400 kW.
 */
#ifndef PUE_MBAP_H
#define PUE_MBAP_H

#include <stddef.h>
#include <stdint.h>

#define PUE_MBAP_BYTES 7 /* transaction id, protocol id, length, unit id */

#define PUE_MBAP_READ_BYTES 12 /* a read request: header, function, address, quantity */

/* A register read as it was sent. */
struct pue_mbap_read {
	uint16_t tid;	  /* transaction id */
	uint8_t unit;	  /* unit id asked */
	uint8_t function; /* MODBUS_FC_READ_HOLDING_REGISTERS or _INPUT_REGISTERS */
	uint16_t address; /* first register */
	uint16_t count;	  /* registers asked, 1..125 */
};

/* Writes the request for q into adu (PUE_MBAP_READ_BYTES). */
void pue_mbap_request(const struct pue_mbap_read *q, uint8_t *adu);

/* Checks the answer adu (len bytes from modbus_receive_confirmation(), MBAP
 * header first) to the read q.
 * Returns 0 and the q->count registers in dst (host order); an exception
 * (MODBUS_ENOBASE + code, or EMBBADEXC for a malformed one) when the unit
 * answered one; EMBBADSLAVE for an answer from another unit id; EMBBADDATA
 * for any other answer that is not ours or is malformed (transaction id,
 * protocol id, MBAP length, function, byte count). For the last two, why
 * gets the cause in words ("answer from unit id 3, asked unit id 2",
 * "invalid answer (MBAP length 8, 7 bytes follow)"); otherwise why is "".
 * adu and q are borrowed; dst has room for q->count registers. */
int pue_mbap_check(const uint8_t *adu, size_t len, const struct pue_mbap_read *q, uint16_t *dst,
		   char *why, size_t why_len);

#endif
