#!/bin/bash
# Readings that cannot be true (PUE.md, worked example 10) over Modbus TCP:
# the simulator's meters answer one poll each with 3e38 kW (the incomer's
# float32), -1e7 kW (a UPS's float32) and 1e12 kW (the other UPS's uint32 W
# register, which saturates at 2^32-1 W), and a cooling unit three polls
# in a row with -1e7 kW (an int32 W register, saturating at -2^31 W).
# pued rejects each as a device error, logs it once per run with the
# device name and the raw value, records one device_error event per run,
# stores no sample of it, and the 15m window they fell in keeps its figure
# (1.200 from 240 kWh over 200 kWh, fully covered: a single bad poll is
# bridged by its neighbours). The PUE here comes from power points, so a
# bad power reading would move it. pued and the simulator share the
# stepped test clock; polls are 10 s apart, one request per device (the
# simulator's "value" fault counts answers), so the bad answers are the
# polls at 00:15:10 (and crah-2's at :20 and :30), exactly.
. "$(dirname "$0")/lib.sh"

T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e 's/^poll_interval: 1s/poll_interval: 10s/' \
	-e 's/^  facility: {add: \[incomer\/energy\]}/  facility: {add: [incomer\/power]}/' \
	-e 's/^  it: {add: \[ups-a\/energy, ups-b\/energy\]}/  it: {add: [ups-a\/power, ups-b\/power]}/' \
	-e 's/^  windows: \[15m, 1h, 24h\]/  windows: [15m]\n  alert_window: 15m/' \
	-e 's/unit_id: \([0-9]\)}/unit_id: \1, max_gap_registers: 40}/' "$T/pued.yaml"
grep -q 'facility: {add: \[incomer/power\]}' "$T/pued.yaml" || fail "config edit"
start_pued "$T/pued.yaml"

w15() { puectl status --json | jq -c '.windows[0]'; }
# window_whole WHEN: the 15m window is 960 kW and 800 kW for a quarter of
# an hour, every second of it covered.
window_whole() {
	local got
	got=$(w15)
	note "15m $1: $got"
	echo "$got" | jq -e '.state == "ok" and .pue == 1.2 and .pue_milli == 1200 and .coverage == 1
		and .facility_kwh == 240 and .it_kwh == 200' >/dev/null || fail "the 15m window $1: $got"
}
logged() { grep -c -- "$1" "$T/pued.log" || true; }

# Minute 00:14 closes at 00:15:01 (the poll at 00:15:00 ends it).
advance_to 00:15:01
window_whole "at 00:15:01, before the faults"

[ "$(sim_cmd fault 1 value 3e38)" = ok ] || fail "simulator: fault 1 value 3e38"
[ "$(sim_cmd fault 3 value -1e7)" = ok ] || fail "simulator: fault 3 value -1e7"
[ "$(sim_cmd fault 2 value 1e12)" = ok ] || fail "simulator: fault 2 value 1e12"
[ "$(sim_cmd fault 5 value -1e7 3)" = ok ] || fail "simulator: fault 5 value -1e7 3"
# Through 00:17:01: the minutes 00:15 and 00:16 holding the bad readings
# are closed and in the window.
advance_to 00:17:01
grep -q 'device incomer: point power: impossible reading rejected: power 3e+38 kW above the limit of [0-9.e+]* kW (raw 3e+38)$' \
	"$T/pued.log" || fail "the incomer's 3e38 kW not logged with its raw value"
grep -q 'device ups-b: point power: impossible reading rejected: power -1e+07 kW below -[0-9.e+]* kW (raw -1e+07)$' \
	"$T/pued.log" || fail "ups-b's -1e7 kW not logged"
grep -q 'device ups-a: point power: impossible reading rejected: power 4.29497e+06 kW above the limit of [0-9.e+]* kW (raw 4294967295)$' \
	"$T/pued.log" || fail "ups-a's saturated uint32 not logged with its raw count"
grep -q 'device crah-2: point power: impossible reading rejected: power -2.14748e+06 kW below -[0-9.e+]* kW (raw -2147483648)$' \
	"$T/pued.log" || fail "crah-2's saturated int32 not logged as a signed number"
# Each run ends at the next poll: one bad poll of 10 s, crah-2's three of 30 s.
for d in incomer ups-a ups-b; do
	[ "$(logged "device $d: point power: plausible readings again after 1 rejected (10 s)$")" -eq 1 ] ||
		fail "$d's run of one: $(grep "device $d:" "$T/pued.log")"
done
[ "$(logged 'device crah-2: point power: plausible readings again after 3 rejected (30 s)$')" -eq 1 ] ||
	fail "crah-2's run of three: $(grep 'device crah-2:' "$T/pued.log")"

window_whole "at 00:17:01, the bad polls in it"
puectl status >"$T/status.txt"
grep -E '^  15m +1\.200 +ok +100\.0% ' "$T/status.txt" >/dev/null || fail "status text: $(cat "$T/status.txt")"
grep -E '^  now +1\.200 +ok +100\.0% +960\.0 kW +800\.0 kW$' "$T/status.txt" >/dev/null ||
	fail "status text now: $(cat "$T/status.txt")"

# Once per run: one line for each device's run, however long the run.
for d in incomer ups-a ups-b crah-2; do
	n=$(logged "device $d: point power: impossible reading rejected")
	[ "$n" -eq 1 ] || fail "$n lines for $d's impossible readings, want 1"
done
[ "$(logged 'still rejecting')" -eq 0 ] || fail "a run of three was summarised"

# Never a sample, one device_error event per run at the bad poll (00:15:10),
# each with its raw value.
got=$(sql "SELECT count(*), min(t) - $T0, max(t) - $T0 FROM events WHERE kind = 'device_error'")
[ "$got" = "4|910000|910000" ] || fail "device_error events (count, first, last ms): $got"
n=$(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point
	WHERE p.name = 'power' AND (s.value > 2000 OR s.value < 0)")
[ "$n" -eq 0 ] || fail "$n impossible power samples stored"
# Every poll from 00:00:00 to 00:17:00 (103) stored, but the bad ones.
got=$(sql "SELECT p.device, count(*) FROM samples s JOIN points p ON p.id = s.point
	WHERE p.name = 'power' AND s.t <= $T0 + 1020000 GROUP BY p.device ORDER BY p.device" | tr '\n' ' ')
[ "$got" = "crah-1|103 crah-2|100 incomer|102 ups-a|102 ups-b|102 " ] || fail "power samples per device: $got"
got=$(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point
	WHERE p.name = 'power' AND p.device = 'incomer' AND s.t = $T0 + 910000")
[ "$got" -eq 0 ] || fail "the incomer's bad poll at 00:15:10 was stored"
for want in "incomer/power|%raw 3e+38%" "ups-b/power|%raw -1e+07%" \
	"ups-a/power|%raw 4294967295%" "crah-2/power|%raw -2147483648%"; do
	[ "$(sql "SELECT count(*) FROM events WHERE kind = 'device_error'
		AND subject = '${want%%|*}' AND message LIKE '${want#*|}'")" -eq 1 ] ||
		fail "no device_error event for ${want%%|*}: $(sql "SELECT subject, message FROM events")"
done
# The devices answered throughout: up, never failing, and no alert about
# the devices or the PUE ever went even pending. (insufficient_data:15m
# goes pending at the start, before the window can be covered.)
devices_jq '[.devices[].state] | all(. == "up")' >/dev/null || fail "devices: $(puectl devices --json)"
[ "$(logged 'failing')" -eq 0 ] || fail "a device was reported failing"
got=$(sql "SELECT key, state FROM alert_history WHERE key != 'insufficient_data:15m'")
[ -z "$got" ] || fail "an alert about the devices or the PUE: $got"
stop_clean "$PUED_PID" "$SIM_PID"
