#!/bin/bash
# The JSON pued and puectl give integrators follows doc/schema/ (draft
# 2020-12, "$id" .../v1/...): the control protocol's envelope, every
# command's result (status, devices, ping, alerts, ack, silence, unsilence,
# reload, clock, advance), an error reply, and the --json output of puectl
# status, devices, alerts, report, history and year. The outputs are real:
# pue-sim and pued on the stepped clock, two hours at PUE 1.30 against a
# 1.25 ceiling, so alerts fire and are acknowledged and silenced, and the
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
sed -i -e 's/^poll_interval: 1s/poll_interval: 10s/' \
	-e 's/^  warning: 1.22/  warning: 1.22\n  alert_window: 15m\n  min_duration: 5m/' "$T/pued.yaml"
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
ceiling=$(puectl alerts --json | jq -r '.active[] | select(.rule == "pue_ceiling") | .number' | head -n1)
[ -n "$ceiling" ] || fail "no pue_ceiling alert after 2 h at PUE 1.30: $(puectl alerts --json | jq -c .)"
raw ack "{\"v\":1,\"cmd\":\"ack\",\"number\":$ceiling}"
raw silence '{"v":1,"cmd":"silence","rule":"pue_warning","span":"2h"}'
raw status '{"v":1,"cmd":"status"}'
raw devices '{"v":1,"cmd":"devices"}'
raw ping '{"v":1,"cmd":"ping"}'
raw alerts '{"v":1,"cmd":"alerts"}'
raw clock '{"v":1,"cmd":"clock"}'
raw advance '{"v":1,"cmd":"advance","ms":0}'
raw unsilence '{"v":1,"cmd":"unsilence","rule":"pue_warning"}'
raw unknown '{"v":1,"cmd":"no-such-command"}'
puectl status --json >"$O/puectl-status.json" || fail "puectl status --json"
puectl devices --json >"$O/puectl-devices.json" || fail "puectl devices --json"
puectl alerts --json >"$O/puectl-alerts.json" || fail "puectl alerts --json"
raw reload '{"v":1,"cmd":"reload"}'
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
"$BIN/puectl" -c "$T/pued.yaml" --json report --from 2026-01-01Z --to 2026-01-01T02:00Z >"$O/report.json" ||
	fail "puectl report --json"
"$BIN/puectl" -c "$T/pued.yaml" --json report --at 2026-01-01T02:00Z --since 2026-01-01Z >"$O/report-year.json" ||
	fail "puectl report --json (running year)"
"$BIN/puectl" -c "$T/pued.yaml" --json history --window 15m --step 15m --from 2026-01-01Z --to 2026-01-01T02:00Z >"$O/history.json" ||
	fail "puectl history --json"
"$BIN/puectl" -c "$T/pued.yaml" --json year --at 2026-01-01T02:00Z >"$O/year.json" || fail "puectl year --json"
[ -n "${KEEP_OUT:-}" ] && cp -r "$O" "$KEEP_OUT"
true
