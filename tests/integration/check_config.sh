#!/bin/bash
# pued --check-config: the shipped configurations pass; a broken one fails
# with compiler-style file:line:column messages, and pued refuses to start.
# An exec alert target whose program is missing fails --check-config, while
# pued starts and reloads with a warning.
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

# An exec target whose program is not there (yet: config management may
# install it after pued): --check-config fails naming it, with nothing on
# stdout; pued itself starts, warning of it in its log, and so does a reload.
write_config "$T/hook.yaml" 1
cat >>"$T/hook.yaml" <<CONF
alerts:
  targets:
    - {name: pager, type: exec, command: [$T/page-oncall, --pue]}
CONF
line=$(grep -n 'name: pager' "$T/hook.yaml" | cut -d: -f1)
want="$T/hook.yaml:$line:43: alerts.targets[0].command[0]: $T/page-oncall does not exist: target \"pager\" cannot run it"
set +e
"$BIN/pued" --check-config "$T/hook.yaml" >"$T/out4.txt" 2>"$T/err4.txt"; rc=$?
set -e
[ $rc -eq 1 ] || fail "--check-config exited $rc with a missing hook program"
[ "$(cat "$T/err4.txt")" = "$want" ] || fail "--check-config said \"$(cat "$T/err4.txt")\", want \"$want\""
[ ! -s "$T/out4.txt" ] || fail "--check-config printed \"$(cat "$T/out4.txt")\" with a missing hook program"
note "--check-config: $(sed "s|$T/||g" "$T/err4.txt")"
start_pued "$T/hook.yaml"
wait_for 10000 "the warning at the start" grep -qF "warning: config: $want (alerts sent to it fail until it is there)" "$T/pued.log"
puectl reload >/dev/null
wait_for 10000 "the reload" grep -q 'pued: reloaded' "$T/pued.log"
[ "$(grep -cF "warning: config: $want" "$T/pued.log")" -eq 2 ] || fail "no warning at the reload"
note "pued started and reloaded, warning each time: $(grep -m1 -F "$want" "$T/pued.log" | sed "s|$T/||g")"
stop_clean "$PUED_PID"
