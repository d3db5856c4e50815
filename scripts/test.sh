#!/usr/bin/env bash
# Installs everything the tests need, then builds and runs every test twice: against the
# release build (the static binary users get, gcc) and against an AddressSanitizer+UBSan build
# (clang, which also builds the libFuzzer targets of tests/fuzz). Each run: doctest unit tests,
# then end-to-end tests of the real binary with real flytekit, grpcio and HTTP clients (ctest
# labels `unit` and `e2e`); the sanitizer run also fuzzes each decoder briefly (label `fuzz`).
# Last, even on failure, it prints how long each phase took (the end of a CI log shows it).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

phases=()
phase() {  # phase <name> <command...>: runs the command, timing it
  local name="$1"; shift
  phase_started=$SECONDS
  phases+=("$name: running")
  "$@"
  phases[-1]="$name: $((SECONDS - phase_started)) s"
}
report_phases() {
  local status=$?
  if ((${#phases[@]})) && [[ "${phases[-1]}" == *running ]]; then
    phases[-1]="${phases[-1]%running}failed after $((SECONDS - phase_started)) s"
  fi
  echo "== test.sh phases (total ${SECONDS} s, exit ${status}):"
  printf '   %s\n' "${phases[@]}"
}
trap report_phases EXIT

run_suite() {
  local dir="$1"; shift
  cmake -S "$repo_root" -B "$repo_root/$dir" -G Ninja "$@" >/dev/null
  phase "$dir: build" ninja -C "$repo_root/$dir"
  phase "$dir: tests" ctest --test-dir "$repo_root/$dir" --output-on-failure
}

phase "build dependencies" "$repo_root/scripts/install-build-deps.sh"
phase "test environment" "$repo_root/scripts/setup-test-env.sh"
run_suite build -DCMAKE_BUILD_TYPE=Release
run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DFLYTE_SANITIZE=ON -DCMAKE_CXX_COMPILER=clang++
