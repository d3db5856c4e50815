#!/usr/bin/env bash
# Builds the tiny container image the end-to-end tests run (no registry: nothing can be pulled
# here): Debian's busybox-static in an empty root folder with the usual applets, tarred and
# `podman import`ed. Tagged with the hash of this recipe, so it is built once and then found.
# Prints the image's name.
#
#   scripts/build-test-image.sh     # e.g. localhost/flyte-e2e-busybox:3f2a9c1d0b7e
set -euo pipefail

busybox=/bin/busybox
recipe_hash="$( { sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1; sha256sum "$busybox" | cut -d' ' -f1; } \
  | sha256sum | cut -c1-12)"
image="localhost/flyte-e2e-busybox:$recipe_hash"

if ! podman image exists "$image"; then
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  cp "$busybox" "$root/bin/busybox"
  for applet in sh echo cat ls sleep env true false mkdir cp printf test grep wc sed; do
    ln -s busybox "$root/bin/$applet"
  done
  chmod 1777 "$root/tmp"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  tar -C "$root" -cf "$root.tar" .
  podman import --quiet --change 'ENV PATH=/bin' "$root.tar" "$image" >/dev/null
  rm -f "$root.tar"
fi
printf '%s\n' "$image"
