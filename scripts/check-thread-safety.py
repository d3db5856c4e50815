#!/usr/bin/env python3
"""Checks the lock annotations of our C++ code with clang's -Wthread-safety.

Shared state is annotated with Abseil's macros (ABSL_GUARDED_BY, ABSL_EXCLUSIVE_LOCKS_REQUIRED, ...).
GCC, which builds the binary, ignores them; this check compiles every file under src/ once more with
clang, syntax only (no code generation: a few seconds per file), using the GCC build's
compile_commands.json, and fails on any access the annotations do not allow.

  scripts/check-thread-safety.py BUILD_DIR [PATH_PART...]   (only files whose path contains one)
"""

import json
import os
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# Boost 1.74's Asio looks for <experimental/coroutine> under clang; libstdc++ has <coroutine>.
CLANG_FLAGS = [
    "-DBOOST_ASIO_HAS_CO_AWAIT", "-DBOOST_ASIO_HAS_STD_COROUTINE", "-Wno-everything", "-Wthread-safety", "-Werror"]


def clang_command(entry):
    """The GCC command of one file as a clang syntax-only check: warnings other than ours dropped."""
    args = shlex.split(entry["command"]) if "command" in entry else list(entry["arguments"])
    kept, skip = [], False
    for arg in args[1:]:
        if skip:
            skip = False
            continue
        if arg == "-o":
            skip = True
            continue
        if arg == "-c" or arg.startswith("-W") or arg.startswith("-fsanitize") or arg == "-Werror":
            continue
        kept.append(arg)
    return ["clang++", "-fsyntax-only", *kept, *CLANG_FLAGS]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    build, parts = Path(sys.argv[1]), sys.argv[2:]
    source_root = Path(__file__).resolve().parent.parent / "src"
    entries = json.loads((build / "compile_commands.json").read_text())
    ours = [e for e in entries if Path(e["file"]).resolve().is_relative_to(source_root)]
    ours = [e for e in ours if not parts or any(part in e["file"] for part in parts)]
    if not ours:
        sys.exit(f"no files under {source_root} in {build}/compile_commands.json")

    def check(entry):
        result = subprocess.run(clang_command(entry), cwd=entry["directory"], capture_output=True, text=True)
        return entry["file"], result.returncode, result.stderr

    failed = 0
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for file, code, errors in pool.map(check, ours):
            if code != 0:
                failed += 1
                print(errors, end="")
    print(f"thread safety: {len(ours) - failed} of {len(ours)} files clean")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
