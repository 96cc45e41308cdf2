#!/bin/bash
# An SNMPv3 agent that comes back with a lower engine boot count is polled
# again within two polls of its first answer (issue 14): a factory-reset
# UPS card keeps its engine ID and counts boots from 1; a replaced card has
# a new engine ID and boots 1. net-snmp remembers, for the whole process,
# the highest boots it authenticated per engine ID and drops any answer
# with fewer as a replay, so without rediscovery the device stays down with
# "no answer (timeout)" for good. Both cases are run twice: once with the
# agent down long enough for pued to call the device down and back off,
# once restarted between two polls. A v2c device on the same agent is the
# control. Polls every second; what is asserted is the count of failed
# polls after the agent answers again, not a wall-clock time.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/snmpsim/snmpd.sh"

CARD1=0x80001f88047570732d636172642d31 # RFC 3411 format 4, "ups-card-1"
CARD2=0x80001f88047570732d636172642d32 # "ups-card-2"
agent_conf() { # ENGINE-ID BOOTS-BEFORE: the agent starts with BOOTS-BEFORE + 1
	SNMPD_EXTRA_CONF="oldEngineID $1
engineBoots $2"
}
agent_engine() { # "ENGINE-ID BOOTS" as the agent reports them (SNMP-FRAMEWORK-MIB, v2c)
	local id boots
	id=$(snmp_ask "$SNMPD_PORT" .1.3.6.1.6.3.10.2.1.1.0 | cut -d' ' -f2- | tr -d ' "\n' | tr A-F a-f)
	boots=$(snmp_ask "$SNMPD_PORT" .1.3.6.1.6.3.10.2.1.2.0 | cut -d' ' -f2)
	echo "0x$id $boots"
}

agent_conf "$CARD1" 40
start_snmpd agent
AGENT_PID=$SNMPD_PID
PLAY=1.3.6.1.4.1.8072.9999.9999.1
pts="    points:
      - {name: power, oid: $PLAY.1.0, kind: power, unit: W}
      - {name: it, oid: $PLAY.2.0, kind: power, unit: W, measured_at: ups_output}"
snmp_pued_config "$T/pued.yaml" "
  - name: ups-v3
    protocol: snmp
    timeout: 300ms
    retries: 1
    snmp: {host: 127.0.0.1, port: $SNMPD_PORT, version: 3, user: pued-sha256, auth_protocol: sha256,
           auth_passphrase: pued-auth-256, priv_protocol: aes, priv_passphrase: pued-priv-aes}
$pts
  - name: ups-v2c
    protocol: snmp
    timeout: 300ms
    retries: 1
    snmp: {host: 127.0.0.1, port: $SNMPD_PORT, version: 2c, community: $SNMP_COMMUNITY}
$pts" "
pue:
  facility: {add: [ups-v2c/power]}
  it: {add: [ups-v2c/it]}"
start_pued "$T/pued.yaml"
wait_for 10000 "both devices up" devices_jq '[.devices[].state] == ["up","up"]'
# pued authenticates boots 41 of ups-card-1 (and its time) from here on.
wait_for 5000 "a few v3 polls" device_jq ups-v3 '.polls >= 3'

now_ms() { echo $(($(date +%s%N) / 1000000)); }
failures() { puectl devices --json | jq -e '.devices[] | select(.name == "ups-v3") | .failures'; }

# restart_agent WHAT ENGINE-ID BOOTS-BEFORE WAIT-DOWN: stops the agent (and
# with WAIT-DOWN=down waits until pued calls ups-v3 down), starts it again
# with that engine, then checks that ups-v3 is back after at most two
# failed polls and stores samples again.
restart_agent() {
	local what=$1 engine=$2 boots=$3 wait_down=$4 f0 f1 t_up first gap polls
	if [ "$wait_down" = quick ]; then # right after a poll, to be back before the next
		polls=$(puectl devices --json | jq '.devices[] | select(.name == "ups-v3") | .polls')
		wait_for 10000 "a ups-v3 poll" device_jq ups-v3 ".polls > $polls"
	fi
	stop_pid "$AGENT_PID" 10000 || true
	if [ "$wait_down" = down ]; then
		wait_for 20000 "ups-v3 down while its agent is stopped ($what)" \
			device_jq ups-v3 '.state == "down" and (.last_error | test("timeout"))'
	fi
	agent_conf "$engine" "$boots"
	restart_snmpd agent
	AGENT_PID=$SNMPD_PID
	t_up=$(now_ms)
	f0=$(failures)
	note "$what: agent back as $(agent_engine)"
	[ "$(agent_engine)" = "$engine $((boots + 1))" ] || fail "$what: agent engine $(agent_engine)"
	wait_for 30000 "a ups-v3 sample stored after the agent came back ($what)" bash -c "
		[ \$(sqlite3 '$T/pued.db' \"SELECT count(*) FROM samples s JOIN points p ON p.id = s.point
			WHERE p.device = 'ups-v3' AND s.t >= $t_up\") -gt 0 ]"
	wait_for 5000 "ups-v3 up again ($what)" device_jq ups-v3 '.state == "up"'
	f1=$(failures)
	first=$(sqlite3 "$T/pued.db" "SELECT min(s.t) FROM samples s JOIN points p ON p.id = s.point
		WHERE p.device = 'ups-v3' AND s.t >= $t_up")
	gap=$((first - t_up))
	note "$what: $((f1 - f0)) failed polls after the agent answered, first sample $gap ms after"
	[ $((f1 - f0)) -le 2 ] || fail "$what: $((f1 - f0)) failed polls after the agent answered"
	wait_for 30000 "the v2c control up ($what)" device_jq ups-v2c '.state == "up"'
}

# Factory reset: same engine ID, boots 41 -> 1.
restart_agent "reset, down first" "$CARD1" 0 down
# Up to boots 31 on the same engine, then reset again between two polls.
restart_agent "boots up" "$CARD1" 30 quick
restart_agent "reset, quick" "$CARD1" 0 quick
# Replaced card: a new engine ID, boots 1.
restart_agent "new card, down first" "$CARD2" 0 down
restart_agent "new card boots up" "$CARD2" 30 quick
restart_agent "old card back, quick" "$CARD1" 0 quick
for change in "$CARD2 (was $CARD1)" "$CARD1 (was $CARD2)"; do
	grep -q "device ups-v3: 127.0.0.1:$SNMPD_PORT: the agent's SNMPv3 engine ID is now $change" \
		"$T/pued.log" || fail "the engine ID change to ${change%% *} not logged"
done
stop_clean "$PUED_PID"
