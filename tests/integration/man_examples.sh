#!/bin/bash
# Every configuration shown as an example passes `pued --check-config`:
# each literal block (.Bd -literal ... .Ed) of the man pages in doc/ and
# each ```yaml block of README.md that starts with "site:" (a whole
# pued.yaml, not a fragment). pued.yaml(5)'s EXAMPLES must have one. The
# blocks are read from the page sources; roff escapes other than \e (a
# backslash) and \& (nothing) are refused, so that what is checked is what
# the page shows.
. "$(dirname "$0")/lib.sh"

# blocks FILE: writes each configuration block of FILE to $T/NAME.N.yaml.
blocks() {
	local f=$1 name
	name=$(basename "$f")
	awk -v out="$T/$name" '
		/^\.Bd -literal/ || /^```yaml$/ { inb = 1; n++; first = 1; keep = 0; next }
		inb && (/^\.Ed/ || /^```$/) { inb = 0; if (keep) close(file); next }
		inb {
			if (first) { first = 0; keep = /^site:/; file = out "." n ".yaml" }
			if (keep) print > file
		}' "$f"
}

for f in "$TOP"/doc/*.[1-8] "$TOP/README.md"; do
	blocks "$f"
done
shopt -s nullglob
files=("$T"/*.yaml)
[ ${#files[@]} -ge 2 ] || fail "found ${#files[@]} configuration examples, expected pued.yaml(5)'s and README's"
[ -n "$(sed -n '/^\.Sh EXAMPLES/,/^\.Sh /{/^site:/p}' "$TOP/doc/pued.yaml.5")" ] ||
	fail "pued.yaml(5) has no configuration in EXAMPLES"
for y in "${files[@]}"; do
	if grep -n '\\[^e&]' "$y" >"$T/escapes.txt"; then
		fail "$(basename "$y"): a roff escape this test does not read: $(cat "$T/escapes.txt")"
	fi
	sed -i -e 's/\\e/\\/g' -e 's/\\&//g' "$y"
	chmod 600 "$y" # an example's placeholder secrets: no warning about them
	rc=0
	"$BIN/pued" --check-config "$y" >"$T/out.txt" 2>"$T/err.txt" || rc=$?
	[ $rc -eq 0 ] || fail "$(basename "$y") (from the block's line 1 \"$(head -n1 "$y")\"): exit $rc: $(cat "$T/err.txt")"
	note "$(sed "s|$T/||" "$T/out.txt")"
done
