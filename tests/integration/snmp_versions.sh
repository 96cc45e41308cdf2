#!/bin/bash
# SNMP versions and credentials against a real snmpd: v1, v2c, v3 authPriv
# (SHA-256 with AES-128, MD5 with DES) and authNoPriv are polled and stored;
# a wrong v3 passphrase and an unknown v3 user are reported as
# authentication failures (not timeouts); a wrong v2c community is a
# timeout that says so. A v1 get with one unknown OID still reads the rest.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/snmpsim/snmpd.sh"

start_snmpd agent
P=$SNMPD_PORT
PLAY=1.3.6.1.4.1.8072.9999.9999.1
pts() { # two points, names prefixed: facility power (INTEGER), IT power (Gauge32)
	echo "      - {name: fac_w, oid: $PLAY.1.0, kind: power, unit: W}"
	echo "      - {name: it_w, oid: $PLAY.2.0, kind: power, unit: W, measured_at: ups_output}"
}
snmp_pued_config "$T/pued.yaml" "
  - name: v1
    protocol: snmp
    snmp: {host: 127.0.0.1, port: $P, version: 1, community: $SNMP_COMMUNITY}
    points:
$(pts)
      - {name: gone, oid: $PLAY.99.0, kind: power, unit: W}
      - {name: lines, oid: $PLAY.11, sum_column: true, kind: power, unit: W}
  - name: v2c
    protocol: snmp
    snmp: {host: 127.0.0.1, port: $P, version: 2c, community: $SNMP_COMMUNITY}
    points:
$(pts)
      - {name: it_e, oid: $PLAY.4.0, kind: energy, unit: Wh, counter_bits: 64, measured_at: ups_output}
      - {name: fac_e, oid: $PLAY.8.0, kind: energy, unit: kWh}
  - name: v3-sha256-aes
    protocol: snmp
    snmp: {host: 127.0.0.1, port: $P, version: 3, user: pued-sha256, security_level: authpriv,
           auth_protocol: sha256, auth_passphrase: pued-auth-256, priv_protocol: aes,
           priv_passphrase: pued-priv-aes}
    points:
$(pts)
      - {name: lines, oid: $PLAY.11, sum_column: true, kind: power, unit: W}
  - name: v3-md5-des
    protocol: snmp
    snmp: {host: 127.0.0.1, port: $P, version: 3, user: pued-md5, security_level: authpriv,
           auth_protocol: md5, auth_passphrase: pued-auth-md5, priv_protocol: des,
           priv_passphrase: pued-priv-des}
    points:
$(pts)
  - name: v3-authnopriv
    protocol: snmp
    snmp: {host: 127.0.0.1, port: $P, version: 3, user: pued-auth, security_level: authnopriv,
           auth_protocol: sha, auth_passphrase: pued-auth-only}
    points:
$(pts)
  - name: v3-wrong-pass
    protocol: snmp
    timeout: 300ms
    retries: 1
    snmp: {host: 127.0.0.1, port: $P, version: 3, user: pued-wrong, security_level: authpriv,
           auth_protocol: sha256, auth_passphrase: not-the-passphrase, priv_protocol: aes,
           priv_passphrase: pued-real-priv}
    points:
$(pts)
  - name: v3-no-user
    protocol: snmp
    timeout: 300ms
    retries: 1
    snmp: {host: 127.0.0.1, port: $P, version: 3, user: nobody-here, security_level: authpriv,
           auth_protocol: sha256, auth_passphrase: whatever-pass, priv_passphrase: whatever-priv}
    points:
$(pts)
  - name: v2c-bad-community
    protocol: snmp
    timeout: 200ms
    retries: 1
    snmp: {host: 127.0.0.1, port: $P, version: 2c, community: not-the-community}
    points:
$(pts)" "
pue:
  facility: {add: [v2c/fac_e]}
  it: {add: [v2c/it_e]}"
start_pued "$T/pued.yaml"

wait_for 15000 "v2c, both v3 authPriv and v3 authNoPriv up" \
	devices_jq '[.devices[] | select(.name | test("^(v2c|v3-sha256-aes|v3-md5-des|v3-authnopriv)$")) | .state] == ["up","up","up","up"]'
wait_for 10000 "v1 degraded by its unknown OID only, naming it" \
	device_jq v1 '.state == "degraded" and (.last_error | test("point gone \\(1\\.3\\.6\\.1\\.4\\.1\\.8072\\.9999\\.9999\\.1\\.99\\.0\\): noSuchName"))'
wait_for 15000 "wrong v3 passphrase down as an authentication failure" \
	device_jq v3-wrong-pass '.state == "down" and (.last_error | test("authentication failure: wrong auth_passphrase or auth_protocol for user \"pued-wrong\" \\(usmStatsWrongDigests\\)"))'
device_jq v3-wrong-pass '.last_error | test("timeout") | not' >/dev/null ||
	fail "wrong passphrase reported as a timeout"
wait_for 15000 "unknown v3 user down as an authentication failure" \
	device_jq v3-no-user '.state == "down" and (.last_error | test("authentication failure: the agent has no user \"nobody-here\""))'
wait_for 15000 "wrong community down as a timeout that says so" \
	device_jq v2c-bad-community '.state == "down" and (.last_error | test("no answer after 2 tries \\(timeout; wrong community\\?\\)"))'

# Every device that is up stored its points, with plausible values
# (facility 960 kW and IT 800 kW, +-2%; lines sum to IT).
wait_for 10000 "samples stored for every readable point" bash -c "
	n=\$(sqlite3 '$T/pued.db' \"SELECT count(DISTINCT p.device || '/' || p.name) FROM samples s
		JOIN points p ON p.id = s.point\")
	[ \"\$n\" -eq 14 ]"
bad=$(sqlite3 "$T/pued.db" "SELECT p.device || '/' || p.name || '=' || s.value FROM samples s
	JOIN points p ON p.id = s.point
	WHERE (p.name = 'fac_w' AND abs(s.value - 960) > 960 * 0.021)
	   OR (p.name IN ('it_w', 'lines') AND abs(s.value - 800) > 800 * 0.021) LIMIT 5")
[ -z "$bad" ] || fail "implausible values: $bad"
for d in v3-wrong-pass v3-no-user v2c-bad-community; do
	n=$(sqlite3 "$T/pued.db" "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point WHERE p.device = '$d'")
	[ "$n" -eq 0 ] || fail "$d stored $n samples"
done
# The passphrases never reach the log.
! grep -E "pued-auth-256|pued-priv-aes|not-the-passphrase|$SNMP_COMMUNITY|not-the-community" "$T/pued.log" ||
	fail "a secret in the log"
# A reload builds new sessions in the same process (net-snmp stays up):
# the v3 devices discover their agent again and poll on.
kill -HUP "$PUED_PID"
wait_for 10000 "the reload" grep -q "pued: reloaded" "$T/pued.log"
wait_for 10000 "v3 devices up again after the reload" \
	devices_jq '[.devices[] | select(.name | test("^v3-(sha256-aes|md5-des|authnopriv)$")) | select(.polls > 0) | .state] == ["up","up","up"]'
puectl devices; puectl devices --json | jq -c ".devices[] | [.name,.state,.requests_last_poll,.reads_per_poll,.last_error]"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
