/* SPDX-License-Identifier: MIT */
/*
 * config_secret.h - a secret in the configuration: a community or a
 * passphrase, written inline, or read from a file or a systemd credential
 * ({file: PATH}, {credential: NAME}). Part of the configuration loader
 * (config_ctx.h). A secret's value is never shown in an error message:
 * those end up in logs and terminals.
 */
#ifndef PUE_CONFIG_SECRET_H
#define PUE_CONFIG_SECRET_H

#include <stdbool.h>

#include "config/config_ctx.h"

/* Reads the secret at n into *out (replacing, and wiping, what it held).
 * Returns true, or reports why not and returns false with *out untouched.
 * A {credential: NAME} that the load's purpose does not read
 * (config_types.h) is checked, not read: true with out->value NULL. */
bool pue_config_secret_read(struct pue_cfgctx *c, const struct pue_ynode *n,
			    struct pue_secret *out);

/* Frees a secret, wiping it first. */
void pue_config_secret_free(struct pue_secret *s);

#endif
