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
# interval (1 s) after it.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/snmpsim/snmpd.sh"

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
wait_for 15000 "m and s up" status_jq '[.devices[].state] == ["up","up"]'

[ "$(sim_cmd fault 1 noanswer)" = ok ] || fail "simulator refused the fault"
kill -STOP "$AGENT_PID"
# 5 failures in a row: the next probe's tick steps 8 s (health.h: doubling
# from the 3rd failure), the one after 16 s.
wait_for 30000 "m and s backing off" \
	status_jq '[.devices[] | .state == "down" and .consecutive_failures >= 5] | all'
note "backing off: $(puectl devices --json | jq -c '[.devices[] | {name, consecutive_failures}]')"
cleared=$(($(date +%s%N) / 1000000))
[ "$(sim_cmd fault 1 none)" = ok ] || fail "simulator refused to clear the fault"
kill -CONT "$AGENT_PID"

for d in m s; do
	wait_for 40000 "$d recovered" grep -q "device $d: recovered after" "$T/pued.log"
done
# The recovery sample and the two after it, per device.
for d in m s; do
	wait_for 10000 "three samples of $d after the recovery" bash -c "[ \$(sqlite3 '$T/pued.db' \
		\"SELECT count(*) FROM samples s JOIN points p ON p.id = s.point
		WHERE p.device = '$d' AND s.t > $cleared\") -ge 3 ]"
	mapfile -t ts < <(sql "SELECT s.t FROM samples s JOIN points p ON p.id = s.point
		WHERE p.device = '$d' AND s.t > $cleared ORDER BY s.t LIMIT 3")
	gap1=$((ts[1] - ts[0])) gap2=$((ts[2] - ts[1]))
	note "$d: $(grep -m1 "device $d: recovered after" "$T/pued.log" | sed 's/.*: recovered/recovered/');" \
		"then samples ${gap1} ms and ${gap2} ms apart"
	# One interval (1000 ms) apart, give or take the time a read takes;
	# the backoff step the probe was scheduled with is 8000 ms or more.
	[ "$gap1" -gt 0 ] && [ "$gap1" -lt 2000 ] ||
		fail "$d: the sample after the recovery came $gap1 ms later, want one interval"
	[ "$gap2" -gt 0 ] && [ "$gap2" -lt 2000 ] || fail "$d: then $gap2 ms, want one interval"
done
stop_clean "$PUED_PID" "$SIM_PID"
echo "PASS poll_recovery"
