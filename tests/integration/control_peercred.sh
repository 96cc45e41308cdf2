#!/bin/bash
# The control socket's peer-credential checks (SO_PEERCRED): read-only
# commands for anyone who can connect, reload only for root, pued's user or
# the admin group. Runs as root and asks as nobody; skipped where nobody
# cannot reach the test directory (a chroot whose / is mode 0700).
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root to ask as another user"
chmod 755 "$T"
install -m 755 "$BIN/puectl" "$T/puectl"
runuser -u nobody -- test -x "$T/puectl" ||
	skip "user nobody cannot reach $T (is / or /tmp closed to others?)"

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
start_pued "$T/pued.yaml"

# Peer credentials: let another user reach the socket, then ask as nobody.
chmod 666 "$T/pued.sock"
as_nobody() { runuser -u nobody -- "$T/puectl" -s "$T/pued.sock" "$@"; }
as_nobody status --json | jq -e '.site' >/dev/null || fail "read-only status refused to nobody"
if as_nobody reload >"$T/denied" 2>&1; then fail "nobody could reload"; fi
grep -q 'permission denied' "$T/denied" || fail "no permission message: $(cat "$T/denied")"
grep -qF '"reload" needs root or the daemon'"'"'s user (control.admin_group is not set)' "$T/denied" ||
	fail "the refusal does not say admin_group is unset: $(cat "$T/denied")"
grep -q 'control: refused "reload" from uid' "$T/pued.log" || fail "refusal not logged"

# Connections held open by others cannot lock root out: 15 idle ones from
# each of four users (a user's share) fill what is open to them (64 slots,
# the last 4 for root and pued's user); a fifth user is turned away and
# root is still answered. pued closes a connection that sends nothing after
# 5 s, so the holders open a new one in its place (for 60 s at most); once
# they stop, the fifth user is answered. (One user's own slow clients are
# control_slow_clients.sh.)
cat >"$T/hold.py" <<'PY'
import select, socket, sys, time
path, n = sys.argv[1], int(sys.argv[2])
conns, stop = [], time.monotonic() + 60
while time.monotonic() < stop:
    for s in [s for s in conns if select.select([s], [], [], 0)[0] and not s.recv(4096)]:
        s.close()
        conns.remove(s)
    while len(conns) < n:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        conns.append(s)
    time.sleep(0.5)
PY
holders=
for u in nobody daemon bin sys; do
	runuser -u "$u" -- python3 "$T/hold.py" "$T/pued.sock" 15 2>/dev/null &
	holders="$holders $!"
done
as_games() { runuser -u games -- "$T/puectl" -s "$T/pued.sock" "$@"; }
games_busy() { local out; out=$(as_games ping 2>&1) && return 1; [[ $out == *"too many clients"* ]]; }
wait_for 30000 "the slots open to others taken" games_busy
puectl ping | grep -q answering || fail "root was locked out by others' idle connections"
wait_for 20000 "idle connections dropped and logged" grep -q "control: dropped .*it sent nothing within 5 s" "$T/pued.log"
kill $holders
wait $holders 2>/dev/null || true
games_answered() { as_games ping 2>/dev/null | grep -q answering; }
wait_for 10000 "the held connections closed" games_answered

# With admin_group set to nobody's group, the same request is allowed.
group=$(id -gn nobody)
printf 'control: {socket: %s, admin_group: %s}\n' "$T/pued.sock" "$group" >>"$T/pued.yaml"
sed -i '/^control:$/,/^  socket:/d' "$T/pued.yaml"
"$BIN/pued" --check-config "$T/pued.yaml" >/dev/null || fail "test config: $("$BIN/pued" --check-config "$T/pued.yaml" 2>&1)"
puectl reload >/dev/null
reloads() { [ "$(grep -c 'pued: reloaded' "$T/pued.log")" -ge "$1" ]; }
wait_for 10000 "the admin group in force" reloads 1
wait_for 5000 "socket back" test -S "$T/pued.sock"
chmod 666 "$T/pued.sock"
as_nobody reload | grep -q reloading || fail "admin group member refused"

# A member by a supplementary group: the kernel's view of the process
# (SO_PEERGROUPS), as for a file's group, with no name service asked on
# pued's main loop. games is in no group of /etc/group; run with nogroup
# as a supplementary group (its primary group still games), it may; without
# it, it may not. (Looked up in the group database, as before, games was
# refused either way.)
wait_for 10000 "the second reload" reloads 2
wait_for 5000 "socket back" test -S "$T/pued.sock"
chmod 666 "$T/pued.sock"
[ "$(runuser -u games -g games -G "$group" -- id -g)" = "$(id -g games)" ] || fail "runuser -G changed the primary group"
if as_games reload >"$T/denied" 2>&1; then fail "games, not in $group, could reload"; fi
grep -qF '"reload" needs root, the daemon'"'"'s user or group '"$group" "$T/denied" ||
	fail "games' refusal: $(cat "$T/denied")"
runuser -u games -g games -G "$group" -- "$T/puectl" -s "$T/pued.sock" reload | grep -q reloading ||
	fail "games with $group as a supplementary group refused"
wait_for 10000 "the third reload" reloads 3
wait_for 5000 "socket back" test -S "$T/pued.sock"
chmod 666 "$T/pued.sock"

# A process with more supplementary groups than pued asks for at first
# (64): the kernel says how many bytes they take, and pued asks again.
# games with 100 groups, nogroup the last, asks for a reload.
cat >"$T/asker.py" <<'PY'
import json, os, socket, sys
path, admin_gid, hold = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if hold == "many":
    os.setgroups(list(range(20000, 20099)) + [admin_gid])
    os.setgid(60)
    os.setuid(5)  # games
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(b'{"v":1,"cmd":"reload"}\n')
    print(s.makefile().readline().strip())
    sys.exit(0)
# hold: connect as games with the admin group, say "ready", then send the
# request read from stdin over the same connection.
os.setgroups([admin_gid])
os.setgid(60)
os.setuid(5)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
s.sendall(b'{"v":1,"cmd":"ping"}\n')
f = s.makefile()
f.readline()
print("ready", flush=True)
req = sys.stdin.readline()
s.sendall(req.encode())
print(f.readline().strip(), flush=True)
PY
gid=$(getent group "$group" | cut -d: -f3)
got=$(python3 "$T/asker.py" "$T/pued.sock" "$gid" many)
[[ $got == *'"ok":true'* ]] || fail "games with 100 groups, $group the last, refused: $got"
wait_for 10000 "the fourth reload" reloads 4
wait_for 5000 "socket back" test -S "$T/pued.sock"
chmod 666 "$T/pued.sock"

# A connection open across a reload is judged by the configuration in
# force: admin_group taken out, the client that was an administrator
# under the old one is not any more.
mkfifo "$T/req"
python3 "$T/asker.py" "$T/pued.sock" "$gid" hold <"$T/req" >"$T/held.out" &
held=$!
exec 7>"$T/req"
wait_for 5000 "the held connection open" grep -q ready "$T/held.out"
sed -i "s/, admin_group: $group}/}/" "$T/pued.yaml"
grep -q "admin_group" "$T/pued.yaml" && fail "config edit"
puectl reload >/dev/null
wait_for 10000 "the fifth reload" reloads 5
echo '{"v":1,"cmd":"reload"}' >&7
exec 7>&-
wait "$held" || fail "the held client"
grep -qF 'permission denied: \"reload\" needs root or the daemon'"'"'s user (control.admin_group is not set)' "$T/held.out" ||
	fail "a client held across the reload kept the admin right it had: $(cat "$T/held.out")"
stop_clean "$PUED_PID" "$SIM_PID"
