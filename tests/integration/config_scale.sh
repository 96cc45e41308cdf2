#!/bin/bash
# pued --check-config on large generated files (tools/gen-config): one
# mapping of 700,000 unknown keys ending in a duplicate (11 MB), a valid
# site of 200,000 keys, one device of 33,000 points ending in a duplicate
# name. Each is checked in full, the repeats reported at their
# file:line:column. The loader used to compare every key with the keys
# before it: the flat file took over a quarter of an hour and this test ran
# into the runner's timeout. Nothing here is timed; bench/config_scale.sh
# measures.
. "$(dirname "$0")/lib.sh"

KEYS=700000 SMALL=200000
"$TOP/tools/gen-config" flat $KEYS >"$T/flat.yaml"
"$TOP/tools/gen-config" site $SMALL >"$T/site.yaml"
"$TOP/tools/gen-config" points $SMALL >"$T/points.yaml"

"$BIN/pued" --check-config "$T/site.yaml" >"$T/site.out" 2>"$T/site.err" ||
	fail "the generated site was rejected: $(head -n 3 "$T/site.err")"
grep -q "configuration OK (1429 devices)" "$T/site.out" || fail "site: $(cat "$T/site.out")"

set +e
"$BIN/pued" --check-config "$T/flat.yaml" >/dev/null 2>"$T/flat.err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "flat: exit $rc"
[ "$(grep -c ': unknown key "k' "$T/flat.err")" -eq $KEYS ] || fail "flat: not every key reported"
grep -qx "$T/flat.yaml:$((KEYS + 2)):1: k0: duplicate key \"k0\" (first at line 2 column 1)" \
	"$T/flat.err" || fail "flat: no duplicate-key message at its line and column"

set +e
"$BIN/pued" --check-config "$T/points.yaml" >/dev/null 2>"$T/points.err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "points: exit $rc"
n=$((SMALL / 6))
grep -qx "$T/points.yaml:$((n + 6)):16: devices\[0\]\.points\[$((n - 1))\]\.name: duplicate point name \"e0\" (first at line 7)" \
	"$T/points.err" || fail "points: $(head -n 3 "$T/points.err")"
[ "$(wc -l <"$T/points.err")" -eq 1 ] || fail "points: more than the one error: $(head -n 3 "$T/points.err")"
