#!/usr/bin/env bash
# Installs everything the tests need, then builds and runs every test twice: against the
# release build (the static binary users get, gcc) and against an AddressSanitizer+UBSan build
# (clang, which also builds the libFuzzer targets of tests/fuzz). Each run: doctest unit tests,
# then end-to-end tests of the real binary with real flytekit, grpcio and HTTP clients (ctest
# labels `unit` and `e2e`); the sanitizer run also fuzzes each decoder briefly (label `fuzz`).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo_root/scripts/install-build-deps.sh"
"$repo_root/scripts/setup-test-env.sh"

run_suite() {
  local dir="$1"; shift
  cmake -S "$repo_root" -B "$repo_root/$dir" -G Ninja "$@" >/dev/null
  ninja -C "$repo_root/$dir"
  ctest --test-dir "$repo_root/$dir" --output-on-failure
}

run_suite build -DCMAKE_BUILD_TYPE=Release
run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DFLYTE_SANITIZE=ON -DCMAKE_CXX_COMPILER=clang++
