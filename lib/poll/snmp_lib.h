/* SPDX-License-Identifier: MIT */
/*
 * snmp_lib.h - the one owner of net-snmp inside a pued service.
 *
 * net-snmp keeps process-wide state (its default store, the USM user
 * table, the MIB tree, log handlers), and starting it may setenv(), which
 * races with getenv() in any other thread (the Modbus workers, the name
 * resolver's). So service.c creates this owner first, before any module
 * that starts a thread, whenever the configuration talks SNMP (devices, or
 * trap and inform targets); the SNMP poller and the alerts only take a
 * reference to it (they cannot start net-snmp themselves), and each lets
 * go of its own in any order. The last reference detaches pued's log
 * callback; net-snmp itself is started once per process and stops at exit
 * (starting it again after snmp_shutdown() leaks in its MIB parser).
 * Main thread only.
 */
#ifndef PUE_SNMP_LIB_H
#define PUE_SNMP_LIB_H

#include "util/err.h"

struct pue_snmp_lib; /* opaque */

/* Starts net-snmp unless the process already has (a reload): a manager
 * that reads no snmp.conf, keeps no persistent state and loads no MIB at
 * start (MIBS is set empty in the environment unless the user set it;
 * names load their module on demand). Library log lines go to pue_log as
 * "snmp: ...", at their own level until pue_snmp_lib_quiet(). Returns the
 * owner with one reference (the caller's), or NULL with err set. */
struct pue_snmp_lib *pue_snmp_lib_new(struct pue_err *err);

/* Takes one more reference to lib (not NULL) and returns lib. */
struct pue_snmp_lib *pue_snmp_lib_ref(struct pue_snmp_lib *lib);

/* Drops one reference; the last one detaches the log callback and frees
 * lib. Sessions of the dropping module must be closed first. NULL is
 * accepted. */
void pue_snmp_lib_unref(struct pue_snmp_lib *lib);

/* From now on net-snmp's log lines go to debug level: once polling runs,
 * what net-snmp says comes from one agent's packet ("pdu failed to be
 * created"), maybe on every poll, and the device's health already reports
 * it, once. */
void pue_snmp_lib_quiet(struct pue_snmp_lib *lib);

#endif
