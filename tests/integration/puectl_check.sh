#!/bin/bash
# puectl check follows the Nagios/Icinga plugin convention: exit 0 OK,
# 1 WARNING, 2 CRITICAL, 3 UNKNOWN, one line with perfdata. The alert
# window here is 1 minute on a clock running 60x, so each state is
# reached within seconds of the simulator's profile change.
. "$(dirname "$0")/lib.sh"

export PUED_TEST_CLOCK="1767225600000,$(($(date +%s%N) / 1000000)),60"
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i 's/  windows: \[15m, 1h, 24h\]/  windows: [1m, 15m]\n  alert_window: 1m/' "$T/pued.yaml"
start_pued "$T/pued.yaml"

check_is() { # check_is CODE REGEX
	local out rc=0
	out=$(puectl check) || rc=$?
	echo "$out" >"$T/check.out"
	[ "$rc" -eq "$1" ] && [[ "$out" =~ $2 ]]
}

# Before a minute is covered: UNKNOWN, and no number in the perfdata.
check_is 3 '^PUE UNKNOWN - 1m PUE insufficient data .* \| pue_1m=;1\.22;1\.25 coverage_1m=' ||
	fail "first state: $(cat "$T/check.out")"
wait_for 30000 "OK at 1.20" check_is 0 '^PUE OK - 1m PUE 1\.200 \(ceiling 1\.25, coverage 1[0-9.]*%, category 1\) \| pue_1m=1\.2[0-9]*;1\.22;1\.25'
sim_cmd set facility_kw 990 >/dev/null # 1.2375: over the warning level
wait_for 30000 "WARNING at 1.2375" check_is 1 '^PUE WARNING - 1m PUE 1\.23[78]'
sim_cmd set facility_kw 1100 >/dev/null # 1.375: over the ceiling
wait_for 30000 "CRITICAL at 1.375" check_is 2 '^PUE CRITICAL - 1m PUE 1\.37[45]'
sim_cmd set facility_kw 700 >/dev/null # 0.875: a metering error
wait_for 30000 "CRITICAL below one" check_is 2 '^PUE CRITICAL - 1m PUE 0\.87[0-9] is below 1'
sim_cmd set it_kw 0 >/dev/null
wait_for 30000 "UNKNOWN without IT load" check_is 3 '^PUE UNKNOWN - 1m PUE undefined: no IT load'
stop_pid "$PUED_PID" 5000
check_is 3 "^PUE UNKNOWN - cannot reach pued at $T/pued.sock" || fail "no pued: $(cat "$T/check.out")"
