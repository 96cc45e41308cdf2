/* SPDX-License-Identifier: MIT */
/* raw_vtab.c - the samples table over raw blocks; see raw_vtab.h. */
#include "store/raw_vtab.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#ifdef PUE_SQLITE_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
#endif

#include "store/raw_cursor.h"

/* xBestIndex's plan, passed to xFilter as idxNum: which arguments come,
 * in this order. */
enum {
	HAS_FROM = 1,	/* t >= or > (or =) argument */
	FROM_AFTER = 2, /* t > */
	HAS_TO = 4,	/* t <= or < (or =) argument */
	TO_BEFORE = 8,	/* t < */
	HAS_POINT = 16, /* point = argument */
	T_EQUALS = 32,	/* t = argument: one argument for both bounds */
};

enum { COL_T, COL_POINT, COL_VALUE };

struct vtab {
	sqlite3_vtab base;
	sqlite3 *db;
};

struct cursor {
	sqlite3_vtab_cursor base;
	struct pue_raw_cursor *raw;
	struct pue_raw_sample s;
	bool eof;
	sqlite3_int64 rowid;
};

static int
vt_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out,
	   char **err_msg)
{
	struct vtab *v;
	int rc;

	(void)aux;
	(void)argc;
	(void)argv;
	(void)err_msg;
	if ((rc = sqlite3_declare_vtab(
		     db, "CREATE TABLE x(t INTEGER, point INTEGER, value REAL)")) != SQLITE_OK)
		return rc;
	if ((v = sqlite3_malloc(sizeof(*v))) == NULL)
		return SQLITE_NOMEM;
	memset(v, 0, sizeof(*v));
	v->db = db;
	*out = &v->base;
	return SQLITE_OK;
}

static int
vt_disconnect(sqlite3_vtab *base)
{
	sqlite3_free(base);
	return SQLITE_OK;
}

/* Bounds on t and a point narrow the blocks read. Each constraint is
 * still checked by SQLite (omit stays 0), so a bound given as a REAL or
 * TEXT, which xFilter ignores, costs time, never rows. */
static int
vt_best_index(sqlite3_vtab *base, sqlite3_index_info *info)
{
	int i, from = -1, to = -1, eq = -1, point = -1, plan = 0, arg = 0;

	(void)base;
	for (i = 0; i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];

		if (!c->usable)
			continue;
		if (c->iColumn == COL_POINT && c->op == SQLITE_INDEX_CONSTRAINT_EQ && point < 0)
			point = i;
		if (c->iColumn != COL_T)
			continue;
		if (c->op == SQLITE_INDEX_CONSTRAINT_EQ && eq < 0)
			eq = i;
		else if ((c->op == SQLITE_INDEX_CONSTRAINT_GE ||
			  c->op == SQLITE_INDEX_CONSTRAINT_GT) &&
			 from < 0) {
			from = i;
			plan |= c->op == SQLITE_INDEX_CONSTRAINT_GT ? FROM_AFTER : 0;
		} else if ((c->op == SQLITE_INDEX_CONSTRAINT_LE ||
			    c->op == SQLITE_INDEX_CONSTRAINT_LT) &&
			   to < 0) {
			to = i;
			plan |= c->op == SQLITE_INDEX_CONSTRAINT_LT ? TO_BEFORE : 0;
		}
	}
	if (eq >= 0) {
		plan = T_EQUALS;
		info->aConstraintUsage[eq].argvIndex = ++arg;
	} else {
		if (from >= 0) {
			plan |= HAS_FROM;
			info->aConstraintUsage[from].argvIndex = ++arg;
		}
		if (to >= 0) {
			plan |= HAS_TO;
			info->aConstraintUsage[to].argvIndex = ++arg;
		}
	}
	if (point >= 0) {
		plan |= HAS_POINT;
		info->aConstraintUsage[point].argvIndex = ++arg;
	}
	info->idxNum = plan;
	/* a whole table costs most, a bounded time range of one point least */
	info->estimatedCost =
		1e9 / ((plan & (HAS_FROM | T_EQUALS) ? 100 : 1) *
		       (plan & (HAS_TO | T_EQUALS) ? 10 : 1) * (plan & HAS_POINT ? 1000 : 1));
	/* the rows come ordered by t, then point */
	if (info->nOrderBy >= 1 && info->nOrderBy <= 2 && info->aOrderBy[0].iColumn == COL_T &&
	    !info->aOrderBy[0].desc &&
	    (info->nOrderBy == 1 ||
	     (info->aOrderBy[1].iColumn == COL_POINT && !info->aOrderBy[1].desc)))
		info->orderByConsumed = 1;
	return SQLITE_OK;
}

static int
vt_open(sqlite3_vtab *base, sqlite3_vtab_cursor **out)
{
	struct cursor *c = sqlite3_malloc(sizeof(*c));

	(void)base;
	if (c == NULL)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof(*c));
	c->eof = true;
	*out = &c->base;
	return SQLITE_OK;
}

static int
vt_close(sqlite3_vtab_cursor *base)
{
	struct cursor *c = (struct cursor *)base;

	pue_raw_cursor_close(c->raw);
	sqlite3_free(c);
	return SQLITE_OK;
}

static int
fetch(struct cursor *c)
{
	struct pue_err err;
	int rc = pue_raw_cursor_next(c->raw, &c->s, &err);

	if (rc < 0) {
		sqlite3_free(c->base.pVtab->zErrMsg);
		c->base.pVtab->zErrMsg = sqlite3_mprintf("%s", err.msg);
		return SQLITE_ERROR;
	}
	c->eof = rc == 0;
	c->rowid++;
	return SQLITE_OK;
}

/* An integer argument: the others leave the bound open (see vt_best_index). */
static bool
int_arg(sqlite3_value *v, sqlite3_int64 *out)
{
	if (sqlite3_value_numeric_type(v) != SQLITE_INTEGER)
		return false;
	*out = sqlite3_value_int64(v);
	return true;
}

static int
vt_filter(sqlite3_vtab_cursor *base, int plan, const char *idx, int argc, sqlite3_value **argv)
{
	struct cursor *c = (struct cursor *)base;
	struct vtab *v = (struct vtab *)base->pVtab;
	sqlite3_int64 from = INT64_MIN, to = INT64_MAX, point = -1, x;
	struct pue_err err;
	int arg = 0;

	(void)idx;
	(void)argc;
	pue_raw_cursor_close(c->raw);
	c->raw = NULL;
	c->eof = true;
	c->rowid = 0;
	if (plan & T_EQUALS && int_arg(argv[arg++], &x))
		from = to = x;
	if (plan & HAS_FROM && int_arg(argv[arg++], &x))
		from = plan & FROM_AFTER ? (x == INT64_MAX ? x : x + 1) : x;
	if (plan & HAS_TO && int_arg(argv[arg++], &x))
		to = plan & TO_BEFORE ? (x == INT64_MIN ? x : x - 1) : x;
	if (plan & HAS_POINT && !int_arg(argv[arg++], &point))
		point = -1; /* 1.0 = 1 in SQL: SQLite compares, every point is read */
	if (from > to)
		return SQLITE_OK;
	if (pue_raw_cursor_open(v->db, from, to, point, &c->raw, &err) < 0) {
		sqlite3_free(v->base.zErrMsg);
		v->base.zErrMsg = sqlite3_mprintf("%s", err.msg);
		return SQLITE_ERROR;
	}
	return fetch(c);
}

static int
vt_next(sqlite3_vtab_cursor *base)
{
	return fetch((struct cursor *)base);
}

static int
vt_eof(sqlite3_vtab_cursor *base)
{
	return ((struct cursor *)base)->eof;
}

static int
vt_column(sqlite3_vtab_cursor *base, sqlite3_context *ctx, int i)
{
	struct cursor *c = (struct cursor *)base;

	if (i == COL_T)
		sqlite3_result_int64(ctx, c->s.t_ms);
	else if (i == COL_POINT)
		sqlite3_result_int64(ctx, c->s.point);
	else
		sqlite3_result_double(ctx, c->s.value);
	return SQLITE_OK;
}

static int
vt_rowid(sqlite3_vtab_cursor *base, sqlite3_int64 *out)
{
	*out = ((struct cursor *)base)->rowid;
	return SQLITE_OK;
}

/* Eponymous only (no xCreate): "samples" is there on any connection that
 * registered it, with no CREATE VIRTUAL TABLE and nothing in the schema. */
static const sqlite3_module module = {
	.iVersion = 0,
	.xConnect = vt_connect,
	.xBestIndex = vt_best_index,
	.xDisconnect = vt_disconnect,
	.xOpen = vt_open,
	.xClose = vt_close,
	.xFilter = vt_filter,
	.xNext = vt_next,
	.xEof = vt_eof,
	.xColumn = vt_column,
	.xRowid = vt_rowid,
};

int
pue_raw_vtab_register(sqlite3 *db)
{
	return sqlite3_create_module(db, "samples", &module, NULL);
}

#ifdef PUE_SQLITE_EXTENSION
__attribute__((visibility("default"))) int
sqlite3_puesamples_init(sqlite3 *db, char **err_msg, const sqlite3_api_routines *api)
{
	(void)err_msg;
	SQLITE_EXTENSION_INIT2(api);
	return pue_raw_vtab_register(db);
}
#endif
