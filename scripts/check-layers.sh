#!/usr/bin/env bash
# Fails when a file under src/ includes a folder its layer may not use, naming file:line and the
# rule. Layers (src/README.md): app → (server | scheduler) → admin → engine → (plugins | store) →
# common, and server → auth → common; a folder includes only folders below it, plugins and store
# never each other, admin and auth never each other, server and scheduler not engine or plugins
# (they use admin; server the blob store and auth too), cli only app and common, main.cpp only cli.
# Usage: check-layers.sh [SRC_DIR] (default: the repository's src/).
set -euo pipefail
src="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/src}"

# What each folder may include besides itself. Includes of other roots (flyteidl/, google/,
# system headers) are not ours and are not checked.
declare -A may_use=(
  [common]=""
  [store]="common"
  [plugins]="common"
  [engine]="plugins store common"
  [admin]="engine plugins store common"
  [auth]="common"
  [server]="admin auth store common"
  [scheduler]="admin common"
  [app]="server scheduler admin auth engine plugins store common"
  [cli]="app common"
  [main]="cli"
)

failures=0
while IFS= read -r -d '' file; do
  relative="${file#"$src"/}"
  layer="${relative%%/*}"
  [[ "$relative" == */* ]] || layer=main
  if [[ -z "${may_use[$layer]+set}" ]]; then
    echo "${file}: src/${layer}/ has no layer rule: add it to scripts/check-layers.sh and src/README.md"
    failures=$((failures + 1))
    continue
  fi
  while IFS=: read -r line included; do
    target="${included%%/*}"
    [[ -n "${may_use[$target]+set}" && "$target" != main ]] || continue  # not one of our folders
    [[ "$target" == "$layer" ]] && continue
    if [[ " ${may_use[$layer]} " != *" $target "* ]]; then
      echo "${file}:${line}: ${layer} may not include ${target}/ (${included}); ${layer} may use: ${may_use[$layer]:-nothing of ours}"
      failures=$((failures + 1))
    fi
  done < <(awk '/^[ \t]*#[ \t]*include[ \t]*"/ { path = $0; sub(/^[^"]*"/, "", path); sub(/".*/, "", path);
                                                   print FNR ":" path }' "$file")
done < <(find "$src" -type f \( -name '*.h' -o -name '*.cpp' -o -name '*.in' \) -print0 | sort -z)

if ((failures > 0)); then
  echo "layers: ${failures} forbidden include(s)"
  exit 1
fi
echo "layers: every include follows the layer rules"
