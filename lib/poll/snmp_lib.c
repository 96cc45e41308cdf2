/* SPDX-License-Identifier: MIT */
/* snmp_lib.c - starting net-snmp and owning pued's hold on it; see
 * snmp_lib.h. */
#include "poll/snmp_lib.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <openssl/crypto.h>

#include "util/log.h"

#define APP_NAME "pued"

struct pue_snmp_lib {
	unsigned refs;
	bool quiet;
};

static int
on_log(int major, int minor, void *serverarg, void *clientarg)
{
	const struct snmp_log_message *m = serverarg;
	const struct pue_snmp_lib *lib = clientarg;
	size_t n;

	(void)major;
	(void)minor;
	if (m == NULL || m->msg == NULL)
		return 0;
	n = strlen(m->msg);
	while (n > 0 && (m->msg[n - 1] == '\n' || m->msg[n - 1] == '\r'))
		n--;
	if (n == 0)
		return 0;
	pue_log(lib->quiet ? LOG_DEBUG : m->priority, "snmp: %.*s", (int)n, m->msg);
	return 0;
}

static void
stop_at_exit(void)
{
	snmp_shutdown(APP_NAME);
}

/* Whether net-snmp runs is its own state: init_snmp() sets the
 * application type, snmp_shutdown() clears it. */
static int
start_once(struct pue_err *err)
{
	if (netsnmp_ds_get_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_APPTYPE) != NULL)
		return 0;
	/* pued.yaml is the only configuration: an snmp.conf (defVersion,
	 * defSecurityName, ...) in /etc/snmp or ~/.snmp would change what
	 * pued sends behind its back. And a manager has no state worth
	 * keeping in /var/lib/snmp. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	/* init_snmp() would parse the default MIB list (a dozen modules, with
	 * a "Cannot find module" line for each one Debian does not ship).
	 * Numeric OIDs need none of it, so MIBS is empty; MIB names load their
	 * module on demand (pue_snmp_session_resolve()). A user's own MIBS is left
	 * alone (overwrite 0). The MIB directories are only indexed. */
	if (setenv("MIBS", "", 0) < 0)
		return pue_err_set(err, -errno, "snmp: setenv: %s", strerror(errno));
	if (netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_DEBUG) == NULL)
		return pue_err_set(err, -ENOMEM, "snmp: cannot register a log handler");
	/* init_snmp() loads OpenSSL's error strings, texts pued never shows
	 * (it logs net-snmp's messages, never OpenSSL's error queue): 450 KB
	 * of libcrypto's pages and a hash of them on the heap (issue 18).
	 * Started first without them, OpenSSL takes net-snmp's request to
	 * load them as done. openssl.cnf is still read (a FIPS provider
	 * configured there still applies). Should this fail, init_snmp()
	 * starts OpenSSL as before. */
	(void)OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
	init_snmp(APP_NAME);
	if (atexit(stop_at_exit) != 0) {
		snmp_shutdown(APP_NAME);
		return pue_err_set(err, -ENOMEM, "snmp: atexit failed");
	}
	return 0;
}

struct pue_snmp_lib *
pue_snmp_lib_new(struct pue_err *err)
{
	struct pue_snmp_lib *lib = calloc(1, sizeof(*lib));

	if (lib == NULL) {
		pue_err_set(err, -ENOMEM, "snmp: out of memory");
		return NULL;
	}
	if (start_once(err) < 0) {
		free(lib);
		return NULL;
	}
	if (snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, on_log, lib) !=
	    SNMPERR_SUCCESS) {
		pue_err_set(err, -ENOMEM, "snmp: cannot register a log callback");
		free(lib);
		return NULL;
	}
	lib->refs = 1;
	return lib;
}

struct pue_snmp_lib *
pue_snmp_lib_ref(struct pue_snmp_lib *lib)
{
	assert(lib != NULL && lib->refs > 0);
	lib->refs++;
	return lib;
}

void
pue_snmp_lib_unref(struct pue_snmp_lib *lib)
{
	if (lib == NULL)
		return;
	assert(lib->refs > 0);
	if (--lib->refs > 0)
		return;
	/* snmp_shutdown() at exit would free the callback's registration,
	 * not lib: detach it now. */
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, on_log, lib, 1);
	free(lib);
}

void
pue_snmp_lib_quiet(struct pue_snmp_lib *lib)
{
	lib->quiet = true;
}
