#!/bin/bash
# Three agents (v2c, v3 authPriv, v2c), polled every 500 ms. One is
# stopped: it goes down with a timeout, and the two others keep a stored
# sample in at least 24 of the next 30 consecutive intervals (real time,
# with room for a busy machine): a dead agent only waits through its own
# timeouts.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/snmpsim/snmpd.sh"

start_snmpd agent-a
PA=$SNMPD_PORT
start_snmpd agent-b
PB=$SNMPD_PORT PID_B=$SNMPD_PID
start_snmpd agent-c
PC=$SNMPD_PORT
PLAY=1.3.6.1.4.1.8072.9999.9999.1
points="    points:
      - {name: power, oid: $PLAY.1.0, kind: power, unit: W}
      - {name: lines, oid: $PLAY.11, sum_column: true, kind: power, unit: W, measured_at: ups_output}"
snmp_pued_config "$T/pued.yaml" "
  - name: ups-a
    protocol: snmp
    poll_interval: 500ms
    timeout: 200ms
    retries: 1
    snmp: {host: 127.0.0.1, port: $PA, community: $SNMP_COMMUNITY}
$points
  - name: ups-b
    protocol: snmp
    poll_interval: 500ms
    timeout: 200ms
    retries: 1
    snmp: {host: 127.0.0.1, port: $PB, version: 3, user: pued-sha256, auth_protocol: sha256,
           auth_passphrase: pued-auth-256, priv_passphrase: pued-priv-aes}
$points
  - name: ups-c
    protocol: snmp
    poll_interval: 500ms
    timeout: 200ms
    retries: 1
    snmp: {host: 127.0.0.1, port: $PC, version: 3, user: pued-md5, auth_protocol: md5,
           auth_passphrase: pued-auth-md5, priv_protocol: des, priv_passphrase: pued-priv-des}
$points" "
pue:
  facility: {add: [ups-a/power]}
  it: {add: [ups-a/lines]}"
start_pued "$T/pued.yaml"
wait_for 10000 "all three agents up" devices_jq '[.devices[].state] == ["up","up","up"]'

stop_pid "$PID_B" 5000 || true
hold_port udp "$PB" # still nobody there: no agent of a test alongside either
t0=$(($(date +%s%N) / 1000000 + 500)) # from the next interval on
wait_for 10000 "ups-b down with a timeout" \
	device_jq ups-b '.state == "down" and (.last_error | test("no answer after 2 tries \\(timeout\\)"))'
# 30 intervals of 500 ms, one more for a poll whose phase puts it past the
# last cut (lib.sh intervals_hit), and a flush after them.
end=$((t0 + 30 * 500))
stored_past() { # stored_past MS: ups-a and ups-c each have a sample at or after MS
	[ "$(sql "SELECT count(DISTINCT p.device) FROM samples s JOIN points p ON p.id = s.point
		WHERE p.device IN ('ups-a', 'ups-c') AND s.t >= $1")" = 2 ]
}
wait_for 30000 "30 intervals to pass and be stored" stored_past $((end + 500))
sql "SELECT p.device || '/' || p.name, s.t FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device IN ('ups-a', 'ups-c') AND s.t >= $t0 - 500 AND s.t < $end + 500" |
	intervals_hit "$t0" 500 30 >"$T/hits"
for point in ups-a/power ups-a/lines ups-c/power ups-c/lines; do
	got=$(awk -v p="$point" '$1 == p { print $2 }' "$T/hits")
	note "$point: a sample in ${got:-0} of 30 intervals"
	# A dead agent holding up the others would leave few; 24 leaves
	# room for a machine whose cores are busy with other work.
	[ "${got:-0}" -ge 24 ] || fail "$point stored a sample in only ${got:-0} of 30 intervals"
done
n=$(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device = 'ups-b' AND s.t >= $t0 + 1000")
[ "$n" -eq 0 ] || fail "ups-b stored $n samples after it was stopped"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
