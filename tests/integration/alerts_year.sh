#!/bin/bash
# The reporting year through pued (PUE.md, "The reporting year"), on the
# stepped test clock:
#  1. Worked example 8. IT 1000 kW; days 1-200 at PUE 1.27 are history in
#     the database (hourly rollups, as pued keeps them); days 201-230 at
#     1.22 are driven live: the simulator and pued share the stepped clock,
#     polls an hour apart, every one taken. At the end of day 230 pued
#     reports exactly the worked example: the year so far 1.2635,
#     projected 1.2474, budget 3,975,600 kWh, headroom +22,800 kWh,
#     required 1.2270.
#  2. A year that cannot be saved: days 1-300 at 1.40, 301-330 at 1.30.
#     The required PUE is below 1.0: pued says the ceiling is out of reach,
#     and the year_projection alert fires.
. "$(dirname "$0")/lib.sh"

export TZ=UTC # the reporting year starts on 1 January, local time
Y0=1767225600000 # 2026-01-01T00:00:00Z
DAY=86400000

# hours DB FROM_DAY TO_DAY FACILITY_KW: hourly rollups at IT 1000 kW.
hours() {
	sqlite3 "$1" "WITH RECURSIVE h(i) AS (SELECT $2 * 24 UNION ALL SELECT i + 1 FROM h
		WHERE i < $3 * 24 - 1) INSERT INTO hours(t, facility_kwh, it_kwh, covered_ms, category)
		SELECT $Y0 + i * 3600000, $4, 1000.0, 3600000, 1 FROM h"
}
year_jq() { puectl status --json | jq -e ".year | $1"; }
sim_day() { # the simulated day pued is in
	puectl status --json | jq -e --argjson y0 "$Y0" \
		'((.time | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) * 1000 - $y0) / 86400000 | floor'
}
past_day() { [ "$(sim_day)" -ge "$1" ]; }

# --- 1. Worked example 8 -----------------------------------------------------
step_clock $((Y0 + 200 * DAY))
start_sim sim --control "$T/sim.sock" --facility-kw 1220 --it-kw 1000
write_config "$T/pued.yaml" "$SIM_PORT"
# Hourly polls of the counters (bridging gaps of up to 3 h), hourly
# flushes, a 30-day window next to the 24-hour alert window.
sed -i -e 's/^poll_interval: 1s/poll_interval: 1h/' \
	-e 's/^  windows: \[15m, 1h, 24h\]/  windows: [24h, 30d]/' \
	-e 's/kind: energy/kind: energy, max_gap: 3h/' "$T/pued.yaml"
sed -i -e 's|^storage:|storage:\n  flush_interval: 1h|' "$T/pued.yaml"
"$BIN/pued" --check-config "$T/pued.yaml" >/dev/null || fail "config: $("$BIN/pued" --check-config "$T/pued.yaml" 2>&1)"
start_pued "$T/pued.yaml"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
sqlite3 "$T/pued.db" "DELETE FROM minutes; DELETE FROM hours"
hours "$T/pued.db" 0 200 1270.0
start_pued "$T/pued.yaml"
# Thirty days and two hours: the last hour of day 230 is polled, closed
# (a minute waits a poll interval for late polls) and flushed.
advance 30d
advance 2h
[ "$(sim_day)" -eq 230 ] || fail "not in day 230: $(puectl status --json | jq .time)"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
covered=$(sqlite3 "$T/pued.db" "SELECT sum(covered_ms), round(total(facility_kwh), 3), round(total(it_kwh), 3)
	FROM minutes WHERE t >= $((Y0 + 200 * DAY)) AND t < $((Y0 + 230 * DAY))")
note "days 201-230 driven live: $covered (covered ms, facility and IT kWh)"
[ "$covered" = "$((30 * DAY))|878400.0|720000.0" ] || fail "days 201-230 not all covered: $covered"

# The end of day 230: the rows after it go (raw samples too, the blocks
# that reach past it whole), with the mark of where the stored minutes end
# and the last flush's clock mark (else pued would take the clock below
# them, or measured from the mark, for a step and go on from them,
# clock.h), and the wall clock steps back the two hours (pued is down;
# the monotonic clock goes on) to stand there.
sqlite3 "$T/pued.db" "DELETE FROM minutes WHERE t >= $((Y0 + 230 * DAY));
	DELETE FROM hours WHERE t >= $((Y0 + 230 * DAY));
	DELETE FROM raw_tail WHERE t >= $((Y0 + 230 * DAY));
	DELETE FROM raw_open WHERE t_last >= $((Y0 + 230 * DAY));
	DELETE FROM raw_blocks WHERE t_last >= $((Y0 + 230 * DAY));
	DELETE FROM meta WHERE key = 'clock_mark';
	UPDATE meta SET value = $((Y0 + 230 * DAY)) WHERE key = 'minutes_until'"
"$BIN/pue-clock" step-wall "$T/clock" -2h >/dev/null
start_pued "$T/pued.yaml"
advance 0
puectl status --json | jq -c .year | sed 's/^/# /'
year_jq '.state == "ok" and .pue_ytd == 1.2635 and .pue_projected == 1.2474 and .headroom_kwh == 22800
	and .pue_required == 1.227 and .budget_kwh == 3975600 and .out_of_reach == false
	and (.as_of | startswith("2026-08-19T00:00:00"))' >/dev/null ||
	fail "worked example 8: $(puectl status --json | jq -c .year)"
puectl status | grep "^year from" | sed 's/^/# /'
puectl status | grep -q "the rest of the year must average 1.22[67]. or less" || fail "year line"
# The same figures from the database: a report whose period runs up to
# the end of day 230 goes on with the running year; a closed period does not.
"$BIN/puectl" -c "$T/pued.yaml" report --since 2026-08-01Z --at 2026-08-19T00:00Z --json >"$T/report.json" ||
	fail "puectl report failed"
jq -c .year "$T/report.json" | sed 's/^/# report: /'
jq -e '.year.state == "ok" and .year.pue_ytd == 1.2635 and .year.pue_projected == 1.2474
	and .year.headroom_kwh == 22800 and .year.pue_required == 1.227 and (.year.year_start | startswith("2026-01-01T00:00:00")) and (.year.as_of | startswith("2026-08-19T00:00:00"))' \
	"$T/report.json" >/dev/null || fail "report of the running year: $(jq -c .year "$T/report.json")"
"$BIN/puectl" -c "$T/pued.yaml" report --since 2026-08-01Z --at 2026-08-19T00:00Z |
	grep -q "required PUE      1.22[67]. for the rest of the year" || fail "report text has no year"
"$BIN/puectl" -c "$T/pued.yaml" report --from 2026-08-01Z --to 2026-08-10Z --at 2026-08-19T00:00Z --json |
	jq -e 'has("year") | not' >/dev/null || fail "a closed period reported the running year"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"

# --- 2. Out of reach ------------------------------------------------------------
# F_ytd = 300 x 24000 x 1.40 + 30 x 24000 x 1.30 = 11,016,000 kWh,
# I_ytd = 7,920,000; at 31,200 / 24,000 a day for the 35 days left the
# year ends at 1.3822; the budget is 1.25 x 8,760,000 - F_ytd < 0.
rm -f "$T/pued.db" "$T/pued.db-wal" "$T/pued.db-shm"
sed -i -e 's/^  warning: 1.22/  warning: 1.22\n  min_duration: 1m/' "$T/pued.yaml"
cat >>"$T/pued.yaml" <<EOF
alerts:
  targets:
    - {name: record, type: exec, min_severity: warning,
       command: [/bin/sh, -c, 'echo "\$PUED_ALERT_KEY \$PUED_ALERT_STATE \$PUED_ALERT_YEAR_PROJECTED \$PUED_ALERT_YEAR_HEADROOM_KWH" >> $T/hook.log']}
EOF
advance_down 100d # to the end of day 330
start_pued "$T/pued.yaml"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
sqlite3 "$T/pued.db" "DELETE FROM minutes; DELETE FROM hours"
hours "$T/pued.db" 0 300 1400.0
hours "$T/pued.db" 300 330 1300.0
start_pued "$T/pued.yaml"
advance 0
puectl status --json | jq -c .year | sed 's/^/# /'
year_jq '.state == "ok" and .out_of_reach == true and .pue_required <= 1.0 and .pue_projected == 1.3822
	and .headroom_kwh < 0' >/dev/null || fail "out of reach: $(puectl status --json | jq -c .year)"
puectl status | grep -q "the ceiling is out of reach this year" || fail "year line: $(puectl status | grep year)"
# min_duration 1m: pending now, firing a minute later (the hook runs in
# real time: its line is waited for).
advance 59s
[ ! -s "$T/hook.log" ] || fail "the year alert fired before its minimum duration: $(cat "$T/hook.log")"
advance 2s
wait_for 20000 "the year_projection alert" grep -q "year_projection:year firing 1.382" "$T/hook.log"
grep -q "alert #[0-9]* year_projection:year FIRING (warning): the year is projected to end at PUE 1.382" "$T/pued.log" ||
	fail "no log line for the projection alert"
note "hook: $(grep year_projection "$T/hook.log")"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
