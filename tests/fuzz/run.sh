#!/bin/sh
# Runs one fuzz target over its committed seed corpus without ever writing into it: inputs the
# fuzzer finds go to a temporary first corpus folder, deleted afterwards. A crashing input is kept
# next to the binary (<target>-crash-<sha1>) for reproducing: `<binary> <that file>`.
# Usage: run.sh <fuzz binary> <seed corpus folder> [libFuzzer flags, e.g. -max_total_time=10]
set -eu
binary=$1
seeds=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$binary" -timeout=10 -print_final_stats=1 -artifact_prefix="$binary-" "$@" "$work" "$seeds"
