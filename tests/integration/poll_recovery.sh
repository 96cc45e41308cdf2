#!/bin/bash
# SPDX-License-Identifier: MIT
# poll_recovery.sh - a device that comes back after a backoff is polled on
# its normal interval from the probe that found it (issue 14, item 7).
#
# A Modbus meter (the simulator's noanswer fault) and an SNMP agent (snmpd
# stopped with SIGSTOP) stay silent until both back off to 8 s or more
# between probes, then answer again. The probe that finds them answering
# was scheduled with the backoff step; before the fix the next poll came
# that step later (8 s, 16 s ... up to 60 s without a sample, and a
# data_stale alert). Now the sample after the recovery sample comes one
# interval (1 s) after it: exactly, on the stepped test clock (the silent
# polls still wait their 200 ms timeouts in real time).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/snmpsim/snmpd.sh"

step_clock 1767225600000
start_sim sim --control "$T/sim.sock"
start_snmpd agent
AGENT_PID=$SNMPD_PID
PLAY=1.3.6.1.4.1.8072.9999.9999.1
snmp_pued_config "$T/pued.yaml" "
  - name: m
    protocol: modbus_tcp
    timeout: 200ms
    retries: 0
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: 1}
    points:
      - {name: p, register: 10, type: float32, unit: kW, kind: power}
  - name: s
    protocol: snmp
    timeout: 200ms
    retries: 0
    snmp: {host: 127.0.0.1, port: $SNMPD_PORT, community: $SNMP_COMMUNITY}
    points:
      - {name: p, oid: $PLAY.1.0, kind: power, unit: W, measured_at: ups_output}" "
pue:
  facility: {add: [m/p]}
  it: {add: [s/p]}"
start_pued "$T/pued.yaml"
advance 5s
devices_jq '[.devices[].state] == ["up","up"]' >/dev/null || fail "m and s not up: $(puectl devices --json | jq -c .)"

[ "$(sim_cmd fault 1 noanswer)" = ok ] || fail "simulator refused the fault"
kill -STOP "$AGENT_PID"
# 5 failures in a row: the next probe's tick steps 8 s (health.h: doubling
# from the 3rd failure), the one after 16 s.
advance 40s
devices_jq '[.devices[] | .state == "down" and .consecutive_failures >= 5] | all' >/dev/null ||
	fail "m and s not backing off: $(puectl devices --json | jq -c .)"
note "backing off: $(puectl devices --json | jq -c '[.devices[] | {name, consecutive_failures}]')"
cleared=$(clock_ms)
[ "$(sim_cmd fault 1 none)" = ok ] || fail "simulator refused to clear the fault"
kill -CONT "$AGENT_PID"
advance 70s # more than the longest step so far (16 s) and two intervals

for d in m s; do
	grep -q "device $d: recovered after" "$T/pued.log" || fail "$d did not recover"
done
# The recovery sample and the two after it, per device.
for d in m s; do
	mapfile -t ts < <(sql "SELECT s.t FROM samples s JOIN points p ON p.id = s.point
		WHERE p.device = '$d' AND s.t > $cleared ORDER BY s.t LIMIT 3")
	gap1=$((ts[1] - ts[0])) gap2=$((ts[2] - ts[1]))
	note "$d: $(grep -m1 "device $d: recovered after" "$T/pued.log" | sed 's/.*: recovered/recovered/');" \
		"then samples ${gap1} ms and ${gap2} ms apart"
	# One interval (1000 ms) apart; the backoff step the probe was
	# scheduled with is 8000 ms or more.
	[ "$gap1" -eq 1000 ] || fail "$d: the sample after the recovery came $gap1 ms later, want 1000"
	[ "$gap2" -eq 1000 ] || fail "$d: then $gap2 ms, want 1000"
done
stop_clean "$PUED_PID" "$SIM_PID"
echo "PASS poll_recovery"
