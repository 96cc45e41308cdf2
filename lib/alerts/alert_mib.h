/* SPDX-License-Identifier: MIT */
/*
 * alert_mib.h - PUED-MIB (conf/PUED-MIB.txt) as pued sends and serves it.
 *
 * Every OID is alerts.enterprise_oid (P, default net-snmp's experimental
 * arc 1.3.6.1.4.1.8072.9999) followed by the arcs below, which must stay
 * the MIB's. Notifications are P.0.n, readable objects P.1..., objects
 * only sent in notifications P.2.n. A set of values (struct
 * pue_mib_values) is what the AgentX subagent answers from: the main loop
 * builds it from the live figures, sorted by OID, and hands it over.
 * Any thread; a values set belongs to one thread at a time.
 */
#ifndef PUE_ALERT_MIB_H
#define PUE_ALERT_MIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Longest OID pued builds: a prefix of up to 64 arcs and a table cell. */
#define PUE_MIB_MAX_OID 80
#define PUE_MIB_MAX_PREFIX 64

/* P.0: notifications */
#define PUE_MIB_NOTIFICATIONS 0
#define PUE_MIB_ALERT_FIRING 1	 /* pueAlertFiring */
#define PUE_MIB_ALERT_RESOLVED 2 /* pueAlertResolved */

/* P.1: readable objects (served by the subagent) */
#define PUE_MIB_OBJECTS 1
#define PUE_MIB_SITE 1		/* pueSite.0 DisplayString */
#define PUE_MIB_CEILING 2	/* pueCeilingMilli.0 Unsigned32, PUE x 1000 */
#define PUE_MIB_WARNING 3	/* pueWarningMilli.0 */
#define PUE_MIB_CATEGORY 4	/* pueCategory.0 Integer32 0..3 */
#define PUE_MIB_ALERT_WINDOW 5	/* pueAlertWindow.0 DisplayString "24h" */
#define PUE_MIB_ACTIVE_ALERTS 6 /* pueActiveAlerts.0 Gauge32 */
#define PUE_MIB_WINDOW_TABLE 7	/* pueWindowTable.1.column.index */
#define PUE_MIB_YEAR 8		/* pueYear.n.0 */
#define PUE_MIB_DEVICE_TABLE 9	/* pueDeviceTable.1.column.index */

/* pueWindowEntry columns */
enum {
	PUE_MIB_WIN_NAME = 2,	  /* DisplayString */
	PUE_MIB_WIN_SECONDS = 3,  /* Unsigned32 */
	PUE_MIB_WIN_STATE = 4,	  /* PueFigureState */
	PUE_MIB_WIN_PUE = 5,	  /* Integer32 x 1000, only with a number */
	PUE_MIB_WIN_PUE_TEXT = 6, /* DisplayString */
	PUE_MIB_WIN_COVERAGE = 7, /* Unsigned32, hundredths of a percent */
	PUE_MIB_WIN_CATEGORY = 8, /* Integer32 */
	PUE_MIB_WIN_FACILITY = 9, /* Unsigned32 kWh */
	PUE_MIB_WIN_IT = 10,	  /* Unsigned32 kWh */
};

/* pueYear scalars */
enum {
	PUE_MIB_YEAR_STATE = 1,	       /* INTEGER ok(1), insufficientData(2) */
	PUE_MIB_YEAR_START = 2,	       /* DisplayString "2026-01-01" */
	PUE_MIB_YEAR_TO_DATE = 3,      /* Integer32 x 1000 */
	PUE_MIB_YEAR_PROJECTED = 4,    /* Integer32 x 1000 */
	PUE_MIB_YEAR_HEADROOM = 5,     /* Integer32 kWh */
	PUE_MIB_YEAR_BUDGET = 6,       /* Integer32 kWh */
	PUE_MIB_YEAR_REQUIRED = 7,     /* Integer32 x 1000 */
	PUE_MIB_YEAR_OUT_OF_REACH = 8, /* TruthValue */
	PUE_MIB_YEAR_TEXT = 9,	       /* DisplayString */
};

/* pueDeviceEntry columns */
enum {
	PUE_MIB_DEV_NAME = 2,	    /* DisplayString */
	PUE_MIB_DEV_PROTOCOL = 3,   /* DisplayString */
	PUE_MIB_DEV_ADDRESS = 4,    /* DisplayString */
	PUE_MIB_DEV_STATE = 5,	    /* unknown(1) up(2) degraded(3) down(4) */
	PUE_MIB_DEV_LAST_ERROR = 6, /* DisplayString */
	PUE_MIB_DEV_FAILURES = 7,   /* Counter32 */
};

/* P.2: objects sent in notifications only (accessible-for-notify) */
#define PUE_MIB_NOTIFY_OBJECTS 2
enum {
	PUE_MIB_N_NUMBER = 1,	/* pueAlertNumber Unsigned32 */
	PUE_MIB_N_RULE = 2,	/* pueAlertRule DisplayString */
	PUE_MIB_N_SEVERITY = 3, /* pueAlertSeverity info(1) warning(2) critical(3) */
	PUE_MIB_N_SUBJECT = 4,	/* pueAlertSubject DisplayString */
	PUE_MIB_N_PUE = 5,	/* pueAlertPueMilli Integer32 */
	PUE_MIB_N_PUE_TEXT = 6, /* pueAlertPueText DisplayString */
	PUE_MIB_N_COVERAGE = 7, /* pueAlertCoverage Unsigned32 */
	PUE_MIB_N_CATEGORY = 8, /* pueAlertCategory Integer32 */
	PUE_MIB_N_DEVICE = 9,	/* pueAlertDevice DisplayString */
	PUE_MIB_N_ERROR = 10,	/* pueAlertErrorText DisplayString */
	PUE_MIB_N_TIME = 11,	/* pueAlertTime DateAndTime */
	PUE_MIB_N_MESSAGE = 12, /* pueAlertMessage DisplayString */
};

/* ASN.1 types of the values (net-snmp's ASN_* numbers, so this header
 * needs none of net-snmp's). */
enum pue_mib_type {
	PUE_MIB_INTEGER = 0x02,	  /* Integer32 and enumerations */
	PUE_MIB_OCTETS = 0x04,	  /* DisplayString, DateAndTime */
	PUE_MIB_COUNTER32 = 0x41, /* Counter32 */
	PUE_MIB_GAUGE32 = 0x42,	  /* Gauge32 and Unsigned32 */
};

struct pue_mib_value {
	uint32_t oid[PUE_MIB_MAX_OID];
	size_t oid_len;
	enum pue_mib_type type;
	int64_t number; /* the integer types */
	char *octets;	/* PUE_MIB_OCTETS, owned */
	size_t n_octets;
};

struct pue_mib_values {
	struct pue_mib_value *v; /* sorted by OID after pue_alert_mib_values_sort() */
	size_t n, cap;
};

/* Parses "1.3.6.1.4.1.8072.9999" into prefix (PUE_MIB_MAX_PREFIX arcs at
 * most). Returns 0 or -EINVAL. */
int pue_alert_mib_parse_prefix(const char *text, uint32_t *prefix, size_t *len);

/* Adds prefix.arcs... with an integer or octet string value. Return 0 or
 * -ENOMEM / -E2BIG. */
int pue_alert_mib_add_number(struct pue_mib_values *vs, const uint32_t *prefix, size_t prefix_len,
			     const uint32_t *arcs, size_t n_arcs, enum pue_mib_type type,
			     int64_t number);
int pue_alert_mib_add_octets(struct pue_mib_values *vs, const uint32_t *prefix, size_t prefix_len,
			     const uint32_t *arcs, size_t n_arcs, const void *octets, size_t n);

void pue_alert_mib_values_sort(struct pue_mib_values *vs);

/* The value at oid (exact), or the first after it (next: GETNEXT, or
 * GETNEXT including oid itself when inclusive); NULL when there is none. */
const struct pue_mib_value *pue_alert_mib_values_find(const struct pue_mib_values *vs,
						      const uint32_t *oid, size_t len, bool next,
						      bool inclusive);

/* Frees what vs holds (vs itself is the caller's); and a heap one. */
void pue_alert_mib_values_clear(struct pue_mib_values *vs);
void pue_alert_mib_values_free(struct pue_mib_values *vs);

/* A value set as the payload of one frame to the AgentX helper
 * (agentx.c -> pued-agentx), and back. Host byte order: both ends run on
 * the same machine. decode checks every length and count against what is
 * left of buf and returns -EPROTO for a malformed payload (vs is then
 * empty); encode returns 0 or -ENOMEM with *buf to free(). */
#define PUE_MIB_FRAME_MAX (64u << 20)
int pue_alert_mib_values_encode(const struct pue_mib_values *vs, uint8_t **buf, size_t *len);
int pue_alert_mib_values_decode(const uint8_t *buf, size_t len, struct pue_mib_values *vs);

/* DateAndTime (SNMPv2-TC) for Unix ms, in UTC: 11 octets. */
void pue_alert_mib_date_and_time(int64_t ms, uint8_t out[11]);

/* A PUE as the MIB's x 1000 integer: pue_figure_milli() (figure.h), the
 * number pued prints and judges; 0 outside +-2e6 (no Integer32). */
int64_t pue_alert_mib_milli(double pue);

#endif
