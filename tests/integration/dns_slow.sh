#!/bin/bash
# A DNS server that never answers must cost only the devices and targets
# named through it, never the loop: net-snmp resolves a peer's name with a
# blocking getaddrinfo() when a session opens, so pued resolves names on a
# thread of its own first (lib/util/resolve.c). Here pued runs in a mount
# namespace whose /etc/resolv.conf names a loopback "DNS server" that drops
# every query (3 s timeout); an SNMP device and two alert targets are given
# by name. The Modbus meters keep their 1 s polls, the control socket
# answers throughout, and the named device reports that it cannot resolve.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root for a mount namespace and port 53"
command -v unshare >/dev/null || skip "unshare (util-linux) is missing"
unshare -m true 2>/dev/null || skip "cannot make a mount namespace here"

DNS=127.0.0.77
start dns socat -u "UDP4-RECV:53,bind=$DNS,reuseaddr" /dev/null
# bound: /proc/net/udp lists 127.0.0.77:53 as 4D00007F:0035
wait_for 5000 "the silent DNS server" grep -q ' 4D00007F:0035 ' /proc/net/udp
printf 'nameserver %s\noptions timeout:3 attempts:1\n' "$DNS" >"$T/resolv.conf"

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i 's/^devices:$/devices:\
  - name: far-ups\
    protocol: snmp\
    timeout: 1s\
    retries: 0\
    snmp: {host: ups.pued-test.invalid, port: 16100, community: public}\
    points:\
      - {name: power, oid: 1.3.6.1.2.1.33.1.4.4.1.4.1, unit: W, kind: power}/' "$T/pued.yaml"
cat >>"$T/pued.yaml" <<CONF
alerts:
  targets:
    - {name: noc, type: snmp_trap, snmp: {host: noc.pued-test.invalid, port: 16200, community: public}}
    - {name: noc-informs, type: snmp_inform, snmp: {host: noc.pued-test.invalid, port: 16201, community: public}}
CONF
"$BIN/pued" --check-config "$T/pued.yaml" >/dev/null || fail "config: $("$BIN/pued" --check-config "$T/pued.yaml" 2>&1)"

start pued unshare -m sh -c "mount --bind '$T/resolv.conf' /etc/resolv.conf && exec '$BIN/pued' -f -c '$T/pued.yaml'"
PUED_PID=$LAST_PID
wait_for 10000 "pued to open its control socket" test -S "$T/pued.sock"
failed() { dev_jq far-ups '.last_error != null' >/dev/null; }
wait_for 20000 "far-ups to report an error" failed
t0=$(sql "SELECT max(s.t) FROM samples s JOIN points p ON p.id = s.point WHERE p.device = 'incomer' AND p.name = 'power'")
# Ten seconds of polling while lookups hang: pued answers every request at
# once, and the meters' samples have no gap longer than 2.5 s (a lookup on
# the loop stalls it 3 s each time far-ups or a target opens a session).
end=$(($(date +%s) + 10))
while [ "$(date +%s)" -lt "$end" ]; do
	timeout 2 "$BIN/puectl" -s "$T/pued.sock" ping >/dev/null || fail "pued did not answer within 2 s"
done
gap=$(sql "SELECT max(t - prev) FROM (SELECT s.t, lag(s.t) OVER (ORDER BY s.t) AS prev
	FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device = 'incomer' AND p.name = 'power' AND s.t >= $t0)")
n=$(sql "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device = 'incomer' AND p.name = 'power' AND s.t >= $t0")
note "incomer: $n samples since far-ups failed its lookup, longest gap $gap ms"
[ "$n" -ge 9 ] && [ "${gap:-99999}" -le 2500 ] || fail "polling stalled: $n samples, longest gap ${gap} ms"
dev_jq far-ups '.last_error' | sed 's/^/# far-ups: /'
dev_jq far-ups '.last_error | test("cannot resolve ups.pued-test.invalid")' >/dev/null ||
	fail "far-ups does not say the lookup failed"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
