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
# and the agent share a clock running 60x real time; polls are 10 s apart.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/snmpsim/snmpd.sh"

T0=1767225600000
export PUED_TEST_CLOCK="$T0,$(($(date +%s%N) / 1000000)),60"
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

sim_seconds() { # simulated seconds since T0, from pued
	puectl status --json | jq -e --argjson t0 "$T0" \
		'(.time | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) - $t0 / 1000 | floor'
}
past() { [ "$(sim_seconds)" -ge "$1" ]; }
logged() { grep -c -- "$1" "$T/pued.log" || true; }
line() { # POINT: the start of the log line about POINT's impossible readings
	echo "device liar: point $1: impossible reading rejected: power"
}

wait_for 20000 "the OCTET STRING \"1e308\" rejected with its raw value" grep -qF \
	"$(line huge_string) 1e+308 kW above the limit of 1e+06 kW (raw 1e+308)" "$T/pued.log"
wait_for 20000 "the Opaque double -1e308 rejected with its raw value" grep -qF \
	"$(line huge_double) -1e+308 kW below -10000 kW (raw -1e+308)" "$T/pued.log"
wait_for 20000 "the Counter64 2^64-1 rejected with its raw count" grep -qF \
	"$(line max_counter64) 1.84467e+16 kW above the limit of 1e+06 kW (raw 18446744073709551615)" \
	"$T/pued.log"
started=$(sim_seconds)
wait_for 10000 "liar degraded, naming the impossible reading" \
	device_jq liar '.state == "degraded" and (.last_error | test("point huge_string: impossible reading: power 1e\\+308 kW"))'

# Six simulated minutes of polls (36 of them): still one line each, and
# one five-minute summary of the run so far.
wait_for 30000 "six simulated minutes of rejections" past $((started + 360))
for p in huge_string huge_double max_counter64; do
	n=$(logged "$(line "$p")")
	[ "$n" -eq 1 ] || fail "$n lines for $p's run of impossible readings, want 1"
	n=$(logged "device liar: point $p: still rejecting impossible readings: ")
	[ "$n" -ge 1 ] && [ "$n" -le 2 ] || fail "$n five-minute summaries for $p, want 1 or 2"
done
note "$(grep -m1 'device liar: point huge_string: still rejecting' "$T/pued.log")"
[ "$(logged 'device liar: failing')" -eq 0 ] || fail "liar reported failing: it answers"

wait_for 10000 "one device_error event per point" \
	test "$(sql "SELECT count(*) FROM events WHERE kind = 'device_error' AND subject LIKE 'liar/%'")" -eq 3
for want in "huge_string|%raw 1e+308%" "huge_double|%raw -1e+308%" "max_counter64|%raw 18446744073709551615%"; do
	[ "$(sql "SELECT count(*) FROM events WHERE kind = 'device_error'
		AND subject = 'liar/${want%%|*}' AND message LIKE '${want#*|}'")" -eq 1 ] ||
		fail "no device_error event for ${want%%|*}: $(sql "SELECT subject, message FROM events")"
done
[ -z "$(samples_of liar huge_string)$(samples_of liar huge_double)$(samples_of liar max_counter64)" ] ||
	fail "an impossible reading was stored"
[ "$(samples_of liar good | wc -l)" -ge 30 ] || fail "the liar's good point was not stored"
wait_for 20000 "the 15m PUE at 1.2 (+-0.01)" \
	status_jq '.windows[0].state == "ok" and ((.windows[0].pue - 1.2) | fabs) < 0.01'
stop_clean "$PUED_PID"
