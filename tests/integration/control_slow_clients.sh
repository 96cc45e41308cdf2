#!/bin/bash
# Slow clients cannot hold the control socket (issue 15, item 7). Sixty
# connections from one unprivileged user trickle a request one byte a
# second: pued keeps at most that user's share of them (15), each closing
# the user's oldest; the rest are dropped 5 s after they connected however
# the bytes trickle, and every drop is logged. The same user's `puectl
# status` is answered while they are connected. Runs as root, the
# clients as nobody (see control_peercred.sh).
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root to connect as another user"
command -v python3 >/dev/null || skip "needs python3"
chmod 755 "$T"
install -m 755 "$BIN/puectl" "$T/puectl"
runuser -u nobody -- test -x "$T/puectl" ||
	skip "user nobody cannot reach $T (is / or /tmp closed to others?)"

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
start_pued "$T/pued.yaml"
chmod 666 "$T/pued.sock"

# 60 connections that send '{"v":1,"cmd":"status"' one byte a second and
# never the newline; once all are open, `puectl status` from the same
# user. Records how each connection ended: "timeout SECONDS" (the error
# reply, then closed), "closed SECONDS" (closed without one), "open" (still
# open when the script gave up, 30 s after starting).
cat >"$T/trickle.py" <<'PY'
import json, os, select, socket, subprocess, sys, time
path, puectl = sys.argv[1:3]
req = b'{"v":1,"cmd":"status"'
conns = []
for i in range(60):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.setblocking(False)
    conns.append({"s": s, "t0": time.monotonic(), "sent": 0, "got": b"", "end": None})
def pump():
    for c in conns:
        if c["end"]:
            continue
        try:
            while True:
                b = c["s"].recv(4096)
                if not b:
                    kind = "timeout" if b"request timed out" in c["got"] else "closed"
                    c["end"] = "%s %.1f" % (kind, time.monotonic() - c["t0"])
                    break
                c["got"] += b
        except BlockingIOError:
            pass
        except OSError:
            c["end"] = "closed %.1f" % (time.monotonic() - c["t0"])
def held():
    pump()
    return sum(1 for c in conns if not c["end"])
status = subprocess.run([puectl, "-s", path, "status", "--json"], capture_output=True, text=True)
after = held()
result = {"status_rc": status.returncode, "status_err": status.stderr.strip(),
          "held_after_status": after}
stop = time.monotonic() + 30
while time.monotonic() < stop and held() > 0:
    for c in conns:
        if not c["end"] and c["sent"] < len(req):
            try:
                c["s"].send(req[c["sent"]:c["sent"] + 1])
                c["sent"] += 1
            except OSError:
                pass
    select.select([c["s"] for c in conns if not c["end"]], [], [], 1.0)
    time.sleep(0.2)  # at most a few bytes a second per connection
pump()
result["ends"] = [c["end"] or "open" for c in conns]
json.dump(result, sys.stdout)
PY
timeout 60 runuser -u nobody -- python3 "$T/trickle.py" "$T/pued.sock" "$T/puectl" >"$T/trickle.json" ||
	fail "trickle.py exited $?"
r() { jq -r "$1" "$T/trickle.json"; }
note "status: rc $(r .status_rc), trickling connections still held: $(r .held_after_status)"
[ "$(r .status_rc)" -eq 0 ] || fail "nobody's status refused with 60 slow clients: $(r .status_err)"
[ "$(r .held_after_status)" -ge 1 ] ||
	fail "the status did not overlap the slow clients (they were gone before it answered)"
[ "$(r '[.ends[] | select(. == "open")] | length')" -eq 0 ] || fail "connections left open: $(r .ends)"
timeouts=$(r '[.ends[] | select(startswith("timeout"))] | length')
note "ends: $timeouts timed out, $(r '[.ends[] | select(startswith("closed"))] | length') closed for the share"
# At most nobody's share held; those were dropped at the deadline, which
# trickled bytes did not move: none before 5 s from its connect.
[ "$timeouts" -ge 1 ] && [ "$timeouts" -le 15 ] || fail "$timeouts timed out: $(r .ends)"
r '.ends[] | select(startswith("timeout")) | split(" ")[1]' | while read -r s; do
	awk -v s="$s" 'BEGIN { exit !(s >= 5.0) }' || fail "a client timed out after only $s s"
done
grep -q "control: dropped a client of uid $(id -u nobody) (pid [0-9]*): its request was not complete within 5 s" "$T/pued.log" ||
	fail "the deadline drop was not logged: $(grep 'control:' "$T/pued.log")"
grep -q "control: dropped [0-9]* more clients (from uid $(id -u nobody) pid [0-9]* on): over their user's share" "$T/pued.log" ||
	fail "the share drops were not summed up: $(grep 'control:' "$T/pued.log")"
puectl ping | grep -q answering || fail "pued stopped answering"
