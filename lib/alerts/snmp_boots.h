/* SPDX-License-Identifier: MIT */
/*
 * snmp_boots.h - the boot count of pued's own SNMPv3 engine (the one its v3
 * traps speak for, alerts.engine_id), kept where a new database does not
 * reset it.
 *
 * A receiver remembers the highest snmpEngineBoots it authenticated from an
 * engine and drops, silently, every later notification with fewer (RFC
 * 3414, 3.2, step 7b). The count must therefore grow at each start and
 * never go down. The database's meta table had it alone, so a new database
 * started again at 1 and a long-running receiver dropped pued's traps. It
 * now lives in a small file beside the database too (like net-snmp's
 * "engineBoots" in its persistent snmpapp.conf), and each start takes one
 * more than the larger of the two. Called by alerts.c at start and reload,
 * before any trap is sent. Main thread only.
 */
#ifndef PUE_SNMP_BOOTS_H
#define PUE_SNMP_BOOTS_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* The file's name, in the directory of the database. */
#define PUE_SNMP_BOOTS_FILE "snmp-engine-boots"

/* snmpEngineBoots' maximum (RFC 3414, 2.2.2): an engine that reaches it stays
 * there, and receivers take nothing from it any more. */
#define PUE_SNMP_BOOTS_MAX 2147483647

/* The boots file for the database at db_path (borrowed): PUE_SNMP_BOOTS_FILE
 * in db_path's directory, written into buf. Returns 0, or -ENAMETOOLONG
 * when it does not fit in size bytes. */
int pue_snmp_boots_path(const char *db_path, char *buf, size_t size);

/* Counts one more boot: reads the file at path (absent counts as 0), sets
 * *boots to one more than the larger of it and db_boots (the database's
 * count; <= 0 for none), capped at PUE_SNMP_BOOTS_MAX, and replaces the
 * file atomically (a new file written and synced, renamed over the old one,
 * the directory synced) before returning. Returns 0; or a negative errno
 * value or PUE_E_RANGE with err saying what and where, and *boots still the
 * best count known (the caller logs the error and goes on with it): a file
 * that cannot be read or holds no count is left as it is, one that cannot
 * be written keeps its old count. */
int pue_snmp_boots_count(const char *path, int64_t db_boots, uint32_t *boots, struct pue_err *err);

#endif
