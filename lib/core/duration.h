/* SPDX-License-Identifier: MIT */
/*
 * duration.h - durations and instants as people write and read them:
 * "500ms", "15m", "365d" in pued.yaml and puectl, window names in output,
 * and ISO 8601 timestamps. Pure functions, any thread.
 *
 * A parser takes the whole string or nothing: no sign, no blanks, no
 * fractions, and overflow is -ERANGE, never a wrapped value.
 */
#ifndef PUE_DURATION_H
#define PUE_DURATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"

/* Parses "500ms", "1s", "15m", "24h", "365d" (a positive integer and a unit).
 * Returns 0 and *ms, or -EINVAL / -ERANGE. */
int pue_duration_parse_positive(const char *s, int64_t *ms);

/* The same, allowing "0s" when allow_zero. */
int pue_duration_parse(const char *s, int64_t *ms, bool allow_zero);

/* Writes ms in the largest unit that divides it: "90s", "15m", "1d", "7d"
 * (the form the loader's messages quote back). */
void pue_duration_format(int64_t ms, char *buf, size_t size);

/* Formats a window's span the way configurations and outputs name it
 * ("15m", "1h", "24h", "365d": days only from two days on). */
void pue_duration_format_span(int64_t span_ms, char *buf, size_t len);

/* Writes t as UTC ISO 8601 with milliseconds: "2026-01-01T00:00:00.000Z". */
void pue_duration_format_time(pue_wall_t t, char *buf, size_t len);

#endif
