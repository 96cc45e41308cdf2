#!/bin/bash
# TLS and basic authentication from an exporter-toolkit web configuration:
# a self-signed certificate made here with the openssl CLI and a bcrypt
# hash made with python3's crypt (libxcrypt). A client that trusts the
# certificate and gives the right user and password gets /metrics; a wrong
# password, an unknown user or none gets 401 with a Basic challenge (and
# is counted in pued_http_unauthorized_requests_total); plain HTTP on the
# TLS port gets no answer. pued --check-config names a web configuration's
# mistakes by its own file, line and column.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/http/helpers.sh"
command -v openssl >/dev/null || skip "the openssl command is missing (Debian package openssl)"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$T/server.key" -out "$T/server.crt" 2>"$T/openssl.log" || fail "openssl req"
chmod 600 "$T/server.key"
# cost 4 (16 rounds): the lowest, tests only
HASH=$(python3 -W ignore -c 'import crypt; print(crypt.crypt("scrape-me", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))')
case $HASH in '$2'?'$04$'*) ;; *) fail "python3 crypt made no bcrypt hash: $HASH" ;; esac
cat >"$T/web.yml" <<EOF
tls_server_config:
  cert_file: server.crt
  key_file: server.key
basic_auth_users:
  prometheus: '$HASH'
EOF

start_sim sim
write_config "$T/pued.yaml" "$SIM_PORT"
printf 'http: {port: 0, web_config_file: web.yml}\n' >>"$T/pued.yaml"
start_pued "$T/pued.yaml"
PORT=$(http_port)
grep -q "http: listening on 127.0.0.1:$PORT (TLS, basic authentication)" "$T/pued.log" ||
	fail "the listener does not say TLS and authentication"
URL=https://127.0.0.1:$PORT/metrics

fetch "$URL" --ca "$T/server.crt" --user prometheus:scrape-me >"$T/ok.out"
head -n1 "$T/ok.out" | grep -q '^200 text/plain' || fail "right password: $(head -n1 "$T/ok.out")"
grep -q '^pued_info{' "$T/ok.out" || fail "no metrics over TLS"
# The second time the accepted password is remembered (http_auth.h).
fetch "$URL" --ca "$T/server.crt" --user prometheus:scrape-me --status | grep -q '^200 ' ||
	fail "right password, again"
for who in prometheus:wrong nobody:scrape-me prometheus:; do
	got=$(fetch "$URL" --ca "$T/server.crt" --user "$who" --status)
	[ "${got%% *}" = 401 ] || fail "user $who got $got, not 401"
done
got=$(fetch "$URL" --ca "$T/server.crt" --status)
[ "${got%% *}" = 401 ] || fail "no credentials got $got, not 401"
python3 - "$URL" "$T/server.crt" <<'EOF' || fail "no Basic challenge with the 401"
import ssl, sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], context=ssl.create_default_context(cafile=sys.argv[2]))
    sys.exit(1)
except urllib.error.HTTPError as e:
    sys.exit(0 if e.code == 401 and e.headers["WWW-Authenticate"] == 'Basic realm="pued"' else 1)
EOF
note "TLS: right password 200, wrong or unknown user or none 401 with a Basic challenge"
if fetch "http://127.0.0.1:$PORT/metrics" --status >"$T/plain.out" 2>&1; then
	fail "plain HTTP on the TLS port was answered: $(head -n1 "$T/plain.out")"
fi
note "plain HTTP on the TLS port: no answer ($(tail -n1 "$T/plain.out"))"

unauthorized() {
	fetch "$URL" --ca "$T/server.crt" --user prometheus:scrape-me |
		grep -q '^pued_http_unauthorized_requests_total 5$'
}
wait_for 10000 "pued_http_unauthorized_requests_total to count the 5 refusals" unauthorized

# A web configuration's mistake, named where it is.
sed 's/key_file: server.key/key_file: missing.key/' "$T/web.yml" >"$T/web-bad.yml"
sed 's/web.yml/web-bad.yml/' "$T/pued.yaml" >"$T/bad.yaml"
out=$("$BIN/pued" --check-config "$T/bad.yaml" 2>&1) && fail "--check-config accepted a missing key file"
echo "$out" | grep -q "^$T/web-bad.yml:3:13: tls_server_config.key_file: cannot read $T/missing.key" ||
	fail "--check-config said: $out"
stop_clean "$PUED_PID"
