#!/bin/bash
# A reload never takes the control socket away (issue 15, item 6): 1000
# status requests, each on a new connection, spread over 50 reloads (SIGHUP) all succeed, and
# the socket file stays the same one (same inode) throughout. A reload
# whose configuration cannot start leaves the running service as it was;
# a new socket path is answered and the old file is removed.
. "$(dirname "$0")/lib.sh"

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
start_pued "$T/pued.yaml"
inode=$(stat -c %i "$T/pued.sock")
reloads() { [ "$(count_lines "$T/pued.log" 'pued: reloaded')" -ge "$1" ]; }

# The status calls, 1000 of them, counting as they go, each on a new
# connection as puectl makes it; made by one python3 process (socket and
# json from its standard library), so that the cost of a call is the
# daemon's, not the start of three programs per call (socat and jq took
# 250-300 s for the 1000 on a loaded 2-core machine). Bounded in count, not
# in time: the wait for each 20 below is the bound on time (a call that
# never returns fails it after its 10 s socket timeout).
python3 - "$T/pued.sock" "$T/progress" 2>>"$T/status.err" <<'PY' &
import json, os, socket, sys

path, progress = sys.argv[1], sys.argv[2]
ok = bad = 0
for i in range(1000):
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(path)
            s.sendall(b'{"v":1,"cmd":"status"}\n')
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
        if json.loads(buf).get("ok") is True:
            ok += 1
        else:
            bad += 1
            print("call %d: %s" % (i, buf[:200]), file=sys.stderr)
    except Exception as e:
        bad += 1
        print("call %d: %s" % (i, e), file=sys.stderr)
    with open(progress + ".new", "w") as f:
        f.write("%d %d\n" % (ok, bad))
    os.rename(progress + ".new", progress)
PY
caller=$!
PIDS+=("$caller")
done_calls() {
	local ok=0 bad=0
	[ -s "$T/progress" ] && read -r ok bad <"$T/progress"
	[ $((${ok:-0} + ${bad:-0})) -ge "$1" ]
}
# One reload after every 20 calls, each waited for.
for r in $(seq 50); do
	wait_for 60000 "$((r * 20)) status calls (had $(cat "$T/progress" 2>/dev/null))" done_calls $((r * 20 - 10))
	kill -HUP "$PUED_PID"
	wait_for 30000 "reload $r" reloads "$r"
done
wait "$caller"
read -r ok bad <"$T/progress"
note "status calls: $ok ok, $bad failed, over 50 reloads"
[ "$bad" -eq 0 ] || fail "$bad status calls failed: $(sort "$T/status.err" | uniq -c)"
[ "$ok" -eq 1000 ] || fail "only $ok status calls"
[ "$(stat -c %i "$T/pued.sock")" = "$inode" ] || fail "the socket was made anew"

# A configuration that cannot start (its database cannot be opened) is
# refused and the running service goes on, socket and all.
cp "$T/pued.yaml" "$T/good.yaml"
sed -i "s|$T/pued.db|$T/no/such/dir/pued.db|" "$T/pued.yaml"
grep -q "$T/no/such/dir" "$T/pued.yaml" || fail "test config: no database path to break"
kill -HUP "$PUED_PID"
wait_for 10000 "the reload to fail" grep -q 'pued: reload failed: .*the running configuration stays' "$T/pued.log"
puectl status --json | jq -e '.site' >/dev/null || fail "no status after a failed reload"
[ "$(stat -c %i "$T/pued.sock")" = "$inode" ] || fail "a failed reload made the socket anew"

# A new socket path: answered there, and the old file removed.
sed "s|$T/pued.sock|$T/other.sock|" "$T/good.yaml" >"$T/pued.yaml"
grep -q "$T/other.sock" "$T/pued.yaml" || fail "test config: no socket path to change"
kill -HUP "$PUED_PID"
wait_for 10000 "reload 51" reloads 51
"$BIN/puectl" -s "$T/other.sock" status --json | jq -e '.site' >/dev/null || fail "no status on the new path"
[ ! -e "$T/pued.sock" ] || fail "the old socket was left behind"
