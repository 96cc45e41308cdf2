#!/bin/bash
# SPDX-License-Identifier: MIT
# modbus_connections.sh - a gateway of 12 unit ids with connections: 4
# (issue 18): pued opens 4 TCP connections to its one host:port, and one
# to a meter on a port of its own; every unit id comes on one connection
# only, a thirteenth device reading unit 5 again included (the simulator
# counts the connections each unit id was asked on), every device is
# polled once a second, and each reads its own meter's power.
#
# On the stepped clock: the clock stands between advances, so pued's poll
# counts and the simulator's request counts are read at one moment and
# compared exactly. That a slow or dead unit holds only its own connection
# is real time (libmodbus waits in select()), which the stepped clock holds
# still while a job is out: modbus_connections_slow_unit.sh shows it.
source "$(dirname "$0")/lib.sh"

step_clock 1767225600000 # 2026-01-01T00:00:00Z
# Generic meters: meter k answers on port k / 12 as unit k % 12 + 1 and
# draws 1 + k kW, so meters 0..11 are the gateway's, meter 12 is alone on
# the second port.
start_sim sim --control "$T/sim.sock" --meters 13 --units-per-port 12 --listen-ports 2
mapfile -t P <"$T/sim.ports"
GW=${P[0]} SOLO=${P[1]}
{
	printf 'site: "connections"\npoll_interval: 1s\ndevices:\n'
	for u in $(seq 12); do
		# Set on u1, and repeated (the same) on u7: devices of one link agree.
		conn=""
		[ "$u" = 1 ] || [ "$u" = 7 ] && conn=", connections: 4"
		cat <<EOT
  - name: u$u
    protocol: modbus_tcp
    modbus: {host: 127.0.0.1, port: $GW, unit_id: $u$conn}
    points:
      - {name: p, register: 10, type: float32, unit: kW, kind: power}
      - {name: e, register: 28, type: uint64, unit: Wh, kind: energy, measured_at: ups_output}
EOT
	done
	cat <<EOT
  - name: u5b
    protocol: modbus_tcp
    modbus: {host: 127.0.0.1, port: $GW, unit_id: 5}
    points:
      - {name: q, register: 12, type: float32, word_order: CDAB, unit: kW, kind: power}
  - name: solo
    protocol: modbus_tcp
    modbus: {host: 127.0.0.1, port: $SOLO, unit_id: 1}
    points:
      - {name: p, register: 10, type: float32, unit: kW, kind: power}
      - {name: e, register: 28, type: uint64, unit: Wh, kind: energy}
pue:
  facility: {add: [solo/e]}
  it: {add: [u1/e]}
storage: {path: $T/pued.db}
control: {socket: $T/pued.sock}
EOT
} >"$T/pued.yaml"
"$BIN/pued" --check-config "$T/pued.yaml" >/dev/null ||
	fail "config: $("$BIN/pued" --check-config "$T/pued.yaml" 2>&1)"
start_pued "$T/pued.yaml"
advance 10s

puectl devices --json >"$T/devices.json"
jq -e '[.devices[] | .state == "up"] | all and length == 14' "$T/devices.json" >/dev/null ||
	fail "not every device up: $(jq -c '[.devices[] | {name, state, last_error}]' "$T/devices.json")"
# Every device once a second on its connection's phase: connections are
# spread over the second in the order they are made (the gateway's 4,
# then the solo meter's: 0, 200, ..., 800 ms), and the first is polled at
# the start too, so 11 polls in 10 s there and 10 on the others. Unit ids
# are dealt to the connections round robin: 1, 5, 9 (and u5b with unit
# 5) on the first.
want_polls() {
	case $1 in u1 | u5 | u9 | u5b) echo 11 ;; *) echo 10 ;; esac
}
for d in $(seq -f 'u%g' 12) u5b solo; do
	got=$(jq --arg d "$d" '.devices[] | select(.name == $d) | .polls' "$T/devices.json")
	[ "$got" = "$(want_polls "$d")" ] ||
		fail "$d: $got polls, want $(want_polls "$d"): $(jq -c '[.devices[] | {name, polls}]' "$T/devices.json")"
done
note "14 devices once a second, u1 u5 u9 u5b on the connection of phase 0"

# 4 connections to the gateway and 1 to the solo meter, no more: none was
# lost and opened again.
sim_cmd stats | jq -e '.connections == 5' >/dev/null || fail "connections: $(sim_cmd stats)"
for u in $(seq 12); do
	want=$(want_polls "u$u")
	[ "$u" = 5 ] && want=$((2 * want)) # u5 and u5b: one request a poll each
	sim_cmd "stats $GW:$u" | jq -e ".connections == 1 and .requests == $want" >/dev/null ||
		fail "unit $u, want $want requests on 1 connection: $(sim_cmd "stats $GW:$u")"
	# Each its own meter's power, 1 + k kW for meter k = u - 1.
	got=$(sql "SELECT s.value FROM samples s JOIN points p ON p.id = s.point
		WHERE p.device = 'u$u' AND p.name = 'p' ORDER BY s.t DESC LIMIT 1")
	[ "$got" = "$u.0" ] || fail "u$u: $got kW, want $u"
done
got=$(sql "SELECT s.value FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device = 'u5b' ORDER BY s.t DESC LIMIT 1")
[ "$got" = "5.0" ] || fail "u5b: $got kW, want 5"
sim_cmd "stats $SOLO:1" | jq -e ".connections == 1 and .requests == 10" >/dev/null ||
	fail "solo: $(sim_cmd "stats $SOLO:1")"
note "12 unit ids over 4 connections, each unit id on one"

# Another connections: on the same link is refused, naming both places.
sed -e "0,/connections: 4/s//connections: 3/" "$T/pued.yaml" >"$T/bad.yaml"
if "$BIN/pued" --check-config "$T/bad.yaml" >"$T/bad.out" 2>&1; then
	fail "--check-config accepted two connections: for one link"
fi
grep -q "bad.yaml:[0-9]*:[0-9]*: devices\[6\].modbus.connections: link 127.0.0.1:$GW has connections: 3 from device u1 (line 4); devices on one link share it" "$T/bad.out" ||
	fail "--check-config said: $(cat "$T/bad.out")"
stop_clean "$PUED_PID" "$SIM_PID"
echo "PASS modbus_connections"
