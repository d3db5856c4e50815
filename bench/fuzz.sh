#!/usr/bin/env bash
# Runs every fuzz target (tests/fuzz) for many inputs and prints, per target, how many inputs ran,
# for how long, and whether one crashed (the input is then kept next to the binary; see
# tests/fuzz/README.md). Needs the clang sanitizer build, which builds the targets:
#   cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLYTE_SANITIZE=ON \
#     -DCMAKE_CXX_COMPILER=clang++ && ninja -C build-asan
# Usage: bench/fuzz.sh [-r runs per target, default 1000000] [-t max seconds per target, default 900]
#                      [-b build dir, default build-asan] [target...]   (default: every target)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=1000000
seconds=900
build="$repo_root/build-asan"
while getopts "r:t:b:" option; do
  case "$option" in
    r) runs=$OPTARG ;;
    t) seconds=$OPTARG ;;
    b) build=$OPTARG ;;
    *) sed -n '2,9p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
  set -- $(cd "$repo_root/tests/fuzz/corpus" && ls)
fi

printf '%-14s %12s %9s %10s  %s\n' target runs seconds runs/s result
failed=0
for target in "$@"; do
  binary="$build/tests/fuzz/${target}_fuzz"
  log="$(mktemp)"
  start=$(date +%s%N)
  if "$repo_root/tests/fuzz/run.sh" "$binary" "$repo_root/tests/fuzz/corpus/$target" \
      -runs="$runs" -max_total_time="$seconds" >"$log" 2>&1; then
    result=ok
  else
    result="CRASH (log: $log)"
    failed=1
  fi
  elapsed_ns=$(($(date +%s%N) - start))
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  executed=${executed:-0}
  awk -v t="$target" -v n="$executed" -v ns="$elapsed_ns" -v r="$result" \
    'BEGIN { s = ns / 1e9; printf "%-14s %12d %9.0f %10.0f  %s\n", t, n, s, n / s, r }'
  if [ "$result" = ok ]; then rm -f "$log"; fi
done
exit "$failed"
