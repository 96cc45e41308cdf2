#!/bin/bash
# Readings that cannot be true (PUE.md, worked example 10) over Modbus TCP:
# the simulator's meters answer one poll each with 3e38 kW (the incomer's
# float32), -1e7 kW (a UPS's float32) and 1e12 kW (the other UPS's uint32 W
# register, which saturates at 2^32-1 W), and a cooling unit three polls
# in a row with -1e7 kW (an int32 W register, saturating at -2^31 W).
# pued rejects each as a device error, logs it once per run with the
# device name and the raw value, records one device_error event per run,
# stores no sample of it, and the 15m window they fell in keeps its figure
# (1.200, covered: a single bad poll is bridged by its neighbours). The
# PUE here comes from power points, so a bad power reading would move it.
# pued and the simulator share a clock running 60x real time; polls are
# 10 s apart in simulated time, one request per device (the simulator's
# "value" fault counts answers); a long timeout gives late polls a long
# grace before their minute closes, as a loaded machine needs.
. "$(dirname "$0")/lib.sh"

T0=1767225600000 # 2026-01-01T00:00:00Z
export PUED_TEST_CLOCK="$T0,$(($(date +%s%N) / 1000000)),60"
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e 's/^poll_interval: 1s/poll_interval: 10s/' \
	-e 's/^  facility: {add: \[incomer\/energy\]}/  facility: {add: [incomer\/power]}/' \
	-e 's/^  it: {add: \[ups-a\/energy, ups-b\/energy\]}/  it: {add: [ups-a\/power, ups-b\/power]}/' \
	-e 's/^  windows: \[15m, 1h, 24h\]/  windows: [15m]\n  alert_window: 15m/' \
	-e 's/unit_id: \([0-9]\)}/unit_id: \1, max_gap_registers: 40}/' \
	-e 's/    modbus: {/    timeout: 60s\n    retries: 10\n    modbus: {/' "$T/pued.yaml"
grep -q 'facility: {add: \[incomer/power\]}' "$T/pued.yaml" || fail "config edit"
start_pued "$T/pued.yaml"

sim_seconds() { # simulated seconds since T0, from pued
	puectl status --json | jq -e --argjson t0 "$T0" \
		'(.time | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) - $t0 / 1000 | floor'
}
past() { [ "$(sim_seconds)" -ge "$1" ]; }
w15() { puectl status --json | jq -c '.windows[0]'; }
logged() { grep -c -- "$1" "$T/pued.log" || true; }

wait_for 60000 "the 15m window covered at 1.200" \
	status_jq '.windows[0].state == "ok" and .windows[0].pue_milli == 1200'
before=$(w15)
note "15m before: $before"

[ "$(sim_cmd fault 1 value 3e38)" = ok ] || fail "simulator: fault 1 value 3e38"
[ "$(sim_cmd fault 3 value -1e7)" = ok ] || fail "simulator: fault 3 value -1e7"
[ "$(sim_cmd fault 2 value 1e12)" = ok ] || fail "simulator: fault 2 value 1e12"
[ "$(sim_cmd fault 5 value -1e7 3)" = ok ] || fail "simulator: fault 5 value -1e7 3"
faulted=$(sim_seconds)
wait_for 20000 "the incomer's 3e38 kW logged with its raw value" grep -q \
	'device incomer: point power: impossible reading rejected: power 3e+38 kW above the limit of [0-9.e+]* kW (raw 3e+38)' \
	"$T/pued.log"
wait_for 20000 "ups-b's -1e7 kW logged" grep -q \
	'device ups-b: point power: impossible reading rejected: power -1e+07 kW below -[0-9.e+]* kW (raw -1e+07)' \
	"$T/pued.log"
wait_for 20000 "ups-a's saturated uint32 logged with its raw count" grep -q \
	'device ups-a: point power: impossible reading rejected: power 4.29497e+06 kW above the limit of [0-9.e+]* kW (raw 4294967295)' \
	"$T/pued.log"
wait_for 20000 "crah-2's saturated int32 logged as a signed number" grep -q \
	'device crah-2: point power: impossible reading rejected: power -2.14748e+06 kW below -[0-9.e+]* kW (raw -2147483648)' \
	"$T/pued.log"
wait_for 30000 "crah-2's run of three to end" grep -q \
	'device crah-2: point power: plausible readings again after 3 rejected' "$T/pued.log"

# The minutes holding the bad readings are closed and in the window.
wait_for 30000 "three simulated minutes after the faults" past $((faulted + 180))
after=$(w15)
note "15m after: $after"
echo "$after" | jq -e '.state == "ok" and .pue_milli == 1200 and .coverage >= 0.95
	and .facility_kwh < 241 and .facility_kwh > 200 and .it_kwh < 201' >/dev/null ||
	fail "the 15m window moved: $after (before: $before)"
puectl status >"$T/status.txt"
grep -E '^  15m +1\.200 +ok ' "$T/status.txt" >/dev/null || fail "status text: $(cat "$T/status.txt")"
grep -E '^  now +1\.[12][0-9]{2} ' "$T/status.txt" >/dev/null || fail "status text now: $(cat "$T/status.txt")"

# Once per run: one line for each device's run, however long the run.
for d in incomer ups-a ups-b crah-2; do
	n=$(logged "device $d: point power: impossible reading rejected")
	[ "$n" -eq 1 ] || fail "$n lines for $d's impossible readings, want 1"
done
[ "$(logged 'still rejecting')" -eq 0 ] || fail "a run of three was summarised"

# Never a sample, one device_error event per run, each with its raw value.
wait_for 10000 "the events written" \
	test "$(sql "SELECT count(*) FROM events WHERE kind = 'device_error'")" -eq 4
n=$(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point
	WHERE p.name = 'power' AND (s.value > 2000 OR s.value < 0)")
[ "$n" -eq 0 ] || fail "$n impossible power samples stored"
[ "$(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point
	WHERE p.name = 'power' AND p.device = 'incomer'")" -gt 50 ] || fail "the incomer's samples are missing"
for want in "incomer/power|%raw 3e+38%" "ups-b/power|%raw -1e+07%" \
	"ups-a/power|%raw 4294967295%" "crah-2/power|%raw -2147483648%"; do
	[ "$(sql "SELECT count(*) FROM events WHERE kind = 'device_error'
		AND subject = '${want%%|*}' AND message LIKE '${want#*|}'")" -eq 1 ] ||
		fail "no device_error event for ${want%%|*}: $(sql "SELECT subject, message FROM events")"
done
# The devices answered throughout: up again, never down, no alert.
wait_for 10000 "every device up" devices_jq '[.devices[].state] | all(. == "up")'
[ "$(logged 'failing')" -eq 0 ] || fail "a device was reported failing"
# (insufficient_data may fire at the start on a slow machine: the window
# fills up in 15 simulated minutes, its minimum duration.)
! grep FIRING "$T/pued.log" | grep -v 'insufficient_data:15m FIRING' ||
	fail "an alert fired about the devices or the PUE"
stop_clean "$PUED_PID"
