#!/bin/bash
# SPDX-License-Identifier: MIT
# modbus_rtu.sh - Modbus RTU on a pty pair: three unit ids on one bus,
# polled one at a time. An RTU answer carries no transaction id, so a meter
# that answers after the timeout could have its late answer taken for the
# answer to the next read (same unit, function and size): a wrong number.
# pued lets the late answer arrive and flushes it, and stops the poll at the
# first unanswered read, so it stores none. Exceptions and wrong-length
# answers on the bus are device errors too.
source "$(dirname "$0")/lib.sh"

start_pty_pair
start_sim sim --control "$T/sim.sock" --rtu "$T/ttyA" --baud 19200
dev() { # dev NAME UNIT: power and energy, float32 both, in two reads of 2 registers
	cat <<EOT
  - name: $1
    protocol: modbus_rtu
    timeout: 200ms
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
$(dev s 1)
$(dev u2 2)
$(dev u3 3)
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
sql "SELECT p.device, p.name, s.value FROM samples s JOIN points p ON p.id = s.point
	WHERE (p.name = 'p' AND s.value != CASE p.device WHEN 's' THEN 960 ELSE 400 END)
	   OR (p.name = 'e' AND s.value < 100000)" >"$T/wrong"
[ ! -s "$T/wrong" ] || fail "wrong samples stored: $(head -5 "$T/wrong" | tr '\n' ' ')"
note "$(sql "SELECT count(*) FROM samples") samples, none wrong"
stop_clean "$PUED_PID" "$SIM_PID"
echo "PASS modbus_rtu"
