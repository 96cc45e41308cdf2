#!/bin/bash
# SPDX-License-Identifier: MIT
# modbus_faults.sh - each fault mode of the simulator, over Modbus TCP, on
# one meter while a healthy one shares the gateway: the faulty device shows
# the cause in words in `puectl devices --json`, recovers when the fault
# clears, and never stores a wrong number. Also: a poll stops at the first
# read that gets no answer (the rest would wait out the same timeout), and
# a device that is down is probed with one try, not 1 + retries.
source "$(dirname "$0")/lib.sh"

start_sim sim --control "$T/sim.sock"
# f: three reads a poll (max_gap_registers 0), 300 ms timeout, 2 tries.
cat >"$T/pued.yaml" <<EOT
site: "faults"
poll_interval: 1s
devices:
  - name: f
    protocol: modbus_tcp
    timeout: 300ms
    retries: 1
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: 1, max_gap_registers: 0}
    points:
      - {name: p16, register: 1, type: int16, unit: kW, kind: power}
      - {name: p, register: 10, type: float32, unit: kW, kind: power}
      - {name: e, register: 36, type: float64, unit: kWh, kind: energy}
  - name: ok
    protocol: modbus_tcp
    timeout: 300ms
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: 2}
    points:
      - {name: e, register: 28, type: uint64, unit: Wh, kind: energy, measured_at: ups_output}
  - name: twin # power and energy in two reads whose answers look alike
    protocol: modbus_tcp
    retries: 0
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: 3, max_gap_registers: 0}
    points: [{name: p, register: 10, type: float32, unit: kW, kind: power},
             {name: e, register: 24, type: float32, unit: kWh, kind: energy}]
  - name: ghost
    protocol: modbus_tcp
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: 9}
    points:
      - {name: p, register: 10, type: float32, unit: kW, kind: power}
pue:
  facility: {add: [f/e]}
  it: {add: [ok/e]}
storage: {path: $T/pued.db}
control: {socket: $T/pued.sock}
EOT
start_pued "$T/pued.yaml"
wait_for 15000 "f and ok up" devices_jq '[.devices[] | select(.name != "ghost") | .state] | all(. == "up")'
dev_jq f '.reads_per_poll == 3 and .requests_last_poll == 3' >/dev/null || fail "f: $(dev_jq f .)"

# A unit id the gateway has no meter for: 0x0B, in words.
wait_for 10000 "ghost down with exception 0x0B" dev_jq ghost \
	'.state == "down" and .last_error == "read holding 10+2: exception 0x0B, gateway target device failed to respond (3 tries)" or .last_error == "read holding 10+2: exception 0x0B, gateway target device failed to respond (1 try)"'

fault() { # fault MODE... -> sets it on unit 1 and checks the reply
	[ "$(sim_cmd fault 1 "$@")" = ok ] || fail "simulator refused fault $*"
	note "fault $*"
}
recover() {
	fault none
	wait_for 20000 "f up again" dev_jq f '.state == "up"'
}
error_is() { # error_is DESCRIPTION REGEX
	wait_for 15000 "f failing with $1" dev_jq f "(.state == \"degraded\" or .state == \"down\") and (.last_error | test(\"$2\"))"
}

# No answer: the poll stops after the first read's 2 tries (not 3 x 2),
# and once down the device is only probed, with 1 try.
fault noanswer
error_is "no answer" '^read holding 1\\+1: no answer \\(timed out\\) \\(2 tries\\)$'
dev_jq f '.requests_last_poll == 2' >/dev/null || fail "a failing poll asked $(dev_jq f .requests_last_poll) times, want 2"
wait_for 15000 "f probed with one try once down" dev_jq f \
	'.state == "down" and .requests_last_poll == 1 and (.last_error | test("no answer \\(timed out\\) \\(1 try\\)$"))'
recover

# Exceptions are answers: every read gets one, in words, without retries.
fault exception
error_is "exception 0x04" '^read holding 1\\+1: exception 0x04, server device failure'
dev_jq f '.requests_last_poll == 3' >/dev/null || fail "exceptions asked $(dev_jq f .requests_last_poll) times, want 3"
recover
fault exception 0x0A
error_is "exception 0x0A" 'exception 0x0A, gateway path unavailable'
recover
fault exception 11
error_is "exception 0x0B" 'exception 0x0B, gateway target device failed to respond'
recover

# One register fewer than asked, well framed: an error, never a value.
fault wronglen
error_is "a wrong-length answer" '^read holding 1\\+1: invalid answer \\(0 bytes of registers, asked 2\\) \\(2 tries\\)$'
recover

# The meter closes the connection on each request: pued reconnects.
before=$(sim_cmd stats | jq .connections)
fault close
error_is "the connection closed" '^read holding 1\\+1: Connection reset by peer \\(2 tries\\)$'
recover
after=$(sim_cmd stats | jq .connections)
[ "$after" -gt $((before + 1)) ] || fail "no reconnects: $before connections before, $after after"
dev_jq ok '.state == "up" and .failures == 0' >/dev/null || fail "ok was hit by f's faults: $(dev_jq ok .)"

# Slow but in time: values as usual. Slower than the timeout: a late answer
# never passes for the next one (pued reconnects after a timeout).
fault slow 100
wait_for 10000 "a slow but complete poll" dev_jq f '.state == "up" and .latency_ms >= 300'
fault slow 450
error_is "late answers" '^read holding 1\\+1: (no answer \\(timed out\\)|invalid answer \\(wrong length, function or transaction id\\)) \\(2 tries\\)$'
recover

# A counter reset: the samples follow the meter down, and the engine
# records the reset instead of inventing energy.
fault reset
wait_for 10000 "the reset recorded as an event" \
	bash -c "[ \"\$(sqlite3 \"$T/pued.db\" \"SELECT count(*) FROM events WHERE kind = 'meter_reset'\")\" -ge 1 ]"
note "event: $(sql "SELECT kind, subject, message FROM events WHERE kind = 'meter_reset' LIMIT 1")"

# A gateway that sends each answer twice: twin's power and energy reads
# have answers of the same shape (unit 3, function 0x03, 4 bytes), and only
# the transaction id tells the power answer's second copy from the answer
# to the energy read, the connection's next request. Never the power as
# energy: an error instead.
twin_samples_above() {
	[ "$(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point WHERE p.device = 'twin'")" -gt "$1" ]
}
polls=$(dev_jq twin .polls)
[ "$(sim_cmd fault 3 twice)" = ok ] || fail "simulator refused fault twice"
wait_for 15000 "three polls of twin under twice" dev_jq twin ".polls >= $polls + 3"
error=$(dev_jq twin '.last_error // ""')
[ "$(sim_cmd fault 3 none)" = ok ] || fail "simulator refused fault none"
n=$(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point WHERE p.device = 'twin'")
wait_for 20000 "twin stores again" twin_samples_above "$n" # every earlier sample flushed
power=$(sim_cmd get 3 | jq .power_kw)
sql "SELECT p.name, s.value FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device = 'twin' AND ((p.name = 'p' AND s.value != $power) OR (p.name = 'e' AND s.value < 100000))" >"$T/wrong"
[ ! -s "$T/wrong" ] || fail "twice: wrong samples of twin stored: $(head -5 "$T/wrong" | tr '\n' ' ')"
want='^"read holding 24\+2: invalid answer \(transaction id [0-9]+, sent [0-9]+\)'
[[ $error =~ $want ]] ||
	fail "twice: twin's error does not name the earlier answer's transaction id: $error"

# Never a wrong number: every power sample of f is the meter's 960 kW, and
# its counter only went down once, at the reset, to near 0.
sql "SELECT s.value FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device = 'f' AND p.name IN ('p', 'p16') AND s.value != 960" >"$T/wrong"
[ ! -s "$T/wrong" ] || fail "wrong power samples stored: $(head -5 "$T/wrong" | tr '\n' ' ')"
sql "SELECT s.value FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device = 'f' AND p.name = 'e' ORDER BY s.t" | python3 -c '
import sys
v = [float(x) for x in sys.stdin]
drops = [(a, b) for a, b in zip(v, v[1:]) if b < a]
assert len(drops) == 1 and drops[0][1] < 1, "counter drops: %r" % drops[:5]
print("# f/e: %d samples, one reset %.3f -> %.3f kWh" % (len(v), drops[0][0], drops[0][1]))
' || fail "energy samples of f"
[ "$(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point WHERE p.device = 'ghost'")" = 0 ] ||
	fail "ghost has samples"
stop_clean "$PUED_PID" "$SIM_PID"
echo "PASS modbus_faults"
