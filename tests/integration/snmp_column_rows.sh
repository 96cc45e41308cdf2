#!/bin/bash
# An energy column summed over its rows (sum_column) whose agent leaves a
# row out for a while and then serves it again: the sum drops and comes
# back, which is neither a meter reset nor energy. pued logs that the rows
# changed, takes those intervals as unknown, raises no meter_reset event,
# and the PUE from the column stays the simulator's 960/800 = 1.2.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/snmpsim/snmpd.sh"

export PUE_SNMP_SIM_HIDE_FILE=$T/hide # pue-snmp-pass reads it (through snmpd)
step_clock 1767225600000 # 2026-01-01T00:00:00Z; pue-snmp-pass inherits it
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

# Polls at 0, 10 and 20 s with three rows, at 30, 40 and 50 s without
# row 2, from 60 s with it again.
advance 25s
echo 2 >"$T/hide"
advance 30s
rm -f "$T/hide"
advance 30s
events=$(sqlite3 "$T/pued.db" "SELECT kind || ' ' || subject FROM events WHERE kind IN ('meter_reset', 'glitch')")
[ -z "$events" ] || fail "a changed row set taken for a reset or glitch: $events"
grep -q 'point lines: the column.s rows changed (2 rows, were 3)' "$T/pued.log" || fail "no log line for the row left out"
grep -q 'point lines: the column.s rows changed (3 rows, were 2)' "$T/pued.log" || fail "no log line for the row back"
# The windows hold the simulator's ratio, and no minute holds the row's
# lifetime count as energy. Facility and IT power follow the same
# 10-minute swing, so any span of the hall holds 960/800 exactly.
advance 1066s # to 00:16:16: the 15m window 00:01-00:16 is closed
w15=$(puectl status --json | jq -c '.windows[] | select(.window == "15m")')
note "15m at 00:16:16: $w15"
echo "$w15" | jq -e '.pue == 1.2 and .coverage == 1' >/dev/null || fail "15m window: $w15"
max_it=$(sqlite3 "$T/pued.db" "SELECT round(max(it_kwh / (covered_ms / 60000.0)), 3) FROM minutes WHERE covered_ms > 0")
note "largest IT energy in a covered minute: $max_it kWh (800 kW x 2% swing = 13.6 kWh a minute at most)"
awk -v m="$max_it" 'BEGIN { exit !(m < 14) }' || fail "a minute holds $max_it kWh of IT energy"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
