/* SPDX-License-Identifier: MIT */
/*
 * ctl_client.h - the client side of the control protocol (control.h), used
 * by puectl and by tests.
 */
#ifndef PUE_CTL_CLIENT_H
#define PUE_CTL_CLIENT_H

#include <jansson.h>

#include "util/err.h"

/* Sends {"v":1,"cmd":cmd} (plus the members of extra, if not NULL; borrowed)
 * to the pued at socket_path and waits up to timeout_ms in all for the
 * reply, connecting included (a pued that accepts nothing is not waited
 * for beyond it).
 * Returns the reply's "result" (a new reference), or NULL with err set: the
 * daemon's error text for an error reply, or what failed (naming the socket
 * path) when pued is not there. */
json_t *pue_ctl_client_request(const char *socket_path, const char *cmd, json_t *extra,
			       int timeout_ms, struct pue_err *err);

#endif
