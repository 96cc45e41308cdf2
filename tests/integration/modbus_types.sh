#!/bin/bash
# SPDX-License-Identifier: MIT
# modbus_types.sh - every register layout of the simulator's map (each type,
# each word order, a SunSpec scale-factor register), read over Modbus TCP
# (input registers) and over Modbus RTU on a pty pair (holding registers),
# matches what the simulator says its meter holds. Registers holding NaN,
# +Inf or a "not implemented" scale factor never become samples, and the
# reason is logged once, not once per poll.
source "$(dirname "$0")/lib.sh"

start_pty_pair
start_sim sim --control "$T/sim.sock" --rtu "$T/ttyA" --baud 19200

# One point per layout (tests/sim/README.md, "Register map").
points() { # points FUNCTION
	local f=$1
	cat <<EOT
      - {name: p_u16, register: 0, function: $f, type: uint16, scale: 0.1, unit: kW, kind: power}
      - {name: p_i16, register: 1, function: $f, type: int16, unit: kW, kind: power}
      - {name: p_u32_abcd, register: 2, function: $f, type: uint32, word_order: ABCD, unit: W, kind: power}
      - {name: p_u32_cdab, register: 4, function: $f, type: uint32, word_order: CDAB, unit: W, kind: power}
      - {name: p_i32_abcd, register: 6, function: $f, type: int32, word_order: ABCD, unit: W, kind: power}
      - {name: p_i32_cdab, register: 8, function: $f, type: int32, word_order: CDAB, unit: W, kind: power}
      - {name: p_f32_abcd, register: 10, function: $f, type: float32, word_order: ABCD, unit: kW, kind: power}
      - {name: p_f32_cdab, register: 12, function: $f, type: float32, word_order: CDAB, unit: kW, kind: power}
      - {name: p_f32_badc, register: 14, function: $f, type: float32, word_order: BADC, unit: kW, kind: power}
      - {name: p_f32_dcba, register: 16, function: $f, type: float32, word_order: DCBA, unit: kW, kind: power}
      - {name: p_sunssf, register: 0, function: $f, type: uint16, scale_register: 50, unit: kW, kind: power}
      - {name: e_u32_abcd, register: 20, function: $f, type: uint32, word_order: ABCD, unit: Wh, kind: energy}
      - {name: e_u32_cdab, register: 22, function: $f, type: uint32, word_order: CDAB, unit: Wh, kind: energy}
      - {name: e_f32_abcd, register: 24, function: $f, type: float32, word_order: ABCD, unit: kWh, kind: energy}
      - {name: e_f32_cdab, register: 26, function: $f, type: float32, word_order: CDAB, unit: kWh, kind: energy}
      - {name: e_u64_abcd, register: 28, function: $f, type: uint64, word_order: ABCDEFGH, unit: Wh, kind: energy, measured_at: ups_output}
      - {name: e_i64, register: 32, function: $f, type: int64, word_order: ABCDEFGH, unit: Wh, kind: energy}
      - {name: e_f64_abcd, register: 36, function: $f, type: float64, word_order: ABCDEFGH, unit: kWh, kind: energy}
      - {name: e_u32_tenths, register: 40, function: $f, type: uint32, scale: 0.1, unit: kWh, kind: energy}
      - {name: e_f64_dcba, register: 42, function: $f, type: float64, word_order: HGFEDCBA, unit: kWh, kind: energy}
      - {name: e_u64_cdab, register: 46, function: $f, type: uint64, word_order: GHEFCDAB, unit: Wh, kind: energy}
EOT
}
cat >"$T/pued.yaml" <<EOT
site: "types"
poll_interval: 1s
devices:
  - name: tcp
    protocol: modbus_tcp
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: 1}
    points:
$(points input)
  - name: rtu
    protocol: modbus_rtu
    timeout: 500ms
    modbus: {device: $T/ttyB, baud: 19200, unit_id: 1}
    points:
$(points holding)
  - name: bad
    protocol: modbus_tcp
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: 2}
    points:
      - {name: p_ok, register: 10, type: float32, unit: kW, kind: power}
      - {name: p_nan, register: 52, type: float32, unit: kW, kind: power}
      - {name: p_inf, register: 54, type: float32, unit: kW, kind: power}
      - {name: p_sf_unimplemented, register: 0, type: uint16, scale_register: 51, unit: kW, kind: power}
pue:
  facility: {add: [tcp/e_u64_abcd]}
  it: {add: [rtu/e_u64_abcd]}
storage: {path: $T/pued.db}
control: {socket: $T/pued.sock}
EOT
start_pued "$T/pued.yaml"

wait_for 15000 "tcp and rtu up" devices_jq '[.devices[] | select(.name != "bad") | .state] | all(. == "up")'
wait_for 15000 "three polls of each device" \
	bash -c "\"$BIN/puectl\" -s \"$T/pued.sock\" devices --json | jq -e '[.devices[].polls] | min >= 3'"
for d in tcp rtu; do
	# 0..50 with gaps under max_gap_registers (16): one read a poll.
	dev_jq $d '.reads_per_poll == 1 and .requests_last_poll == 1' >/dev/null ||
		fail "$d: $(puectl devices --json | jq -c --arg d $d '.devices[] | select(.name == $d)')"
done

# Every point of one poll has the time of that poll's read.
check() { # check DEVICE SIM_TARGET
	local dev=$1 target=$2 t
	t=$(sql "SELECT max(s.t) FROM samples s JOIN points p ON p.id = s.point WHERE p.device = '$dev'")
	sql "SELECT p.name, s.value FROM samples s JOIN points p ON p.id = s.point
		WHERE p.device = '$dev' AND s.t = $t" >"$T/$dev.samples"
	sim_cmd "get $target" >"$T/$dev.sim"
	python3 - "$T/$dev.samples" "$T/$dev.sim" "$dev" <<'PY' || fail "$dev: samples do not match the simulator"
import json, sys
rows = dict(l.strip().split("|") for l in open(sys.argv[1]) if l.strip())
sim = json.load(open(sys.argv[2]))
p, e_now = sim["power_kw"], sim["energy_kwh"]
want = {"p_u16", "p_i16", "p_u32_abcd", "p_u32_cdab", "p_i32_abcd", "p_i32_cdab", "p_f32_abcd",
        "p_f32_cdab", "p_f32_badc", "p_f32_dcba", "p_sunssf", "e_u32_abcd", "e_u32_cdab",
        "e_f32_abcd", "e_f32_cdab", "e_u64_abcd", "e_i64", "e_f64_abcd", "e_u32_tenths",
        "e_f64_dcba", "e_u64_cdab"}
missing = want - set(rows)
assert not missing, "no sample at the poll's time for %s" % sorted(missing)
bad = []
for name, v in sorted(rows.items()):
    if name.startswith("p_") and abs(float(v) - p) > 1e-6:
        bad.append("%s = %s, want %r kW" % (name, v, p))
e = float(rows["e_f64_abcd"])  # the exact counter, as a double
tolerance = {"e_f32_abcd": 0.02, "e_f32_cdab": 0.02, "e_u32_tenths": 0.06}
for name in sorted(want):
    if name.startswith("e_") and abs(float(rows[name]) - e) > tolerance.get(name, 0.001):
        bad.append("%s = %s, want %.4f kWh" % (name, rows[name], e))
# The simulator was asked after the poll: its counter is ahead, by less
# than a few seconds of power.
if not (0 <= e_now - e < p * 10 / 3600):
    bad.append("e_f64_abcd = %.4f kWh, simulator now %.4f kWh" % (e, e_now))
print("# %s: %d points from one read, P %.3f kW, E %.4f kWh" % (sys.argv[3], len(rows), p, e))
if bad:
    sys.exit("\n".join(bad))
PY
}
check tcp "$SIM_PORT:1"
check rtu "rtu:1"

# The simulator saw input reads on TCP and holding reads on the bus.
sim_cmd "stats $SIM_PORT:1" | jq -e '.fc04 >= 3 and .fc03 == 0' >/dev/null ||
	fail "tcp stats: $(sim_cmd "stats $SIM_PORT:1")"
sim_cmd "stats rtu:1" | jq -e '.fc03 >= 3 and .fc04 == 0' >/dev/null ||
	fail "rtu stats: $(sim_cmd "stats rtu:1")"

# Invalid registers: the device is degraded, its good point keeps its
# samples, the bad ones have none, and the reason was logged once.
wait_for 10000 "bad degraded by its NaN point" \
	dev_jq bad '.state == "degraded" and (.last_error | test("point p_nan: invalid sample: float32 register value is NaN"))'
wait_for 10000 "three polls of bad" dev_jq bad '.polls >= 3'
[ "$(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device = 'bad' AND p.name != 'p_ok'")" = 0 ] || fail "an invalid register became a sample"
[ "$(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device = 'bad' AND p.name = 'p_ok' AND abs(s.value - 400) < 1e-6")" -ge 2 ] ||
	fail "bad/p_ok (unit 2, a UPS at 400 kW) has no samples"
n=$(grep -c 'device bad: point p_nan: invalid sample: float32 register value is NaN' "$T/pued.log" || true)
[ "$n" = 1 ] || fail "invalid sample logged $n times, want once: $(grep 'device bad' "$T/pued.log")"
stop_clean "$PUED_PID" "$SIM_PID"
echo "PASS modbus_types"
