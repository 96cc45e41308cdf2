#!/bin/bash
# A sum_column walk asks for the rows the column had at the last poll plus
# one (issue 18): a 3-row column, polled with GETBULK through a real
# snmpd, costs the agent 4 values a poll once its size is known, not
# PUE_SNMP_MAX_REPETITIONS (32). The agent's own log counts them: snmpd
# asks pue-snmp-pass once per repetition (PUE_SNMP_SIM_LOG_FILE). A column
# that grows between polls is still read whole (a follow-up request),
# and the next poll asks for the new size.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/snmpsim/snmpd.sh"

export PUE_SNMP_SIM_HIDE_FILE=$T/hide PUE_SNMP_SIM_LOG_FILE=$T/asked
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
  windows: [15m]
  alert_window: 15m"
: >"$T/asked"
start_pued "$T/pued.yaml"

# walked: the getnext requests the agent answered since the last call (the
# walk is the only one that makes getnext; the other point is a get),
# then the log starts over.
walked() {
	local n
	n=$(grep -c "^getnext " "$T/asked" || true)
	: >"$T/asked"
	echo "$n"
}
polls() { devices_jq '.devices[0].polls'; }

advance 5s # the first poll, at 0 to 10 s: the column's size is not known yet
wait_for 10000 "the first poll" devices_jq '.devices[0].polls >= 1'
first=$(walked)
advance 10s
second=$(walked)
advance 10s
third=$(walked)
note "getnext per poll: first $first, then $second, $third"
[ "$first" -gt 4 ] || fail "the first walk asked for $first rows; a walk with nothing learned asks for more"
[ "$second" -eq 4 ] && [ "$third" -eq 4 ] || fail "a 3-row column cost $second and $third values a poll, want 4"

# Row 2 left out: the next poll still asks for 4 and finds 2; from then on
# 3 a poll. Row 2 back: the poll that asked for 3 finds no end in them,
# asks again and sums all 3 rows; the next asks for 4.
echo 2 >"$T/hide"
advance 10s
walked >/dev/null
advance 10s
shrunk=$(walked)
rm -f "$T/hide"
advance 10s
grown=$(walked)
advance 10s
after=$(walked)
note "getnext per poll: with 2 rows $shrunk, as row 3 comes back $grown, then $after"
[ "$shrunk" -eq 3 ] || fail "a 2-row column cost $shrunk values, want 3"
[ "$grown" -gt 3 ] || fail "the column grew and the walk stopped at $grown values"
[ "$after" -eq 4 ] || fail "after the column grew back to 3 rows: $after values, want 4"
grep -q 'point lines: the column.s rows changed (3 rows, were 2)' "$T/pued.log" ||
	fail "the grown column was not read whole: $(grep 'rows changed' "$T/pued.log")"
devices_jq '.devices[0].state == "up"' >/dev/null || fail "hall: $(puectl devices --json | jq -c .devices[0])"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
