/* SPDX-License-Identifier: MIT */
/*
 * config_text.c - the words and numbers of pued.yaml, without the tree:
 * sizes, OIDs, names, and "did you mean" suggestions (durations are in
 * duration.c).
 *
 * Part of the configuration loader (config_ctx.h); pue_config_text_parse_size() and
 * the names are public (config.h includes config_text.h). Each parser
 * takes the whole string or nothing: no sign, no blanks, no fractions, and
 * overflow is -ERANGE, never a wrapped value.
 */
#include "config/config_text.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/point.h"
#include "core/quantity.h"

bool
pue_config_text_name_is_valid(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
			return false;
	return true;
}

bool
pue_config_text_oid_is_numeric(const char *s)
{
	unsigned arcs = 0;
	unsigned long long v;
	char *end;

	if (*s == '.') /* net-snmp's absolute form ".1.3.6..." */
		s++;
	for (;;) {
		if (!isdigit((unsigned char)*s))
			return false;
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno == ERANGE || v > UINT32_MAX || (arcs == 0 && v > 2))
			return false;
		arcs++;
		if (*end == '\0')
			break;
		if (*end != '.')
			return false;
		s = end + 1;
	}
	return arcs >= 2;
}

/* Optimal string alignment distance (edits and adjacent swaps), bounded
 * to short words: configuration keys and names. */
#define SUGGEST_MAX_LEN 64

static unsigned
distance(const char *a, const char *b)
{
	unsigned rows[3][SUGGEST_MAX_LEN + 1];
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *t;

	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return UINT32_MAX;
	for (j = 0; j <= lb; j++)
		prev[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		cur[0] = (unsigned)i;
		for (j = 1; j <= lb; j++) {
			unsigned cost = tolower((unsigned char)a[i - 1]) !=
					tolower((unsigned char)b[j - 1]);
			unsigned d = prev[j] + 1;

			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (prev[j - 1] + cost < d)
				d = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

static size_t
common_prefix(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] != '\0' && tolower((unsigned char)a[i]) == tolower((unsigned char)b[i]))
		i++;
	return i;
}

const char *
pue_config_text_suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	unsigned best_d = UINT32_MAX, d, limit;
	size_t i, lw = strlen(word), lc;

	for (i = 0; i < n; i++) {
		if (cands[i] == NULL || strcmp(cands[i], word) == 0)
			continue;
		/* One edit in a short word already makes it another word. */
		lc = strlen(cands[i]);
		limit = lc <= 4 ? 1 : 2;
		/* An edit changes the length by one at most: a word longer or
		 * shorter by more than the limit is further away, and need not
		 * be compared letter by letter (distance() is quadratic; a
		 * mistyped key is compared with every key of its section). */
		if (lw > lc + limit || lc > lw + limit)
			continue;
		d = distance(word, cands[i]);
		if (d > limit)
			continue;
		/* At the same distance, the word the user began to type wins:
		 * "2" is "2c" cut short, not a "1" mistyped. */
		if (d < best_d ||
		    (d == best_d && common_prefix(word, cands[i]) > common_prefix(word, best))) {
			best = cands[i];
			best_d = d;
		}
	}
	return best;
}

int
pue_config_text_parse_size(const char *s, uint64_t *bytes)
{
	static const struct pue_quantity_unit units[] = {
		{"", 1},
		{"B", 1},
		{"KB", 1000},
		{"kB", 1000},
		{"MB", 1000000},
		{"GB", 1000000000},
		{"TB", UINT64_C(1000000000000)},
		{"KiB", UINT64_C(1) << 10},
		{"MiB", UINT64_C(1) << 20},
		{"GiB", UINT64_C(1) << 30},
		{"TiB", UINT64_C(1) << 40},
	};

	return pue_quantity_parse(s, units, sizeof(units) / sizeof(units[0]), UINT64_MAX, bytes);
}

/* bytes in the largest binary unit that divides it: "1MiB", "1536KiB". */
void
pue_config_text_fmt_size(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = {"TiB", "GiB", "MiB", "KiB"};
	unsigned shift = 40;
	size_t i;

	for (i = 0; i < 4; i++, shift -= 10)
		if (bytes != 0 && bytes % (UINT64_C(1) << shift) == 0) {
			snprintf(buf, size, "%" PRIu64 "%s", bytes >> shift, units[i]);
			return;
		}
	snprintf(buf, size, "%" PRIu64 "B", bytes);
}

/* Names ------------------------------------------------------------------ */

const struct pue_name pue_config_text_protocols[] = {
	{"modbus_tcp", PUE_PROTO_MODBUS_TCP},
	{"modbus_rtu", PUE_PROTO_MODBUS_RTU},
	{"snmp", PUE_PROTO_SNMP},
	{NULL, 0},
};

const char *
pue_config_text_protocol_name(enum pue_protocol p)
{
	return pue_point_enum_name(pue_config_text_protocols, (int)p);
}

/* alerts.rules: in enum pue_alert_rule order. */
/* clang-format off */
const char *const pue_config_text_rule_keys[] = {
	"pue_ceiling", "pue_warning", "below_one", "insufficient_data", "year_projection",
	"device_down", "data_stale", "meter_reset", "storage_failing", NULL
};
/* clang-format on */

const char *
pue_config_text_alert_rule_name(enum pue_alert_rule r)
{
	return (unsigned)r < PUE_RULE_COUNT ? pue_config_text_rule_keys[r] : "?";
}
