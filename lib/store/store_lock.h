/* SPDX-License-Identifier: MIT */
/*
 * store_lock.h - one pued to a database. Two pueds writing one database
 * store every sample twice and add each minute's energy twice (a minute
 * written again adds its parts: store_db.c), and a report then calls the
 * sum compliant. So pued holds an exclusive lock (flock(2)) on a file
 * beside the database, DB-lock (beside the file the path resolves to, so
 * that a symbolic link names the same lock), from before it opens the
 * database until it has closed it, and a second pued on the same database is refused,
 * told the first one's pid. The lock is on a file of its own, never on
 * the database: the locks SQLite takes on the database (fcntl(2)) go when
 * any descriptor of that file closes in the process. Readers (puectl
 * report, export) take no lock. The stores of one process on one database
 * (a reload) share the lock. Main thread only.
 */
#ifndef PUE_STORE_LOCK_H
#define PUE_STORE_LOCK_H

#include "util/err.h"

struct pue_store_lock;

/* Takes, or shares, the lock of the database at db_path, and writes this
 * process's pid into the lock file for the next one to name. NULL with
 * err->code -EBUSY when another process holds it; NULL with another code
 * when the lock file cannot be made or locked (a read-only or full disk,
 * a directory not there yet), where the caller may go on without it. */
struct pue_store_lock *pue_store_lock_take(const char *db_path, struct pue_err *err);

/* Lets go of one take (NULL: none); the last unlocks. The file stays:
 * removing a lock file races with the next pued taking it. */
void pue_store_lock_drop(struct pue_store_lock *l);

#endif
