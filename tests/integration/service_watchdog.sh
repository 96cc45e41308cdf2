#!/bin/bash
# WATCHDOG=1 only while pued makes progress. Every meter here is behind one
# link; when they all stop answering for longer than the progress limit
# (300 s of pued's clock, 3 real seconds at 100x), no poll finishes, pued
# says so and stops feeding the watchdog, and no WATCHDOG=1 goes out until
# polls finish again. Checked on the listener's and pued's timestamps.
. "$(dirname "$0")/lib.sh"

export PUED_TEST_CLOCK="1767225600000,$(($(date +%s%N) / 1000000)),100"
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
# One try per poll, 12 real seconds to give up: longer than the limit.
sed -i -e 's/^poll_interval: 1s/poll_interval: 100s/' \
	-e 's/    modbus: {/    timeout: 12s\n    retries: 0\n    modbus: {/' "$T/pued.yaml"
# The listener stamps each datagram with the real time it was sent, in ms:
# the kernel's stamp (SO_TIMESTAMPNS, taken as pued's send queues it), not
# the time the listener got round to reading it, which a loaded machine
# can delay past pued's next log line.
start notify python3 -c '
import socket, struct, sys
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        d, anc, _, _ = s.recvmsg(65536, socket.CMSG_SPACE(16))
        sent = [struct.unpack("qq", x[:16]) for lvl, typ, x in anc
                if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS]
        if not sent:
            sys.exit("no kernel timestamp on a datagram")
        f.write("%d %s\n" % (sent[0][0] * 1000 + sent[0][1] // 1000000,
                              d.decode(errors="replace").replace("\n", " ")))
' "$T/notify.sock" "$T/notify.log"
wait_for 10000 "the notify listener" test -S "$T/notify.sock"
NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=400000 start_pued "$T/pued.yaml"
wait_for 10000 "WATCHDOG=1" grep -q ' WATCHDOG=1$' "$T/notify.log"

for u in 1 2 3 4 5; do sim_cmd fault $u noanswer >/dev/null; done
wait_for 20000 "pued to stop feeding the watchdog" grep -q 'not feeding the watchdog' "$T/pued.log"
for u in 1 2 3 4 5; do sim_cmd fault $u none >/dev/null; done
wait_for 30000 "pued to feed it again" grep -q 'polls finish again' "$T/pued.log"
wait_for 5000 "WATCHDOG=1 again" bash -c "tail -n 3 '$T/notify.log' | grep -q ' WATCHDOG=1$'"

ms() { # the real time of pued's log line matching $1, in ms
	date -d "$(grep -m1 "$1" "$T/pued.log" | cut -d' ' -f1)" +%s%3N
}
from=$(ms 'not feeding the watchdog')
to=$(ms 'polls finish again')
n=$(awk -v a="$from" -v b="$to" '$2 == "WATCHDOG=1" && $1 > a + 50 && $1 < b - 50' "$T/notify.log" | wc -l)
note "watchdog starved from $from to $to ($((to - from)) ms): $n WATCHDOG=1 in between"
[ $((to - from)) -gt 1000 ] || fail "the starved stretch is too short to show anything"
[ "$n" -eq 0 ] || fail "$n WATCHDOG=1 sent while no poll finished"
