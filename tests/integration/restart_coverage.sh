#!/bin/bash
# A restart loses only its downtime (PUE.md, "Restarts and clock steps",
# worked example 11), with the real pued and simulator on the real clock
# (polls every second):
#  - SIGTERM at second 25 of a minute, started again 1.5 s later: that
#    minute is stored with at least 57 s covered, and at least 60 s less
#    the downtime and one poll interval;
#  - SIGKILL at second 50 and an immediate restart: the minute is rebuilt
#    from the raw samples stored before the crash, and keeps at least 60 s
#    less the downtime, one poll interval and one flush interval (the raw
#    samples a crash may lose);
#  - throughout, the 15m window stays "ok" with coverage >= 99.7%, every
#    other minute is whole, and no alert about data or coverage fires
#    (min_duration 0, so one would fire at once).
# The downtime is measured from pued's log: its "stopping" line (for
# SIGKILL, the moment the test sent it) to the next run's "started" line.
. "$(dirname "$0")/lib.sh"
exec 3>&2 # wait_for silences its command; verdicts from inside it go here

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i 's/^  windows: \[15m, 1h, 24h\]$/  windows: [15m, 1h]\n  alert_window: 15m\n  min_duration: 0s/' \
	"$T/pued.yaml"
grep -q '^  min_duration: 0s$' "$T/pued.yaml" || fail "config edit"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
sec() { echo $(($(now_ms) / 1000 % 60)); }
minute_of() { echo $(($1 / 60000 * 60000)); }
# log_ms FILE PATTERN: the timestamp of the first line matching PATTERN, in ms
log_ms() {
	local ts
	ts=$(grep -m1 -- "$2" "$1" | cut -d' ' -f1) || return 1
	[ -n "$ts" ] || return 1
	echo $(($(date -d "$ts" +%s%N) / 1000000))
}
run=0
start_run() { # a numbered pued, its log in $T/pued$run.log
	run=$((run + 1))
	start "pued$run" "$BIN/pued" -f -c "$T/pued.yaml"
	PUED_PID=$LAST_PID
	wait_for 10000 "pued run $run to answer" puectl ping
}

# The database's schema, from a first run whose data are then removed.
start_run
stop_clean "$PUED_PID"
sql "DELETE FROM raw_blocks; DELETE FROM raw_open; DELETE FROM raw_tail; DELETE FROM minutes;
	DELETE FROM hours; DELETE FROM events;
	DELETE FROM alerts; DELETE FROM alert_history; DELETE FROM meta WHERE key <> 'schema_version'"

# 15 whole minutes at 960 / 800 kW before the one pued starts in, which
# must start early enough (before second 40) for that partial minute to
# keep the 15m window above 95% on its own.
wait_for 60000 "a second between 2 and 40" bash -c "s=\$((\$(date +%s) % 60)); [ \$s -ge 2 ] && [ \$s -le 40 ]"
S=$(minute_of "$(now_ms)")
for i in $(seq 1 15); do
	sql "INSERT INTO minutes VALUES($((S - i * 60000)), 16.0, 800.0 / 60, 60000, 1)"
done
start_run
[ "$(minute_of "$(now_ms)")" = "$S" ] || fail "pued started a minute late"
stored() { [ "$(sql "SELECT count(*) FROM minutes WHERE t = $1")" = 1 ]; }
wait_for 75000 "pued's first minute stored" stored "$S"
# As if pued had run before: the first minute whole too.
sql "UPDATE minutes SET facility_kwh = 16.0, it_kwh = 800.0 / 60, covered_ms = 60000 WHERE t = $S"

# The 15m window "ok" at >= 99.7% (example 11), or the test fails at once.
window_ok() {
	local s
	s=$(puectl status --json) || return 1
	jq -e '.windows[0].state == "ok" and .windows[0].coverage >= 0.997' <<<"$s" >/dev/null && return 0
	echo "FAIL: the 15m window after restart $run: $(jq -c '.windows[0]' <<<"$s")" >&3
	exit 1
}
# A minute is closed when the store's minutes_until (README, "Database")
# has passed it: a clean stop stores the part before the stop at once.
closed() { [ "$(sql "SELECT value >= $(($1 + 60000)) FROM meta WHERE key = 'minutes_until'")" = 1 ]; }
closed_watching_window() { window_ok && closed "$1"; }

# Example 11: SIGTERM at second 25, started again 1.5 s later.
wait_for 90000 "second 25 of a later minute" \
	bash -c "[ \$((\$(date +%s) % 60)) -eq 25 ] && [ \$((\$(date +%s) / 60 * 60000)) -gt $S ]"
R=$(minute_of "$(now_ms)")
t_term=$(now_ms)
stop_pid "$PUED_PID" 10000 || fail "pued exited $? after SIGTERM"
wait_for 5000 "1.5 s after the stop" bash -c "[ \$((\$(date +%s%N) / 1000000)) -ge $((t_term + 1500)) ]"
stopped=$(log_ms "$T/pued$run.log" "stopping") || fail "no stopping line"
start_run
started=$(log_ms "$T/pued$run.log" "pued: started") || fail "no started line"
down_r=$((started - stopped))
window_ok
wait_for 90000 "the restart minute closed" closed_watching_window "$R"

# SIGKILL at second 50 (samples in 50 of its seconds), immediate restart.
wait_for 70000 "second 50" bash -c "[ \$((\$(date +%s) % 60)) -eq 50 ]"
K=$(minute_of "$(now_ms)")
[ "$K" -gt "$R" ] || fail "the kill fell in the restart minute"
killed=$(now_ms)
kill -KILL "$PUED_PID"
wait "$PUED_PID" 2>/dev/null || true
start_run
started=$(log_ms "$T/pued$run.log" "pued: started") || fail "no started line"
down_k=$((started - killed))
window_ok
wait_for 90000 "the crash minute closed" closed_watching_window "$K"

# Every minute from pued's first: its coverage against the rule, and its
# energy against the simulator's 960 / 800 kW over that coverage (a part
# counted twice or lost from the energy but not the coverage shows here).
last=$K
sql "SELECT t, covered_ms, facility_kwh, it_kwh FROM minutes WHERE t > $S AND t <= $last ORDER BY t" \
	>"$T/minutes.txt"
[ "$(wc -l <"$T/minutes.txt")" -eq $(((last - S) / 60000)) ] ||
	fail "minutes missing: $(cat "$T/minutes.txt")"
while IFS='|' read -r t covered fac it; do
	need=59000 # no restart: at most one poll interval lost
	[ "$t" != "$R" ] || need=$((60000 - down_r - 1000)) # 57.5 s for example 11's 1.5 s
	[ "$t" != "$K" ] || need=$((60000 - down_k - 1000 - 1000))
	[ "$covered" -ge "$need" ] ||
		fail "minute $(date -u -d @$((t / 1000)) +%H:%M): $covered ms covered, less than $need"
	awk -v c="$covered" -v f="$fac" -v i="$it" 'BEGIN {
		h = c / 3600000; exit !((f / (960 * h) - 1)^2 < 1e-4 && (i / (800 * h) - 1)^2 < 1e-4) }' ||
		fail "minute $(date -u -d @$((t / 1000)) +%H:%M): $fac / $it kWh over $covered ms"
done <"$T/minutes.txt"
note "SIGTERM at :25, down ${down_r} ms: $(grep "^$R|" "$T/minutes.txt")"
note "SIGKILL at :50, down ${down_k} ms: $(grep "^$K|" "$T/minutes.txt")"

# No alert about data or coverage, at any time.
n=$(sql "SELECT count(*) FROM alert_history WHERE key LIKE 'insufficient_data:%' OR key LIKE 'data_stale:%'")
[ "$n" = 0 ] || fail "data or coverage alerts: $(sql "SELECT * FROM alert_history")"
puectl alerts --json | jq -e '[.active[] | select(.rule == "insufficient_data" or .rule == "data_stale")] | length == 0' \
	>/dev/null || fail "active: $(puectl alerts --json | jq -c .active)"
stop_clean "$PUED_PID" "$SIM_PID"
