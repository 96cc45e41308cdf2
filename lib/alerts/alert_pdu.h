/* SPDX-License-Identifier: MIT */
/*
 * alert_pdu.h - a notification (alert_notification.h) as the PDU the SNMP
 * targets send: pueAlertFiring or pueAlertResolved of PUED-MIB with its
 * objects as varbinds, under the enterprise prefix of ctx; a v1 trap
 * carries the same objects under enterprise P, specific trap 1 or 2
 * (RFC 3584, 3.1). net-snmp must be started (snmp_lib.h).
 * Main thread only.
 */
#ifndef PUE_ALERT_PDU_H
#define PUE_ALERT_PDU_H

#include <stdbool.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "alerts/alert_notification.h"
#include "alerts/alert_target.h"

/* The PDU of n for a target of version: a v1 trap, a v2c/v3 trap, or an
 * inform when inform. sysUpTime counts from ctx->started. The caller
 * sends it (or frees it with snmp_free_pdu()); NULL when memory runs
 * out. */
netsnmp_pdu *pue_alert_pdu(const struct pue_alert_target_ctx *ctx, enum pue_snmp_version version,
			   bool inform, const struct pue_notification *n);

#endif
