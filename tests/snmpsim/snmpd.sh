# SPDX-License-Identifier: MIT
# tests/snmpsim/snmpd.sh - starting the real net-snmp snmpd for the SNMP
# tests and bench/snmp.sh (sourced after tests/integration/lib.sh, which
# provides $T, $BIN, start, fail, note).
#
# Each agent lives in $T/NAME/: its generated snmpd.conf, its persistent
# directory (SNMP_PERSISTENT_DIR and persistentDir: the v3 users that
# createUser makes, the engine boots), its pid file and log. It listens on
# 127.0.0.1 only, on high ports found by binding port 0, runs as the
# current user, reads no system configuration (-C) and loads no MIB
# (-M/-m empty). Its objects come from build/pue-snmp-pass through
# pass_persist (tests/snmpsim/README.md). Tests stop it by the PID that
# start() recorded.

SNMPD=${SNMPD:-/usr/sbin/snmpd}
SNMP_COMMUNITY=pued-test-community
# v3 users the generated configuration creates: NAME AUTH AUTHPASS PRIV PRIVPASS.
SNMP_V3_USERS=(
	"pued-sha256 SHA-256 pued-auth-256 AES pued-priv-aes"
	"pued-md5 MD5 pued-auth-md5 DES pued-priv-des"
	"pued-auth SHA pued-auth-only - -"
	"pued-wrong SHA-256 pued-real-auth AES pued-real-priv"
)

# free_udp_ports N: N distinct UDP ports on 127.0.0.1 that were free a
# moment ago (the kernel picks them). A server started on them may still
# lose one to a process that binds it first, a test running alongside
# included: start servers through with_free_udp_ports, which tries again.
free_udp_ports() {
	python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# with_free_udp_ports NPORTS WHAT FUNCTION ARGS...: runs FUNCTION ARGS...
# PORTS with NPORTS ports from free_udp_ports, and again with others while
# it returns 2 (its server lost a port meanwhile; 5 tries in all).
# FUNCTION returns 0 once its server is up (await_server).
with_free_udp_ports() {
	local n=$1 what=$2 try rc
	shift 2
	for try in 1 2 3 4 5; do
		rc=0
		# shellcheck disable=SC2046
		"$@" $(free_udp_ports "$n") || rc=$?
		[ $rc -eq 2 ] || return $rc
		note "$what: a port was taken meanwhile, trying others"
	done
	fail "$what: no free ports after 5 tries"
}

# on_udp_port PORT WHAT FUNCTION ARGS...: runs FUNCTION ARGS... PORT, a
# port that must be free; with PORT empty, through with_free_udp_ports.
on_udp_port() {
	local port=$1 what=$2
	shift 2
	if [ -z "$port" ]; then
		with_free_udp_ports 1 "$what" "$@"
	else
		"$@" "$port" || fail "$what: port $port is taken"
	fi
}

# await_server WHAT PID LOGS READY...: waits up to 10 s for the command
# READY... to succeed while PID runs. Returns 0 when it did, and 2 when PID
# exited saying in one of LOGS (space separated) that it could not bind a
# port; fails on anything else.
await_server() {
	local what=$1 pid=$2 logs=$3 deadline
	shift 3
	deadline=$(($(date +%s%N) / 1000000 + 10000))
	while [ $(($(date +%s%N) / 1000000)) -lt "$deadline" ]; do
		if ! kill -0 "$pid" 2>/dev/null; then
			# shellcheck disable=SC2086
			grep -q -e "Error opening specified endpoint" -e "Address already in use" $logs 2>/dev/null &&
				return 2
			# shellcheck disable=SC2086
			fail "$what exited at start: $(tail -n 5 $logs 2>/dev/null)"
		fi
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	fail "$what never came up (logs: $logs)"
}

# snmp_ask PORT OID...: one v2c get with a short timeout, numeric output.
snmp_ask() {
	local port=$1
	shift
	SNMPCONFPATH=/nonexistent MIBS= MIBDIRS= snmpget -v2c -c "$SNMP_COMMUNITY" -r0 -t0.3 \
		-On -Oq "127.0.0.1:$port" "$@"
}

_write_snmpd_conf() { # DIR PORTS...
	local dir=$1 p u
	shift
	{
		printf 'agentaddress'
		local sep=' '
		for p in "$@"; do printf '%sudp:127.0.0.1:%s' "$sep" "$p"; sep=','; done
		printf '\n'
		echo "persistentDir $dir/persist"
		echo "dontLogTCPWrappersConnects yes"
		echo "rocommunity $SNMP_COMMUNITY 127.0.0.1"
		for u in "${SNMP_V3_USERS[@]}"; do
			set -- $u
			if [ "$4" = - ]; then
				echo "createUser $1 $2 \"$3\""
				echo "rouser $1 auth"
			else
				echo "createUser $1 $2 \"$3\" $4 \"$5\""
				echo "rouser $1 priv"
			fi
		done
		for p in .1.3.6.1.2.1.33 .1.3.6.1.4.1.318 .1.3.6.1.4.1.8072.9999.9999; do
			echo "pass_persist $p $BIN/pue-snmp-pass $p"
		done
		if [ -n "${SNMPD_EXTRA_CONF:-}" ]; then
			printf '%s\n' "$SNMPD_EXTRA_CONF"
		fi
	} >"$dir/snmpd.conf"
}

# _run_snmpd NAME: starts agent NAME from $T/NAME/snmpd.conf and waits until
# it answers on $SNMPD_PORT. Returns 0 (SNMPD_PID set), or 2 when it exited
# because a port was taken meanwhile; fails the test otherwise.
_run_snmpd() {
	local name=$1 dir=$T/$1
	rm -f "$dir/snmpd.pid"
	start "$name" env SNMP_PERSISTENT_DIR="$dir/persist" SNMPCONFPATH="$dir" \
		"$SNMPD" -f -C -c "$dir/snmpd.conf" -Lf "$dir/snmpd.log" \
		-p "$dir/snmpd.pid" -M /dev/null -m "" -I -smux
	SNMPD_PID=$LAST_PID
	await_server "snmpd $name" "$SNMPD_PID" "$dir/snmpd.log $T/$name.log" \
		snmp_ask "$SNMPD_PORT" .1.3.6.1.2.1.1.3.0
}

# start_snmpd NAME [NPORTS]: starts an agent on NPORTS (default 1) ports
# and waits until it answers on the first. Sets SNMPD_PID and SNMPD_PORTS
# (space separated); SNMPD_PORT is the first. SNMPD_EXTRA_CONF, when set,
# is appended to its snmpd.conf (engine ID, boots).
start_snmpd() {
	local name=$1 nports=${2:-1}
	mkdir -p "$T/$name/persist"
	with_free_udp_ports "$nports" "snmpd $name" _start_snmpd "$name"
	note "snmpd $name (pid $SNMPD_PID) on udp:127.0.0.1:$SNMPD_PORT${nports:+ ($nports ports)}"
}
_start_snmpd() { # NAME PORTS...: one try (with_free_udp_ports)
	local name=$1 dir=$T/$1
	shift
	SNMPD_PORTS=$* SNMPD_PORT=$1
	_write_snmpd_conf "$dir" "$@"
	echo "$SNMPD_PORTS" >"$dir/ports"
	_run_snmpd "$name"
}

# restart_snmpd NAME: starts agent NAME again, after the test stopped it,
# on the ports it had (a meter that comes back keeps its address), with its
# snmpd.conf written again from the current SNMPD_EXTRA_CONF. Sets
# SNMPD_PID and SNMPD_PORT; fails if another process took a port.
restart_snmpd() {
	local name=$1 dir=$T/$1
	SNMPD_PORTS=$(cat "$dir/ports")
	SNMPD_PORT=${SNMPD_PORTS%% *}
	# shellcheck disable=SC2086
	_write_snmpd_conf "$dir" $SNMPD_PORTS
	_run_snmpd "$name" || fail "snmpd $name: port $SNMPD_PORT taken while it was stopped"
	note "snmpd $name restarted (pid $SNMPD_PID) on udp:127.0.0.1:$SNMPD_PORT"
}

# samples_db DEVICE POINT [SQL-TAIL]: "t|value" rows of a point, oldest first.
samples_of() {
	sqlite3 "$T/pued.db" "SELECT s.t, s.value FROM samples s JOIN points p ON p.id = s.point
		WHERE p.device = '$1' AND p.name = '$2' ORDER BY s.t ${3:-}"
}

# counter32_hall_config FILE: one device "hall" of the simulated agent
# ($SNMPD_PORT), polled every minute: facility in mWh in a Counter32 (scale
# 0.001 gives Wh; it wraps at 2^32 mWh, about every 4.5 simulated hours at
# 960 kW), IT in a Counter64, neither with counter_bits (each answer's
# type gives the width, 32 or 64); windows 15m and 1h, the alerts on 1h.
counter32_hall_config() {
	snmp_pued_config "$1" "
  - name: hall
    protocol: snmp
    poll_interval: 1m
    snmp: {host: 127.0.0.1, port: $SNMPD_PORT, version: 2c, community: $SNMP_COMMUNITY}
    points:
      - {name: facility, oid: 1.3.6.1.4.1.8072.9999.9999.1.3.0, kind: energy, unit: Wh, scale: 0.001}
      - {name: it, oid: 1.3.6.1.4.1.8072.9999.9999.1.4.0, kind: energy, unit: Wh, measured_at: ups_output}" "
pue:
  facility: {add: [hall/facility]}
  it: {add: [hall/it]}
  windows: [15m, 1h]
  alert_window: 1h"
}

# device_jq NAME FILTER: jq -e FILTER on that device of `puectl devices --json`.
device_jq() {
	puectl devices --json | jq -e --arg n "$1" ".devices[] | select(.name == \$n) | $2"
}

# snmp_pued_config FILE DEVICES-YAML [PUE-YAML]: a configuration around the
# given devices: section, with the database and socket in $T.
snmp_pued_config() {
	local file=$1 devices=$2 pue=${3:-}
	{
		echo 'site: "SNMP test hall"'
		echo 'poll_interval: 1s'
		echo 'devices:'
		printf '%s\n' "$devices"
		if [ -n "$pue" ]; then
			printf '%s\n' "$pue"
		fi
		echo "storage: {path: $T/pued.db, flush_interval: 1s}"
		echo "control: {socket: $T/pued.sock}"
	} >"$file"
	chmod 600 "$file" # it holds communities and passphrases
}
