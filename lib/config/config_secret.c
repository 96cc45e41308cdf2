/* SPDX-License-Identifier: MIT */
/* config_secret.c - communities and passphrases; see config_secret.h. */
#include "config/config_secret.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config_value.h"
#include "util/log.h"

void
pue_config_secret_free(struct pue_secret *s)
{
	if (s->value != NULL)
		explicit_bzero(s->value, strlen(s->value));
	free(s->value);
	s->value = NULL;
}

/* Longest secret a file may hold: passphrases and communities are short. */
#define SECRET_FILE_MAX 1024

/* Reads a secret from a file (or a systemd credential): one line, the
 * trailing newline dropped. Warns when others may read the file. */
static bool
secret_from_file(struct pue_cfgctx *c, const struct pue_ynode *n, const char *path,
		 struct pue_secret *out)
{
	char buf[SECRET_FILE_MAX + 2];
	struct stat st;
	size_t len;
	FILE *fp;
	char *s;

	fp = fopen(path, "re");
	if (fp == NULL || fstat(fileno(fp), &st) < 0) {
		pue_yaml_tree_error(c->tree, n, "cannot read the secret file %s: %s", path,
				    strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return false;
	}
	len = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	if (len == 0 || len > SECRET_FILE_MAX || strlen(buf) != len || strchr(buf, '\n')) {
		pue_yaml_tree_error(c->tree, n,
				    "the secret file %s must hold one line of 1..%d bytes, no NUL",
				    path, SECRET_FILE_MAX);
		explicit_bzero(buf, sizeof(buf));
		return false;
	}
	if (st.st_mode & S_IROTH)
		pue_log(LOG_WARNING,
			"config: the secret file %s is readable by every user; "
			"chmod o-r it",
			path);
	s = pue_config_value_strdup(c, buf);
	explicit_bzero(buf, sizeof(buf));
	if (s == NULL)
		return false;
	pue_config_secret_free(out);
	out->value = s;
	return true;
}

/* A credential's name is a file's name in $CREDENTIALS_DIRECTORY, as
 * systemd's credential_name_valid() has it: the characters are those of
 * any name in pued.yaml (checked before), at most NAME_MAX of them, and
 * neither "." nor "..", which name directories. */
static bool
credential_name_is_valid(struct pue_cfgctx *c, const struct pue_ynode *n, const char *name)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		pue_yaml_tree_error(c->tree, n,
				    "\"%s\" is not a credential's name (a file's name in "
				    "$CREDENTIALS_DIRECTORY, not \".\" or \"..\")",
				    name);
		return false;
	}
	if (strlen(name) > NAME_MAX) {
		pue_yaml_tree_error(c->tree, n,
				    "a credential's name has at most %d characters, got %zu",
				    NAME_MAX, strlen(name));
		return false;
	}
	return true;
}

/* {credential: NAME}, the file NAME in $CREDENTIALS_DIRECTORY. Only the
 * daemon needs it: a load for anything else runs outside pued's unit,
 * where systemd sets no $CREDENTIALS_DIRECTORY (config_types.h). */
static bool
secret_credential(struct pue_cfgctx *c, const struct pue_ynode *n, struct pue_secret *out)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	char path[PATH_MAX];
	char *name = NULL;
	int len;

	if (!pue_config_value_file_name(c, n, &name))
		return false;
	if (!credential_name_is_valid(c, n, name))
		goto fail;
	if (c->purpose == PUE_CONFIG_FOR_DATABASE)
		goto not_read;
	if (dir == NULL || *dir == '\0') {
		if (c->purpose == PUE_CONFIG_FOR_CHECK) {
			pue_yaml_tree_note(
				c->tree, n,
				"will be read from the credential \"%s\" when pued starts "
				"($CREDENTIALS_DIRECTORY is not set here)",
				name);
			goto not_read;
		}
		pue_yaml_tree_error(c->tree, n,
				    "credential \"%s\": $CREDENTIALS_DIRECTORY is not set (use "
				    "LoadCredential= in the unit)",
				    name);
		goto fail;
	}
	len = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (len < 0 || (size_t)len >= sizeof(path)) {
		pue_yaml_tree_error(c->tree, n,
				    "credential \"%s\": $CREDENTIALS_DIRECTORY/%s is longer than "
				    "%d bytes",
				    name, name, PATH_MAX - 1);
		goto fail;
	}
	free(name);
	return secret_from_file(c, n, path, out);
not_read:
	free(name);
	pue_config_secret_free(out);
	return true;
fail:
	free(name);
	return false;
}

/* A secret in a mapping: {file: PATH} or {credential: NAME}. */
static bool
secret_source(struct pue_cfgctx *c, const struct pue_ynode *n, struct pue_secret *out)
{
	static const char *const keys[] = {"file", "credential", NULL};
	const struct pue_ynode *f = pue_yaml_tree_get(n, "file"),
			       *cr = pue_yaml_tree_get(n, "credential");
	char *name = NULL;
	bool ok;

	pue_config_value_check_keys(c, n, keys);
	if ((f == NULL) == (cr == NULL)) {
		pue_yaml_tree_error(c->tree, n,
				    "a secret from elsewhere is {file: PATH} or "
				    "{credential: NAME}, exactly one of them");
		return false;
	}
	if (cr != NULL)
		return secret_credential(c, cr, out);
	if (!pue_config_value_string(c, f, &name))
		return false;
	if (name[0] != '/') {
		pue_yaml_tree_error(c->tree, f, "expected an absolute path, got \"%s\"", name);
		free(name);
		return false;
	}
	ok = secret_from_file(c, f, name, out);
	free(name);
	return ok;
}

/* The value is never shown: it may be a community or a passphrase, and
 * error messages end up in logs and terminals. */
bool
pue_config_secret_read(struct pue_cfgctx *c, const struct pue_ynode *n, struct pue_secret *out)
{
	char *s;

	if (n->kind == PUE_YNODE_ALIAS)
		return false;
	if (n->kind == PUE_YNODE_MAPPING)
		return secret_source(c, n, out);
	c->inline_secrets = true;
	if (n->kind != PUE_YNODE_SCALAR || pue_yaml_tree_is_null(n)) {
		pue_yaml_tree_error(c->tree, n, "expected a string, got %s",
				    n->kind == PUE_YNODE_MAPPING    ? "a mapping"
				    : n->kind == PUE_YNODE_SEQUENCE ? "a list"
								    : "an empty value");
		return false;
	}
	if (n->len == 0 || strlen(n->text) != n->len) {
		pue_yaml_tree_error(c->tree, n, "%s",
				    n->len == 0 ? "must not be empty"
						: "must not contain a NUL character");
		return false;
	}
	if ((s = pue_config_value_strdup(c, n->text)) == NULL)
		return false;
	pue_config_secret_free(out);
	out->value = s;
	return true;
}
