/* SPDX-License-Identifier: MIT */
/*
 * snmp_answer.c - the requests of an SNMP poll and what agents answer to
 * them; see snmp_answer.h for how a poll runs and snmp_poll.h for what
 * it promises.
 *
 * Every answer is checked before it is used: the PDU type, the number of
 * variables and each variable's OID against what was asked, each value's
 * type and length (snmp_value.c), a walk's OIDs strictly increasing and
 * bounded in rows and requests. An error names the point and the OID, or
 * the request and the cause.
 */
#include "poll/snmp_answer.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"
#include "poll/snmp_value.h"

/* Errors ----------------------------------------------------------------- */

void
pue_snmp_answer_error(struct snmp_dev *d, const char *fmt, ...)
{
	char msg[PUE_ERRTEXT_MAX];
	va_list ap;

	if (pue_errtext_is_set(&d->error))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pue_errtext_set(&d->error, msg);
}

static void point_fail(struct snmp_dev *d, size_t k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
point_fail(struct snmp_dev *d, size_t k, const char *fmt, ...)
{
	struct snmp_point *pt = &d->pts[k];
	char what[160], name[100];
	va_list ap;

	pt->st = PT_FAILED;
	if (pue_errtext_is_set(&d->error))
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	pue_snmp_value_oid_format(pt->name, pt->len, name, sizeof(name));
	pue_snmp_answer_error(d, "point %s (%s): %s", d->conf->points[k].name, name, what);
}

void
pue_snmp_answer_fail(struct snmp_req *r, const char *cause)
{
	struct snmp_dev *d = r->d;
	char name[100];
	size_t i;

	r->state = RQ_DONE;
	switch (r->kind) {
	case RQ_PROBE:
		pue_snmp_answer_error(d, "%s: SNMPv3 engine ID discovery: %s", d->where, cause);
		return;
	case RQ_WALK:
		pue_snmp_value_oid_format(d->pts[r->point].name, d->pts[r->point].len, name,
					  sizeof(name));
		pue_snmp_answer_error(d, "%s: walk %s: %s", d->where, name, cause);
		d->pts[r->point].st = PT_FAILED;
		return;
	case RQ_GET:
		pue_snmp_value_oid_format(d->pts[d->work[r->first]].name,
					  d->pts[d->work[r->first]].len, name, sizeof(name));
		if (r->n > 1)
			pue_snmp_answer_error(d, "%s: get %s (+%zu more): %s", d->where, name,
					      r->n - 1, cause);
		else
			pue_snmp_answer_error(d, "%s: get %s: %s", d->where, name, cause);
		for (i = 0; i < r->n; i++)
			d->pts[d->work[r->first + i]].st = PT_FAILED;
		return;
	}
}

/* Values ---------------------------------------------------------------- */

/* Converts one value of point k; row names the table row of a column. */
static bool
take_value(struct snmp_dev *d, size_t k, const netsnmp_variable_list *vb, const char *row,
	   struct pue_raw *raw)
{
	const struct pue_point_conf *p = &d->conf->points[k];
	struct pue_err err;

	if (pue_snmp_value_raw(vb, raw, &err) < 0) {
		if (row != NULL)
			point_fail(d, k, "row %s: %s", row, err.msg);
		else
			point_fail(d, k, "%s", err.msg);
		return false;
	}
	if (!pue_snmp_value_is_invalid(p, raw))
		return true;
	if (row != NULL)
		point_fail(d, k, "row %s holds %.17g, listed in invalid_values (no reading)", row,
			   raw->value);
	else
		point_fail(d, k, "value %.17g is listed in invalid_values (no reading)",
			   raw->value);
	return false;
}

static void
point_ok(struct snmp_dev *d, size_t k, const struct pue_raw *raw)
{
	d->pts[k].st = PT_OK;
	d->pts[k].raw = *raw;
	d->pts[k].wall = pue_clock_wall(d->m->poller.clock);
}

/* An agent that cannot fit the answer says tooBig (RFC 3416, 4.2.1): ask
 * for half as much now, and from now on. */
static void
split_get(struct snmp_req *r)
{
	struct snmp_dev *d = r->d;
	size_t half = r->n / 2;
	struct snmp_req *q = &d->reqs[d->n_reqs++]; /* cap_reqs covers one per point */

	*q = *r;
	q->first = r->first + half;
	q->n = r->n - half;
	q->state = RQ_QUEUED;
	r->n = half;
	r->state = RQ_QUEUED;
	if (d->max_vb > half)
		d->max_vb = (unsigned)half;
}

static void
on_get_error(struct snmp_req *r, const netsnmp_pdu *pdu)
{
	struct snmp_dev *d = r->d;
	long idx = pdu->errindex;
	char cause[120];
	size_t k;

	if (pdu->errstat == SNMP_ERR_TOOBIG && r->n > 1) {
		split_get(r);
		return;
	}
	/* Version 1 fails the whole get for one unknown variable (RFC 1157,
	 * 4.1.2) and says which: drop that one and ask again for the rest. */
	if (pdu->errstat == SNMP_ERR_NOSUCHNAME && idx >= 1 && (size_t)idx <= r->n) {
		k = d->work[r->first + (size_t)idx - 1];
		point_fail(d, k,
			   "noSuchName (version 1: the agent has no such object or instance)");
		memmove(&d->work[r->first + (size_t)idx - 1], &d->work[r->first + (size_t)idx],
			(r->n - (size_t)idx) * sizeof(d->work[0]));
		r->n--;
		r->state = r->n > 0 ? RQ_QUEUED : RQ_DONE;
		return;
	}
	snprintf(cause, sizeof(cause), "the agent answered %s (error-index %ld)",
		 snmp_errstring(pdu->errstat), idx);
	pue_snmp_answer_fail(r, cause);
}

static void
on_get(struct snmp_req *r, const netsnmp_pdu *pdu)
{
	struct snmp_dev *d = r->d;
	const netsnmp_variable_list *vb;
	struct pue_raw raw;
	char cause[80], name[100];
	size_t i, count = 0;

	if (pdu->errstat != SNMP_ERR_NOERROR) {
		on_get_error(r, pdu);
		return;
	}
	for (vb = pdu->variables; vb != NULL; vb = vb->next_variable)
		count++;
	if (count != r->n) {
		snprintf(cause, sizeof(cause), "the agent answered %zu of %zu variables", count,
			 r->n);
		pue_snmp_answer_fail(r, cause);
		return;
	}
	for (i = 0, vb = pdu->variables; i < r->n; i++, vb = vb->next_variable) {
		size_t k = d->work[r->first + i];

		if (snmp_oid_compare(vb->name, vb->name_length, d->pts[k].name, d->pts[k].len) !=
		    0) {
			pue_snmp_value_oid_format(vb->name, vb->name_length, name, sizeof(name));
			point_fail(d, k, "the agent answered for %s instead", name);
		} else if (take_value(d, k, vb, NULL, &raw))
			point_ok(d, k, &raw);
	}
	r->state = RQ_DONE;
}

/* FNV-1a, 64 bits, over a row's index sub-identifiers (and a separator,
 * so that rows 1.2 and 12 differ). */
static uint64_t
hash_suffix(uint64_t h, const oid *sub, size_t n)
{
	size_t i, b;

	if (h == 0)
		h = 0xcbf29ce484222325u;
	for (i = 0; i <= n; i++) {
		uint64_t v = i < n ? (uint64_t)sub[i] : UINT64_MAX;

		for (b = 0; b < 8; b++) {
			h ^= (v >> (8 * b)) & 0xff;
			h *= 0x100000001b3u;
		}
	}
	return h;
}

/* An energy sum over other rows than last time is no counter delta: a row
 * left out for a poll would read as a reset and its whole count as energy
 * when it came back. The engine takes the interval as unknown. */
static void
rows_changed(struct snmp_dev *d, size_t k, const struct snmp_req *r)
{
	struct snmp_point *pt = &d->pts[k];
	const struct pue_point_conf *pc = &d->conf->points[k];

	bool was = pt->rebased;

	pt->rebased = pt->rows > 0 && pt->rows_hash != r->rows_hash;
	/* Once per run of changes: an agent whose rows flap every poll must
	 * not write a line per poll. */
	if (pt->rebased && !was && pc->num.kind == PUE_KIND_ENERGY)
		pue_log(LOG_NOTICE,
			"device %s point %s: the column's rows changed (%zu rows, were %zu): "
			"this interval's energy is unknown",
			d->conf->name, pc->name, r->rows, pt->rows);
	pt->rows = r->rows;
	pt->rows_hash = r->rows_hash;
}

/* Makes room for len arcs (len <= MAX_OID_LEN, checked by the caller). */
static bool
cursor_fits(struct snmp_cursor *c, size_t len)
{
	oid *arcs;

	if (len <= c->cap)
		return true;
	if ((arcs = realloc(c->arcs, len * sizeof(oid))) == NULL)
		return false;
	c->arcs = arcs;
	c->cap = len;
	return true;
}

/* One answer of a column walk: add the rows under the column, stop at the
 * first OID outside it or at endOfMibView, otherwise ask for more. */
static void
on_walk(struct snmp_req *r, const netsnmp_pdu *pdu)
{
	struct snmp_dev *d = r->d;
	size_t k = r->point, n = 0;
	const struct snmp_point *col = &d->pts[k];
	const netsnmp_variable_list *vb;
	char name[100], cause[120];
	struct pue_raw raw;
	bool end = false;

	r->state = RQ_DONE;
	if (pdu->errstat != SNMP_ERR_NOERROR) {
		/* Version 1 says noSuchName when GETNEXT runs off the MIB. */
		if (pdu->errstat == SNMP_ERR_NOSUCHNAME && d->conf->snmp.version == PUE_SNMP_V1)
			end = true;
		else {
			snprintf(cause, sizeof(cause), "the agent answered %s (error-index %ld)",
				 snmp_errstring(pdu->errstat), pdu->errindex);
			pue_snmp_answer_fail(r, cause);
			return;
		}
	}
	for (vb = end ? NULL : pdu->variables; vb != NULL; vb = vb->next_variable, n++) {
		if (vb->type == SNMP_ENDOFMIBVIEW || vb->name_length <= col->len ||
		    netsnmp_oid_is_subtree(col->name, col->len, vb->name, vb->name_length) != 0) {
			end = true;
			break;
		}
		pue_snmp_value_oid_format(vb->name, vb->name_length, name, sizeof(name));
		if (vb->name_length > MAX_OID_LEN ||
		    snmp_oid_compare(vb->name, vb->name_length, r->cur->arcs, r->cur_len) <= 0) {
			point_fail(d, k, "the agent answered %s out of order", name);
			return;
		}
		if (!take_value(d, k, vb, name, &raw))
			return;
		pue_snmp_value_raw_add(&r->sum, &raw);
		r->rows_hash =
			hash_suffix(r->rows_hash, vb->name + col->len, vb->name_length - col->len);
		if (!cursor_fits(r->cur, vb->name_length)) {
			point_fail(d, k, "out of memory");
			return;
		}
		memcpy(r->cur->arcs, vb->name, vb->name_length * sizeof(oid));
		r->cur_len = vb->name_length;
		if (++r->rows > PUE_SNMP_MAX_ROWS) {
			point_fail(d, k, "more than %d rows", PUE_SNMP_MAX_ROWS);
			return;
		}
	}
	if (!end && n == 0) {
		point_fail(d, k, "the agent answered a walk with no variable");
		return;
	}
	if (!end) {
		if (++r->sent >= PUE_SNMP_MAX_WALK_REQUESTS)
			point_fail(d, k, "column not finished after %d requests",
				   PUE_SNMP_MAX_WALK_REQUESTS);
		else
			r->state = RQ_QUEUED;
		return;
	}
	if (r->rows == 0) {
		point_fail(d, k, "the column has no rows (an empty table, or not a column OID)");
		return;
	}
	rows_changed(d, k, r);
	point_ok(d, k, &r->sum);
}

static void
on_probe_answer(struct snmp_req *r, const netsnmp_pdu *pdu)
{
	struct snmp_dev *d = r->d;

	if (pdu->securityEngineID == NULL || pdu->securityEngineIDLen == 0 ||
	    pdu->securityEngineIDLen > SNMP_MAX_ENG_SIZE) {
		pue_snmp_answer_fail(r, "the answer carries no valid engine ID");
		return;
	}
	memcpy(d->engine, pdu->securityEngineID, pdu->securityEngineIDLen);
	d->engine_len = pdu->securityEngineIDLen;
	d->probe_ok = true;
	r->state = RQ_DONE;
}

/* A report ends a request, except notInTimeWindow while net-snmp may
 * still resend (final: it will not). net-snmp calls back twice for a
 * report, with RECEIVED_MESSAGE and SEC_ERROR, in an order that differs
 * between builds (Debian's 5.9.3 gives SEC_ERROR first): whichever comes
 * first decides, the other finds the request done. */
static void
on_report(struct snmp_req *r, const netsnmp_pdu *pdu, bool final)
{
	struct snmp_dev *d = r->d;
	char why[200];

	if (r->kind == RQ_PROBE) {
		on_probe_answer(r, pdu); /* the usmStatsUnknownEngineIDs answer */
		return;
	}
	switch (pue_snmp_session_report(pdu, d->conf->snmp.user, why, sizeof(why))) {
	case PUE_SNMP_REPORT_TIME:
		if (!final)
			return; /* net-snmp resends at once with the agent's time */
		/* It did, in vain: discover the agent again next poll. */
		d->reset = true;
		break;
	case PUE_SNMP_REPORT_ENGINE:
		d->reset = true; /* discover again next poll */
		break;
	case PUE_SNMP_REPORT_AUTH:
	case PUE_SNMP_REPORT_OTHER:
		break;
	}
	pue_snmp_answer_fail(r, why);
}

static void
timeout_cause(const struct snmp_dev *d, char *buf, size_t size)
{
	/* v1/v2c agents drop a wrong community without a word (RFC 3584,
	 * 5.2.1 counts it in snmpInBadCommunityNames, nothing is sent). */
	snprintf(buf, size, "no answer after %u tries (timeout%s)", d->conf->retries + 1,
		 d->conf->snmp.version == PUE_SNMP_V3 ? "" : "; wrong community?");
}

int
pue_snmp_answer_received(int op, netsnmp_session *s, int reqid, netsnmp_pdu *pdu, void *magic)
{
	struct snmp_req *r = magic;
	struct snmp_dev *d = r->d;
	char cause[200];

	/* net-snmp matches v3 answers by message ID; a report to a message
	 * the agent could not decrypt carries request ID 0. */
	if (d->closing || r->state != RQ_FLIGHT ||
	    (reqid != r->reqid && (pdu == NULL || pdu->command != SNMP_MSG_REPORT)))
		return 1; /* a second call for a report already handled, or closing */
	switch (op) {
	case NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE:
		if (pdu->command == SNMP_MSG_REPORT) {
			on_report(r, pdu, false);
			break;
		}
		if (pdu->command != SNMP_MSG_RESPONSE) {
			pue_snmp_answer_fail(
				r, "the agent answered with a PDU that is not a response");
			break;
		}
		d->answered = true; /* past net-snmp's checks, the time window too */
		if (r->kind == RQ_PROBE)
			on_probe_answer(r, pdu);
		else if (r->kind == RQ_WALK)
			on_walk(r, pdu);
		else
			on_get(r, pdu);
		break;
	case NETSNMP_CALLBACK_OP_TIMED_OUT:
		d->timed_out = true;
		timeout_cause(d, cause, sizeof(cause));
		pue_snmp_answer_fail(r, cause);
		break;
	case NETSNMP_CALLBACK_OP_RESEND:
		d->requests++;
		break;
	case NETSNMP_CALLBACK_OP_SEC_ERROR:
		if (pdu != NULL && pdu->command == SNMP_MSG_REPORT) {
			on_report(r, pdu, true);
			break;
		}
		snprintf(cause, sizeof(cause), "security error: %s",
			 snmp_api_errstring(s->s_snmp_errno));
		pue_snmp_answer_fail(r, cause);
		break;
	case NETSNMP_CALLBACK_OP_SEND_FAILED:
	default:
		snprintf(cause, sizeof(cause), "send failed: %s",
			 snmp_api_errstring(s->s_snmp_errno));
		d->reset = true; /* a new socket next poll */
		pue_snmp_answer_fail(r, cause);
		break;
	}
	return 1;
}

/* Building requests ---------------------------------------------------- */

/* Rows asked for in one GETBULK of a column walk. The first request of a
 * poll asks for the rows the column had last time plus one, the varbind
 * past its end that tells the walk is over: a 3-row column costs the
 * agent 4 values, not PUE_SNMP_MAX_REPETITIONS (issue 18: 32 rows asked,
 * 29 thrown away, a third of snmpd's CPU at 100 agents). A column that
 * grew gets a follow-up request with the full count, and the next poll
 * learns the new size. Never more than max_varbinds. */
static unsigned
walk_repetitions(const struct snmp_dev *d, const struct snmp_req *r)
{
	size_t learned = d->pts[r->point].rows;
	unsigned n = PUE_SNMP_MAX_REPETITIONS;

	if (r->sent == 0 && learned > 0 && learned < PUE_SNMP_MAX_REPETITIONS)
		n = (unsigned)learned + 1;
	return d->max_vb < n ? d->max_vb : n;
}

netsnmp_pdu *
pue_snmp_answer_build(struct snmp_dev *d, struct snmp_req *r)
{
	netsnmp_pdu *pdu;
	size_t i;

	switch (r->kind) {
	case RQ_PROBE:
		return pue_snmp_session_probe_pdu();
	case RQ_WALK:
		pdu = snmp_pdu_create(d->conf->snmp.version == PUE_SNMP_V1 ? SNMP_MSG_GETNEXT
									   : SNMP_MSG_GETBULK);
		if (pdu == NULL)
			return NULL;
		pdu->non_repeaters = 0;
		pdu->max_repetitions = (long)walk_repetitions(d, r);
		if (snmp_add_null_var(pdu, r->cur->arcs, r->cur_len) == NULL) {
			snmp_free_pdu(pdu);
			return NULL;
		}
		return pdu;
	case RQ_GET:
		if ((pdu = snmp_pdu_create(SNMP_MSG_GET)) == NULL)
			return NULL;
		for (i = 0; i < r->n; i++) {
			const struct snmp_point *pt = &d->pts[d->work[r->first + i]];

			if (snmp_add_null_var(pdu, pt->name, pt->len) == NULL) {
				snmp_free_pdu(pdu);
				return NULL;
			}
		}
		return pdu;
	}
	return NULL;
}
