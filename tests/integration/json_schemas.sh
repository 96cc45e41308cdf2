#!/bin/bash
# The JSON pued and puectl give integrators follows doc/schema/ (draft
# 2020-12, "$id" .../v1/...): the control protocol's envelope, every
# command's result (status, devices, ping, alerts, ack, silence, unsilence,
# reload, clock, advance), an error reply, and the --json output of puectl
# status, devices, alerts, report, history and year. The outputs are real:
# pue-sim and pued on the stepped clock, two hours at PUE 1.30 against a
# 1.25 ceiling (and a pPUE zone, whose figures status shows), so alerts
# fire and are acknowledged and silenced, and the
# database has what report, history and year read. Validated with
# python3-jsonschema (tools/install-deps check); the schemas forbid keys
# they do not name, so a renamed key fails here.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || fail "jq is not installed (tools/install-deps check)"
python3 -c 'import jsonschema' 2>/dev/null ||
	fail "python3-jsonschema is not installed (tools/install-deps check)"
export TZ=UTC
S=$TOP/doc/schema
O=$T/out
mkdir -p "$O"

T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock" --facility-kw 1300 --it-kw 1000
hold_port udp # the trap target: nobody listens there
write_config "$T/pued.yaml" "$SIM_PORT"
# A pPUE zone too (zones_stored.sh), so that status has one to validate.
sed -i -e 's/^poll_interval: 1s/poll_interval: 10s/' \
	-e 's/^  warning: 1.22/  warning: 1.22\n  alert_window: 15m\n  min_duration: 5m/' \
	-e 's|^  windows: \[15m, 1h, 24h\]|  windows: [15m, 1h, 24h]\n  zones:\n    - name: ups-a\n      it: {add: [ups-a/energy]}\n      infrastructure: {add: [crah-2/energy]}|' \
	"$T/pued.yaml"
grep -q '^  zones:' "$T/pued.yaml" || fail "the zone was not added to the configuration"
cat >>"$T/pued.yaml" <<EOT
alerts:
  targets:
    - {name: journal, type: log, min_severity: info}
    - {name: noc, type: snmp_trap, min_severity: warning,
       snmp: {host: 127.0.0.1, port: $HELD_PORT, version: 2c, community: public}}
EOT
chmod 600 "$T/pued.yaml"
"$BIN/pued" --check-config "$T/pued.yaml" >/dev/null || fail "config: $("$BIN/pued" --check-config "$T/pued.yaml" 2>&1)"
start_pued "$T/pued.yaml"
advance 2h

# raw NAME REQUEST: one request line on the socket, the reply line to $O/NAME.
raw() {
	printf '%s\n' "$2" | socat -t 5 - "UNIX-CONNECT:$T/pued.sock" >"$O/$1.json" ||
		fail "no reply to $2"
	[ -s "$O/$1.json" ] || fail "empty reply to $2"
}
# ok NAME: the reply was ok; its result goes to $O/NAME.result.json.
ok() {
	jq -e '.ok == true' "$O/$1.json" >/dev/null || fail "$1: $(cat "$O/$1.json")"
	jq .result "$O/$1.json" >"$O/$1.result.json"
}
ceiling=$(puectl alerts --json | jq -r '.active[] | select(.rule == "pue_ceiling") | .number')
[ -n "$ceiling" ] || fail "no pue_ceiling alert after 2 h at PUE 1.30: $(puectl alerts --json | jq -c .)"
raw ack "{\"v\":1,\"cmd\":\"ack\",\"alert\":$ceiling}" && ok ack
raw silence '{"v":1,"cmd":"silence","rule":"pue_warning","for":"2h"}' && ok silence
raw status '{"v":1,"cmd":"status"}' && ok status
raw devices '{"v":1,"cmd":"devices"}' && ok devices
raw ping '{"cmd":"ping"}' && ok ping
raw alerts '{"v":1,"cmd":"alerts"}' && ok alerts
raw clock '{"v":1,"cmd":"clock"}' && ok clock
raw advance '{"v":1,"cmd":"advance","ms":0}' && ok advance
puectl --json status >"$O/puectl-status.json" || fail "puectl status --json"
jq -e '.zones | length == 1' "$O/puectl-status.json" >/dev/null ||
	fail "status has no zone: $(jq -c .zones "$O/puectl-status.json")"
puectl --json devices >"$O/puectl-devices.json" || fail "puectl devices --json"
puectl --json alerts >"$O/puectl-alerts.json" || fail "puectl alerts --json"
jq -e '(.active[] | select(.rule == "pue_ceiling") | .acked_by != null) and
	(.active[] | select(.rule == "pue_warning") | .silenced_until != null) and
	(.silences | length == 1) and (.targets | length == 2)' "$O/puectl-alerts.json" >/dev/null ||
	fail "alerts: the acknowledgement or the silence is missing: $(jq -c . "$O/puectl-alerts.json")"
puectl --json unsilence pue_warning >"$O/puectl-unsilence.json" || fail "puectl unsilence --json"
raw unsilence '{"v":1,"cmd":"unsilence","rule":"pue_ceiling"}' # not silenced: an error reply
jq -e '.ok == false' "$O/unsilence.json" >/dev/null || fail "unsilence of a rule not silenced: $(cat "$O/unsilence.json")"
raw unknown '{"v":1,"cmd":"no-such-command"}'
raw reload '{"v":1,"cmd":"reload"}' && ok reload
wait_for 10000 "pued to answer after the reload" puectl ping
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
pc() { "$BIN/puectl" -c "$T/pued.yaml" --json "$@"; }
pc report --from 2026-01-01Z --to 2026-01-01T02:00Z >"$O/report.json" || fail "puectl report --json"
# A period without data: no PUE and no category (null, not 0).
pc report --from 2026-03-01Z --to 2026-03-02Z >"$O/report-empty.json" || fail "puectl report --json (empty)"
jq -e '.category == null and .pue == null' "$O/report-empty.json" >/dev/null ||
	fail "report on an empty period: $(jq -c . "$O/report-empty.json")"
# A period running up to --at goes on with the reporting year ("year").
pc report --at 2026-01-01T02:00Z --since 2026-01-01Z >"$O/report-year.json" || fail "puectl report --json (year)"
jq -e 'has("year")' "$O/report-year.json" >/dev/null || fail "report up to now without year: $(jq -c . "$O/report-year.json")"
pc history --window 15m --step 15m --from 2026-01-01Z --to 2026-01-01T02:00Z >"$O/history.json" ||
	fail "puectl history --json"
[ "$(jq length "$O/history.json")" -eq 8 ] || fail "history: $(jq -c . "$O/history.json")"
pc year --at 2026-01-01T02:00Z >"$O/year.json" || fail "puectl year --json"
# A year with figures: 45 days of hourly rollups at PUE 1.25 (IT 1000 kW).
sql "DELETE FROM minutes; DELETE FROM hours;
	WITH RECURSIVE h(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM h WHERE i < 45 * 24 - 1)
	INSERT INTO hours(t, facility_kwh, it_kwh, covered_ms, category)
	SELECT $T0 + i * 3600000, 1250.0, 1000.0, 3600000, 1 FROM h"
pc year --at 2026-02-15Z >"$O/year-ok.json" || fail "puectl year --json (45 days)"
jq -e '.state == "ok" and .pue_ytd > 1.24' "$O/year-ok.json" >/dev/null || fail "year: $(jq -c . "$O/year-ok.json")"

# Every reply against the envelope, every result and output against its schema.
files=()
for r in ack silence status devices ping alerts clock advance unsilence unknown reload; do
	files+=("$O/$r.json=protocol.json#/\$defs/reply")
done
for r in ack silence ping clock advance reload; do
	files+=("$O/$r.result.json=commands.json#/\$defs/${r/advance/clock}")
done
files+=("$O/status.result.json=status.json" "$O/puectl-status.json=status.json"
	"$O/devices.result.json=devices.json" "$O/puectl-devices.json=devices.json"
	"$O/alerts.result.json=alerts.json" "$O/puectl-alerts.json=alerts.json"
	"$O/puectl-unsilence.json=commands.json#/\$defs/unsilence"
	"$O/report.json=report.json" "$O/report-year.json=report.json" "$O/report-empty.json=report.json"
	"$O/history.json=history.json" "$O/year.json=year.json" "$O/year-ok.json=year.json")
python3 "$TOP/tests/schema/validate.py" "$S" "${files[@]}" >"$T/valid.log" ||
	{ cat "$T/valid.log"; fail "output that does not follow doc/schema/ (above)"; }
note "$(grep -c ': valid$' "$T/valid.log") outputs valid against doc/schema/"
# Every request this test sent follows the request schema.
printf '%s\n' '{"v":1,"cmd":"ack","alert":2}' >"$T/req1.json"
printf '%s\n' '{"cmd":"silence","rule":"pue_warning","for":"2h"}' >"$T/req2.json"
python3 "$TOP/tests/schema/validate.py" "$S" "$T/req1.json=protocol.json#/\$defs/request" \
	"$T/req2.json=protocol.json#/\$defs/request" >"$T/req.log" || { cat "$T/req.log"; fail "requests"; }

# The schemas are strict: a renamed key, a missing one or a new state fails.
jq '.windows[0] |= (.coverage_pct = .coverage | del(.coverage))' "$O/puectl-status.json" >"$T/renamed.json"
jq 'del(.devices[0].polls)' "$O/puectl-devices.json" | jq '.devices[0].poll_count = 1' >"$T/renamed-dev.json"
jq '.active[0].state = "snoozed"' "$O/puectl-alerts.json" >"$T/bad-state.json"
jq 'del(.verdict)' "$O/report.json" >"$T/missing.json"
for f in renamed.json=status.json renamed-dev.json=devices.json bad-state.json=alerts.json missing.json=report.json; do
	! python3 "$TOP/tests/schema/validate.py" "$S" "$T/$f" >"$T/strict.log" ||
		fail "the schema accepts a changed output: $f"
	grep -q 'valid$' "$T/strict.log" && fail "validate.py says valid for $f"
done
note "a renamed key, a missing key and an unknown state are refused"

# The commands: pued's own list (its error for an unknown command), the
# request schema's and the README's are the same.
known=$(jq -r .error "$O/unknown.json" | sed -n 's/.*(known: \(.*\))$/\1/p' | tr -d ' ' | tr , '\n' | sort)
[ -n "$known" ] || fail "no list of commands in: $(cat "$O/unknown.json")"
schema=$(jq -r '."$defs".request.properties.cmd.enum[]' "$S/protocol.json" | sort)
[ "$known" = "$schema" ] || fail "pued knows $(echo $known), protocol.json $(echo $schema)"
for c in $known; do
	sed -n '/^### Control protocol/,/^## /p' "$TOP/README.md" | grep -q "| \`$c\`" ||
		fail "README \"Control protocol\" does not list the command $c"
done
note "commands: $(echo $known)"
