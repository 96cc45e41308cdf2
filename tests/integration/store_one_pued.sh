#!/bin/bash
# One database takes one pued (store_lock.h). Two pueds writing one
# database stored every sample twice and added each minute's energy twice:
# at 960 kW a minute was stored as 18.4 kWh over 69 s of coverage, and a
# report over it said 100% covered and compliant. A second pued with its
# own socket but the first one's database (or a symbolic link to it) is
# refused at its start, told the first one's pid, and leaves the database
# as it was; the first goes
# on. Once the first has stopped, the second starts. A reload of the
# first (the same database, spelled another way) keeps it running.
# pued and the simulator share the stepped test clock.
. "$(dirname "$0")/lib.sh"

T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
grep -q "path: $T/pued.db" "$T/pued.yaml" || fail "config: $(grep -n 'path:' "$T/pued.yaml")"
start_pued "$T/pued.yaml"
advance_to 00:02:00
sed "s|$T/pued.sock|$T/second.sock|" "$T/pued.yaml" >"$T/second.yaml"
grep -q "$T/second.sock" "$T/second.yaml" || fail "config edit"

# The second: refused, at once, naming the first.
rc=0
timeout -k 5 30 "$BIN/pued" -f -c "$T/second.yaml" >"$T/second.log" 2>&1 || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || fail "the second pued exited $rc: $(cat "$T/second.log")"
note "second pued: $(grep -m1 'in use' "$T/second.log")"
grep -qF "store: $T/pued.db is in use by another pued (pid $PUED_PID): it holds $T/pued.db-lock" "$T/second.log" ||
	fail "the second pued said: $(cat "$T/second.log")"
[ ! -e "$T/second.sock" ] || fail "the second pued left its socket"
# The same through a symbolic link to the database (SQLite follows it):
# the lock is beside the file the path resolves to.
ln -s "$T/pued.db" "$T/link.db"
sed "s|path: $T/pued.db|path: $T/link.db|" "$T/second.yaml" >"$T/link.yaml"
rc=0
timeout -k 5 30 "$BIN/pued" -f -c "$T/link.yaml" >"$T/link.log" 2>&1 || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || fail "a pued through a link exited $rc: $(cat "$T/link.log")"
grep -qF "store: $T/link.db is in use by another pued (pid $PUED_PID): it holds $T/pued.db-lock" "$T/link.log" ||
	fail "a pued through a link said: $(cat "$T/link.log")"

# The first goes on, alone: each poll stored once, each minute whole.
advance_to 00:04:01
got=$(sql "SELECT count(*), count(DISTINCT t) FROM minutes")
[ "$got" = "4|4" ] || fail "minutes: $got"
sql "SELECT covered_ms FROM minutes" | while read -r ms; do
	[ "$ms" -le 60000 ] || fail "a minute covered $ms ms"
done
"$BIN/puectl" -c "$T/pued.yaml" export --raw --point incomer/energy --since 2026-01-01 >"$T/raw.csv"
[ "$(tail -n +2 "$T/raw.csv" | wc -l)" -ge 240 ] || fail "raw samples: $(wc -l <"$T/raw.csv") lines"
[ "$(tail -n +2 "$T/raw.csv" | cut -d, -f1 | sort | uniq -d | wc -l)" -eq 0 ] ||
	fail "a sample stored twice: $(tail -n +2 "$T/raw.csv" | cut -d, -f1 | sort | uniq -d | head -3)"

# A reload with the database spelled another way shares the lock.
sed -i "s|path: $T/pued.db|path: $T/./pued.db|" "$T/pued.yaml"
puectl reload >/dev/null
wait_for 10000 "the reload" grep -q 'pued: reloaded' "$T/pued.log"
! grep -q 'in use by another pued' "$T/pued.log" || fail "the reload was refused: $(grep 'in use' "$T/pued.log")"
puectl ping | grep -q answering || fail "pued after the reload"

# Once the first has stopped, the second starts on the database.
stop_clean "$PUED_PID"
start pued2 "$BIN/pued" -f -c "$T/second.yaml"
wait_for 10000 "the second pued's socket" test -S "$T/second.sock"
"$BIN/puectl" -s "$T/second.sock" ping | grep -q answering || fail "the second pued"
stop_clean "$LAST_PID" "$SIM_PID"
