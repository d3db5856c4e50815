#!/usr/bin/env bash
# Installs what the end-to-end tests need on a Debian 12 machine and creates the
# Python virtualenvs at the repository root: .venv (flytekit and the test tools) from
# tests/e2e/requirements.txt, .venv-flyte2 (the Flyte 2 SDK) from requirements-flyte2.txt.
# Idempotent and fast when nothing changed (each venv carries a stamp with the hash of its
# requirements and the interpreter version).
#
#   scripts/setup-test-env.sh            # set up / refresh
#   PYTHON=/usr/bin/python3 scripts/setup-test-env.sh   # choose the interpreter
#   FORCE=1 scripts/setup-test-env.sh    # recreate the venvs from scratch
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf 'setup-test-env: %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------------
# curl: used by the tests for raw HTTP; git: flytekit records the git remote when
# registering; ca-certificates: pip over HTTPS; python3 + venv/ensurepip: the venv;
# chromium: the browser Playwright drives in the web-guard tests (browsers are not downloaded);
# podman + runc + busybox-static: the container plugin's tests run real containers of a tiny
# image built here (scripts/build-test-image.sh; nothing is pulled).
missing=()
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)  # the Kubernetes tests' certificates
[ -e /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
[ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 || missing+=(busybox-static)

python="${PYTHON:-}"
if [ -z "$python" ]; then
  # The python3 on PATH (pyenv's 3.11 on the dev machines) else Debian's.
  python="$(command -v python3 || true)"
  [ -n "$python" ] || python=/usr/bin/python3
fi
if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if [ "$python" != /usr/bin/python3 ] && /usr/bin/python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    python=/usr/bin/python3
  else
    missing+=(python3 python3-venv)
    python=/usr/bin/python3
  fi
fi

if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- the tests' Kubernetes control plane ----------------------------------------------
# Built (minutes of CPU the first time, then cached) while the image and the virtualenvs below
# come over the network; waited for at the end.
kube_out="$(mktemp)"
kube_err="$(mktemp)"
"$repo_root/scripts/build-kube-test-cluster.sh" >"$kube_out" 2>"$kube_err" &
kube_build=$!

# --- container engine ---------------------------------------------------------------
# Podman works here only with runc (crun rejects the cgroup layout) and without default ulimits
# (setting RLIMIT_NPROC in a container is denied): see MACHINE-NOTES.md. The e2e tests start
# `podman system service` on a socket of their own.
containers_conf=/etc/containers/containers.conf
if ! grep -qs '^runtime = "runc"' "$containers_conf" || ! grep -qs '^default_ulimits = \[\]' "$containers_conf"; then
  log "configuring podman ($containers_conf): runtime runc, no default ulimits"
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
  [ -f "$containers_conf" ] && "${sudo[@]}" cp "$containers_conf" "$containers_conf.before-flyte"
  printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' | "${sudo[@]}" tee "$containers_conf" >/dev/null
fi
log "test image: $("$repo_root/scripts/build-test-image.sh")"

"$python" -c 'import sys; assert sys.version_info >= (3, 9), sys.version' \
  || { log "need Python >= 3.9 (got $("$python" --version 2>&1))"; exit 1; }

# --- virtualenvs ------------------------------------------------------------------
# One per client: each rebuilt only when its requirements or the interpreter changed (a stamp in
# the venv holds their hash), and checked at the end so a broken one fails here, not mid-run.
#   make_venv <folder> <requirements> <python check>
make_venv() {
  local venv="$1" requirements="$2" check="$3"
  local stamp="$venv/.requirements.stamp"
  local want_stamp
  want_stamp="$( { sha256sum "$requirements" | cut -d' ' -f1; "$python" -c 'import sys; print(sys.version)'; } )"
  if [ "${FORCE:-0}" = 1 ]; then
    rm -rf "$venv"
  fi
  # A venv whose interpreter no longer runs (e.g. the base python moved) is rebuilt.
  if [ -d "$venv" ] && ! "$venv/bin/python" -c 'pass' >/dev/null 2>&1; then
    log "existing $(basename "$venv") is broken; recreating it"
    rm -rf "$venv"
  fi
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ]; then
    log "$(basename "$venv") is up to date ($("$venv/bin/python" --version 2>&1))"
    return 0
  fi
  if [ -d "$venv" ] && [ "$("$venv/bin/python" -c 'import sys; print(sys.version)')" != "$("$python" -c 'import sys; print(sys.version)')" ]; then
    log "interpreter changed; recreating $(basename "$venv")"
    rm -rf "$venv"
  fi
  if [ ! -x "$venv/bin/python" ]; then
    log "creating $(basename "$venv") with $python ($("$python" --version 2>&1))"
    "$python" -m venv "$venv"
  fi
  log "installing $(basename "$requirements") into $(basename "$venv")"
  export PIP_DISABLE_PIP_VERSION_CHECK=1
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -r "$requirements"
  "$venv/bin/python" -c "$check" >&2
  printf '%s\n' "$want_stamp" >"$stamp"
}

make_venv "$repo_root/.venv" "$repo_root/tests/e2e/requirements.txt" '
import flytekit, grpc, pytest, requests, xdist, yaml
from flyteidl.service import admin_pb2_grpc, dataproxy_pb2_grpc
from grpc_health.v1 import health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2_grpc
from flytekit.clis.sdk_in_container.pyflyte import main
print("flytekit", flytekit.__version__, "grpcio", grpc.__version__)
'
make_venv "$repo_root/.venv-flyte2" "$repo_root/tests/e2e/requirements-flyte2.txt" '
import flyte, flyte.cli.main
print("flyte", flyte.__version__)
'
if ! wait "$kube_build"; then
  cat "$kube_err" >&2
  log "building the test Kubernetes control plane failed"
  exit 1
fi
log "test Kubernetes control plane: $(cat "$kube_out")"
rm -f "$kube_out" "$kube_err"
log "done"
