/* SPDX-License-Identifier: MIT */
/*
 * store_sqlite.h - SQLite's process-wide settings, for a program that keeps
 * database connections open for its whole life (pued: the store, the alert
 * database and the report connections of the year's watch and the status
 * page).
 *
 * By default SQLite gives each page cache a first bulk allocation of 20
 * pages (SQLITE_DEFAULT_PCACHE_INITSZ, 87 KB at 4 KiB pages) the first time
 * it holds a page, and keeps it until the connection closes, whatever
 * cache_size says and however few pages the cache holds: each connection
 * pued keeps open, and the temporary database that a schema upgrade opens
 * (ALTER TABLE looks at the temp schema), holds one. Without it a page
 * cache holds the pages it holds, which sqlite3_db_release_memory() can
 * free (issue 18).
 */
#ifndef PUE_STORE_SQLITE_H
#define PUE_STORE_SQLITE_H

/* Turns off the page caches' first bulk allocation. sqlite3_config()
 * applies only before SQLite initialises, which the first sqlite3_open*()
 * (or any other call but sqlite3_config()) does: call this first, before
 * any thread could use SQLite. Later, or a second time, SQLite refuses and
 * keeps its defaults, which costs memory but nothing else: the refusal is
 * logged at debug. Returns 0 when applied, else SQLite's error code. */
int pue_store_sqlite_setup(void);

#endif
