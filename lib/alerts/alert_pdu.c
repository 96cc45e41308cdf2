/* SPDX-License-Identifier: MIT */
/*
 * alert_pdu.c - a notification as an SNMP PDU of PUED-MIB (alert_mib.h);
 * see alert_pdu.h.
 */
#include "alerts/alert_pdu.h"

#include <stdint.h>
#include <string.h>

#include "alerts/alert_mib.h"
#include "core/figure.h"

static int
add_var(netsnmp_pdu *pdu, const struct pue_alert_target_ctx *ctx, const uint32_t *arcs, size_t n,
	u_char type, const void *value, size_t len)
{
	oid name[MAX_OID_LEN];
	size_t i, l = 0;

	for (i = 0; i < ctx->prefix_len; i++)
		name[l++] = ctx->prefix[i];
	for (i = 0; i < n; i++)
		name[l++] = arcs[i];
	return snmp_pdu_add_variable(pdu, name, l, type, value, len) != NULL ? 0 : -1;
}

static int
add_int(netsnmp_pdu *pdu, const struct pue_alert_target_ctx *ctx, const uint32_t *arcs, size_t n,
	u_char type, int64_t v)
{
	long l;
	u_long u;

	if (type == ASN_INTEGER) {
		l = v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (long)v;
		return add_var(pdu, ctx, arcs, n, type, &l, sizeof(l));
	}
	u = v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : (u_long)v;
	return add_var(pdu, ctx, arcs, n, type, &u, sizeof(u));
}

static int
add_str(netsnmp_pdu *pdu, const struct pue_alert_target_ctx *ctx, const uint32_t *arcs, size_t n,
	const char *s)
{
	size_t len = strlen(s);

	return add_var(pdu, ctx, arcs, n, ASN_OCTET_STR, s, len > 255 ? 255 : len);
}

/* The objects of pueAlertFiring / pueAlertResolved, in the MIB's order. */
static int
add_objects(netsnmp_pdu *pdu, const struct pue_alert_target_ctx *ctx,
	    const struct pue_notification *n)
{
	static const uint32_t num[] = {PUE_MIB_NOTIFY_OBJECTS, PUE_MIB_N_NUMBER, 0},
			      rule[] = {PUE_MIB_NOTIFY_OBJECTS, PUE_MIB_N_RULE, 0},
			      sev[] = {PUE_MIB_NOTIFY_OBJECTS, PUE_MIB_N_SEVERITY, 0},
			      subj[] = {PUE_MIB_NOTIFY_OBJECTS, PUE_MIB_N_SUBJECT, 0},
			      site[] = {PUE_MIB_OBJECTS, PUE_MIB_SITE, 0},
			      win[] = {PUE_MIB_OBJECTS, PUE_MIB_ALERT_WINDOW, 0},
			      pue[] = {PUE_MIB_NOTIFY_OBJECTS, PUE_MIB_N_PUE, 0},
			      text[] = {PUE_MIB_NOTIFY_OBJECTS, PUE_MIB_N_PUE_TEXT, 0},
			      ceil[] = {PUE_MIB_OBJECTS, PUE_MIB_CEILING, 0},
			      cov[] = {PUE_MIB_NOTIFY_OBJECTS, PUE_MIB_N_COVERAGE, 0},
			      cat[] = {PUE_MIB_NOTIFY_OBJECTS, PUE_MIB_N_CATEGORY, 0},
			      dev[] = {PUE_MIB_NOTIFY_OBJECTS, PUE_MIB_N_DEVICE, 0},
			      error[] = {PUE_MIB_NOTIFY_OBJECTS, PUE_MIB_N_ERROR, 0},
			      ystate[] = {PUE_MIB_OBJECTS, PUE_MIB_YEAR, PUE_MIB_YEAR_STATE, 0},
			      yproj[] = {PUE_MIB_OBJECTS, PUE_MIB_YEAR, PUE_MIB_YEAR_PROJECTED, 0},
			      yhead[] = {PUE_MIB_OBJECTS, PUE_MIB_YEAR, PUE_MIB_YEAR_HEADROOM, 0},
			      when[] = {PUE_MIB_NOTIFY_OBJECTS, PUE_MIB_N_TIME, 0},
			      msg[] = {PUE_MIB_NOTIFY_OBJECTS, PUE_MIB_N_MESSAGE, 0};
	uint8_t date[11];
	int rc = 0;

	pue_alert_mib_date_and_time(n->t_ms, date);
	rc |= add_int(pdu, ctx, num, 3, ASN_UNSIGNED, n->incident);
	rc |= add_str(pdu, ctx, rule, 3, pue_config_text_alert_rule_name(n->rule));
	rc |= add_int(pdu, ctx, sev, 3, ASN_INTEGER, (int64_t)n->severity + 1);
	rc |= add_str(pdu, ctx, subj, 3, n->subject);
	rc |= add_str(pdu, ctx, site, 3, n->site);
	rc |= add_str(pdu, ctx, win, 3, n->window);
	rc |= add_int(pdu, ctx, pue, 3, ASN_INTEGER, n->has_pue ? n->pue_milli : 0);
	rc |= add_str(pdu, ctx, text, 3, n->pue_text);
	rc |= add_int(pdu, ctx, ceil, 3, ASN_UNSIGNED, n->ceiling_milli);
	rc |= add_int(pdu, ctx, cov, 3, ASN_UNSIGNED,
		      (int64_t)(pue_figure_coverage_shown(n->coverage, 1e4) * 10000 + 0.5));
	rc |= add_int(pdu, ctx, cat, 3, ASN_INTEGER, n->category);
	rc |= add_str(pdu, ctx, dev, 3, n->device);
	rc |= add_str(pdu, ctx, error, 3, n->error);
	rc |= add_int(pdu, ctx, ystate, 4, ASN_INTEGER, n->year_ok ? 1 : 2);
	rc |= add_int(pdu, ctx, yproj, 4, ASN_INTEGER, n->year_ok ? n->year_projected_milli : 0);
	rc |= add_int(pdu, ctx, yhead, 4, ASN_INTEGER, n->year_ok ? n->year_headroom_kwh : 0);
	rc |= add_var(pdu, ctx, when, 3, ASN_OCTET_STR, date, sizeof(date));
	rc |= add_str(pdu, ctx, msg, 3, n->message);
	return rc;
}

netsnmp_pdu *
pue_alert_pdu(const struct pue_alert_target_ctx *ctx, enum pue_snmp_version version, bool inform,
	      const struct pue_notification *n)
{
	static const oid sys_uptime[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
	static const oid trap_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
	uint32_t which = n->resolved ? PUE_MIB_ALERT_RESOLVED : PUE_MIB_ALERT_FIRING;
	u_long ticks = (u_long)(pue_mono_diff_ms(pue_clock_mono(ctx->clock), ctx->started) / 10);
	oid name[MAX_OID_LEN];
	netsnmp_pdu *pdu;
	size_t i, l = 0;

	for (i = 0; i < ctx->prefix_len; i++)
		name[l++] = ctx->prefix[i];
	if (version == PUE_SNMP_V1) {
		/* RFC 3584, 3.1: P.0.n is enterprise P, specific trap n. */
		if ((pdu = snmp_pdu_create(SNMP_MSG_TRAP)) == NULL)
			return NULL;
		pdu->enterprise = snmp_duplicate_objid(name, l);
		pdu->enterprise_length = l;
		pdu->trap_type = SNMP_TRAP_ENTERPRISESPECIFIC;
		pdu->specific_type = (long)which;
		pdu->time = ticks;
	} else {
		if ((pdu = snmp_pdu_create(inform ? SNMP_MSG_INFORM : SNMP_MSG_TRAP2)) == NULL)
			return NULL;
		name[l++] = PUE_MIB_NOTIFICATIONS;
		name[l++] = which;
		if (snmp_pdu_add_variable(pdu, sys_uptime, OID_LENGTH(sys_uptime), ASN_TIMETICKS,
					  &ticks, sizeof(ticks)) == NULL ||
		    snmp_pdu_add_variable(pdu, trap_oid, OID_LENGTH(trap_oid), ASN_OBJECT_ID, name,
					  l * sizeof(oid)) == NULL) {
			snmp_free_pdu(pdu);
			return NULL;
		}
	}
	if (add_objects(pdu, ctx, n) != 0) {
		snmp_free_pdu(pdu);
		return NULL;
	}
	return pdu;
}
