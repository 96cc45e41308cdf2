#!/bin/bash
# Every function and variable libpue exports carries its module's name:
# lib/FOLDER/x.c, built into libpue.a as x.o, defines only pue_x or
# pue_x_* as global symbols (README "Architecture"), so that a name says
# which file to open. Read with nm from $BUILD/libpue.a, as linked.
# Allowed besides: symbols a compiler or sanitizer makes (a leading "__",
# e.g. ASan's __odr_asan_gen_*), none of which is pued's own.
# Also proves the check can fail: an archive whose member odd.o exports
# pue_other_thing is refused, naming both.
. "$(dirname "$0")/lib.sh"

command -v nm >/dev/null || fail "nm is not installed (binutils)"
[ -f "$BIN/libpue.a" ] || fail "no $BIN/libpue.a: build first"

# Prints "MODULE SYMBOL" for each defined global symbol of archive $1
# whose name does not carry the module of its member.
misnamed() {
	nm -A -g --defined-only "$1" | awk '
		{ n = split($1, p, ":"); member = p[n - 1]; sym = $NF }
		member !~ /\.o$/ { next }
		{ m = member; sub(/\.o$/, "", m) }
		sym ~ /^__/ { next }
		sym == "pue_" m || index(sym, "pue_" m "_") == 1 { next }
		{ print m, sym }'
}

misnamed "$BIN/libpue.a" >"$T/misnamed"
[ ! -s "$T/misnamed" ] || fail "exported names without their module's prefix:
$(cat "$T/misnamed")"
n=$(nm -g --defined-only "$BIN/libpue.a" | awk 'NF == 3 && $3 !~ /^__/' | wc -l)
[ "$n" -gt 100 ] || fail "only $n exported symbols read from $BIN/libpue.a"
note "$n exported symbols in $BIN/libpue.a, each with its module's prefix"

# The check must be able to fail.
printf 'int pue_odd_ok;\nint pue_other_thing(void);\nint pue_other_thing(void) { return 1; }\n' \
	>"$T/odd.c"
"${CC:-cc}" -c -o "$T/odd.o" "$T/odd.c"
ar rcs "$T/odd.a" "$T/odd.o"
misnamed "$T/odd.a" >"$T/odd.log"
[ "$(cat "$T/odd.log")" = "odd pue_other_thing" ] ||
	fail "pue_other_thing in odd.o was not refused alone: $(cat "$T/odd.log")"
note "a name without its module's prefix is refused"
