/* SPDX-License-Identifier: MIT */
/* store_sqlite.c - SQLite's process-wide settings; see store_sqlite.h. */
#include "store/store_sqlite.h"

#include <stddef.h>

#include <sqlite3.h>

#include "util/log.h"

int
pue_store_sqlite_setup(void)
{
	/* No buffer of our own and no first bulk: each page is allocated
	 * when a cache needs it and freed when the cache lets it go. */
	int rc = sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);

	if (rc != SQLITE_OK)
		pue_log(LOG_DEBUG,
			"sqlite: page caches keep their first bulk allocation (already "
			"initialised: %s)",
			sqlite3_errstr(rc));
	return rc;
}
