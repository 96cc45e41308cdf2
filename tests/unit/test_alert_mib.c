/* SPDX-License-Identifier: MIT */
/*
 * test_alert_mib.c - PUED-MIB's OIDs and value sets (alert_mib.h): the
 * configurable prefix, GET and GETNEXT lookups over a sparse set, the
 * frames the AgentX helper reads (round trip, and every malformed length
 * refused), DateAndTime and PUE x 1000.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alerts/alert_mib.h"

static const uint32_t P[] = {1, 3, 6, 1, 4, 1, 8072, 9999};
#define PL (sizeof(P) / sizeof(P[0]))

static void
test_mib_prefix_parses_numeric_oids_only(void **state)
{
	uint32_t p[PUE_MIB_MAX_PREFIX];
	size_t n;

	(void)state;
	assert_int_equal(pue_alert_mib_parse_prefix("1.3.6.1.4.1.8072.9999", p, &n), 0);
	assert_int_equal(n, 8);
	assert_int_equal(p[6], 8072);
	assert_int_equal(pue_alert_mib_parse_prefix(".1.3.6.1.4.1.99999", p, &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(pue_alert_mib_parse_prefix("1", p, &n), -EINVAL);
	assert_int_equal(pue_alert_mib_parse_prefix("1.3.", p, &n), -EINVAL);
	assert_int_equal(pue_alert_mib_parse_prefix("1.3.x", p, &n), -EINVAL);
	assert_int_equal(pue_alert_mib_parse_prefix("1.3.4294967296", p, &n), -EINVAL);
	assert_int_equal(pue_alert_mib_parse_prefix("enterprises.8072", p, &n), -EINVAL);
}

/* pueSite.0, pueWindowName.1 .2, pueWindowPueMilli.2 (window 1 has no
 * number: its cell is absent), added out of order. */
static void
sample(struct pue_mib_values *vs)
{
	const uint32_t site[] = {1, 1, 0}, name1[] = {1, 7, 1, 2, 1}, name2[] = {1, 7, 1, 2, 2},
		       pue2[] = {1, 7, 1, 5, 2};

	memset(vs, 0, sizeof(*vs));
	assert_int_equal(pue_alert_mib_add_number(vs, P, PL, pue2, 5, PUE_MIB_INTEGER, 1201), 0);
	assert_int_equal(pue_alert_mib_add_octets(vs, P, PL, name2, 5, "1h", 2), 0);
	assert_int_equal(pue_alert_mib_add_octets(vs, P, PL, site, 3, "DC1", 3), 0);
	assert_int_equal(pue_alert_mib_add_octets(vs, P, PL, name1, 5, "15m", 3), 0);
	pue_alert_mib_values_sort(vs);
}

static void
oid(uint32_t *out, size_t *len, const uint32_t *arcs, size_t n)
{
	memcpy(out, P, sizeof(P));
	memcpy(out + PL, arcs, n * sizeof(uint32_t));
	*len = PL + n;
}

static void
test_mib_values_answer_get_and_getnext_over_sparse_cells(void **state)
{
	struct pue_mib_values vs;
	uint32_t o[PUE_MIB_MAX_OID];
	const struct pue_mib_value *v;
	size_t len;

	(void)state;
	sample(&vs);
	oid(o, &len, (const uint32_t[]){1, 1, 0}, 3);
	v = pue_alert_mib_values_find(&vs, o, len, false, false);
	assert_non_null(v);
	assert_memory_equal(v->octets, "DC1", 3);
	/* GETNEXT from the site goes to the first table cell */
	v = pue_alert_mib_values_find(&vs, o, len, true, false);
	assert_non_null(v);
	assert_memory_equal(v->octets, "15m", 3);
	/* inclusive (AgentX): the OID itself when it exists */
	v = pue_alert_mib_values_find(&vs, o, len, true, true);
	assert_memory_equal(v->octets, "DC1", 3);
	/* the absent cell: GET finds nothing, GETNEXT skips to the next */
	oid(o, &len, (const uint32_t[]){1, 7, 1, 5, 1}, 5);
	assert_null(pue_alert_mib_values_find(&vs, o, len, false, false));
	v = pue_alert_mib_values_find(&vs, o, len, true, false);
	assert_int_equal(v->number, 1201);
	/* a prefix of an OID sorts before it */
	oid(o, &len, (const uint32_t[]){1}, 1);
	v = pue_alert_mib_values_find(&vs, o, len, true, false);
	assert_memory_equal(v->octets, "DC1", 3);
	/* past the end */
	oid(o, &len, (const uint32_t[]){1, 7, 1, 5, 2}, 5);
	assert_null(pue_alert_mib_values_find(&vs, o, len, true, false));
	pue_alert_mib_values_clear(&vs);
}

static void
test_mib_frames_round_trip(void **state)
{
	struct pue_mib_values vs, back;
	uint8_t *buf;
	size_t len, i;

	(void)state;
	sample(&vs);
	assert_int_equal(pue_alert_mib_values_encode(&vs, &buf, &len), 0);
	assert_int_equal(pue_alert_mib_values_decode(buf, len, &back), 0);
	assert_int_equal(back.n, vs.n);
	for (i = 0; i < vs.n; i++) {
		assert_int_equal(back.v[i].oid_len, vs.v[i].oid_len);
		assert_memory_equal(back.v[i].oid, vs.v[i].oid, vs.v[i].oid_len * 4);
		assert_int_equal(back.v[i].type, vs.v[i].type);
		assert_int_equal(back.v[i].number, vs.v[i].number);
		assert_int_equal(back.v[i].n_octets, vs.v[i].n_octets);
	}
	free(buf);
	pue_alert_mib_values_clear(&back);
	pue_alert_mib_values_clear(&vs);
}

/* Every cut of a valid frame, and a few forged fields, are refused. */
static void
test_mib_frames_malformed_are_refused(void **state)
{
	struct pue_mib_values vs, back;
	uint8_t *buf;
	size_t len, cut;

	(void)state;
	sample(&vs);
	assert_int_equal(pue_alert_mib_values_encode(&vs, &buf, &len), 0);
	for (cut = 0; cut < len; cut++) {
		assert_int_equal(pue_alert_mib_values_decode(buf, cut, &back), -EPROTO);
		assert_int_equal(back.n, 0);
	}
	buf[0] = 0xff; /* a count the length cannot hold */
	assert_int_equal(pue_alert_mib_values_decode(buf, len, &back), -EPROTO);
	buf[0] = (uint8_t)vs.n;
	buf[4] = 0; /* an OID of no arcs */
	assert_int_equal(pue_alert_mib_values_decode(buf, len, &back), -EPROTO);
	buf[4] = PUE_MIB_MAX_OID + 1;
	assert_int_equal(pue_alert_mib_values_decode(buf, len, &back), -EPROTO);
	free(buf);
	pue_alert_mib_values_clear(&vs);
}

static void
test_mib_date_and_time_is_utc(void **state)
{
	uint8_t d[11];

	(void)state;
	pue_alert_mib_date_and_time(1767225600000LL + 3723400, d); /* 2026-01-01T01:02:03.4Z */
	assert_int_equal(d[0] << 8 | d[1], 2026);
	assert_int_equal(d[2], 1);
	assert_int_equal(d[3], 1);
	assert_int_equal(d[4], 1);
	assert_int_equal(d[5], 2);
	assert_int_equal(d[6], 3);
	assert_int_equal(d[7], 4);
	assert_int_equal(d[8], '+');
	assert_int_equal(pue_alert_mib_milli(1.2474), 1247);
	assert_int_equal(pue_alert_mib_milli(1.2475), 1248);
	assert_int_equal(pue_alert_mib_milli(0.875), 875);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mib_prefix_parses_numeric_oids_only),
		cmocka_unit_test(test_mib_values_answer_get_and_getnext_over_sparse_cells),
		cmocka_unit_test(test_mib_frames_round_trip),
		cmocka_unit_test(test_mib_frames_malformed_are_refused),
		cmocka_unit_test(test_mib_date_and_time_is_utc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
