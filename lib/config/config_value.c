/* SPDX-License-Identifier: MIT */
/*
 * config_value.c - one YAML node into one typed configuration value.
 *
 * Part of the configuration loader (see config_ctx.h). Each reader
 * checks the node's kind, its spelling and its range, and on failure
 * reports at the node what was expected and what was found, so that
 * "port: 15o2" reads as a compiler error would. Numbers go through strtoull
 * and strtod with end-pointer and ERANGE checks; NaN and infinities are
 * refused. A plain scalar is YAML's own typing: "10" in quotes is a string,
 * so it is not accepted where a number is expected.
 */
#include "config/config_value.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_text.h"
#include "core/duration.h"

/* Small helpers ---------------------------------------------------------- */

char *
pue_config_value_strdup(struct pue_cfgctx *c, const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		c->oom = true;
	return d;
}

void *
pue_config_value_calloc(struct pue_cfgctx *c, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL)
		c->oom = true;
	return p;
}

int
pue_config_value_append_errors(struct pue_ytree *t, char ***lines, size_t *n)
{
	size_t k, more;
	char **add, **grown;

	if (pue_yaml_tree_take_errors(t, &add, &more) < 0)
		return -ENOMEM;
	if (more == 0) {
		free(add);
		return 0;
	}
	grown = reallocarray(*lines, *n + more, sizeof(**lines));
	if (grown == NULL) {
		for (k = 0; k < more; k++)
			free(add[k]);
		free(add);
		return -ENOMEM;
	}
	*lines = grown;
	memcpy(*lines + *n, add, more * sizeof(*add));
	*n += more;
	free(add);
	return 0;
}

/* What the user wrote, for "got ...": quoted, escaped and cut to a
 * readable length. Never called on a secret. */
static const char *
show(const struct pue_ynode *n, bool want_number, char *buf, size_t size)
{
	size_t i, o = 0, max = 40;
	const char *lead = n->quoted && want_number ? "a quoted string " : "";

	if (n->kind == PUE_YNODE_MAPPING)
		return "a mapping";
	if (n->kind == PUE_YNODE_SEQUENCE)
		return "a list";
	if (pue_yaml_tree_is_null(n))
		return n->len == 0 ? "an empty value" : "null";
	o = (size_t)snprintf(buf, size, "%s\"", lead);
	for (i = 0; i < n->len && i < max && o + 6 < size; i++) {
		unsigned char ch = (unsigned char)n->text[i];

		if (ch == '"' || ch == '\\')
			o += (size_t)snprintf(buf + o, size - o, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	if (i < n->len) {
		while (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80)
			o--; /* do not leave half a UTF-8 character */
		if (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0xC0)
			o--;
		snprintf(buf + o, size - o, "...\"");
	} else
		snprintf(buf + o, size - o, "\"");
	return buf;
}

const char *
pue_config_value_show(const struct pue_ynode *n, char *buf, size_t size)
{
	return show(n, false, buf, size);
}

/* A scalar that holds text: not a collection, not null, no NUL inside. */
static bool
is_text(const struct pue_ynode *n)
{
	return n->kind == PUE_YNODE_SCALAR && !pue_yaml_tree_is_null(n) &&
	       strlen(n->text) == n->len;
}

/* A plain scalar that may be a number or a boolean. */
static bool
is_plain(const struct pue_ynode *n)
{
	return is_text(n) && !n->quoted;
}

/* Structure ------------------------------------------------------------- */

bool
pue_config_value_is_map(struct pue_cfgctx *c, const struct pue_ynode *n)
{
	char buf[128];

	if (n->kind == PUE_YNODE_MAPPING)
		return true;
	if (n->kind != PUE_YNODE_ALIAS)
		pue_yaml_tree_error(c->tree, n, "expected a mapping (key: value lines), got %s",
				    show(n, false, buf, sizeof(buf)));
	return false;
}

bool
pue_config_value_is_seq(struct pue_cfgctx *c, const struct pue_ynode *n)
{
	char buf[128];

	if (n->kind == PUE_YNODE_SEQUENCE)
		return true;
	if (n->kind != PUE_YNODE_ALIAS)
		pue_yaml_tree_error(c->tree, n,
				    "expected a list (\"- item\" lines or [a, b]), got %s",
				    show(n, false, buf, sizeof(buf)));
	return false;
}

void
pue_config_value_check_keys(struct pue_cfgctx *c, const struct pue_ynode *map,
			    const char *const *known)
{
	size_t i, j, n_known;
	const char *hint;

	for (n_known = 0; known[n_known] != NULL; n_known++)
		;
	for (i = 0; i < map->n_kids; i++) {
		const struct pue_ynode *k = map->kids[i];

		for (j = 0; j < n_known; j++)
			if (strcmp(k->key, known[j]) == 0)
				break;
		if (j < n_known)
			continue;
		if ((hint = pue_config_text_suggest(k->key, known, n_known)) != NULL)
			pue_yaml_tree_error_key(c->tree, k,
						"unknown key \"%s\"; did you mean \"%s\"?", k->key,
						hint);
		else
			pue_yaml_tree_error_key(c->tree, k, "unknown key \"%s\"", k->key);
	}
}

void
pue_config_value_reject_keys(struct pue_cfgctx *c, const struct pue_ynode *map,
			     const char *const *keys, const char *why)
{
	const struct pue_ynode *k;

	for (; *keys != NULL; keys++)
		if ((k = pue_yaml_tree_get(map, *keys)) != NULL)
			pue_yaml_tree_error_key(c->tree, k, "%s", why);
}

const struct pue_ynode *
pue_config_value_require(struct pue_cfgctx *c, const struct pue_ynode *map, const char *key)
{
	const struct pue_ynode *n = pue_yaml_tree_get(map, key);

	if (n == NULL)
		pue_yaml_tree_error_missing(c->tree, map, key, "required key is missing");
	return n;
}

/* Scalars --------------------------------------------------------------- */

bool
pue_config_value_string(struct pue_cfgctx *c, const struct pue_ynode *n, char **out)
{
	char buf[128];
	char *s;

	if (n->kind == PUE_YNODE_ALIAS)
		return false;
	if (!is_text(n) || n->len == 0) {
		pue_yaml_tree_error(c->tree, n, "expected a non-empty string, got %s",
				    n->kind == PUE_YNODE_SCALAR && strlen(n->text) != n->len
					    ? "a string with a NUL character"
					    : show(n, false, buf, sizeof(buf)));
		return false;
	}
	if ((s = pue_config_value_strdup(c, n->text)) == NULL)
		return false;
	free(*out);
	*out = s;
	return true;
}

/* A name of [A-Za-z0-9_.-]+, of at most max characters (0: any). */
static bool
name_of(struct pue_cfgctx *c, const struct pue_ynode *n, size_t max, char **out)
{
	char buf[128];

	if (n->kind == PUE_YNODE_ALIAS)
		return false;
	if (!is_text(n) || !pue_config_text_name_is_valid(n->text)) {
		pue_yaml_tree_error(c->tree, n,
				    "expected a name of letters, digits, '_', '.' and '-', got %s",
				    show(n, false, buf, sizeof(buf)));
		return false;
	}
	if (max > 0 && strlen(n->text) > max) {
		pue_yaml_tree_error(c->tree, n,
				    "expected a name of at most %zu characters, got %zu", max,
				    strlen(n->text));
		return false;
	}
	return pue_config_value_string(c, n, out);
}

bool
pue_config_value_name(struct pue_cfgctx *c, const struct pue_ynode *n, char **out)
{
	return name_of(c, n, PUE_CFG_NAME_MAX, out);
}

bool
pue_config_value_file_name(struct pue_cfgctx *c, const struct pue_ynode *n, char **out)
{
	return name_of(c, n, 0, out);
}

/* Decimal, or hexadecimal with 0x (register maps are often written so). */
static int
parse_uint(const char *s, uint64_t *out)
{
	unsigned long long v;
	int base = 10;
	char *end;

	if (!isdigit((unsigned char)s[0])) /* strtoull would take "-1" and " 1" */
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!isxdigit((unsigned char)s[2]))
			return -EINVAL;
		base = 16;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*out = v;
	return 0;
}

bool
pue_config_value_uint(struct pue_cfgctx *c, const struct pue_ynode *n, uint64_t min, uint64_t max,
		      uint64_t *out)
{
	uint64_t v;
	char buf[128];

	if (n->kind == PUE_YNODE_ALIAS)
		return false;
	if (!is_plain(n) || parse_uint(n->text, &v) < 0 || v < min || v > max) {
		pue_yaml_tree_error(c->tree, n,
				    "expected an integer %" PRIu64 "..%" PRIu64 ", got %s", min,
				    max, show(n, true, buf, sizeof(buf)));
		return false;
	}
	*out = v;
	return true;
}

static int
parse_double(const char *s, double *out)
{
	double v;
	char *end;

	/* strtod also reads "nan", "inf", hex floats and leading blanks. */
	if (strchr("0123456789+-.", s[0]) == NULL || s[0] == '\0' || strpbrk(s, "xXnNiI") != NULL)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0')
		return -EINVAL;
	if (errno == ERANGE || !isfinite(v))
		return -ERANGE;
	*out = v;
	return 0;
}

/* A bound as people write it: "1000000000", "0.5", not "1e+09". The range
 * is checked first: converting -2e19 to long long is undefined. */
static const char *
fmt_number(double v, char *buf, size_t size)
{
	if (fabs(v) < 1e15 && v == (double)(long long)v)
		snprintf(buf, size, "%lld", (long long)v);
	else
		snprintf(buf, size, "%g", v);
	return buf;
}

bool
pue_config_value_double(struct pue_cfgctx *c, const struct pue_ynode *n, double min, double max,
			double *out)
{
	char lo[32], hi[32], buf[128];
	double v;

	if (n->kind == PUE_YNODE_ALIAS)
		return false;
	if (!is_plain(n) || parse_double(n->text, &v) < 0 || v < min || v > max) {
		pue_yaml_tree_error(c->tree, n, "expected a number %s..%s, got %s",
				    fmt_number(min, lo, sizeof(lo)),
				    fmt_number(max, hi, sizeof(hi)),
				    show(n, true, buf, sizeof(buf)));
		return false;
	}
	*out = v;
	return true;
}

/* Only true and false: YAML 1.1 also reads yes, no, on and off as booleans,
 * and "country: no" has bitten enough people. */
bool
pue_config_value_bool(struct pue_cfgctx *c, const struct pue_ynode *n, bool *out)
{
	char buf[128];

	if (n->kind == PUE_YNODE_ALIAS)
		return false;
	if (is_plain(n) && strcmp(n->text, "true") == 0) {
		*out = true;
		return true;
	}
	if (is_plain(n) && strcmp(n->text, "false") == 0) {
		*out = false;
		return true;
	}
	pue_yaml_tree_error(c->tree, n, "expected true or false, got %s",
			    show(n, true, buf, sizeof(buf)));
	return false;
}

bool
pue_config_value_enum(struct pue_cfgctx *c, const struct pue_ynode *n, const struct pue_name *names,
		      int *out)
{
	const char *cands[32];
	char list[256], buf[128];
	const char *hint;
	size_t i, o = 0;

	if (n->kind == PUE_YNODE_ALIAS)
		return false;
	for (i = 0; names[i].name != NULL; i++)
		if (is_text(n) && strcmp(n->text, names[i].name) == 0) {
			*out = names[i].value;
			return true;
		}
	list[0] = '\0';
	for (i = 0; names[i].name != NULL && i < 32; i++) {
		cands[i] = names[i].name;
		if (o < sizeof(list))
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
					      names[i].name);
	}
	hint = is_text(n) ? pue_config_text_suggest(n->text, cands, i) : NULL;
	if (hint != NULL)
		pue_yaml_tree_error(c->tree, n, "expected one of %s, got %s; did you mean \"%s\"?",
				    list, show(n, false, buf, sizeof(buf)), hint);
	else
		pue_yaml_tree_error(c->tree, n, "expected one of %s, got %s", list,
				    show(n, false, buf, sizeof(buf)));
	return false;
}

/* Durations and sizes -------------------------------------------------- */

bool
pue_config_value_duration(struct pue_cfgctx *c, const struct pue_ynode *n, int64_t min_ms,
			  int64_t max_ms, int64_t *out)
{
	char lo[32], hi[32], buf[128];
	int64_t v = 0;
	int rc = -EINVAL;

	if (n->kind == PUE_YNODE_ALIAS)
		return false;
	if (is_text(n))
		rc = pue_duration_parse(n->text, &v, true);
	if (rc == 0 && v >= min_ms && v <= max_ms) {
		*out = v;
		return true;
	}
	pue_duration_format(min_ms, lo, sizeof(lo));
	pue_duration_format(max_ms, hi, sizeof(hi));
	if (rc == -EINVAL)
		pue_yaml_tree_error(
			c->tree, n,
			"expected a duration %s..%s: a whole number and ms, s, m, h or d "
			"(e.g. 15m), got %s",
			lo, hi, show(n, false, buf, sizeof(buf)));
	else
		pue_yaml_tree_error(c->tree, n, "expected a duration %s..%s, got %s", lo, hi,
				    show(n, false, buf, sizeof(buf)));
	return false;
}

bool
pue_config_value_size(struct pue_cfgctx *c, const struct pue_ynode *n, uint64_t min, uint64_t max,
		      uint64_t *out)
{
	char lo[32], hi[32], buf[128];
	uint64_t v = 0;
	int rc = -EINVAL;

	if (n->kind == PUE_YNODE_ALIAS)
		return false;
	if (is_text(n))
		rc = pue_config_text_parse_size(n->text, &v);
	if (rc == 0 && v >= min && v <= max) {
		*out = v;
		return true;
	}
	pue_config_text_fmt_size(min, lo, sizeof(lo));
	pue_config_text_fmt_size(max, hi, sizeof(hi));
	if (rc == -EINVAL)
		pue_yaml_tree_error(c->tree, n,
				    "expected a size %s..%s: a whole number and B, KiB, MiB, GiB, "
				    "TiB, KB, MB, GB or TB (e.g. 2GiB), got %s",
				    lo, hi, show(n, false, buf, sizeof(buf)));
	else
		pue_yaml_tree_error(c->tree, n, "expected a size %s..%s, got %s", lo, hi,
				    show(n, false, buf, sizeof(buf)));
	return false;
}
