#!/bin/bash
# puectl's database commands (report, history, export, year) judge their
# words before they answer (the acceptance pass's findings):
#  1. a date that does not exist (30 February, 29 February 2025, hour 24,
#     a local time the clocks skip) is refused, naming the option, never
#     moved to another day;
#  2. a usage error exits 2, as puectl(1) says, and a database that cannot
#     be read 1;
#  3. year prints CSV with --csv and --format csv (a header and one row);
#  4. export refuses a point the database does not know (naming its
#     devices or points), --point without --raw, two kinds of export, two
#     periods, and an option that belongs to another command;
#  5. a period without data shows no category (not 0) in every format, and
#     one that starts after now says so, naming now.
# Each error leaves stdout empty. The database is a short run of pued on the
# stepped clock, then 40 days of hourly rollups for the year's figures.
. "$(dirname "$0")/lib.sh"

export TZ=UTC # the reporting year starts on 1 January, local time
T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim
write_config "$T/pued.yaml" "$SIM_PORT"
start_pued "$T/pued.yaml"
advance 2m
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
# Days 1-40 at PUE 1.20 (IT 1000 kW), every hour covered.
sql "DELETE FROM minutes; DELETE FROM hours;
	WITH RECURSIVE h(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM h WHERE i < 40 * 24 - 1)
	INSERT INTO hours(t, facility_kwh, it_kwh, covered_ms, category)
	SELECT $T0 + i * 3600000, 1200.0, 1000.0, 3600000, 1 FROM h"
pc() { "$BIN/puectl" -c "$T/pued.yaml" "$@"; }

bad=0
# expect STATUS 'FIRST LINE OF STDERR' ARGS...: puectl ARGS exits STATUS
# with that line first on stderr and nothing on stdout.
expect() {
	local want_rc=$1 want=$2 rc=0 got
	shift 2
	pc "$@" >"$T/out" 2>"$T/err" || rc=$?
	got=$(head -n 1 "$T/err")
	if [ "$rc" != "$want_rc" ] || [ "$got" != "$want" ] || [ -s "$T/out" ]; then
		echo "FAIL: puectl $*: exit $rc, stderr \"$got\", $(wc -c <"$T/out") bytes on stdout;" \
			"want exit $want_rc, \"$want\", none"
		bad=$((bad + 1))
	fi
}
# expect_out 'STDOUT' ARGS...: puectl ARGS exits 0 printing exactly STDOUT.
expect_out() {
	local want=$1 rc=0
	shift
	pc "$@" >"$T/out" 2>"$T/err" || rc=$?
	if [ "$rc" != 0 ] || [ "$(cat "$T/out")" != "$want" ]; then
		echo "FAIL: puectl $*: exit $rc, stdout:"
		sed 's/^/    /' "$T/out" "$T/err"
		echo "  want exit 0, stdout:"
		printf '%s\n' "$want" | sed 's/^/    /'
		bad=$((bad + 1))
	fi
}

# --- 1. dates that do not exist ----------------------------------------------
expect 2 'puectl: --from: "2026-02-30" does not exist: February 2026 has 28 days' \
	report --from 2026-02-30
expect 2 'puectl: --from: "2026-04-31Z" does not exist: April 2026 has 30 days' \
	report --from 2026-04-31Z --to 2026-05-02Z
expect 2 'puectl: --from: "2025-02-29" does not exist: February 2025 has 28 days' \
	export --from 2025-02-29
expect 2 'puectl: --to: "2026-02-29T00:00" does not exist: February 2026 has 28 days' \
	history --window 1h --from 2026-02-01 --to 2026-02-29T00:00
expect 2 'puectl: --from: "2026-03-01T24:00" does not exist: hours run from 00 to 23' \
	report --from 2026-03-01T24:00
expect 2 'puectl: --from: "2026-03-01T08:60Z" does not exist: minutes run from 00 to 59' \
	report --from 2026-03-01T08:60Z
expect 2 'puectl: --since: "2026-03-01 08:00:60" does not exist: seconds run from 00 to 59' \
	report --since "2026-03-01 08:00:60"
expect 2 'puectl: --month: "2026-13" does not exist: months run from 01 to 12' \
	report --month 2026-13
expect 2 'puectl: --at: "2026-02-30" does not exist: February 2026 has 28 days' \
	year --at 2026-02-30
expect 2 'puectl: --from: "yesterday" is not a date (2026, 2026-03, 2026-03-01, 2026-03-01T08:00, a final Z for UTC)' \
	report --from yesterday
expect 2 'puectl: --month: "2026" is not a month (YYYY-MM, such as 2026-03)' \
	report --month 2026
# 02:30 on 29 March 2026 is skipped in Berlin (the clocks go from 02:00 to 03:00)
TZ=Europe/Berlin expect 2 'puectl: --from: "2026-03-29T02:30" does not exist in local time (TZ=Europe/Berlin): the clocks skip it' \
	report --from 2026-03-29T02:30 --to 2026-03-30
# and a whole day skipped: Samoa went from 29 to 31 December 2011 (mktime()
# moved 30 December 10:00 a day back, and only its hour and minute were
# compared)
TZ=Pacific/Apia expect 2 'puectl: --from: "2011-12-30T10:00" does not exist in local time (TZ=Pacific/Apia): the clocks skip it' \
	report --from 2011-12-30T10:00 --to 2012-01-01
# and what exists still goes: 29 February of a leap year, 23:59, UTC
expect_out 'from,to,facility_kwh,it_kwh,pue,state,coverage,category,hours,hours_above_ceiling,hours_above_warning,verdict
2028-02-29T23:59:00.000Z,2028-03-01T00:00:00.000Z,0.000,0.000,,insufficient_data,0.0000,,0,0,0,insufficient data' \
	--csv report --from 2028-02-29T23:59Z --to 2028-03-01Z

# --- 2. usage errors exit 2, a database that cannot be read 1 -----------------
expect 2 'puectl: give a period: --from DATE [--to DATE], --month YYYY-MM, --year YYYY or --since DATE' \
	report
expect 2 'puectl: the period ends before it starts: --to "2026-01-01" is not after --from "2026-02-01"' \
	report --from 2026-02-01 --to 2026-01-01
expect 2 'puectl: history needs --window SPAN (e.g. 24h) and an optional --step SPAN (default 1h)' \
	history --window 0m --month 2026-01
expect 2 'puectl: --point: expected DEVICE/POINT, got "incomer"' \
	export --raw --point incomer --month 2026-01
expect 2 'puectl: --format html is for report only' \
	--format html history --window 1h --month 2026-01
expect 1 "puectl: $T/none/pued.db: unable to open database file" \
	--db "$T/none/pued.db" report --month 2026-01
expect 1 "$T/none.yaml: No such file or directory" \
	-c "$T/none.yaml" report --month 2026-01

# --- 3. year as CSV ------------------------------------------------------------
# 40 days at 1.20: budget 1.25 x 365 x 24,000 - 40 x 28,800 kWh, headroom
# that minus 325 days at 28,800, required 9,798,000 / (325 x 24,000)
year_csv='year_start,year_end,as_of,ceiling,state,pue_ytd,pue_projected,budget_kwh,headroom_kwh,pue_required,out_of_reach,over_ceiling,why
2026-01-01T00:00:00.000Z,2027-01-01T00:00:00.000Z,2026-02-10T00:00:00.000Z,1.25,ok,1.2000,1.2000,9798000,438000,1.2562,false,false,'
expect_out "$year_csv" --csv year --at 2026-02-10Z
expect_out "$year_csv" --format csv year --at 2026-02-10Z
expect_out 'year_start,year_end,as_of,ceiling,state,pue_ytd,pue_projected,budget_kwh,headroom_kwh,pue_required,out_of_reach,over_ceiling,why
2026-01-01T00:00:00.000Z,2027-01-01T00:00:00.000Z,2026-01-05T00:00:00.000Z,1.25,insufficient_data,,,,,,,,fewer than 30 days of data' \
	--csv year --at 2026-01-05Z

# --- 4. export's options --------------------------------------------------------
expect 2 'puectl: --point: no device "nosuch" in the database (its devices: crah-1, crah-2, incomer, ups-a, ups-b)' \
	export --raw --point nosuch/x --month 2026-01
expect 2 'puectl: --point: device "incomer" has no point "x" (its points: energy, power)' \
	export --raw --point incomer/x --month 2026-01
expect 2 'puectl: --point is for export --raw' \
	export --point incomer/power --month 2026-01
expect 2 'puectl: --point is for export --raw' \
	report --point incomer/power --month 2026-01
expect 2 'puectl: --raw and --hours: give one of --minutes, --hours and --raw' \
	export --raw --hours --month 2026-01
expect 2 'puectl: --minutes, --hours and --raw are for export' \
	report --hours --month 2026-01
expect 2 'puectl: two periods: --month "2026-01" and --year "2026"; give one' \
	export --month 2026-01 --year 2026
expect 2 'puectl: two periods: --from "2026-01-01" and --since "2026-01-02"; give one' \
	report --from 2026-01-01 --since 2026-01-02
expect 2 'puectl: --to goes with --from or --since, not --month' \
	export --month 2026-01 --to 2026-01-15
expect 2 'puectl: export writes CSV; leave out --json' \
	--json export --month 2026-01
expect 2 'puectl: year takes no period (--year); --at DATE gives the reporting year as of DATE' \
	year --year 2026
expect 2 'puectl: --window and --step are for history' \
	report --window 1h --month 2026-01
expect 2 'puectl: --plot is for history' \
	--plot report --month 2026-01
expect 2 'puectl: --at is for report and year' \
	export --at 2026-01-02 --month 2026-01
# the point it names is exported: its two minutes, every 1 s poll
pc export --raw --point incomer/power --from 2026-01-01Z --to 2026-01-01T00:02Z >"$T/raw.csv" ||
	fail "export --raw --point incomer/power"
n=$(tail -n +2 "$T/raw.csv" | cut -d, -f2,3 | sort | uniq -c | awk '{ print $1, $2 }')
[ "$(head -n 1 "$T/raw.csv")" = "time,device,point,value,unit" ] && [ "$n" = "120 incomer,power" ] ||
	{ echo "FAIL: export --raw --point incomer/power: $n"; bad=$((bad + 1)); }

# --- 5. an empty period, a period that starts in the future ---------------------
# A period without data has no category: "-" (no data) in text and HTML,
# null in JSON, empty in CSV (above), as the PUE it has not either; not 0.
empty=(report --from 2028-02-29T23:59Z --to 2028-03-01Z)
got=$(pc "${empty[@]}" | grep '^  category') || true
[ "$got" = "  category                       - (no data)" ] ||
	{ echo "FAIL: puectl ${empty[*]}: \"$got\", want \"  category                       - (no data)\""; bad=$((bad + 1)); }
got=$(pc --json "${empty[@]}" | jq -c '[.category, .pue]') || true
[ "$got" = "[null,null]" ] ||
	{ echo "FAIL: puectl --json ${empty[*]}: category and pue $got, want [null,null]"; bad=$((bad + 1)); }
pc --format html "${empty[@]}" >"$T/empty.html" || true
grep -qF '(category -, coverage 0.00%)' "$T/empty.html" &&
	grep -qF '<tr><th scope="row">category</th><td class="num">-</td><td>no data</td></tr>' "$T/empty.html" ||
	{ echo "FAIL: puectl --format html ${empty[*]}: $(grep -o '[^>]*category[^<]*<[^<]*<[^<]*<[^<]*' "$T/empty.html" | head -n 3)"; bad=$((bad + 1)); }
# A start after now is not "ends before it starts"; now is named (UTC).
for args in "report --since 2099-01-01" "history --window 1h --from 2099-01-01Z" "export --since 2099-01-01T08:00"; do
	rc=0
	pc $args >"$T/out" 2>"$T/err" || rc=$?
	opt=$(echo "$args" | grep -o -- '--[a-z]* 2099[^ ]*' | sed 's/ \(.*\)/ "\1"/')
	if [ $rc != 2 ] || [ -s "$T/out" ] || ! grep -Eq "^puectl: the period starts in the future: ${opt} is after now \(20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\)\$" "$T/err"; then
		echo "FAIL: puectl $args: exit $rc, stderr \"$(cat "$T/err")\"; want exit 2, \"puectl: the period starts in the future: $opt is after now (...)\""
		bad=$((bad + 1))
	fi
done

[ "$bad" = 0 ] || fail "$bad of puectl's answers above are wrong"
note "every date, usage error, year CSV, export option, empty and future period answered as puectl(1) says"
