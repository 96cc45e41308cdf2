#!/bin/bash
# SPDX-License-Identifier: MIT
# modbus_gateway.sh - a Modbus TCP gateway with 8 unit ids behind one port:
# pued polls them over one connection, one request at a time with the
# configured pause, each device gets its own meter's values, and a unit id
# that stops answering only costs its own timeout on the shared link.
source "$(dirname "$0")/lib.sh"

# Units 1..8: the incomer and 7 UPS output meters (800 kW / 7 each).
start_sim sim --control "$T/sim.sock" --ups 7 --cooling 0
{
	cat <<EOT
site: "gateway"
poll_interval: 1s
devices:
EOT
	for u in 1 2 3 4 5 6 7 8; do
		cat <<EOT
  - name: g$u
    protocol: modbus_tcp
    timeout: 300ms
    retries: 0
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: $u, request_gap: 20ms}
    points:
      - {name: p, register: 10, type: float32, unit: kW, kind: power}
      - {name: e, register: 28, type: uint64, unit: Wh, kind: energy, measured_at: ups_output}
EOT
	done
	cat <<EOT
pue:
  facility: {add: [g1/e]}
  it: {add: [g2/e, g3/e, g4/e, g5/e, g6/e, g7/e, g8/e]}
storage: {path: $T/pued.db}
control: {socket: $T/pued.sock}
EOT
} >"$T/pued.yaml"
start_pued "$T/pued.yaml"
wait_for 15000 "all 8 unit ids up" devices_jq '[.devices[].state] | all(. == "up") and length == 8'
wait_for 10000 "three polls each" \
	bash -c "\"$BIN/puectl\" -s \"$T/pued.sock\" devices --json | jq -e '[.devices[].polls] | min >= 3'"
sim_cmd stats | jq -e '.connections == 1' >/dev/null || fail "8 unit ids, want 1 connection: $(sim_cmd stats)"
for u in 1 2 3 4 5 6 7 8; do
	want=$(sim_cmd "get $SIM_PORT:$u" | jq .power_kw)
	got=$(sql "SELECT s.value FROM samples s JOIN points p ON p.id = s.point
		WHERE p.device = 'g$u' AND p.name = 'p' ORDER BY s.t DESC LIMIT 1")
	python3 -c "import sys; sys.exit(abs($got - $want) > 1e-3)" || fail "g$u: $got kW, meter $want kW"
	sim_cmd "stats $SIM_PORT:$u" | jq -e '.requests >= 3' >/dev/null || fail "unit $u: $(sim_cmd "stats $SIM_PORT:$u")"
done
note "8 unit ids, 1 connection, each with its own meter's power"

# Unit 8 goes silent: it is down, and the 7 others keep a sample a second
# (their polls wait at most one 300 ms timeout on the shared link).
[ "$(sim_cmd fault "$SIM_PORT:8" noanswer)" = ok ] || fail "fault"
wait_for 10000 "g8 down" dev_jq g8 '.state == "down" or .state == "degraded"'
from=$(($(date +%s%N) / 1000000))
wait_for 15000 "samples of g1..g7 from 5 s after the fault" bash -c "[ \"\$(sqlite3 \"$T/pued.db\" \"SELECT count(DISTINCT p.device) FROM samples s JOIN points p ON p.id = s.point WHERE p.name = 'p' AND p.device != 'g8' AND s.t >= $from + 5000\")\" = 7 ]"
sql "SELECT p.device, count(*) FROM samples s JOIN points p ON p.id = s.point
	WHERE p.name = 'p' AND s.t >= $from AND s.t < $from + 5000 GROUP BY p.device" >"$T/counts"
note "samples in 5 s with g8 silent: $(tr '\n' ' ' <"$T/counts")"
for u in 1 2 3 4 5 6 7; do
	n=$(sed -n "s/^g$u|//p" "$T/counts")
	[ "${n:-0}" -ge 4 ] || fail "g$u: ${n:-0} samples in 5 s while g8 was silent"
done
devices_jq '[.devices[] | select(.name != "g8") | .state] | all(. == "up")' >/dev/null ||
	fail "a healthy unit id went down with g8"
stop_clean "$PUED_PID" "$SIM_PID"
echo "PASS modbus_gateway"
