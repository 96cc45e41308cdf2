# SPDX-License-Identifier: MIT
# tests/alerts/helpers.sh - the real net-snmp receivers the alert tests
# talk to (sourced after tests/integration/lib.sh, which provides $T, $TOP,
# start, wait_for, fail, note): snmptrapd as the NOC's trap and inform
# receiver, and snmpd as the AgentX master agent. Each lives in $T/NAME/
# with its own generated configuration, persistent directory and log, on
# 127.0.0.1 high ports only, reading no system configuration (-C) and
# loading only PUED-MIB and the IETF modules it needs (find_ietf_mibs).
# Tests stop them by the PID that start() recorded.

. "$TOP/tests/snmpsim/snmpd.sh" # free_udp_ports

# The receivers decode with PUED-MIB, which needs the IETF base modules:
# a test that starts one skips without them (tests that only need a dead
# sink do not).
TEST_MIBS=
ietf_mibs_dir && TEST_MIBS=$IETF_MIBS:$TOP/conf
TRAP_COMMUNITY=pued-noc-community
TRAP_V3_USER=pued-noc
TRAP_V3_AUTH=pued-noc-auth-pass
TRAP_V3_PRIV=pued-noc-priv-pass
# pued's SNMPv3 engine (alerts.engine_id): RFC 3411 format 4, "pued-test".
TRAP_ENGINE_ID=0x80001f88047075656420746573742e

# start_snmptrapd NAME [PORT]: a receiver logging one line per notification
# to $T/NAME-traps.log: "TRAP <version, community or user> [v1 enterprise,
# generic and specific trap] <varbinds|...>",
# decoded with PUED-MIB. v2c with $TRAP_COMMUNITY; v3 authPriv as
# $TRAP_V3_USER, traps from pued's engine and informs to this receiver's
# own. On PORT, else on a free port. TRAPD_EXTRA_CONF, when set, is
# appended to its snmptrapd.conf ("oldEngineID 0x..." and "engineBoots N"
# give it that engine ID and N + 1 boots). Sets TRAPD_PID and TRAPD_PORT.
start_snmptrapd() {
	local name=$1 dir=$T/$1
	[ -n "$TEST_MIBS" ] || find_ietf_mibs
	mkdir -p "$dir/persist"
	cat >"$dir/snmptrapd.conf" <<CONF
authCommunity log,execute,net $TRAP_COMMUNITY
createUser -e $TRAP_ENGINE_ID $TRAP_V3_USER SHA-256 "$TRAP_V3_AUTH" AES "$TRAP_V3_PRIV"
createUser $TRAP_V3_USER SHA-256 "$TRAP_V3_AUTH" AES "$TRAP_V3_PRIV"
authUser log,execute $TRAP_V3_USER priv
${TRAPD_EXTRA_CONF:-}
CONF
	on_udp_port "${2:-}" "snmptrapd $name" _start_snmptrapd "$name"
	note "snmptrapd $name (pid $TRAPD_PID) on udp:127.0.0.1:$TRAPD_PORT"
}
_start_snmptrapd() { # NAME PORT: one try (with_free_udp_ports)
	local name=$1 dir=$T/$1
	TRAPD_PORT=$2
	: >"$T/$name-traps.log"
	start "$name" env SNMP_PERSISTENT_DIR="$dir/persist" snmptrapd -f -C -c "$dir/snmptrapd.conf" \
		-M "$TEST_MIBS" -m PUED-MIB -Lf "$T/$name-traps.log" -X -p "$dir/pid" \
		-F 'TRAP %P [%N %w %q] %V|%v\n' "udp:127.0.0.1:$TRAPD_PORT"
	TRAPD_PID=$LAST_PID
	# it says its version once it has opened the port
	await_server "snmptrapd $name" "$TRAPD_PID" "$T/$name-traps.log $T/$name.log" \
		grep -q "NET-SNMP version" "$T/$name-traps.log"
}

# notifications NAME PATTERN...: how many lines of NAME's log match every
# PATTERN (grep -E).
notifications() {
	local name=$1 lines
	shift
	lines=$(cat "$T/$name-traps.log")
	for p in "$@"; do lines=$(printf '%s\n' "$lines" | grep -E -- "$p" || true); done
	[ -z "$lines" ] && echo 0 || printf '%s\n' "$lines" | wc -l
}

# at_least N NAME PATTERN...: true once N lines match (for wait_for, which
# runs it again each time).
at_least() {
	local n=$1
	shift
	[ "$(notifications "$@")" -ge "$n" ]
}

# varbind NAME PATTERN OBJECT: the value of PUED-MIB::OBJECT.0 in the first
# line of NAME's log matching PATTERN ("INTEGER: 1262 thousandths" -> 1262).
varbind() {
	grep -E -- "$2" "$T/$1-traps.log" | head -n1 | tr '|' '\n' |
		sed -n "s/^PUED-MIB::$3\.0 = [A-Za-z0-9]*: //p" | sed -e 's/^"//' -e 's/"$//'
}

# varbinds NAME PATTERN: every PUED-MIB::OBJECT.0 of the first line of
# NAME's log matching PATTERN, one "OBJECT: VALUE" a line, in the order
# sent (values as varbind gives them, trailing blanks dropped).
varbinds() {
	grep -E -m1 -- "$2" "$T/$1-traps.log" | sed 's/^[^[]*\[[^]]*\] //' | tr '|' '\n' |
		sed -n 's/^PUED-MIB::\([A-Za-z0-9]*\)\.0 = [A-Za-z0-9]*: \(.*\)$/\1: \2/p' |
		sed -e 's/: "\(.*\)"$/: \1/' -e 's/ *$//'
}

# start_master NAME [PORT]: snmpd as the AgentX master at $T/master/agentx.sock
# (the same for every NAME, so a restarted master is found where the last
# one was), answering v2c community $MASTER_COMMUNITY on udp:127.0.0.1:PORT,
# else on a free port. Sets MASTER_PID, MASTER_PORT, MASTER_SOCKET.
MASTER_COMMUNITY=pued-master-community
start_master() {
	local name=$1
	[ -n "$TEST_MIBS" ] || find_ietf_mibs
	MASTER_SOCKET=$T/master/agentx.sock
	mkdir -p "$T/master/persist"
	on_udp_port "${2:-}" "snmpd $name" _start_master "$name"
	note "snmpd $name (pid $MASTER_PID) on udp:127.0.0.1:$MASTER_PORT, agentx $MASTER_SOCKET"
}
_start_master() { # NAME PORT: one try (with_free_udp_ports)
	local name=$1 dir=$T/master
	MASTER_PORT=$2
	cat >"$dir/snmpd.conf" <<CONF
agentaddress udp:127.0.0.1:$MASTER_PORT
master agentx
agentXSocket $MASTER_SOCKET
rocommunity $MASTER_COMMUNITY 127.0.0.1
CONF
	rm -f "$MASTER_SOCKET"
	: >"$dir/snmpd.log"
	start "$name" env SNMP_PERSISTENT_DIR="$dir/persist" snmpd -f -C -c "$dir/snmpd.conf" \
		-Lf "$dir/snmpd.log" -p "$dir/snmpd.pid" -M /dev/null -m "" -I -smux
	MASTER_PID=$LAST_PID
	await_server "snmpd $name" "$MASTER_PID" "$dir/snmpd.log $T/$name.log" _master_answers
}
_master_answers() { # the AgentX socket is there and the UDP port answers
	[ -S "$MASTER_SOCKET" ] && SNMPCONFPATH=/nonexistent snmpget -v2c -c "$MASTER_COMMUNITY" -r0 -t0.3 \
		-On -Oq "127.0.0.1:$MASTER_PORT" .1.3.6.1.2.1.1.3.0
}

# mib_get OID...: snmpget through the master, PUED-MIB names, values only.
mib_get() {
	SNMPCONFPATH=/nonexistent snmpget -v2c -c "$MASTER_COMMUNITY" -r0 -t1 -M "$TEST_MIBS" \
		-m PUED-MIB -Ovq "127.0.0.1:$MASTER_PORT" "$@"
}

# mib_walk OID: snmpwalk through the master, "NAME = TYPE: VALUE" lines.
mib_walk() {
	SNMPCONFPATH=/nonexistent snmpwalk -v2c -c "$MASTER_COMMUNITY" -r0 -t1 -M "$TEST_MIBS" \
		-m PUED-MIB "127.0.0.1:$MASTER_PORT" "$@"
}
