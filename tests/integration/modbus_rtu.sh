#!/bin/bash
# SPDX-License-Identifier: MIT
# modbus_rtu.sh - Modbus RTU on a pty pair: three unit ids on one bus,
# polled one at a time. An RTU answer carries no transaction id, so a meter
# that answers after the timeout could have its late answer taken for the
# answer to the next read (same unit, function and size): a wrong number.
# pued lets the line go quiet after every failure, rejects an answer that is
# not alone on the line, and stops the poll at the first unanswered read, so
# it stores none (lib/poll/rtu_line.h). Exceptions, wrong-length answers,
# answers sent twice and broken answers sent again are device errors too.
source "$(dirname "$0")/lib.sh"

start_pty_pair
start_sim sim --control "$T/sim.sock" --rtu "$T/ttyA" --baud 19200
dev() { # dev NAME UNIT TIMEOUT: power and energy, float32 both, in two reads of 2 registers
	cat <<EOT
  - name: $1
    protocol: modbus_rtu
    timeout: $3
    retries: 0
    modbus: {device: $T/ttyB, baud: 19200, unit_id: $2, max_gap_registers: 0}
    points:
      - {name: p, register: 10, type: float32, unit: kW, kind: power}
      - {name: e, register: 24, type: float32, unit: kWh, kind: energy, measured_at: ups_output}
EOT
}
cat >"$T/pued.yaml" <<EOT
site: "rtu"
poll_interval: 1s
devices:
$(dev s 1 200ms)
$(dev u2 2 200ms)
$(dev u3 3 1s)
pue:
  facility: {add: [s/e]}
  it: {add: [u2/e]}
storage: {path: $T/pued.db}
control: {socket: $T/pued.sock}
EOT
start_pued "$T/pued.yaml"
wait_for 15000 "three unit ids up on the bus" devices_jq '[.devices[].state] | all(. == "up") and length == 3'
for u in 1 2 3; do
	sim_cmd "stats rtu:$u" | jq -e '.fc03 >= 2' >/dev/null || fail "unit $u: $(sim_cmd "stats rtu:$u")"
done

# Unit 1 answers 300 ms after each request, its timeout is 200 ms: the
# answer to the power read comes while the energy read would be waiting.
[ "$(sim_cmd fault rtu:1 slow 300)" = ok ] || fail fault
wait_for 15000 "s failing: no answer" dev_jq s '.state != "up" and (.last_error | test("^read holding 10\\+2: no answer \\(timed out\\)"))'
polls=$(dev_jq s .polls)
wait_for 20000 "three more polls of s" dev_jq s ".polls >= $polls + 3"
[ "$(sim_cmd fault rtu:1 none)" = ok ] || fail fault
wait_for 20000 "s up again" dev_jq s '.state == "up"'

# Exceptions and wrong-length answers on the bus.
[ "$(sim_cmd fault rtu:3 exception)" = ok ] || fail fault
wait_for 15000 "u3 exception in words" dev_jq u3 '.last_error | test("exception 0x04, server device failure")'
[ "$(sim_cmd fault rtu:3 wronglen)" = ok ] || fail fault
wait_for 15000 "u3 wrong length" dev_jq u3 '.last_error | test("invalid answer \\(wrong length")'
[ "$(sim_cmd fault rtu:3 none)" = ok ] || fail fault
wait_for 20000 "u3 up again" dev_jq u3 '.state == "up"'

# Never a wrong number on the bus: power 960 / 400 / 400 kW, energy above
# the counters' start (100000 + 1000 x unit kWh), never a power value.
no_wrong_samples() {
	sql "SELECT p.device, p.name, s.value FROM samples s JOIN points p ON p.id = s.point
		WHERE (p.name = 'p' AND s.value != CASE p.device WHEN 's' THEN 960 ELSE 400 END)
		   OR (p.name = 'e' AND s.value < 100000)" >"$T/wrong"
	[ ! -s "$T/wrong" ] || fail "$1: wrong samples stored: $(head -5 "$T/wrong" | tr '\n' ' ')"
}
u3_samples() { sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point WHERE p.device = 'u3'"; }
u3_samples_above() { [ "$(u3_samples)" -gt "$1" ]; }
no_wrong_samples "faults so far"

# An answer must be alone on the line. A unit that sends every answer twice
# (a repeater that echoes): the second copy, same unit, function and size,
# would pass for the answer to the next read, the energy read taking the
# power read's registers. pued sees the copy behind the answer, and rejects
# the answer instead of storing what it cannot tell apart.
fault_phase() { # fault_phase MODE ERROR_REGEX: three polls of u3 under MODE, then back
	local polls n error
	polls=$(dev_jq u3 .polls)
	[ "$(sim_cmd fault rtu:3 "$1")" = ok ] || fail "fault $1"
	wait_for 20000 "three polls of u3 under $1" dev_jq u3 ".polls >= $polls + 3"
	error=$(dev_jq u3 '.last_error // ""')
	[ "$(sim_cmd fault rtu:3 none)" = ok ] || fail fault
	n=$(u3_samples)
	wait_for 20000 "u3 stores again after $1" u3_samples_above "$n" # every earlier one flushed
	no_wrong_samples "$1"
	[[ $error =~ $2 ]] || fail "$1: u3's error does not match '$2': $error"
}
fault_phase twice "^\"read holding 10\+2: invalid answer \(another frame followed the answer"

# A unit that sends a broken (wrong-length) answer, then the right one 50 ms
# later: pued must let the line go quiet before its next request, else the
# energy read gets the power read's late answer. (u3's timeout of 1 s is
# how late pued expects an answer: the simulator's 50 ms may run late on a
# busy machine, and one later than the timeout is beyond what pued can
# tell apart, rtu_line.h.)
fault_phase "retransmit 50" "^\"read holding 10\+2: invalid answer \(wrong length"
note "$(sql "SELECT count(*) FROM samples") samples, none wrong"
stop_clean "$PUED_PID" "$SIM_PID"
echo "PASS modbus_rtu"
