#!/bin/bash
# The module graph of lib/ (tools/include-graph): no circle of #includes
# among lib/ modules, no header declaring another module's functions (so
# that the include lines tell the dependencies), and, once lib/ is laid out
# in folders and the tool's LAYERS table fills, no include of a higher
# layer. Also proves the tool can fail: a copy of lib/ with one circle
# added (alert_target.h including alert_sink.h) and one stray declaration
# is refused, naming both.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || fail "python3 is not installed"
"$TOP/tools/include-graph" "$TOP" >"$T/graph.log" 2>&1 || fail "$(cat "$T/graph.log")"
note "$(tail -n 1 "$T/graph.log")"

# The same check on a broken copy must fail, and say why.
mkdir -p "$T/copy"
cp -r "$TOP/lib" "$T/copy/lib"
sed -i 's|^#include "loop.h"$|#include "loop.h"\n#include "alert_sink.h"|' "$T/copy/lib/alert_target.h"
printf '\nvoid pue_window_add(void);\n' >>"$T/copy/lib/point.h"
if "$TOP/tools/include-graph" "$T/copy" >"$T/broken.log" 2>&1; then
	fail "a circle and a stray declaration passed: $(cat "$T/broken.log")"
fi
grep -q '^circle: .*alert_sink.*alert_target\|^circle: .*alert_target.*alert_sink' "$T/broken.log" ||
	fail "the circle was not named: $(cat "$T/broken.log")"
grep -q '^declaration: lib/point.h declares pue_window_add(), defined in lib/window.c' \
	"$T/broken.log" || fail "the stray declaration was not named: $(cat "$T/broken.log")"
note "a circle and a stray declaration are refused"
