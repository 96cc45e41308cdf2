/* SPDX-License-Identifier: MIT */
/* mbap.c - checking a Modbus TCP answer against its read; see mbap.h. */
#include "poll/mbap.h"

#include <stdarg.h>
#include <stdio.h>

#include <modbus.h>

static unsigned
be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

__attribute__((format(printf, 4, 5))) static int
bad(int code, char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return code;
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void
pue_mbap_request(const struct pue_mbap_read *q, uint8_t *adu)
{
	put16(adu, q->tid);
	put16(adu + 2, 0);			 /* protocol id: Modbus */
	put16(adu + 4, PUE_MBAP_READ_BYTES - 6); /* what follows: unit id and PDU */
	adu[6] = q->unit;
	adu[7] = q->function;
	put16(adu + 8, q->address);
	put16(adu + 10, q->count);
}

int
pue_mbap_check(const uint8_t *adu, size_t len, const struct pue_mbap_read *q, uint16_t *dst,
	       char *why, size_t why_len)
{
	const uint8_t *pdu = adu + PUE_MBAP_BYTES;
	size_t i, pdu_len;

	snprintf(why, why_len, "%s", "");
	/* libmodbus returns at least the header, the function code and one
	 * more byte; anything shorter is still no value. */
	if (len < PUE_MBAP_BYTES + 2)
		return bad(EMBBADDATA, why, why_len, "invalid answer (%zu bytes, too short)", len);
	pdu_len = len - PUE_MBAP_BYTES;
	if (be16(adu) != q->tid)
		return bad(EMBBADDATA, why, why_len, "invalid answer (transaction id %u, sent %u)",
			   be16(adu), q->tid);
	if (be16(adu + 2) != 0)
		return bad(EMBBADDATA, why, why_len, "invalid answer (protocol id %u, not 0)",
			   be16(adu + 2));
	/* The length counts the unit id and the PDU: what libmodbus framed by
	 * the function code and byte count must be all the peer says it sent. */
	if (be16(adu + 4) != pdu_len + 1)
		return bad(EMBBADDATA, why, why_len,
			   "invalid answer (MBAP length %u, %zu bytes follow)", be16(adu + 4),
			   pdu_len + 1);
	if (adu[6] != q->unit)
		return bad(EMBBADSLAVE, why, why_len, "answer from unit id %u, asked unit id %u",
			   adu[6], q->unit);
	if (pdu[0] == (q->function | 0x80)) {
		if (pdu_len != 2 || pdu[1] == 0 || pdu[1] >= MODBUS_EXCEPTION_MAX)
			return EMBBADEXC;
		return MODBUS_ENOBASE + pdu[1];
	}
	if (pdu[0] != q->function)
		return bad(EMBBADDATA, why, why_len,
			   "invalid answer (function 0x%02X, asked 0x%02X)", pdu[0], q->function);
	/* A read counts only when exactly the registers asked for came. */
	if (pdu[1] != 2u * q->count || pdu_len != 2u + pdu[1])
		return bad(EMBBADDATA, why, why_len,
			   "invalid answer (%u bytes of registers, asked %u)", pdu[1],
			   2u * q->count);
	for (i = 0; i < q->count; i++)
		dst[i] = (uint16_t)be16(pdu + 2 + 2 * i);
	return 0;
}
