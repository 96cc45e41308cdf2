#!/bin/bash
# pued --check-config rejects each kind of bad configuration with a
# compiler-style FILE:LINE:COLUMN: KEY.PATH: message, and exits 1 (an exec
# target whose program is missing too; pued itself only warns of that,
# check_config.sh).
# Each case edits one valid file in one way (sed expression) and names the
# message it must produce. The loader's own unit tests (test_config) go
# through more cases; this proves the command users run says the same.
. "$(dirname "$0")/lib.sh"

cat >"$T/base.yaml" <<'EOF_BASE'
site: t
devices:
  - name: m
    protocol: modbus_tcp
    modbus: {host: 127.0.0.1, port: 1502, unit_id: 1}
    points:
      - {name: e, register: 20, type: uint32, unit: Wh, kind: energy}
      - {name: it, register: 28, type: uint64, unit: Wh, kind: energy, measured_at: ups_output}
pue:
  facility: {add: [m/e]}
  it: {add: [m/it]}
  ceiling: 1.25
storage: {path: /tmp/x.db}
control: {socket: /tmp/x.sock}
EOF_BASE
"$BIN/pued" --check-config "$T/base.yaml" >/dev/null || fail "the base file must be valid"

# sed expression <TAB> expected "LINE:COL: KEY.PATH: text" (a regex)
cases=$(cat <<'EOF_CASES'
s/port: 1502/portt: 1502/	5:31: devices\[0\]\.modbus\.portt: unknown key "portt"; did you mean "port"
s/register: 20/register: abc/	7:29: devices\[0\]\.points\[0\]\.register: expected an integer 0\.\.65535, got "abc"
s/unit_id: 1}/unit_id: 300}/	5:52: devices\[0\]\.modbus\.unit_id: expected an integer 0\.\.255, got "300"
s/type: uint32/type: uint33/	7:39: devices\[0\]\.points\[0\]\.type: expected one of .*got "uint33"
s/unit: Wh, kind: energy}/unit: kW, kind: energy}/	7:53: devices\[0\]\.points\[0\]\.unit: kW is a unit of power
s|add: \[m/e\]|add: [m/nope]|	10:20: pue\.facility\.add\[0\]: device m has no point "nope"
s/, measured_at: ups_output//	11:14: pue\.it\.add\[0\]: point m/it has no measured_at
s/^site: t/site: t\npoll_interval: 1x/	2:16: poll_interval: expected a duration
s/^site: t/site: \&a t/	1:7: site: anchors are not supported
s/protocol: modbus_tcp/protocol: [modbus_tcp/	5:11: YAML syntax error
s/^site: t/site: t\nsite: u/	2:1: site: duplicate key "site"
s/protocol: modbus_tcp/protocol: snmp/	5:5: devices\[0\]\.modbus: a modbus: section on a device with protocol snmp
s/ceiling: 1.25/ceiling: 1.25\n  warning: 1.3/	13:12: pue\.warning: 1\.3 is above ceiling 1\.25
s/^site: t//	2:1: site: required key is missing
s/ceiling: 1.25/ceiling: 1.25\n  windows: [15m, 1h]\n  alert_window: 24h/	14:17: pue\.alert_window: .* is not one of pue\.windows
s/ceiling: 1.25/ceiling: 1.25\n  windows: [90s, 15m, 1h, 24h]/	13:13: pue\.windows\[0\]: window 90s is not a whole number of minutes \(windows sum whole minutes: 1m or 2m\)$
s/control: {socket: \/tmp\/x.sock}/alerts: {targets: [{name: h, type: exec, command: [page-me]}]}/	14:52: alerts\.targets\[0\]\.command\[0\]: expected an absolute path
s/control: {socket: \/tmp\/x.sock}/alerts: {targets: [{name: h, type: exec, command: [\/nonexistent\/page-oncall]}]}/	14:52: alerts\.targets\[0\]\.command\[0\]: /nonexistent/page-oncall does not exist: target "h" cannot run it$
s/control: {socket: \/tmp\/x.sock}/alerts: {targets: [{name: h, type: exec, command: [\/etc\/passwd]}]}/	14:52: alerts\.targets\[0\]\.command\[0\]: /etc/passwd is not executable: target "h" cannot run it$
s/control: {socket: \/tmp\/x.sock}/alerts: {targets: [{name: h, type: exec, command: [\/etc]}]}/	14:52: alerts\.targets\[0\]\.command\[0\]: /etc is not a file: target "h" cannot run it$
s/kind: energy}/kind: energy, counter_bits: 99}/	7:85: devices\[0\]\.points\[0\]\.counter_bits: expected an integer 1\.\.64
s/^site: t/site: t\nworkers: 0/	2:10: workers: expected an integer 1\.\.256
s/protocol: modbus_tcp/protocol: snmp/; s/modbus: {host: 127.0.0.1, port: 1502, unit_id: 1}/snmp: {host: 127.0.0.1, version: 2}/	5:[0-9]+: devices\[0\]\.snmp\.version: expected one of 1, 2c, 3, got "2"; did you mean "2c"
EOF_CASES
)

n=0
while IFS=$'\t' read -r expr want; do
	n=$((n + 1))
	f="$T/case$n.yaml"
	sed -e "$expr" "$T/base.yaml" >"$f"
	rc=0
	"$BIN/pued" --check-config "$f" 2>"$T/err$n.txt" >/dev/null || rc=$?
	[ $rc -eq 1 ] || fail "case $n ($expr): exit $rc, expected 1"
	grep -Eq "^$f:$want" "$T/err$n.txt" ||
		fail "case $n ($expr): expected \"$f:$want\", got: $(cat "$T/err$n.txt")"
	note "case $n: $(head -n1 "$T/err$n.txt" | sed "s|$T/||")"
done <<<"$cases"
[ $n -ge 18 ] || fail "only $n cases ran"
