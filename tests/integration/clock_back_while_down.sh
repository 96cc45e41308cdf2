#!/bin/bash
# The wall clock stepped while pued is down (PUE.md, "Restarts and clock
# steps": a clock step loses only its downtime, is logged once and never
# turns into energy, a glitch blamed on a meter or a frozen figure). Each
# flush stores where pued's clocks stand (the boot, the monotonic time,
# the stamp, the wall clock's offset); a restart compares them with its
# own.
#  1. Rebooted, on a database without that mark or the minutes' end (one
#     written before they were kept), after a second: no step. The newest
#     minute's end is a guess up to a minute ahead of the data, not used.
#  2. The same boot: down 30 s and the wall clock set back 20 min, the
#     hall at 1100 kW. The step is measured (-1200 s, told once); the
#     stamps go on 30 s after the last flush's and slew back to the wall
#     clock (1 ms in 12, clock.h), so the counters bridge the downtime as
#     after any restart: every minute stays whole, and the 15m window
#     counts what pued measures from then on (15 stamp-minutes are 16.4
#     real ones). A restart while they slew goes on from where they were.
#  3. Killed 35 s into a minute, rebooted, down 30 s and the clock set
#     back 10 min more: the downtime cannot be measured. The stamps go
#     on from the last flush's mark, no counter bridges the downtime, and
#     the minute of the crash is still rebuilt from the raw samples stored
#     before it.
#  4. Set back over a day: followed at once, told, and no later restart
#     takes the data left ahead of the wall clock for a step.
# Throughout: no sample is stored on or before one already stored, no
# minute holds more than one, no glitch or meter reset is blamed on the
# meters.
. "$(dirname "$0")/lib.sh"

step_clock 1767225600000 # 2026-01-01T00:00:00Z
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
start_pued "$T/pued.yaml"
w() { puectl status --json | jq -c ".windows[] | select(.window == \"$1\")"; }
steps() { sql "SELECT count(*) FROM events WHERE kind = 'clock_step'"; }
reboot() { "$BIN/pue-clock" reboot "$T/clock" >/dev/null || fail "pue-clock reboot"; }

advance 330s
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
sql "DELETE FROM meta WHERE key IN ('minutes_until', 'clock_mark')"
reboot
advance_down 1s
start_pued "$T/pued.yaml"
advance 1470s
[ "$(steps)" -eq 0 ] || fail "a restart of 1 s on a database without its marks: $(sql "SELECT message FROM events WHERE kind = 'clock_step'")"
w 15m | jq -e '.state == "ok" and .pue == 1.2' >/dev/null || fail "15m at 00:30: $(w 15m)"

stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
advance_down 30s
"$BIN/pue-clock" step-wall "$T/clock" -20m >/dev/null || fail "pue-clock step-wall"
[ "$(sim_cmd set facility_kw 1100)" = ok ] || fail "simulator command"
start_pued "$T/pued.yaml"
advance 18m
note "15m 18 min after a start 20 min back: $(w 15m)"
w 15m | jq -e '.state == "above_ceiling" and .pue == 1.375 and (.facility_kwh - 300 | fabs) <= 0.002
	and .coverage == 1' >/dev/null || fail "15m window after the clock went back: $(w 15m)"
[ "$(steps)" -eq 1 ] || fail "$(steps) clock_step events: $(sql "SELECT * FROM events")"
sql "SELECT message FROM events WHERE kind = 'clock_step'" | grep -q "stepped -1200.000 s" ||
	fail "the step measured: $(sql "SELECT message FROM events WHERE kind = 'clock_step'")"
note "event: $(sql "SELECT message FROM events WHERE kind = 'clock_step'")"
# A restart of a second while the stamps still slew: they go on from
# where they were, and no step is told.
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
advance_down 1s
start_pued "$T/pued.yaml"
advance 1m
[ "$(steps)" -eq 1 ] || fail "a restart while slewing told a step: $(sql "SELECT message FROM events WHERE kind = 'clock_step'")"
# (00:05, where part 1 restarted without the minutes' end, lost its second.)
# (The newest, open across the last restart, holds its first part only.)
got=$(sql "SELECT count(*), sum(covered_ms = 60000) FROM minutes WHERE t >= 1767225960000
	AND t < (SELECT max(t) FROM minutes)")
[ "${got%|*}" -eq "${got#*|}" ] && [ "${got%|*}" -ge 40 ] ||
	fail "minutes not whole across the restart (rows, whole): $got: $(sql "SELECT t, covered_ms FROM minutes WHERE covered_ms != 60000")"

# 35 s or so into a minute of pued's stamps (which slew: 11 ms of stamp
# in 12), every meter answering.
stamp_s() { echo $(($(date -u -d "$(puectl status --json | jq -r .time)" +%s%3N) % 60000)); }
for _ in 1 2 3 4; do
	s=$(stamp_s)
	[ "$s" -ge 33000 ] && [ "$s" -lt 45000 ] && break
	advance $(((95000 - s) % 60000))
done
kill -KILL "$PUED_PID"
wait "$PUED_PID" 2>/dev/null || true
rm -f "$T/pued.sock" # start_pued waits for the new one
crash=$(sql "SELECT value FROM meta WHERE key = 'clock_mark'" | cut -d' ' -f3) # the last flush's stamp
reboot
advance_down 30s
"$BIN/pue-clock" step-wall "$T/clock" -10m >/dev/null || fail "pue-clock step-wall"
start_pued "$T/pued.yaml"
advance 5m
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
[ "$(steps)" -eq 2 ] || fail "$(steps) clock_step events: $(sql "SELECT * FROM events")"

# 4. The same boot, the wall clock set back 24 h 10 min while down: too far
# to slew, followed at once, and told. 15 min later, rebooted, a restart of
# a second is no step, though the data from before the step is still less
# than a day ahead of the wall clock: the last flush's mark is the floor.
"$BIN/pue-clock" step-wall "$T/clock" -1450m >/dev/null || fail "pue-clock step-wall"
start_pued "$T/pued.yaml"
advance 15m
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
[ "$(steps)" -eq 3 ] || fail "$(steps) clock_step events: $(sql "SELECT * FROM events")"
reboot
advance_down 1s
start_pued "$T/pued.yaml"
advance 1m
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
[ "$(steps)" -eq 3 ] || fail "a restart of 1 s after a step of over a day: $(sql "SELECT message FROM events WHERE kind = 'clock_step'")"

got=$(sql "SELECT count(*) FROM minutes WHERE covered_ms > 60000")
[ "$got" -eq 0 ] || fail "$got minutes hold more than a minute: $(sql "SELECT t, covered_ms, facility_kwh FROM minutes WHERE covered_ms > 60000 LIMIT 3")"
# The minute of the crash: 34 s or more rebuilt from the raw samples (the
# last second may not have been flushed), then the stamps go on from the
# last flush within it, less one poll whose interval is unknown.
got=$(sql "SELECT covered_ms FROM minutes ORDER BY abs(t + 30000 - $crash) LIMIT 1")
note "the crash's minute: $got ms covered"
[ "$got" -ge 56000 ] || fail "the crash's minute holds $got ms"
# Each point's raw blocks (closed, and the one in progress) in the order
# of their first sample: one that starts at or before the end of the one
# before holds samples stored on or before samples already there.
got=$(sql "SELECT point, t_first, prev FROM (SELECT point, t_first,
	lag(t_last) OVER (PARTITION BY point ORDER BY t_first, seq) AS prev FROM
	(SELECT point, t_first, seq, t_last FROM raw_blocks
	 UNION ALL SELECT point, t_first, 1 << 62, t_last FROM raw_open)) WHERE t_first <= prev")
[ -z "$got" ] || fail "samples stored at or before stored ones (point|first|end of the block before): $got"
# The hall never drew more than 1100 kW, nor IT more than 800.02 (the
# simulator's UPS outputs), and a stamped minute is at most 12/11 of a
# real one while the stamps slew: a minute more than 1% above 1200 and
# 872.8 kW of stamped time (a few seconds' minute carries a counter step
# more or less) holds energy from a downtime bridged over the few ms of
# stamps between the data stored and the first reading after the start
# (30 s of downtime in one minute would be over 1600 kW).
got=$(sql "SELECT t, covered_ms, facility_kwh, it_kwh FROM minutes WHERE covered_ms > 0 AND
	(facility_kwh * 3600000.0 / covered_ms > 1212 OR it_kwh * 3600000.0 / covered_ms > 881.5)")
[ -z "$got" ] || fail "minutes with more energy than the hall drew: $got"
got=$(sql "SELECT count(*) FROM events WHERE kind IN ('glitch', 'meter_reset')")
[ "$got" -eq 0 ] || fail "the step was blamed on a meter: $(sql "SELECT * FROM events")"
