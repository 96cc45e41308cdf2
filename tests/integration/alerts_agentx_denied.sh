#!/bin/bash
# An AgentX master whose socket pued may not open (issue 15, item 8: "the
# AgentX master socket not writable for group pued: puectl alerts says
# master unknown and nothing is logged"). A real snmpd, run by root, is
# the master on a private socket of mode 0600; pued runs as nobody (root
# would pass any mode), so its helper pued-agentx is refused. The helper
# logs it once, with the socket and the reason, while it keeps trying
# every 5 s (with pued -d, each look is a debug line: the test waits for
# three), and `puectl alerts` says "not connected". Once the socket is
# opened to others (chmod 0666) the helper connects, pued says so, and
# snmpget reads PUED-MIB through the master.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/alerts/helpers.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root to run pued as another user"
chmod 755 "$T"
# pued as nobody: its programs, database and socket where nobody reaches.
mkdir "$T/run"
install -m 755 "$BIN/pued" "$BIN/pued-agentx" "$T/run/"
chown nobody "$T/run"
NOBODY=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups) # execs: same PID
"${NOBODY[@]}" test -x "$T/run/pued" || skip "user nobody cannot reach $T (is / or /tmp closed to others?)"

start_master master
chmod 755 "$T/master"
chmod 600 "$MASTER_SOCKET" # root's only: nobody is refused, as group pued was
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e "s|$T/pued\.|$T/run/pued.|g" "$T/pued.yaml"
cat >>"$T/pued.yaml" <<EOF
alerts:
  agentx: true
  agentx_socket: $MASTER_SOCKET
EOF
chmod 644 "$T/pued.yaml"
start pued "${NOBODY[@]}" "$T/run/pued" -f -d -c "$T/pued.yaml"
PUED_PID=$LAST_PID
wait_for 10000 "pued to open its control socket" test -S "$T/run/pued.sock"
ctl() { "$BIN/puectl" -s "$T/run/pued.sock" "$@"; }
refused="agentx: cannot connect to the master agent at $MASTER_SOCKET: Permission denied; trying again every 5 s"

wait_for 20000 "the refusal logged" grep -qF "$refused" "$T/pued.log"
wait_for 30000 "three more looks at the socket" \
	grep -qF "agentx: still no master agent at $MASTER_SOCKET: Permission denied (look 4)" "$T/pued.log"
[ "$(grep -cF "$refused" "$T/pued.log")" -eq 1 ] || fail "the refusal logged $(grep -cF "$refused" "$T/pued.log") times"
grep -F "$refused" "$T/pued.log" | sed 's/^/# /'
ctl alerts --json | jq -e '.agentx.master == "not connected" and .agentx.helper == "running"' >/dev/null ||
	fail "agentx: $(ctl alerts --json | jq -c .agentx)"
ctl alerts | grep -q "master not connected ($MASTER_SOCKET)" || fail "puectl alerts: $(ctl alerts | grep agentx)"
! grep -E 'warning|err' "$T/pued.log" | grep -v -F "$refused" | grep agentx ||
	fail "other agentx warnings"

# The socket opened to others: the helper's next try connects.
chmod 666 "$MASTER_SOCKET"
wait_for 30000 "the subagent connected" \
	grep -qF "agentx: serving PUED-MIB through the master agent at $MASTER_SOCKET" "$T/pued.log"
ctl alerts --json | jq -e '.agentx.master == "connected"' >/dev/null ||
	fail "agentx: $(ctl alerts --json | jq -c .agentx)"
site_answers() { mib_get PUED-MIB::pueSite.0 | grep -q 'Demo hall'; }
wait_for 20000 "the site through snmpd" site_answers
[ "$(grep -cF "$refused" "$T/pued.log")" -eq 1 ] || fail "the refusal logged again"
stop_clean "$PUED_PID" "$SIM_PID"
