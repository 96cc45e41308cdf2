#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/store: SQLite ingest (pue_store vs bare inserts), bytes per sample,
# and a 1-year report. A bounded run: 4000 points x 300 poll cycles.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
make -s "$BUILD/bench/store_bench"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$BUILD/bench/store_bench" "$dir" 4000 300
