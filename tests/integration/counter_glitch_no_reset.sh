#!/bin/bash
# PUE.md's classic glitch, a counter that reads a bogus zero once and then
# the real value, is a glitch (a device error) and never a meter reset: a
# meter_reset alert pages the NOC, so a drop is judged by the reading
# after it. The same for a bogus jump that the next answer takes back. A
# counter that really starts again from 0 stays down and is a reset, one
# poll after the drop, and so across a restart. On the stepped clock:
# every 1 s poll is taken.
. "$(dirname "$0")/lib.sh"

step_clock 1767225600000 # 2026-01-01T00:00:00Z
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
start_pued "$T/pued.yaml"
events() { sql "SELECT kind || ' ' || subject || ': ' || message FROM events WHERE kind IN ('meter_reset', 'glitch') ORDER BY t, rowid"; }
alert_state() { # alert_state KEY: its state in puectl alerts, or "ok"
	puectl alerts --json | jq -r --arg k "$1" '[.active[] | select(.alert == $k) | .state] | first // "ok"'
}
advance 2m

# bogus_once KWH WHAT GLITCHES: the incomer's counter reads KWH in one
# answer, then as it was; after a minute there are GLITCHES glitch events
# (the last about KWH), no meter_reset event and no meter_reset alert.
bogus_once() {
	[ "$(sim_cmd fault 1 counter "$1")" = ok ] || fail "simulator: fault 1 counter $1"
	advance 1m
	note "after $2: $(events | tr '\n' ';')"
	[ "$(events | grep -c '^glitch incomer/energy')" = "$3" ] &&
		events | tail -n1 | grep -q "^glitch incomer/energy: counter read $(printf %.3f "$1") kWh" ||
		fail "$2 is not one glitch: $(events)"
	events | grep -q '^meter_reset' && fail "$2 was taken for a meter reset: $(events)"
	[ "$(alert_state meter_reset:incomer/energy)" = ok ] ||
		fail "meter_reset alert on $2: $(puectl alerts --json | jq -c .active)"
}
# The incomer (unit 1) counts its energy in a uint32 Wh register
# (counter_bits 32; near 101,000 kWh, a drop to 0 is no wrap), read with
# its power in one request. One bogus zero; then one bogus jump far beyond
# its power (to 1,000,000 kWh, within the register's 32 bits).
bogus_once 0 "a bogus zero" 1
bogus_once 1e6 "a bogus jump" 2

# A real reset: the counter starts again from 0 and stays down.
[ "$(sim_cmd fault 1 reset)" = ok ] || fail "simulator: fault 1 reset"
advance 1m
note "after a reset: $(events | tr '\n' ';')"
[ "$(events | grep -c '^meter_reset incomer/energy: counter went down to .* and stayed down')" = 1 ] ||
	fail "the reset is not one meter_reset: $(events)"
[ "$(events | grep -c '^glitch')" = 2 ] || fail "the reset also raised a glitch: $(events)"
[ "$(alert_state meter_reset:incomer/energy)" = firing ] ||
	fail "no meter_reset alert on a reset: $(puectl alerts --json | jq -c .active)"

# A reset read by the last poll before a stop is judged by the first after
# the start: pued seeds each counter with its last two stored samples.
advance 1m
[ "$(sim_cmd fault 1 reset)" = ok ] || fail "simulator: fault 1 reset"
advance 1s
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
advance_down 5s
start_pued "$T/pued.yaml"
advance 1m
note "after a reset across a restart: $(events | tail -n2 | tr '\n' ';')"
[ "$(events | grep -c '^meter_reset incomer/energy')" = 2 ] ||
	fail "the reset before the stop is not a second meter_reset: $(events)"
[ "$(events | grep -c '^glitch')" = 2 ] || fail "the restart raised a glitch: $(events)"
stop_clean "$PUED_PID"
