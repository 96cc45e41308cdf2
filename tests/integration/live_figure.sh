#!/bin/bash
# The live figure ("now") at a steady 1.25 never flips state. The meters'
# energy is read from float32 kWh registers near 101,000 kWh, which move in
# 7.8 Wh steps: power derived from such a counter over a few seconds
# wandered by tenths of a percent. Where a meter also has a power point,
# "now" takes that (engine.c, find_companions), and says so; from the
# counters alone it is measured between their changes (counter_rate.h):
# warming up first, then 1.250 every second.
. "$(dirname "$0")/lib.sh"

step_clock 1767225600000
start_sim sim --control "$T/sim.sock" --facility-kw 1000 --it-kw 800
# incomer (unit 1) and the two UPS outputs (units 2 and 3): float32 kWh
# counters at register 24, float32 kW at register 10.
config() { # config FILE WITH_POWER
	{
		sed -n '1,/^devices:/p' "$TOP/conf/demo.yaml"
		for u in 1 2 3; do
			at=""
			[ $u -gt 1 ] && at=", measured_at: ups_output"
			cat <<YAML
  - name: m$u
    protocol: modbus_tcp
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: $u}
    points:
      - {name: energy, register: 24, function: input, type: float32, word_order: ABCD, unit: kWh, kind: energy$at}
YAML
			[ "$2" = yes ] && echo "      - {name: power, register: 10, function: input, type: float32, word_order: ABCD, unit: kW, kind: power$at}"
		done
		cat <<YAML
pue:
  facility: {add: [m1/energy]}
  it: {add: [m2/energy, m3/energy]}
  windows: [15m]
  alert_window: 15m
  ceiling: 1.25
  warning: 1.22
storage: {path: $T/pued.db}
control: {socket: $T/pued.sock}
YAML
	} >"$1"
}
check_config() {
	"$BIN/pued" --check-config "$T/pued.yaml" >/dev/null 2>"$T/check.txt" || fail "config: $(cat "$T/check.txt")"
}
# snapshots N: "now" after each of N more seconds, one "PUE STATE" a line
snapshots() {
	for _ in $(seq "$1"); do
		advance 1s
		puectl status --json | jq -r '.instant | "\(.pue) \(.state)"'
	done
}

config "$T/pued.yaml" yes
check_config
start_pued "$T/pued.yaml"
advance 30s
status_jq '.instant.source == "power points"' >/dev/null ||
	fail "source: $(puectl status --json | jq -c .instant)"
snapshots 120 >"$T/now.txt"
note "with power points, 120 s: $(sort "$T/now.txt" | uniq -c | tr -s ' \n' ' ')"
[ "$(sort -u "$T/now.txt")" = "1.25 warning" ] || fail "now was not a steady 1.25 (warning): $(sort "$T/now.txt" | uniq -c)"
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $?"

# The same meters without their power points: "now" comes from the
# counters, and says so; it warms up (at most 150 s), then holds.
rm -f "$T/pued.db"*
config "$T/pued.yaml" no
check_config
start_pued "$T/pued.yaml"
advance 5s
status_jq '.instant.source == "energy counters" and .instant.state == "warming_up" and .instant.pue == null' >/dev/null ||
	fail "source and warm-up: $(puectl status --json | jq -c .instant)"
advance 3m
snapshots 60 >"$T/now-counters.txt"
note "from the counters alone, 60 s: $(sort "$T/now-counters.txt" | uniq -c | tr -s ' \n' ' ')"
[ "$(sort -u "$T/now-counters.txt")" = "1.25 warning" ] ||
	fail "now from the counters was not a steady 1.25 (warning): $(sort "$T/now-counters.txt" | uniq -c)"
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $?"
