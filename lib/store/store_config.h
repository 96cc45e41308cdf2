/* SPDX-License-Identifier: MIT */
/*
 * store_config.h - the store as pued configures and runs it.
 *
 * store.h knows nothing of the configuration and does not log, so that the
 * numeric core builds and is tested without either. These calls describe
 * the store from the configuration (every configured point, the pPUE
 * zones, the storage: section) and log each of its state changes once:
 * opened, failing, writing again, over the disk budget.
 * Main thread only.
 */
#ifndef PUE_STORE_CONFIG_H
#define PUE_STORE_CONFIG_H

#include "util/clock.h"
#include "config/config.h"
#include "util/err.h"
#include "store/store.h"

/* Opens the database at path for cfg's points and zones, with cfg's
 * retention and disk budget (cfg is borrowed, and only during the call).
 * A start on a full disk is logged; see pue_store_open(). */
struct pue_store *pue_store_config_open(const char *path, const struct pue_config *cfg,
					struct pue_err *err);

/* pue_store_flush(), logging what changed: the database opened at last,
 * the first failure, the recovery, the disk budget reached. Returns what
 * pue_store_flush() returned. */
int pue_store_config_flush(struct pue_store *st, pue_wall_t now);

/* The last flush, logged (what a failure loses), then pue_store_close().
 * NULL is accepted. */
void pue_store_config_close(struct pue_store *st);

/* The same, for a reload: what the last flush could not write goes to
 * heir, the new service's store (pue_store_hand_over()), and is logged;
 * heir NULL is pue_store_config_close(). */
void pue_store_config_close_into(struct pue_store *st, struct pue_store *heir);

#endif
