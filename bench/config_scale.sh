#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/config_scale: pued --check-config on generated files of 100,000 to
# 1,400,000 keys (tools/gen-config): a valid site of Modbus meters, 7 keys
# a point, and one mapping of unknown keys (every key an error message).
# Prints bytes, keys, CPU seconds (user + system), wall seconds, peak RSS
# and CPU microseconds per key: a linear loader keeps the last column flat
# as the file grows (issue 13: 700,000 keys, 10 MB, in about a second).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
make -s "$BUILD/pued"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '%-6s %9s %9s %8s %8s %9s %9s\n' shape keys bytes cpu_s wall_s rss_MiB us/key
for shape in site flat; do
	for keys in 100000 350000 700000 1400000; do
		tools/gen-config $shape $keys >"$dir/c.yaml"
		/usr/bin/time -f '%U %S %e %M' -o "$dir/time" \
			"$BUILD/pued" --check-config "$dir/c.yaml" >/dev/null 2>&1 || true
		read -r user sys wall rss < <(tail -n 1 "$dir/time")
		awk -v s=$shape -v k=$keys -v b="$(stat -c %s "$dir/c.yaml")" -v u="$user" \
			-v y="$sys" -v w="$wall" -v r="$rss" 'BEGIN {
			printf "%-6s %9d %9d %8.2f %8.2f %9.0f %9.2f\n", s, k, b, u + y, w,
			       r / 1024, (u + y) * 1e6 / k }'
	done
done
