#!/bin/bash
# A Counter32 energy counter that wraps (every 4.5 simulated hours) read
# over SNMP on the stepped test clock: the wraps are counted as energy, not
# as meter resets, and the hourly PUE from that counter (facility) and a
# Counter64 (IT) is the simulator's 960/800 = 1.2.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/snmpsim/snmpd.sh"

step_clock 1767225600000 # 2026-01-01T00:00:00Z
start_snmpd agent        # pue-snmp-pass inherits the clock
counter32_hall_config "$T/pued.yaml"
start_pued "$T/pued.yaml"

wraps() { # decreases of the Counter32 in the stored samples
	samples_of hall facility | awk -F'|' 'NR > 1 && $2 < prev { n++ } { prev = $2 } END { print n + 0 }'
}
# Ten hours and a minute: the counter, 2^32 mWh = 4295 kWh, wraps twice
# at about 960 kW (4.47 h each), and the last hour's minutes are closed.
advance 10h
advance 2m
note "wraps: $(wraps), 1h: $(puectl status --json | jq -c '.windows[] | select(.window == "1h")')"
[ "$(wraps)" -eq 2 ] || fail "the Counter32 wrapped $(wraps) times in 10 h"
# An hour holds six whole periods of the hall's 10-minute swing: exactly
# 960 and 800 kWh.
status_jq '.windows[] | select(.window == "1h") | .pue == 1.2 and .coverage == 1
	and .facility_kwh == 960 and .it_kwh == 800' >/dev/null ||
	fail "1h window: $(puectl status --json | jq -c '.windows[] | select(.window == "1h")')"
events=$(sqlite3 "$T/pued.db" "SELECT kind || ' ' || subject FROM events WHERE kind IN ('meter_reset', 'glitch')")
[ -z "$events" ] || fail "wraps taken for resets or glitches: $events"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
