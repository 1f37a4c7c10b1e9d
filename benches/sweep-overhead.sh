#!/usr/bin/env bash
# The overhead of `collapse sweep` per cell, against the same cells run as
# single `collapse simulate` calls (one process each, as a shell loop would),
# in one run on this machine. Usage: benches/sweep-overhead.sh [SPEC.toml] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
spec=${1:-examples/gerstgrasser-sweep.toml}
rounds=${2:-3}
cargo build --release --quiet
bin=target/release/collapse
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
family=$(sed -n 's/^family = "\(.*\)"/\1/p' "$spec")
replicates=$(sed -n 's/^replicates = \([0-9]*\)/\1/p' "$spec")
# The valid cells, their flags and seeds, from the sweep's own dry run.
"$bin" sweep "$spec" --dry-run 2>/dev/null | grep -v INVALID | grep $'\tseed ' > "$tmp/cells" || true
cells=$(wc -l < "$tmp/cells")
now() { date +%s.%N; }
for round in $(seq "$rounds"); do
    start=$(now)
    "$bin" sweep "$spec" -o "$tmp/sweep.csv" 2>/dev/null || true
    sweep=$(echo "$(now) - $start" | bc)
    start=$(now)
    while IFS=$'\t' read -r index parameters seed _; do
        flags=()
        for pair in $parameters; do flags+=("--${pair%%=*}" "${pair#*=}"); done
        "$bin" simulate "$family" "${flags[@]}" --replicates "$replicates" --seed "${seed#seed }" -o "$tmp/cell-$index.csv" 2>/dev/null || true  # a cell that fails fails in the sweep too
    done < "$tmp/cells"
    single=$(echo "$(now) - $start" | bc)
    printf 'round %d: %d cells; sweep %.3f s (%.2f ms per cell), single simulate calls %.3f s (%.2f ms per cell); overhead %+.2f ms per cell\n' \
        "$round" "$cells" "$sweep" "$(echo "1000 * $sweep / $cells" | bc -l)" "$single" "$(echo "1000 * $single / $cells" | bc -l)" \
        "$(echo "1000 * ($sweep - $single) / $cells" | bc -l)"
done
