#!/bin/bash
# A reload while the disk is full loses nothing the store holds in memory:
# the running service's rows (the samples and the closed minutes it could
# not write) go to the reloaded service's store, which writes them once
# space returns, as a full disk without a reload does (disk_full_start.sh).
# On the stepped clock: three minutes polled onto a full disk, a reload,
# then space again; every minute of the spell is in the minutes table
# (whole: 60 s covered, and no more: none rebuilt a second time from the
# raw samples), and so is every second of the raw samples, and the 15m
# window holds them. (16 MB: the WAL alone may reach 4 MB at the default
# disk budget.) The
# database lives on a small tmpfs this test mounts (as root; skipped where
# mounting is not permitted).
. "$(dirname "$0")/lib.sh"

mkdir "$T/disk"
mount -t tmpfs -o size=16m tmpfs "$T/disk" 2>/dev/null || skip "cannot mount a tmpfs here (not root?)"
trap 'rc=$?; umount -l "$T/disk" 2>/dev/null; (exit $rc); cleanup' EXIT

T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i "s|^  path: $T/pued.db$|  path: $T/disk/pued.db|" "$T/pued.yaml"
grep -q "path: $T/disk/pued.db" "$T/pued.yaml" || fail "config edit"
DB=$T/disk/pued.db
rows() { sqlite3 -batch "$DB" "$1"; }
storage_jq() { puectl status --json | jq -e ".storage | $1"; }

start_pued "$T/pued.yaml"
advance 1m
storage_jq '.state == "ok"' >/dev/null || fail "store not ok before the disk fills"
dd if=/dev/zero of="$T/disk/fill" bs=64k 2>/dev/null || true
advance 3m # 00:01:00 to 00:04:00 on the full disk
storage_jq '.state == "failing" and .pending_rows > 100' >/dev/null ||
	fail "not failing with rows in memory: $(puectl status --json | jq -c .storage)"
note "before the reload: $(puectl status --json | jq -c '.storage | {state, pending_rows}')"

kill -HUP "$PUED_PID"
wait_for 20000 "the reload" grep -q 'pued: reloaded' "$T/pued.log"
! grep -q 'rows lost' "$T/pued.log" || fail "$(grep 'rows lost' "$T/pued.log")"
advance 5s
note "after the reload: $(puectl status --json | jq -c '.storage | {state, pending_rows}')"

rm "$T/disk/fill"
advance 5s
storage_jq '.state == "ok" and .pending_rows < 20' >/dev/null ||
	fail "not writing again: $(puectl status --json | jq -c .storage)"
# Minutes 00:01 to 00:03 closed on the full disk, before the reload.
spell="t >= $((T0 + 60000)) AND t < $((T0 + 240000))"
minutes=$(rows "SELECT count(*) FROM minutes WHERE $spell AND covered_ms = 60000")
[ "$minutes" = 3 ] || fail "$minutes whole minutes of the full spell stored: $(rows "SELECT * FROM minutes")"
# Ten points polled each second: 1800 samples in those three minutes.
samples=$(rows "SELECT count(*) FROM samples WHERE $spell")
[ "$samples" = 1800 ] || fail "$samples samples of the full spell stored, not 1800"
note "the full spell stored after the reload: $minutes minutes, $samples samples"
# And the windows count them: the 15m window is whole again at 00:16.
advance_to 00:16:00
status_jq '.windows[] | select(.window == "15m") | .coverage == 1' >/dev/null ||
	fail "15m window after the reload: $(puectl status --json | jq -c '.windows[] | select(.window == "15m")')"
# Every minute from 00:00 to 00:15 once, whole, across the reload.
whole=$(rows "SELECT count(*) || ' ' || sum(covered_ms) FROM minutes WHERE t < $((T0 + 900000))")
[ "$whole" = "15 900000" ] ||
	fail "minutes 00:00 to 00:15 (count, covered ms): $whole: $(rows "SELECT * FROM minutes")"
stop_clean "$PUED_PID" "$SIM_PID"
