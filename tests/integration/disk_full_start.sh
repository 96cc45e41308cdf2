#!/bin/bash
# Issue 14 item 9: a disk already full when pued starts is survived as one
# that fills at runtime is: pued starts, polls, answers status, says "disk
# full" with the database's path, keeps the rows in memory and writes them
# once space returns. Twice: with no database yet, and with one from an
# earlier run (where SQLite cannot even create its shared-memory file and
# said "disk I/O error"). The database lives on a small tmpfs this test
# mounts (as root; skipped where mounting is not permitted).
. "$(dirname "$0")/lib.sh"

mkdir "$T/disk"
mount -t tmpfs -o size=4m tmpfs "$T/disk" 2>/dev/null || skip "cannot mount a tmpfs here (not root?)"
# Unmount before lib.sh's cleanup removes $T (lazily: pued may still be
# running), keeping the test's exit status for it.
trap 'rc=$?; umount -l "$T/disk" 2>/dev/null; (exit $rc); cleanup' EXIT

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i "s|^  path: $T/pued.db$|  path: $T/disk/pued.db|" "$T/pued.yaml"
grep -q "path: $T/disk/pued.db" "$T/pued.yaml" || fail "config edit"
DB=$T/disk/pued.db

fill() { dd if=/dev/zero of="$T/disk/fill" bs=64k 2>/dev/null || true; }
storage_jq() { puectl status --json | jq -e ".storage | $1"; }
rows() { sqlite3 -batch "$DB" "$1"; }

# start_full WHAT: pued on the full disk, up and polling with the rows in
# memory, its status naming the cause and the path; then space returns and
# what it kept is written.
start_full() {
	local t0
	fill
	t0=$(($(date +%s%N) / 1000000))
	start "pued-$1" "$BIN/pued" -f -c "$T/pued.yaml"
	PUED_PID=$LAST_PID
	wait_for 10000 "pued ($1) to answer on a full disk" puectl ping
	kill -0 "$PUED_PID" || fail "pued exited on a full disk ($1)"
	wait_for 10000 "samples waiting in memory ($1)" storage_jq '.pending_rows > 10'
	wait_for 10000 "the meters polled ($1)" \
		bash -c "\"$BIN/puectl\" -s \"$T/pued.sock\" devices --json | jq -e '[.devices[] | .polls > 2] | all'"
	puectl status --json >"$T/status-$1.json"
	note "$1: $(jq -c .storage "$T/status-$1.json")"
	jq -e --arg db "$DB" '.storage.state == "failing" and (.storage.last_error | contains("disk full"))
		and (.storage.last_error | contains($db)) and .storage.path == $db' \
		"$T/status-$1.json" >/dev/null || fail "status ($1): $(jq -c .storage "$T/status-$1.json")"
	puectl status | grep -q "disk full" || fail "puectl status text ($1) does not say disk full"
	grep -q "$DB: disk full" "$T/pued-$1.log" || fail "no log line naming the path ($1)"

	rm "$T/disk/fill"
	wait_for 15000 "the store writing again ($1)" storage_jq '.state == "ok" and .pending_rows < 20'
	# the samples polled while the disk was full are in the database now
	n=$(rows "SELECT count(*) FROM samples WHERE t >= $t0")
	[ "$n" -gt 10 ] || fail "only $n samples since the start written ($1)"
	note "$1: $n samples since the start written once space returned"
	grep -q "store: $DB opened" "$T/pued-$1.log" || fail "no log line for the opening ($1)"
	# and so is the alert that said so, resolved
	resolved() { [ "$(rows "SELECT count(*) FROM alert_history WHERE t >= $t0
		AND key = 'storage_failing:storage' AND state = 'resolved'")" = 1 ]; }
	wait_for 15000 "the storage alert resolved in the database ($1)" resolved
	stop_clean "$PUED_PID"
}

start_full "new-database"
start_full "existing-database"
[ "$(rows "SELECT count(*) FROM points")" = 10 ] || fail "points: $(rows "SELECT * FROM points")"
stop_clean "$SIM_PID"
