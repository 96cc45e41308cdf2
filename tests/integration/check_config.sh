#!/bin/bash
# pued --check-config: the shipped configurations pass; a broken one fails
# with compiler-style file:line:column messages, and pued refuses to start.
. "$(dirname "$0")/lib.sh"

"$BIN/pued" --check-config "$TOP/conf/pued.yaml" >/dev/null || fail "conf/pued.yaml rejected"
"$BIN/pued" --check-config "$TOP/conf/demo.yaml" >/dev/null || fail "conf/demo.yaml rejected"

sed -e 's/register: 10,/register: abc,/' -e 's/unit_id: 3}/unit_id: 3, portt: 5}/' \
	"$TOP/conf/demo.yaml" >"$T/bad.yaml"
set +e
"$BIN/pued" --check-config "$T/bad.yaml" 2>"$T/err.txt"; rc=$?
"$BIN/pued" -f -c "$T/bad.yaml" 2>"$T/err2.txt"; rc2=$?
set -e
cat "$T/err.txt"
[ $rc -eq 1 ] || fail "--check-config exited $rc on a bad file"
grep -Eq "^$T/bad.yaml:[0-9]+:[0-9]+: devices\[0\]\.points\[0\]\.register: " "$T/err.txt" ||
	fail "no file:line:col message for the bad register"
grep -Eq "^$T/bad.yaml:[0-9]+:[0-9]+: devices\[2\]\.modbus\.portt: unknown key" "$T/err.txt" ||
	fail "no message for the unknown key"
[ $rc2 -eq 1 ] || fail "pued started with a bad configuration (exit $rc2)"
grep -q "register" "$T/err2.txt" || fail "pued did not say why it refused to start"

set +e
"$BIN/pued" --check-config "$T/missing.yaml" 2>"$T/err3.txt"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "missing.yaml" "$T/err3.txt" || fail "missing file: exit $rc"
