/* SPDX-License-Identifier: MIT */
/*
 * poller_kinds.h - every kind of poller pued has (poller.h), in the order
 * the service starts them and stops them in reverse. Above the pollers:
 * they do not know each other, only this list knows them all.
 */
#ifndef PUE_POLLER_KINDS_H
#define PUE_POLLER_KINDS_H

#include "poll/poller.h"

#define PUE_POLLER_KINDS 2
extern const struct pue_poller_ops *const pue_poller_kinds_all[PUE_POLLER_KINDS];

#endif
