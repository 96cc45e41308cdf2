/* SPDX-License-Identifier: MIT */
/*
 * config_http.c - the http: section and the web configuration file it names.
 *
 *   http:
 *     listen: 127.0.0.1
 *     port: 9725
 *     web_config_file: /etc/pued/web.yml
 *
 * The web configuration is Prometheus' exporter-toolkit format, so a site
 * uses the file it already has for node_exporter:
 *
 *   tls_server_config: {cert_file: server.crt, key_file: server.key}
 *   basic_auth_users: {prometheus: $2y$10$...}
 *
 * It is read as a tree of its own (yaml_tree.h) and checked with the same
 * readers as pued.yaml: while it is walked, the load's error list is its
 * tree's, so every message names web.yml:LINE:COLUMN. The toolkit's other
 * keys (client certificates, TLS versions, HTTP headers) are refused by
 * name rather than ignored: a setting pued does not apply must not look
 * applied. Part of the configuration loader (config_ctx.h).
 */
#include "config/config_http.h"

#include <arpa/inet.h>
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config_secret.h"
#include "config/config_value.h"
#include "util/err.h"
#include "util/log.h"
#include "config/yaml_load.h"

/* clang-format off */
static const char *const http_keys[] = {
	"listen", "port", "web_config_file", "max_connections", "max_connections_per_ip",
	"timeout", NULL
};
/* exporter-toolkit's keys: those pued applies, then those it refuses. */
static const char *const web_keys[] = {
	"tls_server_config", "basic_auth_users", "http_server_config", NULL
};
static const char *const web_unsupported[] = {"http_server_config", NULL};
static const char *const tls_keys[] = {
	"cert_file", "key_file", "client_auth_type", "client_ca_file", "client_allowed_sans",
	"min_version", "max_version", "cipher_suites", "curve_preferences",
	"prefer_server_cipher_suites", NULL
};
static const char *const *const tls_unsupported = tls_keys + 2;
/* clang-format on */

/* A certificate chain or a key is a few KiB; the cap keeps a wrong path
 * (a disk image) from being read. */
#define PEM_MAX_BYTES (1u << 20)

/* path as written, or joined to the directory of the file that names it. */
static char *
beside(struct pue_cfgctx *c, const char *file, const char *path)
{
	const char *slash = strrchr(file, '/');
	char *joined;

	if (path[0] == '/' || slash == NULL)
		return pue_config_value_strdup(c, path);
	if (asprintf(&joined, "%.*s/%s", (int)(slash - file), file, path) < 0) {
		c->oom = true;
		return NULL;
	}
	return joined;
}

/* Reads a PEM file named at node n into *out (NUL-terminated). */
static bool
read_pem(struct pue_cfgctx *c, const struct pue_ynode *n, const char *path, const char *marker,
	 bool secret, char **out)
{
	struct stat st;
	char *buf = NULL;
	size_t len, size = 0;
	FILE *fp = NULL;

	/* Checked before it is opened: opening a FIFO would wait for a
	 * writer. */
	if (stat(path, &st) == 0 && (!S_ISREG(st.st_mode) || st.st_size > PEM_MAX_BYTES)) {
		pue_yaml_tree_error(c->tree, n, "%s is not a PEM file of at most %u bytes", path,
				    PEM_MAX_BYTES);
		goto fail;
	}
	if ((fp = fopen(path, "re")) == NULL || fstat(fileno(fp), &st) < 0) {
		pue_yaml_tree_error(c->tree, n, "cannot read %s: %s", path, strerror(errno));
		goto fail;
	}
	if (st.st_size > PEM_MAX_BYTES) { /* it grew meanwhile */
		pue_yaml_tree_error(c->tree, n, "%s is larger than %u bytes", path, PEM_MAX_BYTES);
		goto fail;
	}
	size = (size_t)st.st_size + 1;
	if ((buf = malloc(size)) == NULL) {
		c->oom = true;
		goto fail;
	}
	len = fread(buf, 1, size - 1, fp);
	buf[len] = '\0';
	if (strlen(buf) != len || strstr(buf, marker) == NULL) {
		pue_yaml_tree_error(c->tree, n, "%s holds no PEM \"%s\"", path, marker);
		goto fail;
	}
	if (secret && (st.st_mode & S_IROTH))
		pue_log(LOG_WARNING,
			"config: the TLS key %s is readable by every user; chmod o-r it", path);
	fclose(fp);
	*out = buf;
	return true;
fail:
	if (buf != NULL)
		explicit_bzero(buf, size);
	free(buf);
	if (fp != NULL)
		fclose(fp);
	return false;
}

static void
read_tls(struct pue_cfgctx *c, const struct pue_ynode *n, const char *file)
{
	struct pue_http_conf *h = &c->cfg->http;
	const struct pue_ynode *cert, *key;
	char *name = NULL, *path = NULL;

	if (!pue_config_value_is_map(c, n))
		return;
	pue_config_value_check_keys(c, n, tls_keys);
	pue_config_value_reject_keys(c, n, tls_unsupported, "not supported by pued");
	cert = pue_config_value_require(c, n, "cert_file");
	key = pue_config_value_require(c, n, "key_file");
	if (cert != NULL && pue_config_value_string(c, cert, &name) &&
	    (path = beside(c, file, name)))
		read_pem(c, cert, path, "-----BEGIN CERTIFICATE-----", false, &h->tls_cert_pem);
	free(path);
	path = NULL;
	if (key != NULL && pue_config_value_string(c, key, &name) && (path = beside(c, file, name)))
		read_pem(c, key, path, "PRIVATE KEY-----", true, &h->tls_key.value);
	free(path);
	free(name);
}

/* A bcrypt hash as htpasswd -B and exporter-toolkit's docs make it;
 * libxcrypt's crypt_checksalt() also finds a malformed one. */
static bool
is_bcrypt(const char *s)
{
	return (strncmp(s, "$2a$", 4) == 0 || strncmp(s, "$2b$", 4) == 0 ||
		strncmp(s, "$2y$", 4) == 0) &&
	       strlen(s) == 60 && crypt_checksalt(s) == CRYPT_SALT_OK;
}

static void
read_users(struct pue_cfgctx *c, const struct pue_ynode *n)
{
	struct pue_http_conf *h = &c->cfg->http;
	size_t i;

	if (!pue_config_value_is_map(c, n))
		return;
	if ((h->users = pue_config_value_calloc(c, n->n_kids, sizeof(*h->users))) == NULL)
		return;
	for (i = 0; i < n->n_kids; i++) {
		const struct pue_ynode *k = n->kids[i];
		struct pue_http_user *u = &h->users[h->n_users];
		char *hash = NULL;

		if (k->key[0] == '\0' || strchr(k->key, ':') != NULL) {
			pue_yaml_tree_error_key(c->tree, k,
						"a user name must be non-empty and without ':'");
			continue;
		}
		if (!pue_config_value_string(c, k, &hash))
			continue;
		if (!is_bcrypt(hash)) {
			/* Never quote it: a plain password may sit there by mistake. */
			pue_yaml_tree_error(
				c->tree, k,
				"expected a bcrypt hash (\"$2y$...\", 60 characters, as "
				"htpasswd -nBC 10 USER prints it)");
			free(hash);
			continue;
		}
		u->bcrypt_hash = hash;
		h->n_users++;
		if ((u->name = pue_config_value_strdup(c, k->key)) == NULL)
			return;
	}
}

/* Reads the web configuration at path (resolved) while its tree collects
 * the errors; at is the web_config_file node, for a file that cannot be
 * read at all. */
static void
read_web(struct pue_cfgctx *c, const struct pue_ynode *at, const char *path)
{
	struct pue_ytree *main_tree = c->tree;
	const struct pue_ynode *root, *k;
	struct stat st;
	int rc;

	/* A regular file only: opening a FIFO would wait for a writer. */
	if (stat(path, &st) < 0) {
		pue_yaml_tree_error(main_tree, at, "cannot read %s: %s", path, strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		pue_yaml_tree_error(main_tree, at, "%s is not a regular file", path);
		return;
	}
	if ((c->web_tree = pue_yaml_tree_new(path)) == NULL) {
		c->oom = true;
		return;
	}
	if ((rc = pue_yaml_load_file(c->web_tree)) < 0 && rc != PUE_E_CONFIG) {
		/* Said in pued.yaml, where the path was written. */
		pue_yaml_tree_error(main_tree, at, "cannot read %s: %s", path, strerror(-rc));
		pue_yaml_tree_free(c->web_tree);
		c->web_tree = NULL;
		return;
	}
	if (rc != 0)
		return;
	c->tree = c->web_tree;
	root = pue_yaml_tree_root(c->web_tree);
	if (root == NULL || pue_yaml_tree_is_null(root))
		pue_yaml_tree_error(c->tree, NULL, "the file holds no web configuration");
	else if (pue_config_value_is_map(c, root)) {
		pue_config_value_check_keys(c, root, web_keys);
		pue_config_value_reject_keys(c, root, web_unsupported, "not supported by pued");
		if ((k = pue_yaml_tree_get(root, "tls_server_config")) != NULL)
			read_tls(c, k, path);
		if ((k = pue_yaml_tree_get(root, "basic_auth_users")) != NULL)
			read_users(c, k);
	}
	c->tree = main_tree;
}

static void
read_listen(struct pue_cfgctx *c, const struct pue_ynode *k)
{
	struct pue_http_conf *h = &c->cfg->http;
	unsigned char addr[sizeof(struct in6_addr)];
	char *s = NULL;

	if (!pue_config_value_string(c, k, &s))
		return;
	if (inet_pton(AF_INET, s, addr) != 1 && inet_pton(AF_INET6, s, addr) != 1) {
		pue_yaml_tree_error(c->tree, k,
				    "expected a numeric IPv4 or IPv6 address (127.0.0.1, ::1), got "
				    "\"%.64s\"",
				    s);
		free(s);
		return;
	}
	free(h->listen);
	h->listen = s;
}

void
pue_config_http_read(struct pue_cfgctx *c, const struct pue_ynode *n)
{
	struct pue_http_conf *h = &c->cfg->http;
	const struct pue_ynode *k;
	char *file = NULL;
	uint64_t u;

	h->port = PUE_HTTP_DEFAULT_PORT;
	h->max_connections = 64;
	h->max_per_ip = 16;
	h->timeout_ms = 10 * 1000;
	if ((h->listen = pue_config_value_strdup(c, "127.0.0.1")) == NULL)
		return;
	if (n == NULL || pue_yaml_tree_is_null(n) || !pue_config_value_is_map(c, n))
		return;
	h->enabled = true;
	pue_config_value_check_keys(c, n, http_keys);
	if ((k = pue_yaml_tree_get(n, "listen")) != NULL)
		read_listen(c, k);
	if ((k = pue_yaml_tree_get(n, "port")) != NULL && pue_config_value_uint(c, k, 0, 65535, &u))
		h->port = (uint16_t)u;
	if ((k = pue_yaml_tree_get(n, "max_connections")) != NULL &&
	    pue_config_value_uint(c, k, 1, 1000, &u))
		h->max_connections = (unsigned)u;
	if ((k = pue_yaml_tree_get(n, "max_connections_per_ip")) != NULL &&
	    pue_config_value_uint(c, k, 1, 1000, &u))
		h->max_per_ip = (unsigned)u;
	if ((k = pue_yaml_tree_get(n, "timeout")) != NULL)
		pue_config_value_duration(c, k, 1000, 600 * 1000, &h->timeout_ms);
	if ((k = pue_yaml_tree_get(n, "web_config_file")) != NULL &&
	    pue_config_value_string(c, k, &file) &&
	    (h->web_config_file = beside(c, c->cfg->path, file)) != NULL)
		read_web(c, k, h->web_config_file);
	free(file);
}

size_t
pue_config_http_n_errors(const struct pue_cfgctx *c)
{
	if (c->web_tree == NULL)
		return 0;
	return pue_yaml_tree_n_errors(c->web_tree) + pue_yaml_tree_oom(c->web_tree);
}

int
pue_config_http_take_errors(struct pue_cfgctx *c, char ***lines, size_t *n)
{
	return c->web_tree != NULL ? pue_config_value_append_errors(c->web_tree, lines, n) : 0;
}

void
pue_config_http_free(struct pue_http_conf *h)
{
	size_t i;

	free(h->listen);
	free(h->web_config_file);
	free(h->tls_cert_pem);
	pue_config_secret_free(&h->tls_key);
	for (i = 0; i < h->n_users; i++) {
		free(h->users[i].name);
		free(h->users[i].bcrypt_hash);
	}
	free(h->users);
}
