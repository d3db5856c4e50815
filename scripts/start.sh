#!/usr/bin/env bash
# Installs what is missing, builds the static `flyte` binary and starts the sandbox in the
# foreground on localhost:30080 (extra arguments go to `flyte sandbox start`, e.g. --detach).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo_root/scripts/install-build-deps.sh"
cmake -S "$repo_root" -B "$repo_root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFLYTE_TESTS=OFF >/dev/null
ninja -C "$repo_root/build" flyte
exec "$repo_root/build/src/flyte" sandbox start "$@"
