#!/bin/bash
# Secrets written {credential: NAME} (systemd's LoadCredential=, which
# pued.yaml(5) recommends for root-only secrets) are read by pued when it
# runs, from $CREDENTIALS_DIRECTORY, which only the unit sets. Everything
# else that loads the file runs outside the unit and must not need them
# (found by a user acceptance pass):
#  1. puectl's database commands (report, history, export, year) need no
#     secret: without $CREDENTIALS_DIRECTORY they answer as with it (they
#     refused: "...credential: $CREDENTIALS_DIRECTORY is not set", exit 1);
#  2. pued --check-config without it checks each credential's name and says
#     which credentials pued reads at its start, one line each, and exits 0
#     (it exited 1, which broke README's `pued --check-config ... &&
#     systemctl start pued`);
#  3. with it set (systemd-run -p LoadCredential=..., ExecStartPre) a
#     credential it lacks is an error naming FILE:LINE:COLUMN, as before;
#  4. pued itself refuses to start without it, naming FILE:LINE:COLUMN;
#  5. a name that is no credential's (".." or a path) is an error everywhere.
# No output quotes a secret.
. "$(dirname "$0")/lib.sh"

export TZ=UTC
T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim
write_config "$T/pued.yaml" "$SIM_PORT"
# Two trap targets whose secrets are credentials: a community and a v3
# passphrase. Nothing listens on their port; no alert fires in two minutes.
cat >>"$T/pued.yaml" <<'EOF'

alerts:
  targets:
    - name: noc
      type: snmp_trap
      snmp: {host: 127.0.0.1, port: 16299, version: 2c, community: {credential: snmp-community}}
    - name: noc-v3
      type: snmp_trap
      snmp:
        host: 127.0.0.1
        port: 16299
        version: 3
        user: pued
        security_level: authnopriv
        auth_passphrase: {credential: noc-auth}
EOF
F=$T/pued.yaml
# where each credential's name stands in the file: LINE:COLUMN
at() { awk -v w="$1" 'index($0, w) { print NR ":" index($0, w); exit }' "$F"; }
C1=$(at snmp-community)
C2=$(at noc-auth)
C2m=$(at "{credential: noc-auth}") # the mapping, the passphrase's value
note "credentials at $C1 and $C2"

mkdir -m 0700 "$T/creds" "$T/empty"
printf 'Comm-s3cret\n' >"$T/creds/snmp-community"
printf 'Auth-s3cret-phrase\n' >"$T/creds/noc-auth"
chmod 0400 "$T/creds/snmp-community" "$T/creds/noc-auth"
no_secret() { # FILE...: none of them quotes a secret
	! grep -l -e Comm-s3cret -e Auth-s3cret "$@" || fail "a secret was printed in $*"
}

# The database: pued runs two minutes as the unit would run it.
CREDENTIALS_DIRECTORY=$T/creds start_pued "$F"
advance 2m
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
no_secret "$T/pued.log"
unset CREDENTIALS_DIRECTORY

bad=0
# --- 1. puectl's database commands ------------------------------------------
# same ARGS...: puectl -c pued.yaml ARGS answers without $CREDENTIALS_DIRECTORY
# exactly as with it: exit 0, nothing on stderr, the same stdout.
same() {
	local rc=0
	CREDENTIALS_DIRECTORY=$T/creds "$BIN/puectl" -c "$F" "$@" >"$T/want" 2>"$T/want.err" ||
		fail "puectl $* with the credentials: exit $?: $(cat "$T/want.err")"
	[ -s "$T/want" ] || fail "puectl $* with the credentials printed nothing"
	"$BIN/puectl" -c "$F" "$@" >"$T/out" 2>"$T/err" || rc=$?
	if [ $rc != 0 ] || [ -s "$T/err" ] || ! cmp -s "$T/want" "$T/out"; then
		echo "FAIL: puectl -c pued.yaml $* without \$CREDENTIALS_DIRECTORY: exit $rc," \
			"stderr \"$(head -n 1 "$T/err")\", stdout $(wc -c <"$T/out") bytes;" \
			"want exit 0, no stderr, the $(wc -c <"$T/want") bytes it prints with them"
		bad=$((bad + 1))
	fi
	no_secret "$T/out" "$T/err"
}
same report --month 2026-01
same --db "$T/pued.db" report --month 2026-01
same --json report --from 2026-01-01Z --to 2026-01-01T00:02Z
same --csv history --window 1h --month 2026-01
same export --minutes --month 2026-01
same year --at 2026-01-02Z

# --- 2. --check-config outside the unit ----------------------------------------
rc=0
"$BIN/pued" --check-config "$F" >"$T/out" 2>"$T/err" || rc=$?
want_err="$F:$C1: alerts.targets[0].snmp.community.credential: will be read from the credential \"snmp-community\" when pued starts (\$CREDENTIALS_DIRECTORY is not set here)
$F:$C2: alerts.targets[1].snmp.auth_passphrase.credential: will be read from the credential \"noc-auth\" when pued starts (\$CREDENTIALS_DIRECTORY is not set here)"
if [ $rc != 0 ] || [ "$(cat "$T/out")" != "$F: configuration OK (5 devices)" ] ||
	[ "$(cat "$T/err")" != "$want_err" ]; then
	echo "FAIL: --check-config without \$CREDENTIALS_DIRECTORY: exit $rc, stdout:"
	sed 's/^/    /' "$T/out"
	echo "  stderr:"
	sed 's/^/    /' "$T/err"
	echo "  want exit 0, \"$F: configuration OK (5 devices)\" and on stderr:"
	printf '%s\n' "$want_err" | sed 's/^/    /'
	bad=$((bad + 1))
fi
# README's install step
{ "$BIN/pued" --check-config "$F" 2>/dev/null && echo started; } >"$T/and.txt" || true
[ "$(tail -n 1 "$T/and.txt")" = started ] ||
	{ echo "FAIL: \`pued --check-config FILE && systemctl start pued\` would not start it"; bad=$((bad + 1)); }

# --- 3. --check-config where the credentials are given --------------------------
rc=0
CREDENTIALS_DIRECTORY=$T/creds "$BIN/pued" --check-config "$F" >"$T/out" 2>"$T/err" || rc=$?
[ $rc = 0 ] && [ ! -s "$T/err" ] && [ "$(cat "$T/out")" = "$F: configuration OK (5 devices)" ] ||
	{ echo "FAIL: --check-config with the credentials: exit $rc, $(cat "$T/out" "$T/err")"; bad=$((bad + 1)); }
rc=0
CREDENTIALS_DIRECTORY=$T/empty "$BIN/pued" --check-config "$F" >"$T/out" 2>"$T/err" || rc=$?
want_err="$F:$C1: alerts.targets[0].snmp.community.credential: cannot read the secret file $T/empty/snmp-community: No such file or directory
$F:$C2: alerts.targets[1].snmp.auth_passphrase.credential: cannot read the secret file $T/empty/noc-auth: No such file or directory"
if [ $rc != 1 ] || [ -s "$T/out" ] || [ "$(cat "$T/err")" != "$want_err" ]; then
	echo "FAIL: --check-config with CREDENTIALS_DIRECTORY lacking them: exit $rc, stderr:"
	sed 's/^/    /' "$T/err"
	echo "  want exit 1 and:"
	printf '%s\n' "$want_err" | sed 's/^/    /'
	bad=$((bad + 1))
fi
# a passphrase too short for net-snmp is found once it can be read
cp -r "$T/creds" "$T/short"
chmod u+w "$T/short/noc-auth"
printf 'short\n' >"$T/short/noc-auth"
rc=0
CREDENTIALS_DIRECTORY=$T/short "$BIN/pued" --check-config "$F" >"$T/out" 2>"$T/err" || rc=$?
want_err="$F:$C2m: alerts.targets[1].snmp.auth_passphrase: too short: net-snmp needs a passphrase of at least 8 characters"
[ $rc = 1 ] && [ "$(cat "$T/err")" = "$want_err" ] ||
	{ echo "FAIL: a short passphrase credential: exit $rc, $(cat "$T/err"); want: $want_err"; bad=$((bad + 1)); }
no_secret "$T/out" "$T/err"

# --- 4. pued itself needs them ----------------------------------------------------
rc=0
"$BIN/pued" -f -c "$F" >"$T/out" 2>"$T/start.err" || rc=$?
for w in "$F:$C1: alerts.targets[0].snmp.community.credential: credential \"snmp-community\": \$CREDENTIALS_DIRECTORY is not set (use LoadCredential= in the unit)" \
	"$F:$C2: alerts.targets[1].snmp.auth_passphrase.credential: credential \"noc-auth\": \$CREDENTIALS_DIRECTORY is not set (use LoadCredential= in the unit)"; do
	[ $rc = 1 ] && grep -qF -- "$w" "$T/start.err" ||
		{ echo "FAIL: pued started without \$CREDENTIALS_DIRECTORY: exit $rc, $(cat "$T/start.err"); want 1 and \"$w\""; bad=$((bad + 1)); }
done
rc=0
CREDENTIALS_DIRECTORY=$T/empty "$BIN/pued" -f -c "$F" >"$T/out" 2>"$T/start.err" || rc=$?
w="$F:$C1: alerts.targets[0].snmp.community.credential: cannot read the secret file $T/empty/snmp-community: No such file or directory"
[ $rc = 1 ] && grep -qF -- "$w" "$T/start.err" ||
	{ echo "FAIL: pued started without its credential files: exit $rc, $(cat "$T/start.err")"; bad=$((bad + 1)); }

# --- 5. a name that is no credential's -------------------------------------------
sed 's/{credential: snmp-community}/{credential: ..}/' "$F" >"$T/dots.yaml"
want="$T/dots.yaml:$C1: alerts.targets[0].snmp.community.credential: \"..\" is not a credential's name (a file's name in \$CREDENTIALS_DIRECTORY, not \".\" or \"..\")"
rc=0
"$BIN/pued" --check-config "$T/dots.yaml" >"$T/out" 2>"$T/err" || rc=$?
[ $rc = 1 ] && [ "$(head -n 1 "$T/err")" = "$want" ] ||
	{ echo "FAIL: --check-config {credential: ..}: exit $rc, $(head -n 1 "$T/err"); want 1, $want"; bad=$((bad + 1)); }
rc=0
"$BIN/puectl" -c "$T/dots.yaml" report --month 2026-01 >"$T/out" 2>"$T/err" || rc=$?
[ $rc = 1 ] && [ "$(cat "$T/err")" = "$want" ] && [ ! -s "$T/out" ] ||
	{ echo "FAIL: puectl report {credential: ..}: exit $rc, $(cat "$T/err"); want 1, $want"; bad=$((bad + 1)); }

[ "$bad" = 0 ] || fail "$bad of the answers above are wrong"
note "credentials: puectl and --check-config without them, pued and --check-config with them"
