#!/bin/bash
# SPDX-License-Identifier: MIT
# modbus_restart.sh - the meters' side dies without warning (SIGKILL) and
# comes back on the same TCP port and the same serial line: pued shows both
# devices down with the cause, keeps running, and reconnects by itself
# (libmodbus does not recover a broken link), with correct values after.
source "$(dirname "$0")/lib.sh"

start_pty_pair
start_sim sim --control "$T/sim.sock" --rtu "$T/ttyA"
port=$SIM_PORT
cat >"$T/pued.yaml" <<EOT
site: "restart"
poll_interval: 1s
devices:
  - name: t
    protocol: modbus_tcp
    timeout: 300ms
    retries: 0
    modbus: {host: 127.0.0.1, port: $port, unit_id: 1}
    points:
      - {name: p, register: 10, type: float32, unit: kW, kind: power}
      - {name: e, register: 36, type: float64, unit: kWh, kind: energy}
  - name: r
    protocol: modbus_rtu
    timeout: 300ms
    retries: 0
    modbus: {device: $T/ttyB, baud: 19200, unit_id: 2}
    points:
      - {name: p, register: 10, type: float32, unit: kW, kind: power}
      - {name: e, register: 36, type: float64, unit: kWh, kind: energy, measured_at: ups_output}
pue:
  facility: {add: [t/e]}
  it: {add: [r/e]}
storage: {path: $T/pued.db}
control: {socket: $T/pued.sock}
EOT
start_pued "$T/pued.yaml"
wait_for 15000 "both devices up" devices_jq '[.devices[].state] | all(. == "up")'

{ kill -KILL "$SIM_PID" && wait "$SIM_PID"; } 2>/dev/null || true
hold_port tcp "$port" shared # free for sim2 only, not for a test alongside
wait_for 15000 "t down, connection refused" dev_jq t \
	'.state == "down" and (.last_error | test("^(connect 127.0.0.1:[0-9]+: Connection refused|read holding 10\\+2: Connection reset by peer) \\(1 try\\)$"))'
wait_for 15000 "r down, no answer on the bus" dev_jq r \
	'.state == "down" and (.last_error | test("no answer \\(timed out\\)"))'
kill -0 "$PUED_PID" || fail "pued died with the simulator"
killed_at=$(($(date +%s%N) / 1000000))

# Same port (SO_REUSEADDR lets it bind while the old connections linger),
# same pty.
rm -f "$T/sim.sock"
start_sim sim2 --port "$port" --control "$T/sim.sock" --rtu "$T/ttyA"
[ "$SIM_PORT" = "$port" ] || fail "restarted on port $SIM_PORT, not $port"
release_port "$HOLD_PID"
# Down devices are probed with capped exponential backoff: 2, 4, 8 s ...
wait_for 30000 "t up again" dev_jq t '.state == "up"'
wait_for 30000 "r up again" dev_jq r '.state == "up"'
note "both up $(( $(date +%s%N) / 1000000 - killed_at )) ms after the restart began"
grep -q 'device t: recovered after' "$T/pued.log" || fail "no recovery logged for t"
grep -q 'device r: recovered after' "$T/pued.log" || fail "no recovery logged for r"
sim_cmd "stats $port:1" | jq -e '.requests >= 1' >/dev/null || fail "sim2 saw no request from t"
sim_cmd "stats rtu:2" | jq -e '.requests >= 1' >/dev/null || fail "sim2 saw no request from r"
# Values after the restart are the meters', not stale or shifted.
wait_for 10000 "new samples from both" bash -c "[ \"\$(sqlite3 \"$T/pued.db\" \"SELECT count(DISTINCT p.device) FROM samples s JOIN points p ON p.id = s.point WHERE p.name = 'p' AND s.t > $killed_at\")\" = 2 ]"
[ "$(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point WHERE p.name = 'p'
	AND NOT ((p.device = 't' AND s.value = 960) OR (p.device = 'r' AND s.value = 400))")" = 0 ] ||
	fail "a wrong power sample was stored"
stop_clean "$PUED_PID" "$SIM_PID"
echo "PASS modbus_restart"
