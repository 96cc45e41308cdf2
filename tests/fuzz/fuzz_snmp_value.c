/* SPDX-License-Identifier: MIT */
/*
 * fuzz_snmp_value.c - what an SNMP agent answers, into pued's numbers:
 * varbinds of every ASN.1 type with arbitrary lengths and contents through
 * pue_snmp_value_raw() (snmp_value.c), and whole answers through the
 * poller's callback pue_snmp_answer_received() (snmp_answer.c): GETs (tooBig
 * splits, version 1 noSuchName retries), column walks over several
 * answers, engine ID probes and reports.
 *
 * Varbinds are built here as net-snmp's parser leaves them (a value buffer
 * of exactly val_len bytes), but with lengths the parser would not give, to
 * test pued's own checks. Input: a mode byte, then per mode:
 *   0 values:  [type, length, bytes...]...
 *   1 answers: points (count, sum_column bits), request kind, version,
 *              then per answer [command, errstat, errindex, count, varbinds]
 *   2 text:    the bytes as an OCTET STRING number and as a numeric OID
 * where a varbind is [oid form, extra arcs..., type, length, bytes...].
 *
 * Invariants: a value is returned only for a number type with the right
 * length, finite, with an exact count for integer types that matches it;
 * errors name a cause; a decimal string written with %.17g reads back as
 * the same double; an OID formatted and parsed again is unchanged; after
 * any answer every point of the request is pending, ok (with a finite
 * value not in invalid_values) or failed, and the requests stay within the
 * room the poller gives them.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"
#include "config/config.h"
#include "util/err.h"
#include "util/errtext.h"
#include "util/log.h"
#include "poll/snmp_answer.h"
#include "poll/snmp_value.h"

#include "fuzz.h"

static const u_char types[] = {
	ASN_INTEGER,	   ASN_OCTET_STR,	ASN_NULL,	   ASN_OBJECT_ID,
	ASN_IPADDRESS,	   ASN_COUNTER,		ASN_GAUGE,	   ASN_TIMETICKS,
	ASN_OPAQUE,	   ASN_COUNTER64,	ASN_UINTEGER,	   ASN_OPAQUE_FLOAT,
	ASN_OPAQUE_DOUBLE, ASN_OPAQUE_I64,	ASN_OPAQUE_U64,	   ASN_OPAQUE_COUNTER64,
	SNMP_NOSUCHOBJECT, SNMP_NOSUCHINSTANCE, SNMP_ENDOFMIBVIEW,
};

/* The length net-snmp's parser gives a value of type t. */
static size_t
natural_length(u_char t)
{
	switch (t) {
	case ASN_INTEGER:
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
	case ASN_UINTEGER:
		return sizeof(long);
	case ASN_COUNTER64:
	case ASN_OPAQUE_I64:
	case ASN_OPAQUE_U64:
	case ASN_OPAQUE_COUNTER64:
		return sizeof(struct counter64);
	case ASN_OPAQUE_FLOAT:
		return sizeof(float);
	case ASN_OPAQUE_DOUBLE:
		return sizeof(double);
	case ASN_IPADDRESS:
		return 4;
	default:
		return 0;
	}
}

/* Fills vb's type and value from the input: a type byte (one of types[],
 * or any byte), a length byte (0xff: the type's own length, or a string of
 * the next byte's length), then that many bytes into a buffer of exactly
 * that size, as net-snmp allocates one. */
static void
take_value(struct fuzz_in *in, netsnmp_variable_list *vb)
{
	uint8_t t = take_u8(in), l = take_u8(in);
	size_t len, i;

	vb->type = t < 0xe0 ? types[t % sizeof(types)] : (u_char)(t << 3);
	if (l == 0xff)
		len = natural_length(vb->type);
	else if (l == 0xfe)
		len = take_u8(in);
	else
		len = l % 24;
	vb->val_len = len;
	vb->val.string = len > 0 || (t & 1) ? malloc(len ? len : 1) : NULL;
	CHECK(vb->val.string != NULL || (len == 0 && !(t & 1)), "no memory");
	for (i = 0; i < len; i++)
		vb->val.string[i] = take_u8(in);
	/* An OCTET STRING number as agents send one: "12.5", " 960 ". */
	if (vb->type == ASN_OCTET_STR && len > 1 && vb->val.string[0] == 0xff) {
		int w = snprintf((char *)vb->val.string, len, "%.6g",
				 (double)(int8_t)vb->val.string[len - 1] * 12.5);

		vb->val_len = w < 0 ? 0 : (size_t)w < len ? (size_t)w : len - 1;
	}
}

static void
free_vars(netsnmp_variable_list *vb)
{
	while (vb != NULL) {
		netsnmp_variable_list *next = vb->next_variable;

		free(vb->val.string);
		free(vb->name);
		free(vb);
		vb = next;
	}
}

static void
check_raw(const netsnmp_variable_list *vb, int rc, const struct pue_raw *raw,
	  const struct pue_err *err)
{
	if (rc < 0) {
		CHECK(rc == PUE_E_DEVICE || rc == PUE_E_PROTO || rc == PUE_E_RANGE, "error %d", rc);
		CHECK(err->msg[0] != '\0' && memchr(err->msg, '\0', sizeof(err->msg)) != NULL,
		      "type 0x%02x: error %d without a message", vb->type, rc);
		return;
	}
	CHECK(rc == 0 && isfinite(raw->value), "type 0x%02x: %g", vb->type, raw->value);
	switch (vb->type) {
	case ASN_INTEGER:
		CHECK(vb->val_len == sizeof(long) && raw->has_count, "INTEGER of %zu bytes",
		      vb->val_len);
		CHECK(raw->value >= INT32_MIN && raw->value <= INT32_MAX &&
			      (int64_t)raw->count == (int64_t)raw->value,
		      "INTEGER %g, count %llx", raw->value, (unsigned long long)raw->count);
		break;
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_UINTEGER:
		CHECK(raw->has_count && raw->count <= UINT32_MAX &&
			      raw->value == (double)raw->count,
		      "32-bit unsigned %g, count %llx", raw->value, (unsigned long long)raw->count);
		break;
	case ASN_COUNTER64:
	case ASN_OPAQUE_U64:
	case ASN_OPAQUE_COUNTER64:
		CHECK(raw->has_count && raw->value == (double)raw->count, "64-bit %g", raw->value);
		break;
	case ASN_OPAQUE_I64:
		CHECK(raw->has_count && raw->value == (double)(int64_t)raw->count, "I64 %g",
		      raw->value);
		break;
	case ASN_OPAQUE_FLOAT:
	case ASN_OPAQUE_DOUBLE:
		CHECK(!raw->has_count && vb->val_len == natural_length(vb->type),
		      "a float of %zu bytes", vb->val_len);
		break;
	case ASN_OCTET_STR:
		CHECK(!raw->has_count || raw->value == (double)raw->count ||
			      raw->value == (double)(int64_t)raw->count,
		      "string %g with count %llx", raw->value, (unsigned long long)raw->count);
		break;
	default:
		CHECK(false, "a value from type 0x%02x", vb->type);
	}
}

/* Mode 0: varbinds one by one, summed as a column would be. */
static void
fuzz_values(struct fuzz_in *in)
{
	static double invalid[] = {-1, 2147483647, 0, 65535};
	struct pue_point_conf p = {.invalid_values = invalid, .n_invalid_values = 4};
	struct pue_raw sum = pue_snmp_value_sum_start(), raw;
	struct pue_err err;
	char tbuf[16];
	int n;

	for (n = 0; n < 32 && in->n > 0; n++) {
		netsnmp_variable_list *vb = calloc(1, sizeof(*vb));
		int rc;

		CHECK(vb != NULL, "no memory");
		take_value(in, vb);
		memset(&err, 0, sizeof(err));
		rc = pue_snmp_value_raw(vb, &raw, &err);
		check_raw(vb, rc, &raw, &err);
		CHECK(pue_snmp_value_type_name(vb->type, tbuf, sizeof(tbuf))[0] != '\0',
		      "no type name");
		if (rc == 0) {
			(void)pue_snmp_value_is_invalid(&p, &raw);
			pue_snmp_value_raw_add(&sum, &raw);
			CHECK(sum.has_count || sum.count == 0, "a float sum with a count");
		}
		free_vars(vb);
	}
}

/* Mode 2: the bytes as a decimal string and as an OID. */
static void
fuzz_text(struct fuzz_in *in)
{
	char text[256], again[256], back[600];
	oid arcs[MAX_OID_LEN], arcs2[MAX_OID_LEN];
	size_t len = in->n < sizeof(text) - 1 ? in->n : sizeof(text) - 1, n, n2;
	struct pue_raw raw;
	struct pue_err err;
	int rc;

	memcpy(text, in->p, len);
	text[len] = '\0';
	rc = pue_snmp_value_parse_string((const uint8_t *)text, len, &raw, &err);
	CHECK(rc == 0 || rc == PUE_E_DEVICE, "parse_string %d", rc);
	if (rc == 0) {
		double v = raw.value;

		CHECK(isfinite(v), "string gives %g", v);
		/* What %.17g writes reads back as the same double. */
		snprintf(again, sizeof(again), "%.17g", v);
		CHECK(pue_snmp_value_parse_string((const uint8_t *)again, strlen(again), &raw,
						  &err) == 0 &&
			      raw.value == v,
		      "\"%s\" read back as %g", again, raw.value);
	}
	rc = pue_snmp_value_oid_parse(text, arcs, MAX_OID_LEN, &n);
	CHECK(rc == 0 || rc == -EINVAL || rc == -E2BIG, "oid_parse %d", rc);
	if (rc == 0) {
		CHECK(n >= 2 && n <= MAX_OID_LEN && arcs[0] <= 2, "%zu arcs", n);
		pue_snmp_value_oid_format(arcs, n, back, sizeof(back));
		CHECK(strchr(back, '\0') != NULL, "no NUL");
		if (strstr(back, "...") == NULL) {
			CHECK(pue_snmp_value_oid_parse(back, arcs2, MAX_OID_LEN, &n2) == 0 &&
				      n2 == n && memcmp(arcs, arcs2, n * sizeof(oid)) == 0,
			      "\"%s\" does not read back", back);
		}
	}
	in->n = 0;
}

/* Mode 1 --------------------------------------------------------------- */

#define MAX_POINTS 8
#define BASE_LEN 12

static struct pue_clock *clock_;

/* Point k's OID: an APC-style column 1.3.6.1.4.1.318.1.1.1.4.2.<k+1>,
 * with ".0" for a scalar read by GET. */
static size_t
point_oid(size_t k, bool column, oid *out)
{
	static const oid base[] = {1, 3, 6, 1, 4, 1, 318, 1, 1, 1, 4, 2};

	memcpy(out, base, sizeof(base));
	out[BASE_LEN] = (oid)k + 1;
	if (column)
		return BASE_LEN + 1;
	out[BASE_LEN + 1] = 0;
	return BASE_LEN + 2;
}

/* One varbind of an answer: the OID of point k (form 0), of a row under it
 * (form 1), of any point (form 2), or arbitrary arcs (form 3, up to two past
 * MAX_OID_LEN), then the value. */
static netsnmp_variable_list *
take_varbind(struct fuzz_in *in, const struct snmp_dev *d, size_t k)
{
	netsnmp_variable_list *vb = calloc(1, sizeof(*vb));
	uint8_t form = take_u8(in);
	size_t i, extra = form >> 4;

	CHECK(vb != NULL && (vb->name = calloc(MAX_OID_LEN + 2, sizeof(oid))) != NULL, "no memory");
	switch (form & 3) {
	case 0:
		memcpy(vb->name, d->pts[k].name, d->pts[k].len * sizeof(oid));
		vb->name_length = d->pts[k].len;
		break;
	case 1:
		memcpy(vb->name, d->pts[k].name, d->pts[k].len * sizeof(oid));
		vb->name_length = d->pts[k].len;
		for (i = 0; i <= extra % 3; i++) /* the row index: one to three arcs */
			vb->name[vb->name_length++] = take_u8(in);
		break;
	case 2:
		i = take_u8(in) % d->conf->n_points;
		memcpy(vb->name, d->pts[i].name, d->pts[i].len * sizeof(oid));
		vb->name_length = d->pts[i].len;
		break;
	default:
		vb->name_length = take_u8(in) % (MAX_OID_LEN + 3);
		for (i = 0; i < vb->name_length; i++)
			vb->name[i] = take_u32(in);
		break;
	}
	take_value(in, vb);
	return vb;
}

static netsnmp_pdu *
take_pdu(struct fuzz_in *in, const struct snmp_dev *d, const struct snmp_req *r)
{
	static const int commands[] = {SNMP_MSG_RESPONSE, SNMP_MSG_RESPONSE, SNMP_MSG_RESPONSE,
				       SNMP_MSG_REPORT,	  SNMP_MSG_GET,	     SNMP_MSG_TRAP2};
	netsnmp_pdu *pdu = calloc(1, sizeof(*pdu));
	netsnmp_variable_list **tail;
	uint8_t cmd = take_u8(in), n, i;

	CHECK(pdu != NULL, "no memory");
	pdu->command = commands[cmd % 6];
	pdu->errstat = (cmd & 0x80) ? take_u8(in) % 20 : SNMP_ERR_NOERROR;
	pdu->errindex = (int8_t)take_u8(in);
	if (cmd & 0x40) { /* an engine ID, for the probe */
		pdu->securityEngineIDLen = take_u8(in) % 40;
		pdu->securityEngineID = malloc(pdu->securityEngineIDLen + 1);
		CHECK(pdu->securityEngineID != NULL, "no memory");
		for (i = 0; i < pdu->securityEngineIDLen; i++)
			pdu->securityEngineID[i] = take_u8(in);
	}
	n = take_u8(in) % 40;
	tail = &pdu->variables;
	for (i = 0; i < n && in->n > 0; i++) {
		size_t k = r->kind == RQ_GET && i < r->n ? d->work[r->first + i] : r->point;

		*tail = take_varbind(in, d, k);
		tail = &(*tail)->next_variable;
	}
	return pdu;
}

static void
free_pdu(netsnmp_pdu *pdu)
{
	free_vars(pdu->variables);
	free(pdu->securityEngineID);
	free(pdu);
}

static void
check_dev(const struct snmp_dev *d, size_t cap_reqs)
{
	size_t k, i;

	CHECK(d->n_reqs <= cap_reqs, "%zu requests, room for %zu", d->n_reqs, cap_reqs);
	CHECK(strnlen(pue_errtext_get(&d->error), PUE_ERRTEXT_MAX) < PUE_ERRTEXT_MAX,
	      "error longer than its cut");
	for (k = 0; k < d->conf->n_points; k++) {
		const struct snmp_point *pt = &d->pts[k];

		CHECK(pt->st == PT_PENDING || pt->st == PT_OK || pt->st == PT_FAILED,
		      "point %zu state %d", k, pt->st);
		if (pt->st != PT_OK)
			continue;
		CHECK(isfinite(pt->raw.value), "point %zu: %g", k, pt->raw.value);
		CHECK(!pue_snmp_value_is_invalid(&d->conf->points[k], &pt->raw),
		      "point %zu: an invalid value taken", k);
	}
	for (i = 0; i < d->n_reqs; i++) {
		const struct snmp_req *r = &d->reqs[i];

		CHECK(r->state == RQ_QUEUED || r->state == RQ_FLIGHT || r->state == RQ_DONE,
		      "request %zu state %d", i, r->state);
		if (r->kind == RQ_GET)
			CHECK(r->first + r->n <= d->n_gets, "request %zu: points %zu+%zu of %zu", i,
			      r->first, r->n, d->n_gets);
		if (r->kind == RQ_WALK)
			CHECK(r->cur_len <= MAX_OID_LEN && r->rows <= PUE_SNMP_MAX_ROWS + 1,
			      "walk: %zu arcs, %zu rows", r->cur_len, r->rows);
	}
}

static void
fuzz_answers(struct fuzz_in *in)
{
	static double invalid[] = {-1, 2147483647};
	struct pue_point_conf pconf[MAX_POINTS];
	struct pue_device_conf conf = {.name = "fuzz", .protocol = PUE_PROTO_SNMP, .retries = 1};
	struct pue_snmp m = {.poller.clock = clock_};
	struct snmp_point pts[MAX_POINTS];
	oid names[MAX_POINTS][BASE_LEN + 2], arcs[MAX_OID_LEN];
	struct snmp_cursor cur = {arcs, MAX_OID_LEN};
	char where[] = "127.0.0.1:161";
	size_t gets[MAX_POINTS], work[MAX_POINTS], k, n, i, cap;
	struct snmp_req reqs[MAX_POINTS + 2], *r;
	struct snmp_dev d;
	uint8_t columns, kind, answers;
	char pname[MAX_POINTS][4];

	memset(pconf, 0, sizeof(pconf));
	memset(pts, 0, sizeof(pts));
	memset(reqs, 0, sizeof(reqs));
	memset(&d, 0, sizeof(d));
	n = take_u8(in) % MAX_POINTS + 1;
	columns = take_u8(in);
	kind = take_u8(in);
	conf.snmp.version = (enum pue_snmp_version)(kind >> 2) % 3;
	conf.snmp.user = "pued";
	conf.points = pconf;
	conf.n_points = n;
	d.m = &m;
	d.conf = &conf;
	d.pts = pts;
	d.gets = gets;
	d.work = work;
	d.reqs = reqs;
	d.max_vb = 32;
	d.where = where;
	for (k = 0; k < n; k++) {
		snprintf(pname[k], sizeof(pname[k]), "p%zu", k);
		pconf[k].name = pname[k];
		pconf[k].num.kind =
			(columns >> 4) & (1u << (k % 4)) ? PUE_KIND_ENERGY : PUE_KIND_POWER;
		pconf[k].sum_column = (columns & (1u << (k % 4))) != 0;
		pconf[k].invalid_values = invalid;
		pconf[k].n_invalid_values = k % 3;
		pts[k].name = names[k];
		pts[k].len = point_oid(k, pconf[k].sum_column, names[k]);
		if (!pconf[k].sum_column)
			gets[d.n_gets++] = k;
		else
			d.n_walks++;
	}
	memcpy(work, gets, sizeof(gets));
	cap = d.n_gets + d.n_walks; /* what snmp_setup.c gives: one per point */
	r = &reqs[d.n_reqs++];
	r->d = &d;
	r->reqid = 7;
	r->state = RQ_FLIGHT;
	if ((kind & 3) == 0 && d.n_gets > 0) {
		r->kind = RQ_GET;
		r->n = d.n_gets;
	} else if ((kind & 3) == 1 && d.n_walks > 0) {
		r->kind = RQ_WALK;
		for (k = 0; !pconf[k].sum_column; k++)
			;
		r->point = k;
		r->cur = &cur;
		memcpy(arcs, pts[k].name, pts[k].len * sizeof(oid));
		r->cur_len = pts[k].len;
		r->sum.has_count = true;
	} else
		r->kind = RQ_PROBE;
	/* Answers go to the first request in flight; queued ones (a walk's
	 * next step, the halves of a split get) are "sent" first. */
	for (answers = take_u8(in) % 16 + 1; answers > 0 && in->n > 0; answers--) {
		static const int ops[] = {
			NETSNMP_CALLBACK_OP_TIMED_OUT, NETSNMP_CALLBACK_OP_SEND_FAILED,
			NETSNMP_CALLBACK_OP_RESEND, NETSNMP_CALLBACK_OP_SEC_ERROR};
		netsnmp_session sess = {.s_snmp_errno = SNMPERR_TIMEOUT};
		netsnmp_pdu *pdu;
		int op = take_u8(in);

		for (i = 0; i < d.n_reqs && reqs[i].state != RQ_FLIGHT; i++)
			;
		if (i == d.n_reqs) {
			for (i = 0; i < d.n_reqs && reqs[i].state != RQ_QUEUED; i++)
				;
			if (i == d.n_reqs)
				break;
			reqs[i].state = RQ_FLIGHT;
		}
		r = &reqs[i];
		pdu = take_pdu(in, &d, r);
		(void)pue_snmp_answer_received(
			op < 200 ? NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE : ops[op % 4], &sess,
			(op & 1) && op < 200 ? 7
			: (op & 2)	     ? 8
					     : 7,
			pdu, r);
		free_pdu(pdu);
		check_dev(&d, cap);
	}
	pue_errtext_clear(&d.error);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	pue_log_set_level(LOG_EMERG);
	clock_ = pue_clock_new_manual((pue_wall_t){1767225600000}); /* 2026-01-01 */
	return clock_ != NULL ? 0 : 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};

	switch (take_u8(&in) % 3) {
	case 0:
		fuzz_values(&in);
		break;
	case 1:
		fuzz_answers(&in);
		break;
	default:
		fuzz_text(&in);
		break;
	}
	return 0;
}
