#!/usr/bin/env bash
# Builds a container image the end-to-end tests run Python tasks in (no registry: nothing can be
# pulled here), from one of the test virtualenvs: its interpreter (its standard library, without
# tests and tkinter), its packages (without the browser the web tests drive), GNU tar and gzip,
# the shared libraries all of them load, busybox for a shell, the machine's CA certificates, and
# a module that exists only in the image (`only_in_image`, which tests import to prove where a
# task ran). Tarred and `podman import`ed; tagged with the hash of this recipe and of the
# virtualenv's requirements, so it is built once and then found. Prints the image's name.
#
#   scripts/build-python-image.sh          # flytekit's (.venv): localhost/flyte-e2e-python:5d41402abc4b
#   scripts/build-python-image.sh flyte2   # the `flyte` SDK's (.venv-flyte2): localhost/flyte-e2e-flyte2:...
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "${1:-flytekit}" in
  flytekit)
    venv="$repo_root/.venv" requirements="$repo_root/tests/e2e/requirements.txt" name=flyte-e2e-python
    commands="pyflyte pyflyte-execute pyflyte-fast-execute pyflyte-map-execute" ;;
  flyte2)
    venv="$repo_root/.venv-flyte2" requirements="$repo_root/tests/e2e/requirements-flyte2.txt" name=flyte-e2e-flyte2
    commands="a0 flyte" ;;
  *) echo "usage: $0 [flytekit|flyte2]" >&2; exit 2 ;;
esac
python="$(readlink -f "$venv/bin/python3")"
base_prefix="$("$python" -c 'import sys; print(sys.base_prefix)')"
version="$("$python" -c 'import sys; print(f"python{sys.version_info[0]}.{sys.version_info[1]}")')"
site_packages="$("$venv/bin/python3" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
busybox=/bin/busybox
# The machine's CA bundle: the `flyte` SDK's HTTP client (pyqwest) will not start without one, even
# for plain http.
ca_bundle=/etc/ssl/certs/ca-certificates.crt

recipe_hash="$( { sha256sum "${BASH_SOURCE[0]}" "$requirements" "$python" "$busybox" "$ca_bundle" \
  | cut -d' ' -f1; } | sha256sum | cut -c1-12)"
image="localhost/$name:$recipe_hash"

if ! podman image exists "$image"; then
  root="$(mktemp -d)"
  trap 'rm -rf "$root" "$root.tar"' EXIT
  prefix=/opt/python
  # The interpreter finds its standard library next to itself, wherever it is.
  mkdir -p "$root$prefix/bin" "$root$prefix/lib" "$root/bin" "$root/tmp" "$root/etc" "$root/root"
  cp "$python" "$root$prefix/bin/$version"
  ln -s "$version" "$root$prefix/bin/python3"
  ln -s "$version" "$root$prefix/bin/python"
  cp -a "$base_prefix"/lib/libpython3*.so* "$root$prefix/lib/" 2>/dev/null || true
  tar -C "$base_prefix/lib" --exclude="$version/site-packages" --exclude="$version/test" \
    --exclude="$version/idlelib" --exclude="$version/tkinter" --exclude="$version/ensurepip" \
    --exclude='__pycache__' -cf - "$version" | tar -C "$root$prefix/lib" -xf -
  tar -C "$site_packages" --exclude='playwright*' --exclude='pip' --exclude='pip-*' --exclude='__pycache__' \
    -cf - . | (mkdir -p "$root$prefix/lib/$version/site-packages" && tar -C "$root$prefix/lib/$version/site-packages" -xf -)
  printf 'WHERE = "in the image"\n' >"$root$prefix/lib/$version/site-packages/only_in_image.py"
  # Compiled once here, at the paths the image has (-s): without .pyc files every container would
  # compile the standard library and flytekit from source before its task runs, seconds of CPU
  # each. The image cannot keep what a container compiles. A few files of third-party test data
  # do not compile (Python 2 syntax); they are never imported, so that is not an error.
  "$python" -m compileall -q -j 0 -s "$root" "$root$prefix/lib/$version" >/dev/null 2>&1 || true
  # The SDK's commands, pointed at the image's interpreter.
  for command in $commands; do
    sed "1s|.*|#!$prefix/bin/python3|" "$venv/bin/$command" >"$root$prefix/bin/$command"
    chmod 755 "$root$prefix/bin/$command"
  done
  # Every shared library the interpreter and the compiled modules load, at its own path.
  # GNU tar and gzip: flytekit unpacks a fast-registered distribution with `tar -xvf x.tar.gz`,
  # which busybox's tar does not take for a gzip file.
  cp /bin/tar /bin/gzip "$root/bin/"
  { echo "$python"; echo /bin/tar; echo /bin/gzip; find "$root$prefix" -name '*.so*' -type f; } | { xargs -r ldd 2>/dev/null || true; } \
    | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | sort -u | while read -r lib; do
      case "$lib" in "$root"*) continue ;; esac
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  cp "$busybox" "$root/bin/busybox"
  for applet in sh echo cat ls sleep env true false mkdir cp printf test grep wc sed rm; do
    ln -s busybox "$root/bin/$applet"
  done
  mkdir -p "$root$(dirname "$ca_bundle")" && cp "$ca_bundle" "$root$ca_bundle"
  chmod 1777 "$root/tmp"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  tar -C "$root" -cf "$root.tar" .
  podman import --quiet --change "ENV PATH=$prefix/bin:/bin" --change 'ENV HOME=/root' \
    --change "ENV LD_LIBRARY_PATH=$prefix/lib" "$root.tar" "$image" >/dev/null
fi
printf '%s\n' "$image"
