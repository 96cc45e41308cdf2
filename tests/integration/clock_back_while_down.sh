#!/bin/bash
# The wall clock set back while pued is down (PUE.md, "Restarts and clock
# steps": a clock step loses only its downtime and never freezes a
# figure). pued runs 30 min at 960/800 kW, stops, the wall clock goes
# back 20 min, the hall moves to 1100 kW and pued starts again. Its stamps
# go on from the stored minutes and slew back to the wall clock (1 ms in
# 12, clock.h), as after a step seen running: the windows count what it
# measures from then on (15 stamp-minutes are 16.4 real ones), no stored
# minute holds more than one, and the step is told once.
. "$(dirname "$0")/lib.sh"

step_clock 1767225600000 # 2026-01-01T00:00:00Z
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
start_pued "$T/pued.yaml"
w() { puectl status --json | jq -c ".windows[] | select(.window == \"$1\")"; }

advance 30m
w 15m | jq -e '.state == "ok" and .pue == 1.2' >/dev/null || fail "15m at 00:30: $(w 15m)"
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
"$BIN/pue-clock" step-wall "$T/clock" -20m >/dev/null || fail "pue-clock step-wall"
advance_down 1s
[ "$(sim_cmd set facility_kw 1100)" = ok ] || fail "simulator command"
start_pued "$T/pued.yaml"
advance 18m
note "15m 18 min after a start 20 min back: $(w 15m)"
w 15m | jq -e '.state == "above_ceiling" and .pue == 1.375 and .coverage >= 0.99' >/dev/null ||
	fail "15m window after the clock went back: $(w 15m)"
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
got=$(sql "SELECT count(*) FROM minutes WHERE covered_ms > 60000")
[ "$got" -eq 0 ] || fail "$got minutes hold more than a minute: $(sql "SELECT t, covered_ms, facility_kwh FROM minutes WHERE covered_ms > 60000 LIMIT 3")"
got=$(sql "SELECT count(*) FROM events WHERE kind = 'clock_step'")
[ "$got" -eq 1 ] || fail "$got clock_step events: $(sql "SELECT * FROM events")"
note "event: $(sql "SELECT message FROM events WHERE kind = 'clock_step'")"
got=$(sql "SELECT count(*) FROM events WHERE kind IN ('glitch', 'meter_reset')")
[ "$got" -eq 0 ] || fail "the step was blamed on a meter: $(sql "SELECT * FROM events")"
