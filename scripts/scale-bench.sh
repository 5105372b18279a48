#!/usr/bin/env bash
# The scale benchmark of issue 13: generate N-method crates from the synthetic
# corpus and measure `cargo check` of the generated crate alone (its
# dependencies are checked first, untimed) with /usr/bin/time -v: wall time and
# peak memory (the largest rustc). Not part of CI.
#
#   scripts/scale-bench.sh [N ...]          (default: 200 1000 2000)
#
# Environment: SCALE_DIR (work directory, default /tmp/alipay-scale),
# SCALE_CHECK_ARGS (extra arguments for cargo check, e.g. "--features full-serde"),
# SCALE_ROOT (a checkout whose generator and runtime to measure, e.g. a
# `git worktree` of an older commit for a before/after comparison; default:
# this one; SCALE_ROOT_TARGET: its target directory). The spec corpus always comes from this checkout's `synthetic`
# example, so both sides compile the same methods.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "${SCALE_ROOT:-$here}" && pwd)"
work="${SCALE_DIR:-/tmp/alipay-scale}"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(200 1000 2000)
command -v /usr/bin/time >/dev/null || { echo "error: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

target_of() {
    cargo metadata --format-version 1 --no-deps --manifest-path "$1/Cargo.toml" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])'
}
# Another checkout builds into its own target directory: two workspaces
# sharing one would overwrite each other's artifacts.
if [ "$root" = "$here" ]; then
    root_target="$(target_of "$here")"
else
    root_target="${SCALE_ROOT_TARGET:-$work/root-target}"
fi
cargo build --quiet --release --manifest-path "$root/Cargo.toml" --target-dir "$root_target" -p alipay-codegen-cli
cargo build --quiet --release --manifest-path "$here/Cargo.toml" -p alipay-codegen --example synthetic
gen="$root_target/release/alipay-codegen"
synth="$(target_of "$here")/release/examples/synthetic"

printf '%-6s %8s %9s %9s %9s %10s %9s\n' methods "gen s" "check s" "cpu s" "peak MiB" lines "rmeta MiB"
for n in "${sizes[@]}"; do
    dir="$work/n$n"
    rm -rf "$dir" && mkdir -p "$dir/specs" "$dir/crate/src"
    "$synth" "$n" "$dir/specs"
    cat > "$dir/crate/Cargo.toml" <<TOML
[package]
name = "alipay-api"
version = "0.1.0"
edition = "2024"

[dependencies]
alipay-runtime = { path = "$root/runtime", default-features = false }

[workspace]
TOML
    gen_s=$( { /usr/bin/time -f '%e' "$gen" generate --specs "$dir/specs" --out "$dir/crate" --no-docs >/dev/null; } 2>&1 | tail -1)
    export CARGO_TARGET_DIR="$dir/target" CARGO_INCREMENTAL=0
    # Dependencies first, untimed; then the generated crate alone.
    (cd "$dir/crate" && cargo check --quiet -p alipay-runtime)
    (cd "$dir/crate" && /usr/bin/time -v -o "$dir/time.txt" cargo check --quiet ${SCALE_CHECK_ARGS:-})
    secs=$(grep 'Elapsed (wall clock)' "$dir/time.txt" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    peak=$(grep 'Maximum resident set size' "$dir/time.txt" | awk '{printf "%.0f", $NF/1024}')
    cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.1f", s}' "$dir/time.txt")
    lines=$(cat "$dir/crate/src/"*.rs | wc -l)
    meta=$(du -cm "$dir/target/debug/deps/"libalipay_api-*.rmeta | tail -1 | cut -f1)
    printf '%-6s %8s %9s %9s %9s %10s %9s\n' "$n" "$gen_s" "$secs" "$cpu" "$peak" "$lines" "$meta"
done
