#!/bin/bash
# A Counter32 energy counter (no counter_bits: the answer's type gives the
# width) that wraps while pued is stopped for five minutes: the first
# reading after the restart pairs with the last stored sample as a wrap,
# not a meter reset (PUE.md, worked example 3; "A restart loses only its
# downtime"), so no meter_reset event is raised and the counter's delta
# covers the downtime: the hour around it is exactly 960/800 kWh, fully
# covered.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/snmpsim/snmpd.sh"

step_clock 1767225600000 # 2026-01-01T00:00:00Z
start_snmpd agent
counter32_hall_config "$T/pued.yaml"
start_pued "$T/pued.yaml"
advance 2m

# The seconds until the counter wraps at about 960 kW (kWh = mWh x 1e-6;
# the +-2% swing moves that by about 2 s). Pued is to run half an hour
# before it, so a wrap nearer than that is let pass first.
to_wrap() {
	samples_of hall facility DESC | head -n1 | cut -d'|' -f2 |
		awk '{ printf "%d", (4294967296 - $1 * 1e6) / (960e6 / 3600) }'
}
if [ "$(to_wrap)" -lt 2000 ]; then advance $(($(to_wrap) + 120))s; fi
note "the counter wraps in about $(to_wrap) s"
# Stop 150 s before the wrap, on a whole minute of polls; down for 5 min.
advance $((($(to_wrap) - 150) / 60 * 60))s
wraps() { samples_of hall facility | awk -F'|' 'NR > 1 && $2 < prev { n++ } { prev = $2 } END { print n + 0 }'; }
[ "$(wraps)" -eq 0 ] || fail "the counter wrapped before pued stopped"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
advance_down 5m
start_pued "$T/pued.yaml"
advance 30m
[ "$(wraps)" -eq 1 ] || fail "the stored samples show $(wraps) wraps, expected 1"
events=$(sql "SELECT kind || ' ' || subject || ': ' || message FROM events WHERE kind IN ('meter_reset', 'glitch')")
[ -z "$events" ] || fail "the wrap across the restart was taken for: $events"
# The last hour (six whole 10-minute swings) holds the downtime, bridged by
# the counters' deltas.
got=$(puectl status --json | jq -c '.windows[] | select(.window == "1h")')
note "1h: $got"
echo "$got" | jq -e '.coverage == 1 and .facility_kwh == 960 and .it_kwh == 800' >/dev/null ||
	fail "1h window across the restart: $got"
stop_clean "$PUED_PID"
