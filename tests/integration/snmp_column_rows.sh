#!/bin/bash
# An energy column summed over its rows (sum_column) whose agent leaves a
# row out for a while and then serves it again: the sum drops and comes
# back, which is neither a meter reset nor energy. pued logs that the rows
# changed, takes those intervals as unknown, raises no meter_reset event,
# and the PUE from the column stays the simulator's 960/800 = 1.2.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/snmpsim/snmpd.sh"

export PUE_SNMP_SIM_HIDE_FILE=$T/hide # pue-snmp-pass reads it (through snmpd)
now=$(($(date +%s%N) / 1000000))
export PUED_TEST_CLOCK="$now,$now,60" # a real second is a simulated minute
start_snmpd agent
PLAY=1.3.6.1.4.1.8072.9999.9999.1
snmp_pued_config "$T/pued.yaml" "
  - name: hall
    protocol: snmp
    poll_interval: 10s
    snmp: {host: 127.0.0.1, port: $SNMPD_PORT, version: 2c, community: $SNMP_COMMUNITY}
    points:
      - {name: facility, oid: $PLAY.8.0, kind: energy, unit: kWh}
      - {name: lines, oid: $PLAY.18, sum_column: true, kind: energy, unit: Wh, counter_bits: 64, measured_at: ups_output}" "
pue:
  facility: {add: [hall/facility]}
  it: {add: [hall/lines]}
  windows: [15m, 1h]
  alert_window: 1h"
start_pued "$T/pued.yaml"

stored() { [ "$(samples_of hall lines | wc -l)" -ge "$1" ]; }
wait_for 10000 "three samples of the column" stored 3
echo 2 >"$T/hide"
n=$(samples_of hall lines | wc -l)
wait_for 10000 "samples without the row" stored $((n + 3))
rm -f "$T/hide"
n=$(samples_of hall lines | wc -l)
wait_for 10000 "samples with the row back" stored $((n + 3))
events=$(sqlite3 "$T/pued.db" "SELECT kind || ' ' || subject FROM events WHERE kind IN ('meter_reset', 'glitch')")
[ -z "$events" ] || fail "a changed row set taken for a reset or glitch: $events"
grep -q 'point lines: the column.s rows changed (2 rows, were 3)' "$T/pued.log" || fail "no log line for the row left out"
grep -q 'point lines: the column.s rows changed (3 rows, were 2)' "$T/pued.log" || fail "no log line for the row back"
# The windows hold the simulator's ratio, and no minute holds the row's
# lifetime count as energy.
back=$(sqlite3 "$T/pued.db" "SELECT max(t) FROM samples")
minutes_after() { [ "$(sqlite3 "$T/pued.db" "SELECT count(*) FROM minutes WHERE t > $back")" -ge 3 ]; }
wait_for 20000 "three minutes stored after the row came back" minutes_after
wait_for 30000 "a 15m PUE of 1.2 (+-0.01)" \
	status_jq '.windows[] | select(.window == "15m") | .pue != null and ((.pue - 1.2) | fabs) < 0.01'
max_it=$(sqlite3 "$T/pued.db" "SELECT round(max(it_kwh / (covered_ms / 60000.0)), 3) FROM minutes WHERE covered_ms > 0")
note "largest IT energy in a covered minute: $max_it kWh (800 kW x 2% swing = 13.6 kWh a minute at most)"
awk -v m="$max_it" 'BEGIN { exit !(m < 14) }' || fail "a minute holds $max_it kWh of IT energy"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
