#!/usr/bin/env bash
# Builds the fuzz corpora from the bundled samples: for each input file,
# its header with the first rows, and its header with each planted bad row
# (listed in data-samples/bad_rows.csv). The first byte of every seed is the
# target's control byte (rows: which file it is, 0 departments, 1 injuries,
# 2 claims, 3 exposure; scanner: the delimiter and chunk limits).
set -euo pipefail
cd "$(dirname "$0")"
samples=../data-samples
mkdir -p corpus/scanner corpus/rows
i=0
for kind in 0:departments 1:injuries 2:claims 3:exposure; do
  n=${kind%%:*}; file=$samples/${kind#*:}.csv
  { printf "\\x$(printf %02x "$n")"; head -n 40 "$file"; } > corpus/rows/head-${kind#*:}
  { printf '\x00'; head -n 40 "$file"; } > corpus/scanner/head-${kind#*:}
  # Each planted bad row of this file, after its header.
  { grep "^${kind#*:}.csv," "$samples/bad_rows.csv" || true; } | cut -d, -f2 | while read -r line; do
    i=$((i + 1))
    { printf "\\x$(printf %02x "$n")"; head -n 1 "$file"; sed -n "${line}p" "$file"; } > "corpus/rows/bad-${kind#*:}-$line"
    { printf '\x24'; head -n 1 "$file"; sed -n "${line}p" "$file"; } > "corpus/scanner/bad-${kind#*:}-$line"
  done
done
ls corpus/rows | wc -l | xargs echo "rows seeds:"
ls corpus/scanner | wc -l | xargs echo "scanner seeds:"
