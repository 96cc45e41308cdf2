/* SPDX-License-Identifier: MIT */
/*
 * http_mhd.h - libmicrohttpd, loaded once pued serves HTTP.
 *
 * Why it is not linked: libmicrohttpd is built against GnuTLS, and loading
 * them (their constructors initialise GnuTLS, and with it p11-kit, as the
 * process starts) cost 2.8 MB of resident memory in every pued, http:
 * configured or not (an empty program linked with -lmicrohttpd: 4.5 MB
 * against 1.5 MB; bench/campus.sh, issue 18). So http_server.c, the only
 * caller, reaches libmicrohttpd through this table, which dlopen() fills
 * when an http: listener starts. The functions keep their signatures
 * (checked against <microhttpd.h> at build time), and the library stays
 * loaded once it was (RTLD_NODELETE): GnuTLS is not made to end and start
 * again on a reload.
 * Main thread only (the functions themselves as libmicrohttpd allows).
 */
#ifndef PUE_HTTP_MHD_H
#define PUE_HTTP_MHD_H

#include <microhttpd.h>

#include "util/err.h"

struct pue_mhd {
	void *handle; /* dlopen()'s; NULL when closed */
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_add_connection) *add_connection;
	__typeof__(MHD_is_feature_supported) *is_feature_supported;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_create_response_from_buffer_with_free_callback_cls)
		*create_response_from_buffer_with_free_callback_cls;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_queue_basic_auth_fail_response) *queue_basic_auth_fail_response;
	__typeof__(MHD_basic_auth_get_username_password) *basic_auth_get_username_password;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
	__typeof__(MHD_free) *free;
};

/* Loads libmicrohttpd (PUE_MHD_SONAME, the one pued was built with) and
 * fills m. Returns 0, or a negative code with err saying what is missing.
 * Undo with pue_http_mhd_close() in every case. */
int pue_http_mhd_open(struct pue_mhd *m, struct pue_err *err);

/* Lets go of the handle (the library stays loaded) and clears m. */
void pue_http_mhd_close(struct pue_mhd *m);

#endif
