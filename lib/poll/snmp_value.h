/* SPDX-License-Identifier: MIT */
/*
 * snmp_value.h - from an SNMP variable binding to a raw number.
 *
 * The SNMP counterpart of decode.h, step one of the data flow: the SNMP
 * poller hands each varbind an agent returned to pue_snmp_value_raw(), which
 * checks its type and length and returns a struct pue_raw; pue_decode_scale()
 * (decode.h) then applies scale, offset and unit as for Modbus.
 *
 *   INTEGER (Integer32)            exact count, two's complement
 *   Counter32, Gauge32, Unsigned32 exact count, 0..2^32-1 (RFC 2578, 7.1)
 *   Counter64, Opaque U64/I64      exact count (RFC 2578, 7.1.10)
 *   Opaque float, Opaque double    value only (draft-perkins-opaque-01, the
 *                                  encoding net-snmp and many UPSes use)
 *   OCTET STRING "12.5", " 960 "   a decimal number; integers stay exact
 *
 * Anything else (TimeTicks, IpAddress, an OID, a plain Opaque) and the
 * exceptions noSuchObject, noSuchInstance and endOfMibView are errors that
 * name the type or the exception: never a silent zero.
 * Pure functions; any thread.
 */
#ifndef PUE_SNMP_VALUE_H
#define PUE_SNMP_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "config/config.h"
#include "core/decode.h"
#include "util/err.h"

/* The longest OCTET STRING read as a number ("-123456789.123456789e-10"
 * and some padding). Longer strings are not numbers a meter sends. */
#define PUE_SNMP_NUMBER_STRING_MAX 64

/* Converts the value of vb (borrowed). Returns 0 and *out, or PUE_E_DEVICE
 * (an exception or a type that is not a number) or PUE_E_PROTO (a length
 * that does not match the type) with err saying which, without the OID:
 * the caller names it. */
int pue_snmp_value_raw(const netsnmp_variable_list *vb, struct pue_raw *out, struct pue_err *err);

/* Reads a number from the len bytes at s (not NUL-terminated): optional
 * spaces, an optional sign, digits with an optional fraction and exponent,
 * optional spaces (trailing NULs are tolerated, as some agents pad). No hex,
 * no inf or nan. Integers that fit 64 bits keep an exact count. Returns 0,
 * or PUE_E_DEVICE with err quoting the start of the string. */
int pue_snmp_value_parse_string(const uint8_t *s, size_t len, struct pue_raw *out,
				struct pue_err *err);

/* An empty column sum, for pue_snmp_value_raw_add(). */
struct pue_raw pue_snmp_value_sum_start(void);

/* Adds a row of a column to *sum (from pue_snmp_value_sum_start()).
 * Integer counts add modulo 2^64, so a sum of wrapping counters still
 * differences exactly at counter_bits, and the sum carries the narrowest
 * width its rows' types give (Counter32 rows: 32), none when a row gives
 * none: without counter_bits, a row's wrap is then energy as for one
 * counter, not a reset. A float row makes the sum a float. */
void pue_snmp_value_raw_add(struct pue_raw *sum, const struct pue_raw *row);

/* True when raw is one of p's invalid_values (compared before scale). */
bool pue_snmp_value_is_invalid(const struct pue_point_conf *p, const struct pue_raw *raw);

/* Parses a numeric OID, "1.3.6.1.2.1.33" or ".1.3.6...", into out[0..*n)
 * (room for max arcs). Returns 0, or -EINVAL (not numeric, fewer than two
 * arcs, an arc above 2^32-1) or -E2BIG (more than max arcs). */
int pue_snmp_value_oid_parse(const char *s, oid *out, size_t max, size_t *n);

/* Writes an OID as "1.3.6.1..." (cut with "..." when buf is too small). */
void pue_snmp_value_oid_format(const oid *o, size_t n, char *buf, size_t size);

/* The SMI name of an ASN.1 type byte: "INTEGER", "Counter32", "Opaque
 * float", "noSuchInstance", ...; "type 0xNN" when unknown (buf holds it). */
const char *pue_snmp_value_type_name(unsigned type, char *buf, size_t size);

#endif
