/* SPDX-License-Identifier: MIT */
/*
 * http_auth.h - HTTP basic authentication against bcrypt hashes
 * (web_config_file's basic_auth_users, config.h).
 *
 * A bcrypt check costs tens of milliseconds at cost 10, on purpose. As
 * Prometheus' exporter-toolkit does, a user's password is remembered once
 * it has been accepted, so a scrape every few seconds costs one comparison
 * rather than one bcrypt; a wrong password, or an unknown user (checked
 * against a real hash all the same, so the time taken does not tell which
 * names exist), always pays the full bcrypt. Every comparison of secret
 * bytes takes the same time whatever they hold. Any thread (one lock).
 */
#ifndef PUE_HTTP_AUTH_H
#define PUE_HTTP_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

struct pue_http_auth; /* opaque */

/* users[0..n) (n > 0) are borrowed and must outlive the result. NULL when
 * out of memory. */
struct pue_http_auth *pue_http_auth_new(const struct pue_http_user *users, size_t n);

/* True when user (NULL: none given) has password. */
bool pue_http_auth_check(struct pue_http_auth *a, const char *user, const char *password);

/* Wipes the remembered passwords. NULL is accepted. */
void pue_http_auth_free(struct pue_http_auth *a);

/* Equal strings, in a time that depends on their lengths only. */
bool pue_http_auth_same(const char *a, const char *b);

#endif
