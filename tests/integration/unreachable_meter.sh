#!/bin/bash
# A valid configuration whose meter does not answer still starts: the meter
# shows as down with its error, the others stay up, and the PUE inputs that
# depend on it are unknown rather than wrong.
. "$(dirname "$0")/lib.sh"

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
# A port nobody listens on, held so that no test alongside gets it.
hold_port tcp
dead=$HELD_PORT
sed -i "0,/port: $SIM_PORT, unit_id: 3}/s//port: $dead, unit_id: 3}/" "$T/pued.yaml"
grep -q "port: $dead" "$T/pued.yaml" || fail "test setup: could not point ups-b at port $dead"
start_pued "$T/pued.yaml"

wait_for 20000 "ups-b down with a connect error" \
	devices_jq '.devices[] | select(.name == "ups-b") | .state == "down" and (.last_error | test("connect 127.0.0.1:[0-9]+: "))'
wait_for 10000 "the other devices up" \
	devices_jq '[.devices[] | select(.name != "ups-b") | .state] | all(. == "up")'
# ups-b/energy is an IT input: without it the instantaneous PUE has no
# number (its coverage counts ups-b at the others' mean power: 2/3).
status_jq '.instant.state == "insufficient_data" and .instant.pue == null and .instant.coverage < 0.95' >/dev/null ||
	fail "instant PUE shown without one of its inputs: $(puectl status --json | jq -c .instant)"
puectl devices | grep -E '^  ups-b +down' >/dev/null || fail "puectl devices: $(puectl devices)"
