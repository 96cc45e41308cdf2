#!/bin/bash
# Wall-clock steps (PUE.md, "Restarts and clock steps"): +1 h and -10 min
# while pued polls, on the stepped test clock. Energy goes on with the
# monotonic clock: the windows stay whole and exact, no minute is missing or
# repeated, one log line (and one event) names each step, no meter is
# blamed for a counter jump, and no alert changes state. pued's stamps
# rejoin the wall clock by slewing 1 ms in 12: meanwhile a stamped minute
# is 12/13 (after a step forward) or 12/11 (back) of a real one, and holds
# that much energy, at the same PUE.
. "$(dirname "$0")/lib.sh"

T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e 's/^poll_interval: 1s/poll_interval: 5s/' "$T/pued.yaml"
# Warning and ceiling alerts on the 15m window, minimum duration 1 min.
sed -i -e 's/^  warning: 1.22/  warning: 1.22\n  alert_window: 15m\n  min_duration: 1m/' "$T/pued.yaml"
start_pued "$T/pued.yaml"
w() { puectl status --json | jq -c ".windows[] | select(.window == \"$1\")"; }
# whole WHEN [FACILITY IT]: the 15m window is whole at 960/800; while
# slewing, its energies are those of 15 stamped minutes, within the whole
# Wh the meters count in (one at each end of the window).
whole() {
	w 15m | jq -e --argjson f "${2:-240}" --argjson i "${3:-200}" '.state == "ok" and .pue == 1.2
		and .coverage == 1 and (.facility_kwh - $f | fabs) <= 0.002
		and (.it_kwh - $i | fabs) <= 0.002' >/dev/null ||
		fail "15m window after $1: $(w 15m)"
}
alert_lines() { grep -c ' alert #' "$T/pued.log" || true; }

advance 20m
whole "20 minutes"
alerts_before=$(alert_lines)

# -10 min: the wall clock set back between two polls.
advance 0 -10m
advance 30m
whole "a step of -10 min" 261.818 218.182 # 240 x 12/11
[ "$(grep -c 'clock: the wall clock stepped -600.000 s' "$T/pued.log")" -eq 1 ] ||
	fail "no single log line for the -10 min step: $(grep clock: "$T/pued.log")"
advance 110m # slewed out 2 h after the step: the last 15 min are on the wall clock
whole "the slew back"
# +1 h: an NTP step forward.
advance 0 1h
advance 30m
whole "a step of +1 h" 221.538 184.615 # 240 x 12/13
[ "$(grep -c 'clock: the wall clock stepped +3600.000 s' "$T/pued.log")" -eq 1 ] ||
	fail "no single log line for the +1 h step: $(grep clock: "$T/pued.log")"
advance 12h
whole "the slew forward"
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"

! grep -E 'counter jumped|glitch|reset|no valid sample|stale' "$T/pued.log" ||
	fail "a meter was blamed for the clock"
[ "$(alert_lines)" -eq "$alerts_before" ] ||
	fail "alerts changed after the steps: $(grep ' alert #' "$T/pued.log" | tail -n +$((alerts_before + 1)))"
got=$(sql "SELECT count(*) FROM events WHERE kind = 'clock_step'")
[ "$got" -eq 2 ] || fail "$got clock_step events, want 2"
got=$(sql "SELECT count(*) FROM events WHERE kind IN ('glitch', 'meter_reset')")
[ "$got" -eq 0 ] || fail "$got glitch or reset events"
# Every minute of polling is stored once and whole: none lost to the step
# forward, none repeated by the step back.
got=$(sql "SELECT count(*), count(DISTINCT t), sum(covered_ms = 60000), sum(facility_kwh > 0),
	(max(t) - min(t)) / 60000 + 1 FROM minutes")
note "minutes (rows, distinct, whole, at 960 kW, span): $got"
IFS='|' read -r rows distinct covered at960 span <<<"$got"
[ "$rows" -eq "$distinct" ] && [ "$rows" -eq "$span" ] && [ "$covered" -eq "$rows" ] &&
	[ "$at960" -eq "$rows" ] && [ "$rows" -ge 900 ] || fail "minutes: $got"
