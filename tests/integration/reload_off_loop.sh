#!/bin/bash
# A reload reads its configuration off the main loop (issue 15, item 6: "a
# reload with a 10 MB configuration never delays a poll by more than one
# interval"). On the stepped test clock: the configuration file is swapped
# for a named pipe, so that the read SIGHUP starts stays pending until the
# test writes the pipe, for as long as the test likes, whatever the
# machine's speed. Meanwhile pued answers, the clock advances a simulated
# minute and every device is polled 60 times in it; two more SIGHUPs
# during the read make exactly one more read after it. The file the test
# then writes is 10 MB (the demo hall under a new site name, then 700,000
# comment lines, the only bulk the schema takes without changing what pued
# polls) and is swapped in. Across the whole run every point has its
# samples one interval apart, never further, and pued's log says how long
# each read took.
. "$(dirname "$0")/lib.sh"

T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock"
write_config "$T/base.yaml" "$SIM_PORT"
cp "$T/base.yaml" "$T/pued.yaml"
start_pued "$T/pued.yaml"
advance 10s

# big SITE: the hall under the name SITE, made 10 MB long.
big() {
	sed "s/^site: .*/site: \"$1\"/" "$T/base.yaml"
	python3 -c '
import sys
out = sys.stdout
for k in range(700000):
    out.write("# k%06d: bulk\n" % k)
'
}
big "Reloaded hall" >"$T/big.yaml"
bytes=$(stat -c %s "$T/big.yaml")
note "the large configuration: $bytes bytes"
[ "$bytes" -ge 10000000 ] || fail "the large configuration has only $bytes bytes"

polls() { puectl devices --json | jq -c '[.devices[].polls]'; }
reads() { count_lines "$T/pued.log" "pued: reading $T/pued.yaml for the reload"; }
reloads() { count_lines "$T/pued.log" "pued: reloaded $T/pued.yaml"; }
site() { puectl status --json | jq -r .site; }

# The file becomes a pipe: pued's read of it waits for a writer.
rm "$T/pued.yaml"
mkfifo "$T/pued.yaml"
kill -HUP "$PUED_PID"
wait_for 10000 "the reload's read to start" bash -c "[ \$(grep -c 'pued: reading .* for the reload' '$T/pued.log') -eq 1 ]"
# Held: pued still answers, and a simulated minute runs in full.
timeout 20 "$BIN/puectl" -s "$T/pued.sock" ping >/dev/null || fail "pued does not answer while it reads"
before=$(polls)
advance 1m
after=$(polls)
note "polls per device before and after a minute with the read pending: $before $after"
jq -n --argjson a "$before" --argjson b "$after" '[range($a | length) | $b[.] - $a[.]] | all(. == 60)' |
	grep -qx true || fail "not 60 polls per device in the minute: $before then $after"
[ "$(site)" = "Demo hall (simulated)" ] || fail "site $(site) before the file was written"
# Two more requests during the read: one more read after it, not two.
kill -HUP "$PUED_PID"
wait_for 10000 "the first SIGHUP during the read noted" \
	bash -c "[ \$(grep -c 'a reload is under way' '$T/pued.log') -eq 1 ]"
puectl reload >/dev/null || fail "puectl reload during a read"
wait_for 10000 "the second request during the read noted" \
	bash -c "[ \$(grep -c 'a reload is under way' '$T/pued.log') -eq 2 ]"
[ "$(reads)" -eq 1 ] || fail "$(reads) reads started"

# The 10 MB file arrives; it is read, checked and swapped in, and the
# read asked for meanwhile starts (and waits on the pipe again).
cat "$T/big.yaml" >"$T/pued.yaml"
wait_for 60000 "the large configuration swapped in" bash -c "[ \$(grep -c 'pued: reloaded' '$T/pued.log') -eq 1 ]"
grep 'pued: reloaded' "$T/pued.log" | sed 's/^/# /'
[ "$(site)" = "Reloaded hall" ] || fail "site $(site) after the reload"
wait_for 10000 "the coalesced read to start" bash -c "[ \$(grep -c 'pued: reading .* for the reload' '$T/pued.log') -eq 2 ]"
before=$(polls)
advance 1m
after=$(polls)
note "the same with the second read pending: $before $after"
jq -n --argjson a "$before" --argjson b "$after" '[range($a | length) | $b[.] - $a[.]] | all(. == 60)' |
	grep -qx true || fail "not 60 polls per device in the minute: $before then $after"
big "Hall, second reload" >"$T/pued.yaml"
wait_for 60000 "the second reload" bash -c "[ \$(grep -c 'pued: reloaded' '$T/pued.log') -eq 2 ]"
[ "$(site)" = "Hall, second reload" ] || fail "site $(site) after the second reload"
# Three requests made two reads: a third would have started by now (the
# loop starts it right after the swap, before it answers again).
advance 1s
[ "$(reads)" -eq 2 ] || fail "$(reads) reads for three requests during one read"
rm "$T/pued.yaml"
cp "$T/base.yaml" "$T/pued.yaml"
advance 10s
stop_clean "$PUED_PID" "$SIM_PID"

# Every point, every second: polls kept their schedule through both reads
# and both swaps (a swap starts the new service's polls at once, so a gap
# may be shorter, never longer).
got=$(sql "WITH s AS (SELECT point, t - lag(t) OVER (PARTITION BY point ORDER BY t) AS gap FROM samples)
	SELECT count(DISTINCT point), min(gap), max(gap) FROM s")
IFS='|' read -r points min max <<<"$got"
note "samples of $points points, gaps $min..$max ms"
[ "$points" -eq 10 ] && [ "$max" -le 1000 ] || fail "samples of $points points, gaps $min..$max ms"
[ "$(sql "SELECT max(t) - $T0 FROM samples")" -ge 131000 ] || fail "samples end at $(sql "SELECT max(t) - $T0 FROM samples") ms"
