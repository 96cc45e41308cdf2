#!/bin/bash
# A v3 inform receiver that restarts with its engine boots reset (its
# persistent state lost, same engine ID) still gets pued's informs (issue
# 14). The receiver is the authoritative engine for informs; net-snmp
# remembers the highest boots it authenticated from it, for the whole
# process, and drops the receiver's notInTimeWindow report with fewer as a
# replay, so without a new discovery every inform timed out for good.
# Inform 1 (device gone-1 down) reaches the receiver at boots 41; the
# receiver restarts at boots 1 on the same port; inform 2 (device ups
# down, its agent stopped afterwards) must reach it too.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/alerts/helpers.sh"

RECEIVER=0x80001f88046e6f632d7265636569766572 # RFC 3411 format 4, "noc-receiver"
read -r INFORM_PORT DEAD_PORT <<<"$(free_udp_ports 2)" # nothing listens on DEAD_PORT
TRAPD_EXTRA_CONF="oldEngineID $RECEIVER
engineBoots 40"
start_snmptrapd noc-a "$INFORM_PORT"
start_snmpd agent
AGENT_PID=$SNMPD_PID
v3="user: $TRAP_V3_USER, security_level: authpriv, auth_protocol: sha256,"
v3="$v3 auth_passphrase: $TRAP_V3_AUTH, priv_protocol: aes, priv_passphrase: $TRAP_V3_PRIV"
PLAY=1.3.6.1.4.1.8072.9999.9999.1
pts="    poll_interval: 200ms
    timeout: 100ms
    retries: 0
    points:
      - {name: power, oid: $PLAY.1.0, kind: power, unit: W}
      - {name: it, oid: $PLAY.2.0, kind: power, unit: W, measured_at: ups_output}"
snmp_pued_config "$T/pued.yaml" "
  - name: ups
    protocol: snmp
    snmp: {host: 127.0.0.1, port: $SNMPD_PORT, community: $SNMP_COMMUNITY}
$pts
  - name: gone-1
    protocol: snmp
    snmp: {host: 127.0.0.1, port: $DEAD_PORT, community: nobody}
$pts" "
pue:
  facility: {add: [ups/power]}
  it: {add: [ups/it]}
alerts:
  targets:
    - {name: noc, type: snmp_inform, min_severity: critical,
       snmp: {host: 127.0.0.1, port: $INFORM_PORT, version: 3, $v3}}"
start_pued "$T/pued.yaml"
firing() { # RECEIVER DEVICE: that receiver has the v3 inform of DEVICE's device_down
	at_least 1 "$1" "INFORM, SNMP v3, user $TRAP_V3_USER" pueAlertFiring "pueAlertDevice.0 = STRING: \"?$2\"?\|"
}
wait_for 20000 "the gone-1 inform at the receiver (boots 41)" firing noc-a gone-1
device_jq ups '.state == "up"' >/dev/null || fail "ups is not up"

stop_pid "$TRAPD_PID" 10000 || true
TRAPD_EXTRA_CONF="oldEngineID $RECEIVER
engineBoots 0"
start_snmptrapd noc-b "$INFORM_PORT" # the same engine ID, boots 1
stop_pid "$AGENT_PID" 10000 || true
wait_for 10000 "ups down" device_jq ups '.state == "down"'
wait_for 30000 "the ups inform at the restarted receiver (boots 1)" firing noc-b ups
puectl alerts --json | jq -c '.targets[]'
wait_for 10000 "the inform queue empty" bash -c "[ \$(sqlite3 '$T/pued.db' 'SELECT count(*) FROM inform_queue') -eq 0 ]"
stop_clean "$PUED_PID"
