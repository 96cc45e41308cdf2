#!/bin/bash
# The rolling windows from energy, checked against the simulator's known
# answer. pued and the simulator share a scaled clock (PUED_TEST_CLOCK,
# 60x real time), so 15 simulated minutes pass in 15 real seconds; nothing
# here depends on the machine's speed: polls are 5 s apart in simulated
# time, and the checks wait for coverage, not for a time.
. "$(dirname "$0")/lib.sh"

now=$(($(date +%s%N) / 1000000))
# Start at a whole hour so the test is the same every run.
export PUED_TEST_CLOCK="1767225600000,$now,60"

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e 's/^poll_interval: 1s/poll_interval: 5s/' -e 's/^workers: 2/workers: 2/' "$T/pued.yaml"
start_pued "$T/pued.yaml"

# 15m window: E_facility / E_IT = 960 / 800 once 95% of it is covered.
wait_for 60000 "the 15m window covered" status_jq '.windows[0].state == "ok"'
puectl status --json >"$T/s1.json"
note "15m: $(jq -c '.windows[0]' "$T/s1.json")"
jq -e '.windows[0] | (.pue - 1.2 | fabs) < 0.002 and .coverage >= 0.95 and .category == 1' \
	"$T/s1.json" >/dev/null || fail "15m window is not 1.20"
# energy over the covered time matches the profile: 960 kW x covered hours
jq -e '.windows[0] | (.facility_kwh / (960 * .coverage * 0.25) - 1 | fabs) < 0.01' \
	"$T/s1.json" >/dev/null || fail "15m facility energy does not match 960 kW"
jq -e '.windows[1].state == "insufficient_data" and .windows[1].pue == null' "$T/s1.json" \
	>/dev/null || fail "1h window shown before it is covered"

# Change the profile: facility 1000 kW, IT 800 kW (1.25 exactly, not above).
# Once the 15m window holds only the new profile it reads 1.25.
[ "$(sim_cmd set facility_kw 1000)" = ok ] || fail "simulator command"
wait_for 60000 "the 15m window at the new profile" \
	status_jq '.windows[0].state != "insufficient_data" and (.windows[0].pue - 1.25 | fabs) < 0.002'
puectl status --json >"$T/s2.json"
note "15m after the change: $(jq -c '.windows[0]' "$T/s2.json")"
jq -e '.windows[0].exceeds_ceiling == false and .windows[0].exceeds_warning == true' \
	"$T/s2.json" >/dev/null || fail "1.25 is at the ceiling, not above it"

# The minute rollups in the database agree with the windows.
kill -TERM "$PUED_PID"
wait_for 5000 "pued to exit" bash -c "! kill -0 $PUED_PID 2>/dev/null"
m=$(sqlite3 "$T/pued.db" "SELECT count(*) FROM minutes WHERE covered_ms = 60000
	AND abs(facility_kwh / it_kwh - 1.2) < 0.002")
note "$m fully covered minutes at 1.20 stored"
[ "$m" -ge 10 ] || fail "only $m covered minutes at 1.20 stored"
