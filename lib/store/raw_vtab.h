/* SPDX-License-Identifier: MIT */
/*
 * raw_vtab.h - the raw samples as the table samples(t, point, value) of
 * schema 4, for SQL: an eponymous virtual table over the blocks
 * (raw_cursor.h), in (t, point) order, time bounds and a point taken from
 * the WHERE clause.
 *
 * Built twice: into libpue (tests register it on their own connections)
 * and, with PUE_SQLITE_EXTENSION, as the SQLite extension pue_samples.so,
 * so that the sqlite3 shell reads them as it read the old table:
 *   sqlite3 -cmd '.load /usr/local/lib/pued/pue_samples' pued.db \
 *       'SELECT p.device, p.name, s.t, s.value FROM samples s JOIN points p
 *        ON p.id = s.point WHERE s.t >= 1767225600000 ORDER BY s.t'
 * Read-only. Any thread, with its connection.
 */
#ifndef PUE_RAW_VTAB_H
#define PUE_RAW_VTAB_H

#include <sqlite3.h>

/* Registers the module "samples" on db. Returns an SQLite result code. */
int pue_raw_vtab_register(sqlite3 *db);

#ifdef PUE_SQLITE_EXTENSION
/* The extension's entry point, named after the file pue_samples.so. */
int sqlite3_puesamples_init(sqlite3 *db, char **err_msg, const sqlite3_api_routines *api);
#endif

#endif
