#!/bin/bash
# SPDX-License-Identifier: MIT
# modbus_unit_id.sh - a Modbus TCP answer whose unit id or MBAP length does
# not match the request is a protocol error, never a value (issue 14, item
# 3; PUE.md "Readings that cannot be true"). libmodbus 3.1.6 checks
# neither over TCP: a gateway that routed meter m's request to the
# incomer behind it had the incomer's 12,345 kW stored as m's.
#
# Meter m (unit 2, a UPS output, 400 kW) and its neighbour n (unit 1, the
# incomer, 12,345 kW) behind one gateway port. For each fault the
# simulator puts on unit 2 (another unit answers; an MBAP length one byte
# off): m fails with the cause in words in `puectl devices --json` and in
# the log, counts protocol errors, stores nothing while the fault lasts
# (so nothing of n's), and recovers once it clears; n is not disturbed.
source "$(dirname "$0")/lib.sh"

start_sim sim --control "$T/sim.sock" --facility-kw 12345 --it-kw 800 --ups 2 --cooling 0

# The faults themselves, seen from a plain client: the header fields and
# values on the wire, so the checks on pued below cannot pass vacuously.
cat >"$T/raw.py" <<'EOF'
import socket, struct, sys
port, unit = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=2)
s.sendall(struct.pack(">HHHBBHH", 7, 0, 6, unit, 3, 10, 2))
buf = b""
while len(buf) < 9 or len(buf) < 9 + buf[8]:
    chunk = s.recv(64)
    if not chunk:
        break
    buf += chunk
tid, proto, length, uid, fc, n = struct.unpack(">HHHBBB", buf[:9])
print("tid=%d unit=%d mbap_length=%d follow=%d kw=%g" % (
    tid, uid, length, len(buf) - 6, struct.unpack(">f", buf[9:13])[0]))
EOF
raw() { python3 "$T/raw.py" "$SIM_PORT" "$1"; }
[ "$(raw 2)" = "tid=7 unit=2 mbap_length=7 follow=7 kw=400" ] || fail "unit 2: $(raw 2)"
[ "$(sim_cmd fault 2 otherunit 1)" = ok ] || fail "fault otherunit"
[ "$(raw 2)" = "tid=7 unit=1 mbap_length=7 follow=7 kw=12345" ] || fail "otherunit: $(raw 2)"
[ "$(sim_cmd fault 2 mbaplen)" = ok ] || fail "fault mbaplen"
[ "$(raw 2)" = "tid=7 unit=2 mbap_length=8 follow=7 kw=400" ] || fail "mbaplen: $(raw 2)"
[ "$(sim_cmd fault 2 otherunit)" = "error: fault: expected a mode none|noanswer|exception [CODE]|slow MS|close|wronglen|otherunit UNIT|mbaplen|twice|retransmit MS|reset" ] ||
	fail "otherunit without a unit: $(sim_cmd fault 2 otherunit)"
[ "$(sim_cmd fault 2 otherunit 256)" = "error: fault: otherunit: expected a unit id 0..255" ] ||
	fail "otherunit 256: $(sim_cmd fault 2 otherunit 256)"
[ "$(sim_cmd fault 2 none)" = ok ] || fail "fault none"
note "simulator: otherunit answers as unit 1 with its 12345 kW, mbaplen says 8 for 7 bytes"

cat >"$T/pued.yaml" <<EOT
site: "unit ids"
poll_interval: 1s
devices:
  - name: m
    protocol: modbus_tcp
    timeout: 300ms
    retries: 1
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: 2}
    points:
      - {name: p, register: 10, type: float32, unit: kW, kind: power}
      - {name: e, register: 28, type: uint64, unit: Wh, kind: energy, measured_at: ups_output}
  - name: n
    protocol: modbus_tcp
    timeout: 300ms
    retries: 1
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: 1}
    points:
      - {name: p, register: 10, type: float32, unit: kW, kind: power}
      - {name: e, register: 28, type: uint64, unit: Wh, kind: energy}
pue:
  facility: {add: [n/e]}
  it: {add: [m/e]}
storage: {path: $T/pued.db, flush_interval: 1s}
control: {socket: $T/pued.sock}
EOT
start_pued "$T/pued.yaml"
wait_for 15000 "m and n up" devices_jq '[.devices[].state] == ["up","up"]'

now_ms() { echo $(($(date +%s%N) / 1000000)); }
m_samples() { # m_samples FROM_MS TO_MS: samples of m stored in [FROM, TO)
	sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point
		WHERE p.device = 'm' AND s.t >= $1 AND s.t < $2"
}

# one_fault MODE ERROR-REGEX LOG-TEXT
one_fault() {
	local mode=$1 regex=$2 text=$3 before set cleared
	before=$(dev_jq m .protocol_errors)
	set=$(now_ms)
	[ "$(sim_cmd fault 2 "$mode")" = ok ] || fail "simulator refused fault $mode"
	wait_for 15000 "m failing with: $text" dev_jq m \
		"(.state == \"degraded\" or .state == \"down\") and (.last_error | test(\"$regex\"))"
	# two polls at least, each with its retry, each answer rejected
	wait_for 15000 "m's protocol errors counted" dev_jq m ".protocol_errors >= $before + 4"
	grep -F "device m: failing: read holding " "$T/pued.log" | grep -qF "$text" ||
		fail "no log line for m with \"$text\": $(grep 'device m' "$T/pued.log" | tail -3)"
	cleared=$(now_ms)
	[ "$(sim_cmd fault 2 none)" = ok ] || fail "simulator refused fault none"
	wait_for 15000 "m up again" dev_jq m '.state == "up"'
	wait_for 10000 "a sample of m after the fault" \
		bash -c "[ \$(sqlite3 '$T/pued.db' \"SELECT count(*) FROM samples s JOIN points p
			ON p.id = s.point WHERE p.device = 'm' AND s.t > $cleared\") -gt 0 ]"
	# A poll already under way when the fault was set may still store
	# its samples a few ms later; nothing after that until it cleared.
	[ "$(m_samples $((set + 500)) "$cleared")" = 0 ] ||
		fail "m stored $(m_samples $((set + 500)) "$cleared") samples during fault $mode"
	note "$mode: $(dev_jq m '.protocol_errors') protocol errors in all;" \
		"$(grep -F "$text" "$T/pued.log" | head -1 | sed 's/^[^ ]* //')"
}

one_fault "otherunit 1" 'answer from unit id 1, asked unit id 2 \\(2 tries\\)$' \
	"answer from unit id 1, asked unit id 2"
one_fault mbaplen 'invalid answer \\(MBAP length [0-9]+, [0-9]+ bytes follow\\) \\(2 tries\\)$' \
	"invalid answer (MBAP length"

# Never the neighbour's numbers: every power sample of m is its own 400 kW,
# and its counter (from 102000 kWh) never shows n's (from 101000 kWh).
sql "SELECT s.value FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device = 'm' AND p.name = 'p' AND s.value != 400" >"$T/wrong"
[ ! -s "$T/wrong" ] || fail "m stored power that is not its own: $(sort -u "$T/wrong" | head -3 | tr '\n' ' ')"
[ "$(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device = 'm' AND p.name = 'e' AND s.value < 102000")" = 0 ] ||
	fail "m stored the neighbour's energy counter"
# The neighbour shares the connection pued closes after each rejected
# answer; it only reconnects, and keeps its own values.
dev_jq n '.state == "up" and .failures == 0 and .protocol_errors == 0' >/dev/null ||
	fail "n was disturbed: $(dev_jq n .)"
[ "$(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device = 'n' AND p.name = 'p' AND s.value != 12345")" = 0 ] || fail "n stored a wrong value"
note "m: $(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point WHERE p.device = 'm'") samples, all its own"
stop_clean "$PUED_PID" "$SIM_PID"
echo "PASS modbus_unit_id"
