#!/bin/bash
# SPDX-License-Identifier: MIT
# sim_smoke.sh - pue-sim answers what tests/sim/README.md promises: the
# control protocol, the register map on every port, unknown units (0x0B),
# faults, profile changes, energy that follows power on the stepped clock,
# clients that misbehave, and a clean exit on SIGTERM (ASan-clean when run
# with BUILD=build/sanitize).
source "$(dirname "$0")/lib.sh"

# A Modbus TCP client in a few lines, since Debian has no mbpoll and the
# test must not depend on pymodbus. Prints registers, "exception 0xNN" or
# "timeout"; the decoding commands print one value.
cat >"$T/mb.py" <<'EOF'
import socket, struct, sys, time

def request(port, unit, fc, addr, count, timeout=2.0, tid=1):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(struct.pack(">HHHBBHH", tid, 0, 6, unit, fc, addr, count))
        return receive(s, tid)
    finally:
        s.close()

def receive(s, tid):
    """Reads exactly one reply, leaving any next one in the socket."""
    buf = b""
    try:
        while len(buf) < 6 or len(buf) < 6 + struct.unpack(">H", buf[4:6])[0]:
            want = 6 - len(buf) if len(buf) < 6 else 6 + struct.unpack(">H", buf[4:6])[0] - len(buf)
            chunk = s.recv(want)
            if not chunk:
                return ("closed", None)
            buf += chunk
    except socket.timeout:
        return ("timeout", None)
    except ConnectionResetError:  # closed with our bytes unread: RST
        return ("closed", None)
    t, proto, length, unit, fc = struct.unpack(">HHHBB", buf[:8])
    assert t == tid and proto == 0, buf
    if fc & 0x80:
        return ("exception", buf[8])
    n = buf[8]
    return ("regs", list(struct.unpack(">%dH" % (n // 2), buf[9:9 + n])))

def regs_or_die(port, unit, addr, count, fc=3):
    kind, val = request(port, unit, fc, addr, count)
    if kind != "regs":
        sys.exit("unit %d addr %d: %s %s" % (unit, addr, kind, val))
    return val

def be(words):  # ABCD... : high word first, big-endian words
    return b"".join(struct.pack(">H", w) for w in words)

def main():
    cmd, port = sys.argv[1], int(sys.argv[2])
    a = [int(x) for x in sys.argv[3:] if x.lstrip("-").isdigit()]
    if cmd == "read":  # read PORT UNIT FC ADDR COUNT
        kind, val = request(port, a[0], a[1], a[2], a[3], timeout=1.0)
        print(" ".join(map(str, val)) if kind == "regs" else
              "exception 0x%02X" % val if kind == "exception" else kind)
    elif cmd == "f32":  # f32 PORT UNIT ADDR: float32 ABCD
        print(struct.unpack(">f", be(regs_or_die(port, a[0], a[1], 2)))[0])
    elif cmd == "u32":
        print(struct.unpack(">I", be(regs_or_die(port, a[0], a[1], 2)))[0])
    elif cmd == "energy":  # energy PORT UNIT: float64 ABCD at 36, real time around it
        before = time.time()
        e = struct.unpack(">d", be(regs_or_die(port, a[0], 36, 4, fc=4)))[0]
        print("%.6f %.6f %.6f" % (e, before, time.time()))
    elif cmd == "layout":  # layout PORT UNIT KW: every encoding from one read
        r = regs_or_die(port, a[0], 0, 100)
        p = float(sys.argv[4])
        e = struct.unpack(">d", be(r[36:40]))[0]
        swap = lambda ws: [((w & 0xFF) << 8) | (w >> 8) for w in ws]
        wh = round(e * 1000)
        checks = {
            "0 uint16 0.1kW": r[0] == round(p * 10),
            "1 int16 kW": r[1] == round(p),
            "2 uint32 ABCD W": struct.unpack(">I", be(r[2:4]))[0] == round(p * 1000),
            "4 uint32 CDAB W": struct.unpack(">I", be(r[4:6][::-1]))[0] == round(p * 1000),
            "6 int32 ABCD W": struct.unpack(">i", be(r[6:8]))[0] == round(p * 1000),
            "8 int32 CDAB W": struct.unpack(">i", be(r[8:10][::-1]))[0] == round(p * 1000),
            "10 float32 ABCD": struct.unpack(">f", be(r[10:12]))[0] == p,
            "12 float32 CDAB": struct.unpack(">f", be(r[12:14][::-1]))[0] == p,
            "14 float32 BADC": struct.unpack(">f", be(swap(r[14:16])))[0] == p,
            "16 float32 DCBA": struct.unpack("<f", be(r[16:18]))[0] == p,
            "20 uint32 ABCD Wh": struct.unpack(">I", be(r[20:22]))[0] == wh % 2**32,
            "22 uint32 CDAB Wh": struct.unpack(">I", be(r[22:24][::-1]))[0] == wh % 2**32,
            "24 float32 ABCD kWh": abs(struct.unpack(">f", be(r[24:26]))[0] - e) < 0.01,
            "26 float32 CDAB kWh": abs(struct.unpack(">f", be(r[26:28][::-1]))[0] - e) < 0.01,
            "28 uint64 ABCD Wh": struct.unpack(">Q", be(r[28:32]))[0] == wh,
            "32 int64 ABCD Wh": struct.unpack(">q", be(r[32:36]))[0] == wh,
            "40 uint32 0.1kWh": struct.unpack(">I", be(r[40:42]))[0] == round(e * 10),
            "42 float64 DCBA": struct.unpack("<d", be(r[42:46]))[0] == e,
            "46 uint64 CDAB Wh": struct.unpack(">Q", be(r[46:50][::-1]))[0] == wh,
            "48..49, 56..99 zero": not any(r[56:]) and not any(r[48:50]) and not any(r[18:20]),
            "50 sf -1, 51 sf 0x8000": r[50] == 0xFFFF and r[51] == 0x8000,
            "52 NaN, 54 +Inf": struct.unpack(">f", be(r[52:54]))[0] != struct.unpack(">f", be(r[52:54]))[0]
                and struct.unpack(">f", be(r[54:56]))[0] == float("inf"),
            "energy starts at 100000 + 1000 x unit": e >= 100000 + 1000 * a[0],
        }
        bad = [k for k, ok in checks.items() if not ok]
        print("ok" if not bad else "bad: " + ", ".join(bad))
    elif cmd == "split":  # a frame in two pieces, another client between
        s = socket.create_connection(("127.0.0.1", port), timeout=2.0)
        frame = struct.pack(">HHHBBHH", 7, 0, 6, 1, 3, 10, 2)
        s.sendall(frame[:5])
        other = regs_or_die(port, 1, 10, 2)  # must not wait behind the half frame
        s.sendall(frame[5:])
        kind, val = receive(s, 7)
        print("ok" if kind == "regs" and val == other else "bad: %s %s" % (kind, val))
    elif cmd == "pipeline":  # three requests in one write, three replies
        s = socket.create_connection(("127.0.0.1", port), timeout=2.0)
        s.sendall(b"".join(struct.pack(">HHHBBHH", t, 0, 6, 1, 4, 0, 1) for t in (1, 2, 3)))
        print(" ".join(str(receive(s, t)[0]) for t in (1, 2, 3)))
    elif cmd == "garbage":  # a bad MBAP protocol id gets the client dropped
        s = socket.create_connection(("127.0.0.1", port), timeout=2.0)
        s.sendall(b"\x00\x01\x12\x34\x00\x06\x01\x03\x00\x00\x00\x01")
        print(receive(s, 1)[0])
    else:
        sys.exit("unknown command " + cmd)

main()
EOF

mb() { python3 "$T/mb.py" "$@"; }
ctl() { printf '%s\n' "$1" | socat -t 2 - "UNIX-CONNECT:$T/sim.sock"; }
expect() { # expect WHAT ACTUAL WANTED
	[ "$2" = "$3" ] || fail "$1: got \"$2\", want \"$3\""
	note "$1: $2"
}
near() { # near WHAT ACTUAL WANTED TOLERANCE
	python3 -c "import sys; sys.exit(abs(float('$2') - float('$3')) > float('$4'))" ||
		fail "$1: got $2, want $3 +- $4"
	note "$1: $2"
}

# The simulator reads the stepped test clock; the test moves it.
step_clock 1767225600000
start_sim sim --control "$T/sim.sock" --listen-ports 2 -v
MAIN_PID=$SIM_PID
PORT2=$(sed -n 2p "$T/sim.ports")
[ -n "$PORT2" ] && [ "$PORT2" != "$SIM_PORT" ] || fail "second port missing: $(cat "$T/sim.ports")"

# Control protocol.
expect "get" "$(ctl get)" '{"facility_kw":960.000,"it_kw":800.000,"pue":1.200000,"requests":0}'
expect "unknown command" "$(ctl 'hello "world"')" 'error: unknown command "hello ?world?"'
expect "bad set" "$(ctl 'set it_kw -5')" 'error: set it_kw: expected kW 0..1000000'
expect "bad fault" "$(ctl 'fault 2 sometimes')" 'error: fault: expected a mode none|noanswer|exception [CODE]|slow MS|close|wronglen|otherunit UNIT|mbaplen|twice|retransmit MS|reset'
expect "long line" "$(ctl "get $(printf 'x%.0s' $(seq 300))")" 'error: line longer than 256 bytes'
expect "two lines, two replies" "$(printf 'set it_kw 800\nfault 200 none\n' |
	socat -t 2 - "UNIX-CONNECT:$T/sim.sock" | tr '\n' ' ')" "ok ok "

# Register map on both ports, holding and input registers.
near "unit 1 float32 ABCD kW" "$(mb f32 "$SIM_PORT" 1 10)" 960 0
near "unit 1 on the second port" "$(mb f32 "$PORT2" 1 10)" 960 0
expect "unit 2 uint32 W" "$(mb u32 "$SIM_PORT" 2 2)" 400000
expect "unit 2 fc 04 = fc 03" "$(mb read "$SIM_PORT" 2 4 2 2)" "$(mb read "$SIM_PORT" 2 3 2 2)"
expect "unit 1 every layout" "$(mb layout "$SIM_PORT" 1 960)" ok
expect "unit 4 (cooling) every layout" "$(mb layout "$SIM_PORT" 4 64)" ok
expect "unit 6 (not a meter)" "$(mb read "$SIM_PORT" 6 3 0 2)" "exception 0x0B"
expect "read past 100 registers" "$(mb read "$SIM_PORT" 1 3 90 20)" "exception 0x02"
expect "quantity 0" "$(mb read "$SIM_PORT" 1 3 0 0)" "exception 0x03"
expect "write (meters are read-only)" "$(mb read "$SIM_PORT" 1 6 0 1)" "exception 0x01"

# Energy follows power: an hour of the clock is exactly 960 kWh at unit 1,
# and a clock standing still moves no counter.
read -r e1 _ <<<"$(mb energy "$SIM_PORT" 1)"
read -r e0 _ <<<"$(mb energy "$SIM_PORT" 1)"
expect "a standing clock moves no counter" "$e0" "$e1"
"$BIN/pue-clock" advance "$T/clock" 1h >/dev/null
read -r e2 _ <<<"$(mb energy "$SIM_PORT" 1)"
near "unit 1 kWh in an hour" "$(python3 -c "print($e2 - $e1)")" 960 1e-6

# set: power changes now, and the counter carries on from where it was.
expect "set facility_kw" "$(ctl 'set facility_kw 1100')" ok
near "unit 1 after set" "$(mb f32 "$SIM_PORT" 1 10)" 1100 0
expect "unit 4 after set: (1100 - 800) x 0.8 / 2 kW" "$(mb layout "$SIM_PORT" 4 120)" ok
read -r e3 _ <<<"$(mb energy "$SIM_PORT" 1)"
python3 -c "import sys; sys.exit(not $e3 >= $e2)" || fail "energy went backwards: $e2 then $e3"
ctl get | grep -q '"facility_kw":1100.000,"it_kw":800.000,"pue":1.375000' ||
	fail "get after set: $(ctl get)"

# Faults, per unit.
expect "fault exception" "$(ctl 'fault 2 exception')" ok
expect "unit 2 with fault exception" "$(mb read "$SIM_PORT" 2 3 0 1)" "exception 0x04"
expect "fault noanswer" "$(ctl 'fault 2 noanswer')" ok
expect "unit 2 with fault noanswer" "$(mb read "$SIM_PORT" 2 3 0 1)" "timeout"
expect "unit 3 unaffected" "$(mb u32 "$SIM_PORT" 3 2)" 400000
expect "fault none" "$(ctl 'fault 2 none')" ok
expect "unit 2 answers again" "$(mb u32 "$SIM_PORT" 2 2)" 400000

# Clients that misbehave are handled alone.
expect "frame split around another client" "$(mb split "$SIM_PORT")" ok
expect "pipelined requests" "$(mb pipeline "$SIM_PORT")" "regs regs regs"
expect "garbage" "$(mb garbage "$SIM_PORT")" closed
near "still serving" "$(mb f32 "$SIM_PORT" 1 10)" 1100 0
requests=$(ctl get | sed -n 's/.*"requests":\([0-9]*\)}$/\1/p')
[ "${requests:-0}" -ge 20 ] || fail "requests counter: $(ctl get)"
note "requests: $requests"

# The other fault modes, one meter, and the request counters.
expect "fault wronglen" "$(ctl 'fault 2 wronglen')" ok
expect "unit 2 wronglen: 3 of 4 registers" "$(mb read "$SIM_PORT" 2 3 2 4 | wc -w)" 3
expect "fault close" "$(ctl 'fault 2 close')" ok
expect "unit 2 closes the connection" "$(mb read "$SIM_PORT" 2 3 0 1)" closed
expect "fault slow" "$(ctl 'fault 2 slow 300')" ok
expect "unit 2 slow but in time: 400000 W" "$(mb read "$SIM_PORT" 2 3 2 2)" "6 6784"
expect "fault exception 0x0A" "$(ctl 'fault 2 exception 0x0A')" ok
expect "unit 2 exception 0x0A" "$(mb read "$SIM_PORT" 2 3 0 1)" "exception 0x0A"
expect "fault on the second port only" "$(ctl "fault $PORT2:2 noanswer")" ok
expect "fault none on the first" "$(ctl 'fault '"$SIM_PORT"':2 none')" ok
expect "unit 2 answers on the first port" "$(mb u32 "$SIM_PORT" 2 2)" 400000
expect "unit 2 silent on the second" "$(mb read "$PORT2" 2 3 0 1)" timeout
expect "fault 2 none" "$(ctl 'fault 2 none')" ok
expect "bad target" "$(ctl 'fault 1:2 none')" 'error: fault: expected UNIT (0..255), PORT:UNIT or rtu:UNIT'
expect "bad slow" "$(ctl 'fault 2 slow')" 'error: fault: expected a mode none|noanswer|exception [CODE]|slow MS|close|wronglen|otherunit UNIT|mbaplen|twice|retransmit MS|reset'
expect "one meter" "$(ctl "get $SIM_PORT:2" | jq -c '{unit, power_kw}')" '{"unit":2,"power_kw":400}'
expect "stats reset" "$(ctl 'stats reset')" ok
mb read "$SIM_PORT" 3 4 0 1 >/dev/null
mb read "$PORT2" 3 4 0 1 >/dev/null
mb read "$SIM_PORT" 3 3 0 1 >/dev/null
# Each mb call is a connection of its own: unit 3 was asked on 2 of them on
# the first port, 3 in all.
expect "stats of unit 3 on the first port" "$(ctl "stats $SIM_PORT:3")" '{"requests":2,"fc03":1,"fc04":1,"other":0,"connections":2}'
expect "stats of unit 3 on every port" "$(ctl 'stats 3')" '{"requests":3,"fc03":1,"fc04":2,"other":0,"connections":3}'
ctl stats | jq -e '.requests == 3 and .connections == 3' >/dev/null || fail "stats: $(ctl stats)"
expect "counter reset" "$(ctl 'fault 3 reset')" ok
# From about 103000 kWh to 0, and the clock stands: 0 kWh by the get.
ctl "get $SIM_PORT:3" | jq -e '.energy_kwh == 0' >/dev/null || fail "after reset: $(ctl "get $SIM_PORT:3")"

# Only loopback, and bad options are refused with a message.
if "$BIN/pue-sim" --bind 0.0.0.0 >"$T/bind.log" 2>&1; then fail "--bind 0.0.0.0 accepted"; fi
grep -q "not a loopback address" "$T/bind.log" || fail "--bind message: $(cat "$T/bind.log")"
if "$BIN/pue-sim" --schedule "10:pue=2" >"$T/sched.log" 2>&1; then fail "bad --schedule accepted"; fi
grep -q 'unknown key "pue"' "$T/sched.log" || fail "--schedule message: $(cat "$T/sched.log")"

# A schedule switches the profile on the simulator's clock: not a second
# early, and at the hour.
start_sim sched --schedule "3600:facility_kw=1000,it_kw=500" --control "$T/sched.sock"
"$BIN/pue-clock" advance "$T/clock" 3599s >/dev/null
near "unit 1 a second before the schedule" "$(mb f32 "$SIM_PORT" 1 10)" 960 0
"$BIN/pue-clock" advance "$T/clock" 1s >/dev/null
near "unit 1 at the schedule" "$(mb f32 "$SIM_PORT" 1 10)" 1000 0
expect "scheduled UPS meter" "$(mb u32 "$SIM_PORT" 2 2)" 250000
stop_pid "$SIM_PID" || fail "scheduled simulator exited $?"

# SIGTERM: exit 0 (under ASan this also means no leaks).
stop_pid "$MAIN_PID" || fail "simulator exited $? after SIGTERM"
! grep -q -e 'AddressSanitizer' -e 'runtime error' "$T"/*.log || fail "sanitizer report"
test ! -e "$T/sim.sock" || fail "control socket left behind"
echo "PASS sim_smoke"
