#!/bin/bash
# Readings that cannot be true over SNMP (PUE.md, "Readings that cannot be
# true"), through a real snmpd and pue-snmp-pass: a power point that reads
# the OCTET STRING "1e308", one that reads an Opaque double -1e308 and one
# that reads a Counter64 of 2^64-1 W. Each is rejected on every poll and
# never stored; pued logs it with the device, the point and the raw value
# once when the run starts and then a summary every five minutes (not a
# line per poll), records one device_error event per point, and keeps the
# device answering (degraded, the reason as its last error), while its
# good point is stored and the PUE from another device stays 1.2. pued
# and the agent share the stepped test clock; polls are 10 s apart, the
# liar's at 5 s past each ten (its phase), so its run starts at 00:00:05
# and its summaries come at 00:05:05 and 00:10:05, exactly.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/snmpsim/snmpd.sh"

T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_snmpd agent
PLAY=1.3.6.1.4.1.8072.9999.9999.1
snmp=" protocol: snmp
    poll_interval: 10s
    snmp: {host: 127.0.0.1, port: $SNMPD_PORT, version: 2c, community: $SNMP_COMMUNITY}"
snmp_pued_config "$T/pued.yaml" "
  - name: hall
   $snmp
    points:
      - {name: facility, oid: $PLAY.8.0, kind: energy, unit: kWh}
      - {name: it, oid: $PLAY.4.0, kind: energy, unit: Wh, counter_bits: 64, measured_at: ups_output}
  - name: liar
   $snmp
    points:
      - {name: good, oid: $PLAY.1.0, kind: power, unit: W}
      - {name: huge_string, oid: $PLAY.19.0, kind: power, unit: kW}
      - {name: huge_double, oid: $PLAY.20.0, kind: power, unit: kW}
      - {name: max_counter64, oid: $PLAY.21.0, kind: power, unit: W}" "
pue:
  facility: {add: [hall/facility]}
  it: {add: [hall/it]}
  windows: [15m]
  alert_window: 15m"
start_pued "$T/pued.yaml"

logged() { grep -c -- "$1" "$T/pued.log" || true; }
line() { # POINT: the start of the log line about POINT's impossible readings
	echo "device liar: point $1: impossible reading rejected: power"
}
# summaries POINT: the run's lengths in POINT's five-minute summaries.
summaries() {
	sed -n "s/.*device liar: point $1: still rejecting impossible readings: \([0-9]* in [0-9]* s\), .*/\1/p" \
		"$T/pued.log" | paste -sd, -
}

advance 10s
grep -qF "$(line huge_string) 1e+308 kW above the limit of 1e+06 kW (raw 1e+308)" "$T/pued.log" ||
	fail "the OCTET STRING \"1e308\" not rejected with its raw value"
grep -qF "$(line huge_double) -1e+308 kW below -10000 kW (raw -1e+308)" "$T/pued.log" ||
	fail "the Opaque double -1e308 not rejected with its raw value"
grep -qF "$(line max_counter64) 1.84467e+16 kW above the limit of 1e+06 kW (raw 18446744073709551615)" \
	"$T/pued.log" || fail "the Counter64 2^64-1 not rejected with its raw count"
device_jq liar '.state == "degraded" and (.last_error | test("point huge_string: impossible reading: power 1e\\+308 kW"))' \
	>/dev/null || fail "liar not degraded naming the impossible reading: $(puectl devices --json)"

# Six minutes of polls from 00:00:05 (37 of them, the last stored by the
# store's flush a second later): still one line each, and one five-minute
# summary of the run so far, at its 31st poll.
advance_to 00:06:06
for p in huge_string huge_double max_counter64; do
	n=$(logged "$(line "$p")")
	[ "$n" -eq 1 ] || fail "$n lines for $p's run of impossible readings, want 1"
	[ "$(summaries "$p")" = "31 in 300 s" ] || fail "$p's summaries by 00:06:06: $(summaries "$p")"
done
note "$(grep -m1 'device liar: point huge_string: still rejecting' "$T/pued.log")"
[ "$(logged 'device liar: failing')" -eq 0 ] || fail "liar reported failing: it answers"
device_jq liar '.state == "degraded" and .polls == 37 and .failures == 0' >/dev/null ||
	fail "liar at 00:06:06: $(puectl devices --json)"

got=$(sql "SELECT count(*), min(t) - $T0, max(t) - $T0 FROM events WHERE kind = 'device_error'")
[ "$got" = "3|5000|5000" ] || fail "device_error events (count, first, last ms): $got"
for want in "huge_string|%raw 1e+308%" "huge_double|%raw -1e+308%" "max_counter64|%raw 18446744073709551615%"; do
	[ "$(sql "SELECT count(*) FROM events WHERE kind = 'device_error'
		AND subject = 'liar/${want%%|*}' AND message LIKE '${want#*|}'")" -eq 1 ] ||
		fail "no device_error event for ${want%%|*}: $(sql "SELECT subject, message FROM events")"
done
[ -z "$(samples_of liar huge_string)$(samples_of liar huge_double)$(samples_of liar max_counter64)" ] ||
	fail "an impossible reading was stored"
[ "$(samples_of liar good | wc -l)" -eq 37 ] || fail "the liar's good point: $(samples_of liar good | wc -l) samples, want 37"

# Minute 00:14 closes at 00:15:01: the 15m window is the hall's energy
# from 00:00 to 00:15, the agent's exact integrals (pue-snmp-pass.c: 960
# and 800 kW swinging 2% over ten minutes; IT counted in whole Wh).
advance_to 00:15:01
want=$(python3 -c '
import math, sys
t0, t1 = (int(sys.argv[1]) - 1600000000000) / 1000, (int(sys.argv[1]) + 900000 - 1600000000000) / 1000
w = 2 * math.pi / 600.0
e = lambda p0, t: p0 * (t + 0.02 * (1 - math.cos(w * t)) / w) / 3600.0
it = (math.floor(e(800, t1) * 1000) - math.floor(e(800, t0) * 1000)) / 1000
print("%.3f %.3f" % (e(960, t1) - e(960, t0), it))' "$T0")
got=$(puectl status --json | jq -c '.windows[0]')
note "15m at 00:15:01: $got (the agent: $want kWh)"
echo "$got" | jq -e --arg want "$want" '.state == "ok" and .pue == 1.2 and .pue_milli == 1200 and .coverage == 1
	and "\(.facility_kwh) \(.it_kwh)" == $want' >/dev/null || fail "the 15m window: $got, want $want kWh"
for p in huge_string huge_double max_counter64; do
	[ "$(logged "$(line "$p")")" -eq 1 ] || fail "a second line for $p's run"
	[ "$(summaries "$p")" = "31 in 300 s,61 in 600 s" ] || fail "$p's summaries by 00:15:01: $(summaries "$p")"
done
[ "$(samples_of liar good | wc -l)" -eq 90 ] || fail "the liar's good point: $(samples_of liar good | wc -l) samples, want 90"
stop_clean "$PUED_PID"
