#!/bin/bash
# A Counter32 energy counter that wraps (every 4.5 simulated hours) read
# over SNMP on a scaled clock: the wraps are counted as energy, not as meter
# resets, and the hourly PUE from that counter (facility) and a Counter64
# (IT) is the simulator's 960/800 = 1.2.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/snmpsim/snmpd.sh"

now=$(($(date +%s%N) / 1000000))
export PUED_TEST_CLOCK="$now,$now,3600" # one real second is a simulated hour
start_snmpd agent                       # pue-snmp-pass inherits the clock
PLAY=1.3.6.1.4.1.8072.9999.9999.1
snmp_pued_config "$T/pued.yaml" "
  - name: hall
    protocol: snmp
    poll_interval: 1m
    snmp: {host: 127.0.0.1, port: $SNMPD_PORT, version: 2c, community: $SNMP_COMMUNITY}
    points:
      # mWh in a Counter32: scale 0.001 gives Wh; it wraps at 2^32 mWh.
      - {name: facility, oid: $PLAY.3.0, kind: energy, unit: Wh, scale: 0.001, counter_bits: 32}
      - {name: it, oid: $PLAY.4.0, kind: energy, unit: Wh, counter_bits: 64, measured_at: ups_output}" "
pue:
  facility: {add: [hall/facility]}
  it: {add: [hall/it]}
  windows: [15m, 1h]
  alert_window: 1h"
start_pued "$T/pued.yaml"

wrapped() { # at least N decreases of the Counter32 in the stored samples
	[ "$(samples_of hall facility | awk -F'|' 'NR > 1 && $2 < prev { n++ } { prev = $2 } END { print n + 0 }')" -ge "$1" ]
}
wait_for 30000 "the Counter32 to wrap twice" wrapped 2
# The first minutes of a window start mid-interval; wait for it to settle.
wait_for 30000 "an hourly PUE of 1.2 (+-0.002)" \
	status_jq '.windows[] | select(.window == "1h") | .pue != null and ((.pue - 1.2) | fabs) < 0.002'
events=$(sqlite3 "$T/pued.db" "SELECT kind || ' ' || subject FROM events WHERE kind IN ('meter_reset', 'glitch')")
[ -z "$events" ] || fail "wraps taken for resets or glitches: $events"
note "wraps: $(samples_of hall facility | awk -F'|' 'NR > 1 && $2 < prev { n++ } { prev = $2 } END { print n + 0 }'), PUE 1h $(puectl status --json | jq '.windows[] | select(.window == "1h") | .pue')"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
