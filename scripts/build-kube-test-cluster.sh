#!/usr/bin/env bash
# Builds the tests' Kubernetes control plane (tests/k8s/cluster: the real kube-apiserver of
# k8s.io/kubernetes with etcd embedded, one binary) with the Go toolchain and the Go module proxy.
# About 6 CPU-minutes and 600 MB of modules the first time, so the binary is kept under
# ~/.cache/flyte-sandbox, named by the hash of its recipe (this script, the module's files, the
# Go version): built once per recipe, then found. Prints the binary's path.
#
#   scripts/build-kube-test-cluster.sh   # e.g. /root/.cache/flyte-sandbox/kube-test-cluster-3f2a9c1d0b7e
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module="$repo_root/tests/k8s/cluster"
go="$(command -v go || echo /usr/local/go/bin/go)"
[ -x "$go" ] || { echo "build-kube-test-cluster: no Go toolchain (go on PATH or /usr/local/go/bin/go)" >&2; exit 1; }

recipe_hash="$( { sha256sum "${BASH_SOURCE[0]}" "$module/go.mod" "$module/go.sum" "$module"/*.go | cut -d' ' -f1; \
  "$go" version; } | sha256sum | cut -c1-12)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/flyte-sandbox"
binary="$cache/kube-test-cluster-$recipe_hash"

if [ ! -x "$binary" ]; then
  mkdir -p "$cache"
  echo "build-kube-test-cluster: building $binary (kube-apiserver and etcd; a few minutes)" >&2
  # The version stamp a release build of Kubernetes carries (GET /version answers it).
  version=k8s.io/component-base/version
  (cd "$module" && GOFLAGS="-trimpath -buildvcs=false" "$go" build -o "$binary.tmp" \
    -ldflags="-s -w -X $version.gitVersion=v1.34.2 -X $version.gitMajor=1 -X $version.gitMinor=34" .)
  mv "$binary.tmp" "$binary"
  # Older recipes' binaries (100 MB each) go.
  find "$cache" -maxdepth 1 -name 'kube-test-cluster-*' ! -name "$(basename "$binary")" -delete
fi
printf '%s\n' "$binary"
