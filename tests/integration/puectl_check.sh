#!/bin/bash
# puectl check follows the Nagios/Icinga plugin guidelines: exit 0 OK,
# 1 WARNING, 2 CRITICAL, 3 UNKNOWN, one line with perfdata, "U" for a value
# that cannot be known, and UNKNOWN (never CRITICAL) for a usage error,
# --help and --version. The alert
# window here is 1 minute, on the stepped test clock: each profile change
# is made at a minute's start, and the check is asked the second before
# that minute's figure can be known and the second it is, so every line is
# exact.
#
# When a minute's figure appears: the poll at the minute's end (1 s polls)
# is answered after that second's engine tick has run, so the tick one
# second later closes the minute: the figure of minute M shows from
# M+1:01. The hall is IT 600 kW (two UPS at 300 kW: 5000 Wh a minute
# each) so that every minute's energy is whole Wh and the figures have no
# rounding in them.
. "$(dirname "$0")/lib.sh"

step_clock 1767225600000 # 2026-01-01T00:00:00Z
start_sim sim --control "$T/sim.sock" --facility-kw 720 --it-kw 600
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i 's/  windows: \[15m, 1h, 24h\]/  windows: [1m, 15m]\n  alert_window: 1m/' "$T/pued.yaml"
start_pued "$T/pued.yaml"

check_is() { # check_is CODE LINE [ARG...]: puectl check ARG... exits CODE and prints LINE
	local want=$1 line=$2 out rc=0
	shift 2
	out=$(puectl check "$@") || rc=$?
	set -- "$want" "$line"
	[ "$rc" -eq "$1" ] && [ "$out" = "$2" ] || fail "at $(date -u -d @$(($(clock_ms) / 1000)) +%T):" \
		"puectl check exited $rc with \"$out\", want $1 with \"$2\""
}
set_kw() { [ "$(sim_cmd set "$1" "$2")" = ok ] || fail "simulator: set $1 $2"; }
perf() { echo "pue_1m=$1;1.22;1.25 coverage_1m=$2%;;;0;100"; }
line() { # line LABEL PUE: the line for a covered minute at PUE
	echo "PUE $1 - 1m PUE $2 (ceiling 1.25, coverage 100.0%, category 1) | $(perf "$2" 100.00)"
}

# Before a minute is covered: UNKNOWN, and U for the perfdata's number.
unknown="PUE UNKNOWN - 1m PUE insufficient data (coverage 0.0%) | $(perf U 0.00)"
check_is 3 "$unknown"
advance_to 00:01:00
check_is 3 "$unknown"
advance_to 00:01:01
check_is 0 "$(line OK 1.200)"

# Each profile from a minute's start: 738 kW is 1.230, over the warning
# level; 828 kW is 1.380, over the ceiling; 750 kW is 1.250, at the
# ceiling, which complies (PUE.md, "Judging a figure against the ceiling"):
# a WARNING, not CRITICAL.
step() { # step FACILITY_KW MINUTE CODE LINE: from MINUTE:00, then its figure
	advance_to "00:$2:00"
	set_kw facility_kw "$1"
	check_is "$prev_code" "$prev_line"
	advance_to "00:$(printf %02d $((10#$2 + 1))):00"
	check_is "$prev_code" "$prev_line"
	advance_to "00:$(printf %02d $((10#$2 + 1))):01"
	check_is "$3" "$4"
	prev_code=$3 prev_line=$4
}
prev_code=0 prev_line=$(line OK 1.200)
step 738 02 1 "$(line WARNING 1.230)"
step 828 04 2 "$(line CRITICAL 1.380)"
step 750 06 1 "PUE WARNING - 1m PUE 1.250 at the ceiling (ceiling 1.25, coverage 100.0%, category 1) | $(perf 1.250 100.00)"
# 528 kW is 0.880: a metering error.
step 528 08 2 "PUE CRITICAL - 1m PUE 0.880 is below 1: a metering or configuration error (coverage 100.0%) | $(perf 0.880 100.00)"

# No IT load for a whole minute: no number.
advance_to 00:10:00
set_kw it_kw 0
advance_to 00:11:01
check_is 3 "PUE UNKNOWN - 1m PUE undefined: no IT load (coverage 100.0%) | $(perf U 100.00)"

# Usage errors are UNKNOWN (3), with pued answering and a figure to give:
# an unknown option, a missing option argument, an extra word, a window
# pued does not have. --help and --version too (the guidelines' -h, -V).
check_is 3 "PUE UNKNOWN - unknown option \"--bogus\" (see puectl --help)" --bogus
check_is 3 "PUE UNKNOWN - option \"--window\" needs an argument (see puectl --help)" --window
check_is 3 "PUE UNKNOWN - unexpected argument \"extra\" after \"check\" (see puectl --help)" extra
check_is 3 "PUE UNKNOWN - no window \"7m\" in pued's configuration" --window 7m
check_is 3 "puectl $(sed -n '1s/^[^(]*(\([^)]*\)-[^-]*).*/\1/p' "$TOP/debian/changelog")" --version
rc=0
puectl check --help >"$T/help" || rc=$?
[ "$rc" -eq 3 ] && grep -q '^usage: puectl' "$T/help" || fail "check --help exited $rc"
# Outside check, a usage error stays exit 2 and --version exit 0.
rc=0
puectl status extra 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "status with an extra word exited $rc, want 2"
[ "$(puectl --version)" = "$(puectl check --version)" ] || fail "puectl --version differs"
# The window asked for by name: 15m has 11 of its 15 minutes.
check_is 3 "PUE UNKNOWN - 15m PUE insufficient data (coverage 73.3%) | pue_15m=U;1.22;1.25 coverage_15m=73.33%;;;0;100" --window 15m

stop_clean "$PUED_PID"
# pued removes its socket as it stops.
check_is 3 "PUE UNKNOWN - cannot reach pued at $T/pued.sock: No such file or directory"
