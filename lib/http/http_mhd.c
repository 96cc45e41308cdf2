/* SPDX-License-Identifier: MIT */
/* http_mhd.c - libmicrohttpd through dlopen(); see http_mhd.h. */
#include "http/http_mhd.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* The Makefile passes the soname of the libmicrohttpd it built against. */
#ifndef PUE_MHD_SONAME
#define PUE_MHD_SONAME "libmicrohttpd.so.12"
#endif

/* dlsym() of name into *fn; false with err set when it is missing (an
 * older libmicrohttpd than the one pued was built with). */
static bool
find(struct pue_mhd *m, void *fn, const char *name, struct pue_err *err)
{
	void *p = dlsym(m->handle, name);

	if (p == NULL) {
		pue_err_set(err, -ENOENT, "http: %s has no %s", PUE_MHD_SONAME, name);
		return false;
	}
	/* POSIX (dlsym): a function's address passes through void *. */
	memcpy(fn, &p, sizeof(p));
	return true;
}

int
pue_http_mhd_open(struct pue_mhd *m, struct pue_err *err)
{
	const char *why;

	memset(m, 0, sizeof(*m));
	m->handle = dlopen(PUE_MHD_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (m->handle == NULL) {
		why = dlerror();
		return pue_err_set(err, -ENOENT, "http: cannot load %s: %s", PUE_MHD_SONAME,
				   why != NULL ? why : "dlopen failed");
	}
	if (!find(m, &m->start_daemon, "MHD_start_daemon", err) ||
	    !find(m, &m->stop_daemon, "MHD_stop_daemon", err) ||
	    !find(m, &m->add_connection, "MHD_add_connection", err) ||
	    !find(m, &m->is_feature_supported, "MHD_is_feature_supported", err) ||
	    !find(m, &m->create_response_from_buffer, "MHD_create_response_from_buffer", err) ||
	    !find(m, &m->create_response_from_buffer_with_free_callback_cls,
		  "MHD_create_response_from_buffer_with_free_callback_cls", err) ||
	    !find(m, &m->add_response_header, "MHD_add_response_header", err) ||
	    !find(m, &m->destroy_response, "MHD_destroy_response", err) ||
	    !find(m, &m->queue_response, "MHD_queue_response", err) ||
	    !find(m, &m->queue_basic_auth_fail_response, "MHD_queue_basic_auth_fail_response",
		  err) ||
	    !find(m, &m->basic_auth_get_username_password, "MHD_basic_auth_get_username_password",
		  err) ||
	    !find(m, &m->lookup_connection_value, "MHD_lookup_connection_value", err) ||
	    !find(m, &m->free, "MHD_free", err))
		return err->code;
	return 0;
}

void
pue_http_mhd_close(struct pue_mhd *m)
{
	if (m->handle != NULL)
		dlclose(m->handle);
	memset(m, 0, sizeof(*m));
}
