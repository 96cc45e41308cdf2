#!/bin/bash
# A meter reset on a counter polled every 15 minutes still pages: a drop is
# judged by the reading after it, 15 minutes later, and the meter_reset
# alert takes that reading's time as its evidence (an alert counts an
# event for max(min_duration, 60 s) after it; the drop's own time would be
# too old by then and the alert would never fire). The event in the
# database keeps the drop's time. On the stepped clock.
. "$(dirname "$0")/lib.sh"

T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i 's/^poll_interval: 1s$/poll_interval: 15m/' "$T/pued.yaml"
grep -q '^poll_interval: 15m$' "$T/pued.yaml" || fail "config edit"
start_pued "$T/pued.yaml"
alert_state() { puectl alerts --json | jq -r --arg k "$1" '[.active[] | select(.alert == $k) | .state] | first // "ok"'; }

advance 1h
[ "$(sim_cmd fault 1 reset)" = ok ] || fail "simulator: fault 1 reset"
advance 16m # the drop is read at 01:15 (01:00 was polled before it), judged at 01:30
[ "$(alert_state meter_reset:incomer/energy)" = ok ] ||
	fail "meter_reset before the reading that confirms it: $(puectl alerts --json | jq -c .active)"
advance 15m
got=$(sql "SELECT t - $T0, kind FROM events WHERE kind IN ('meter_reset', 'glitch')")
note "events (ms after 00:00): $got"
[ "$got" = "4500000|meter_reset" ] || fail "events: $got"
[ "$(alert_state meter_reset:incomer/energy)" = firing ] ||
	fail "no meter_reset alert on a reset read every 15 minutes: $(puectl alerts --json | jq -c .active)"
stop_clean "$PUED_PID"
