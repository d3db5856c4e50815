#!/usr/bin/env bash
# Installs what building `flyte` needs on a fresh Debian 12 machine: the compiler toolchain and
# libraries from Debian (static archives included), Node.js, from npm the pinned FlyteIDL protos
# and the web console's libraries and bundler (package-lock.json), and from PyPI the pinned
# FlyteIDL 2 wheel (third_party/flyteidl2.txt).
# Fast when everything is already there.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf 'install-build-deps: %s\n' "$*" >&2; }

packages=(
  g++ cmake ninja-build pkg-config file python3
  protobuf-compiler protobuf-compiler-grpc libgrpc++-dev libprotobuf-dev
  libboost-dev libsqlite3-dev libyaml-cpp-dev libcli11-dev doctest-dev
  libssl-dev zlib1g-dev libc-ares-dev libre2-dev libmsgpack-cxx-dev clang-format clang libclang-rt-14-dev
)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)  # downloads the FlyteIDL 2 wheel

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# FlyteIDL protos, Preact and esbuild (pinned in package-lock.json); reinstalled only when the
# lockfile changed. --ignore-scripts: esbuild finds its binary in @esbuild/linux-x64 without them.
stamp="$repo_root/node_modules/.lock.sha256"
want="$(sha256sum "$repo_root/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "npm ci (FlyteIDL protos, web console)"
  (cd "$repo_root" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  echo "$want" > "$stamp"
fi

# FlyteIDL 2's wheel, checked against its pinned hash; fetched again only when the pin changed.
wheels="$repo_root/.deps/wheels"
stamp="$wheels/.flyteidl2.sha256"
want="$(sha256sum "$repo_root/third_party/flyteidl2.txt" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "pip download (FlyteIDL 2 wheel)"
  rm -rf "$wheels" && mkdir -p "$wheels"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --require-hashes \
    -r "$repo_root/third_party/flyteidl2.txt" -d "$wheels"
  echo "$want" > "$stamp"
fi
