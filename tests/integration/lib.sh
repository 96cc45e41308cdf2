# SPDX-License-Identifier: MIT
# tests/integration/lib.sh - shared helpers for integration tests (sourced).
# Each test gets its own directory ($T), stops exactly the processes it
# started (by PID) on exit, and waits on conditions with wait_for, never a
# fixed sleep.
set -euo pipefail
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$TOP/$BUILD
T=$(mktemp -d "${TMPDIR:-/tmp}/pued-test.XXXXXX")
PIDS=()

# python3 is Debian's, which tools/install-deps installs: one found first on
# PATH may be a version manager's shim (pyenv's takes seconds a call on a
# busy machine), and the tests start python3 often, some within a bound.
# A link first on PATH, not a function, so that `start NAME python3 ...`
# records python's own PID.
if [ -x /usr/bin/python3 ]; then
	mkdir "$T/bin"
	ln -s /usr/bin/python3 "$T/bin/python3"
	PATH=$T/bin:$PATH
fi

# Raw samples are compressed blocks (issue 18): this sqlite3, first on PATH
# like python3 above, is Debian's with pued's SQLite extension loaded
# (lib/store/raw_vtab.h), which shows them as the samples(t, point, value) table
# of schema 4, so that tests query them as before.
if [ -x /usr/bin/sqlite3 ]; then
	mkdir -p "$T/bin"
	printf '#!/bin/sh\nexec /usr/bin/sqlite3 -cmd %s "$@"\n' "'.load $BIN/pue_samples'" >"$T/bin/sqlite3"
	chmod +x "$T/bin/sqlite3"
	case ":$PATH:" in *":$T/bin:"*) ;; *) PATH=$T/bin:$PATH ;; esac
fi

cleanup() {
	local rc=$?
	for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	done
	if [ $rc -ne 0 ]; then
		for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 40 "$f"; }; done
	fi
	rm -rf "$T"
	exit $rc
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "# $*"; }

# wait_for TIMEOUT_MS DESCRIPTION COMMAND...: runs COMMAND every 50 ms until it
# succeeds; fails naming DESCRIPTION when TIMEOUT_MS pass first.
wait_for() {
	local timeout_ms=$1 what=$2
	shift 2
	local deadline=$(($(date +%s%N) / 1000000 + timeout_ms))
	until "$@" >/dev/null 2>&1; do
		if [ $(($(date +%s%N) / 1000000)) -ge $deadline ]; then
			fail "never happened within ${timeout_ms} ms: $what"
		fi
		sleep 0.05
	done
}

# start NAME CMD...: starts CMD in the background, logging to $T/NAME.log,
# and records its PID for cleanup. Sets $LAST_PID.
start() {
	local name=$1
	shift
	"$@" >"$T/$name.log" 2>&1 &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

# stop_pid PID TIMEOUT_MS: SIGTERM and wait; returns the exit status.
stop_pid() {
	local pid=$1 timeout_ms=${2:-5000} rc=0
	kill -TERM "$pid"
	wait_for "$timeout_ms" "pid $pid to exit after SIGTERM" bash -c "! kill -0 $pid 2>/dev/null"
	wait "$pid" || rc=$?
	return $rc
}

# --- the stepped test clock (issue 13; lib/util/clock.h) -------------------------
# step_clock START_MS: everything started afterwards (pued, pue-sim, snmpd's
# pue-snmp-pass) reads one clock, the file $T/clock, standing at START_MS
# until the test moves it.
step_clock() {
	"$BIN/pue-clock" init "$T/clock" "$1" || fail "pue-clock init"
	export PUED_TEST_CLOCK="step:$T/clock"
	STEP_START=$1
}
# advance DURATION [WALL_STEP] [SOCKET]: the running pued runs every poll,
# minute close and alert round of the next DURATION (15m, 90s, 2h, 30d) in
# order and returns once it is idle at the end; WALL_STEP first steps its
# wall clock (an NTP step; may be negative).
advance() {
	"$BIN/pue-clock" run "${3:-$T/pued.sock}" "$1" "${2:-0}" >/dev/null ||
		fail "advance $1: $("$BIN/pue-clock" run "${3:-$T/pued.sock}" 0 2>&1)"
}
# advance_down DURATION: the clock moves while no pued runs (a downtime).
advance_down() { "$BIN/pue-clock" advance "$T/clock" "$1" >/dev/null || fail "pue-clock advance $1"; }
# clock_ms: the clock's wall time, Unix milliseconds.
clock_ms() { "$BIN/pue-clock" show "$T/clock" | cut -d' ' -f1; }
# advance_to HH:MM:SS: advance (as above) until the clock stands that long
# after the START given to step_clock (hours may pass 24: 30:00:00).
advance_to() {
	local h m s
	IFS=: read -r h m s <<<"$1"
	local ms=$((STEP_START + ((10#$h * 60 + 10#$m) * 60 + 10#$s) * 1000 - $(clock_ms)))
	[ "$ms" -ge 0 ] || fail "advance_to $1: the clock is already $((-ms)) ms past it"
	advance "$ms"
}

# Simulator ports: pue-sim binds port 0 and writes the ports it got to a file.
start_sim() { # start_sim NAME ARGS... -> $SIM_PORT
	local name=$1
	shift
	start "$name" "$BIN/pue-sim" --ports-file "$T/$name.ports" "$@"
	SIM_PID=$LAST_PID
	wait_for 5000 "$name to write its ports" test -s "$T/$name.ports"
	SIM_PORT=$(head -n1 "$T/$name.ports")
}

# hold_port udp|tcp [PORT [shared]]: a port on 127.0.0.1 that nothing
# answers on, kept for the test (or until release_port) so that no test
# running alongside is given it meanwhile, as it could be a port merely
# found free and closed again. UDP: a socket connected to itself, so that
# datagrams from anyone else get ICMP port unreachable as at a closed port;
# TCP: a socket bound but not listening, so that connections are refused.
# PORT: that one (waiting up to 5 s for it to come free), else any.
# "shared" (TCP): with SO_REUSEADDR, so that a server with it (pue-sim) can
# bind the port on purpose while the kernel picks it for nobody else.
# Sets HELD_PORT and HOLD_PID.
HOLDS=0
hold_port() {
	local name=hold$((HOLDS += 1))
	start "$name" python3 -c '
import os, signal, socket, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
proto, port, shared, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM)
if shared:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
deadline = time.monotonic() + 5
while True:
    try:
        s.bind(("127.0.0.1", port))
        break
    except OSError:
        if port == 0 or time.monotonic() > deadline:
            raise
        time.sleep(0.05)
if proto == "udp":
    s.connect(s.getsockname())
with open(out + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(out + ".tmp", out)
while True:
    signal.pause()
' "$1" "${2:-0}" "${3:-}" "$T/$name.port"
	HOLD_PID=$LAST_PID
	wait_for 20000 "$name to hold a $1 port${2:+ ($2)}" test -s "$T/$name.port"
	HELD_PORT=$(cat "$T/$name.port")
}
release_port() { stop_pid "$1" 5000 || fail "the port holder $1 exited $?"; } # HOLD_PID

# write_config FILE PORT [EXTRA_DEVICE_YAML]: the demo hall's configuration
# (conf/demo.yaml) on PORT, with the database and socket in $T.
write_config() {
	local file=$1 port=$2
	sed -e "s/port: 15020/port: $port/" -e "s|build/demo/|$T/|" "$TOP/conf/demo.yaml" >"$file"
}

# start_pued CONFIG: starts pued in the foreground and waits for its socket.
start_pued() {
	start pued "$BIN/pued" -f -c "$1"
	PUED_PID=$LAST_PID
	wait_for 10000 "pued to open its control socket" test -S "$T/pued.sock"
}

puectl() { "$BIN/puectl" -s "$T/pued.sock" "$@"; }

# status_jq FILTER: runs jq on `puectl status --json` (exit status of jq -e).
status_jq() { puectl status --json | jq -e "$1"; }
# devices_jq FILTER: the same on `puectl devices --json` (the per-device
# list; status has only the counts by state, issue 18).
devices_jq() { puectl devices --json | jq -e "$1"; }

sim_cmd() { printf '%s\n' "$*" | socat -t 2 - "UNIX-CONNECT:$T/sim.sock"; }

# --- Modbus tests (issue 4) --------------------------------------------------
# dev_jq NAME FILTER: runs jq -e FILTER on device NAME of `puectl devices --json`.
dev_jq() { puectl devices --json | jq -e --arg n "$1" ".devices[] | select(.name == \$n) | $2"; }

# sql QUERY: one query on pued's database (WAL: never blocks pued).
sql() { sqlite3 -batch "$T/pued.db" "$1"; }

# intervals_hit START INTERVAL_MS N < "KEY|T" lines (T in ms): prints "KEY HITS"
# per key, HITS being how many of the N intervals from START hold a T of it.
# Each key's intervals are centred on its own polling phase (the median of
# T mod INTERVAL_MS), not cut at START: a poll that runs on time but near a
# cut would jitter across it, leave one interval empty and fill the next
# twice, and a test on a busy machine would count a miss that never was.
intervals_hit() {
	python3 -c '
import statistics, sys
start, every, n = map(int, sys.argv[1:4])
ts = {}
for line in sys.stdin:
    key, t = line.strip().rsplit("|", 1)
    ts.setdefault(key, []).append(int(t))
for key, t in sorted(ts.items()):
    phase = statistics.median(x % every for x in t)
    first = start - start % every + phase - every // 2
    if first < start:
        first += every
    hit = {(x - first) // every for x in t if first <= x < first + n * every}
    print(key, len(hit))
' "$@"
}

# start_pty_pair: a serial line for Modbus RTU, two pty ends linked at
# $T/ttyA (the simulator's) and $T/ttyB (pued's).
start_pty_pair() {
	start socat socat -d -d "pty,raw,echo=0,link=$T/ttyA" "pty,raw,echo=0,link=$T/ttyB"
	wait_for 5000 "socat to make the pty pair" test -e "$T/ttyA" -a -e "$T/ttyB"
}

# notify_listen FILE: a NOTIFY_SOCKET listener at $T/notify.sock writing one
# line per datagram to FILE; exports NOTIFY_SOCKET for what starts next.
notify_listen() {
	local out=$1
	start notify python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        f.write(s.recv(65536).decode(errors="replace").replace("\n", " ") + "\n")
' "$T/notify.sock" "$out"
	wait_for 10000 "the notify listener" test -S "$T/notify.sock"
	export NOTIFY_SOCKET=$T/notify.sock
}
count_lines() { grep -c -- "$2" "$1" 2>/dev/null || true; }

# stop_clean PID...: SIGTERM each and expect exit 0 and no sanitizer report in
# any log (with BUILD=build/sanitize this is where leaks are found).
stop_clean() {
	local pid rc
	for pid in "$@"; do
		rc=0
		stop_pid "$pid" 10000 || rc=$?
		[ $rc -eq 0 ] || fail "pid $pid exited $rc after SIGTERM"
	done
	! grep -q -e AddressSanitizer -e LeakSanitizer -e 'runtime error' "$T"/*.log ||
		fail "sanitizer report: $(grep -h -m3 -e AddressSanitizer -e LeakSanitizer -e 'runtime error' "$T"/*.log)"
}

# skip REASON: this test cannot run on this machine; counted apart, not passed.
skip() { echo "SKIP: $*"; exit 77; }

# find_ietf_mibs: sets IETF_MIBS to a directory holding the SMIv2 base
# modules (SNMPv2-SMI, -TC, -CONF) that PUED-MIB imports, or skips the
# test. Debian leaves them out of its main archive for their licence and
# the project does not ship them: `make check` cuts them out of non-free
# snmp-mibs-downloader's RFC texts into build/ietf-mibs (tools/ietf-mibs);
# an installed snmp-mibs-downloader puts them in /var/lib/mibs/ietf, and
# PUED_IETF_MIBS=DIR names another place.
find_ietf_mibs() {
	ietf_mibs_dir || skip "the IETF SMIv2 modules (SNMPv2-SMI, -TC, -CONF) are missing;" \
		"tools/ietf-mibs build/ietf-mibs says why (or set PUED_IETF_MIBS=DIR)"
}
ietf_mibs_dir() { # sets IETF_MIBS, or returns 1
	local d
	for d in "${PUED_IETF_MIBS:-}" "$TOP/build/ietf-mibs" /var/lib/mibs/ietf \
		/usr/share/snmp/mibs/ietf /usr/share/mibs/ietf; do
		if [ -n "$d" ] && { [ -f "$d/SNMPv2-SMI" ] || [ -f "$d/SNMPv2-SMI.txt" ]; }; then
			IETF_MIBS=$d
			return 0
		fi
	done
	return 1
}
