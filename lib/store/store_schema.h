/* SPDX-License-Identifier: MIT */
/*
 * store_schema.h - the database schema and its forward migrations.
 * Used by store.c when it opens the database for writing. Each schema
 * version moves to the next one in one transaction; a database newer than
 * this pued is refused rather than guessed at. The layout is in README.md.
 */
#ifndef PUE_STORE_SCHEMA_H
#define PUE_STORE_SCHEMA_H

#include <sqlite3.h>

#include "util/err.h"

#define PUE_STORE_SCHEMA_VERSION 5

/* Brings db (inside a transaction the caller opened) to the current
 * version, creating the tables of a new database. Returns 0 or PUE_E_STORE. */
int pue_store_schema_upgrade(sqlite3 *db, struct pue_err *err);

/* The version recorded in db (0 for a new database), or a negative code. */
int pue_store_schema_version(sqlite3 *db, struct pue_err *err);

/* The SQL of version 1, the first released schema; tests create it to
 * check the migrations. */
extern const char pue_store_schema_v1_sql[];
/* The step from version 1 to 2, so tests can make a version 2 database. */
extern const char pue_store_schema_v1_to_v2_sql[];

#endif
