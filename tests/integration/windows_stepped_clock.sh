#!/bin/bash
# The rolling windows from energy, checked against the simulator's known
# answer on the stepped test clock: pued and the simulator read one clock
# that stands still until the test advances it, so every 1 s poll of the
# span is taken and the figures are exact, whatever the machine's speed.
. "$(dirname "$0")/lib.sh"

T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
start_pued "$T/pued.yaml"
w() { puectl status --json | jq -c ".windows[] | select(.window == \"$1\")"; }

# At 00:15:00 the minute 00:14 still waits for late polls (one interval
# plus the device timeouts): 14 of the 15 minutes are closed.
advance 15m
note "15m at 00:15:00: $(w 15m)"
w 15m | jq -e '.state == "insufficient_data" and .pue == null and .coverage == 0.9333
	and .facility_kwh == 224 and .it_kwh == 186.666' >/dev/null ||
	fail "15m window at 00:15:00: $(w 15m)"
# A second later it is whole: 960 kW x 0.25 h over 800 kW x 0.25 h.
advance 16s
note "15m at 00:15:16: $(w 15m)"
w 15m | jq -e '.state == "ok" and .pue == 1.2 and .coverage == 1 and .category == 1
	and .facility_kwh == 240 and .it_kwh == 200' >/dev/null || fail "15m window is not 240/200: $(w 15m)"
w 1h | jq -e '.state == "insufficient_data" and .pue == null' >/dev/null ||
	fail "1h window shown before it is covered: $(w 1h)"

# Facility 1000 kW, IT 800 kW from 00:16:00: 1.25 exactly, at the ceiling,
# not above it; 15 minutes later the window holds only the new profile.
advance 44s
[ "$(sim_cmd set facility_kw 1000)" = ok ] || fail "simulator command"
advance 916s
note "15m at 00:31:16: $(w 15m)"
w 15m | jq -e '.state != "insufficient_data" and .pue == 1.25 and .facility_kwh == 250
	and .it_kwh == 200 and .exceeds_ceiling == false and .exceeds_warning == true' >/dev/null ||
	fail "15m window at 1.25: $(w 15m)"

# The minute rollups in the database agree: minutes 00:00-00:15 at 1.20,
# 00:16-00:30 at 1.25, each fully covered. The UPS counters count whole Wh,
# so a minute's IT energy is 800/60 kWh within their resolution, 1 Wh.
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
got=$(sqlite3 "$T/pued.db" "SELECT count(*), sum(covered_ms = 60000),
	sum(round(facility_kwh, 6) = 16 AND abs(it_kwh - 800 / 60.0) <= 0.001)
	FROM minutes WHERE t >= $T0 AND t < $T0 + 16 * 60000")
note "minutes 00:00-00:15 (count, covered, at 960/800): $got"
[ "$got" = "16|16|16" ] || fail "minutes at 1.20: $got"
got=$(sqlite3 "$T/pued.db" "SELECT count(*), sum(covered_ms = 60000),
	sum(abs(facility_kwh - 1000 / 60.0) <= 0.001)
	FROM minutes WHERE t >= $T0 + 16 * 60000 AND t < $T0 + 31 * 60000")
note "minutes 00:16-00:30 (count, covered, at 1000 kW): $got"
[ "$got" = "15|15|15" ] || fail "minutes at 1.25: $got"
