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
