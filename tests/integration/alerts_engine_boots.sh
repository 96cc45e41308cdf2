#!/bin/bash
# pued's own SNMPv3 engine boots never go down, even with a new database
# (issue 14). A v3 trap speaks for pued's engine (alerts.engine_id), and a
# receiver drops a notification whose boots are lower than the highest it
# authenticated from that engine (RFC 3414, 3.2, step 7b), silently. pued
# is started three times against one real snmptrapd, each time with an SNMP
# device nobody answers, so that its device_down alert sends a v3 trap: the
# second start keeps the database, the third starts on a new one. Every
# trap must arrive, and the boots kept in the state directory
# (snmp-engine-boots beside the database) must be 1, 2, 3.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/alerts/helpers.sh"

read -r TRAP_PORT DEAD_PORT <<<"$(free_udp_ports 2)" # nothing listens on DEAD_PORT
start_snmptrapd noc "$TRAP_PORT"
v3="user: $TRAP_V3_USER, security_level: authpriv, auth_protocol: sha256,"
v3="$v3 auth_passphrase: $TRAP_V3_AUTH, priv_protocol: aes, priv_passphrase: $TRAP_V3_PRIV"
BOOTS=$T/snmp-engine-boots

# run_pued N: pued with device gone-N until its v3 device_down trap has
# arrived; prints nothing, fails the test if the trap never comes.
run_pued() {
	local dev=gone-$1
	snmp_pued_config "$T/pued.yaml" "
  - name: $dev
    protocol: snmp
    poll_interval: 200ms
    timeout: 100ms
    retries: 0
    snmp: {host: 127.0.0.1, port: $DEAD_PORT, community: nobody}
    points:
      - {name: power, oid: 1.3.6.1.4.1.8072.9999.9999.1.1.0, kind: power, unit: W}
      - {name: it, oid: 1.3.6.1.4.1.8072.9999.9999.1.2.0, kind: power, unit: W,
         measured_at: ups_output}" "
pue:
  facility: {add: [$dev/power]}
  it: {add: [$dev/it]}
alerts:
  engine_id: \"$TRAP_ENGINE_ID\"
  targets:
    - {name: noc-v3, type: snmp_trap, min_severity: critical,
       snmp: {host: 127.0.0.1, port: $TRAP_PORT, version: 3, $v3}}"
	start_pued "$T/pued.yaml"
	wait_for 20000 "$dev down" device_jq "$dev" '.state == "down"'
	wait_for 10000 "the v3 device_down trap for $dev at the receiver (pued's boots $(cat "$BOOTS" 2>&1 | tail -n1))" \
		at_least 1 noc "SNMP v3, user $TRAP_V3_USER" "pueAlertFiring" "STRING: \"?$dev\"?"
	stop_clean "$PUED_PID"
}

boots_file() { grep -v '^#' "$BOOTS"; }
boots_db() { sqlite3 "$T/pued.db" "SELECT value FROM meta WHERE key = 'snmp_engine_boots'"; }

run_pued 1
[ "$(boots_file)" = 1 ] || fail "boots after the first start: $(boots_file)"
run_pued 2
[ "$(boots_file)" = 2 ] || fail "boots after a restart: $(boots_file)"
[ "$(boots_db)" = 2 ] || fail "boots in the database after a restart: $(boots_db)"
# A new database: the receiver has authenticated boots 2 from pued's engine.
rm -f "$T/pued.db" "$T/pued.db-wal" "$T/pued.db-shm"
run_pued 3
[ "$(boots_file)" = 3 ] || fail "boots after a start on a new database: $(boots_file)"
[ "$(boots_db)" = 3 ] || fail "boots in the new database: $(boots_db)"
note "boots 1, 2, 3 in $BOOTS; $(notifications noc "SNMP v3" pueAlertFiring) v3 traps received"
! ls "$T" | grep -q '^snmp-engine-boots\.' || fail "a temporary boots file was left: $(ls "$T")"
! grep -q "engine boots" "$T/pued.log" || fail "pued: $(grep "engine boots" "$T/pued.log")"
