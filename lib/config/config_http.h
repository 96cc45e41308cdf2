/* SPDX-License-Identifier: MIT */
/*
 * config_http.h - the http: section and its web configuration file
 * (config_http.c), whose errors are kept in c->web_tree and appended after
 * the others, as the meter maps' are. Part of the configuration loader
 * (config_ctx.h).
 */
#ifndef PUE_CONFIG_HTTP_H
#define PUE_CONFIG_HTTP_H

#include "config/config_ctx.h"

void pue_config_http_read(struct pue_cfgctx *c, const struct pue_ynode *n);
size_t pue_config_http_n_errors(const struct pue_cfgctx *c);
int pue_config_http_take_errors(struct pue_cfgctx *c, char ***lines, size_t *n);

/* Frees what the section holds. */
void pue_config_http_free(struct pue_http_conf *h);

#endif
