#!/usr/bin/env python3
"""Fails when a function or constant of a file's anonymous namespace has the name of one defined at
namespace level in the same namespace, naming both and the objects that define them.

The build is a unity build (CMakeLists.txt: FLYTE_UNITY_BUILD): eight sources share one
translation unit, and so one anonymous namespace per enclosing namespace. Names that clash
outright fail to compile; this catches the silent kind, where a call written in one file for the
namespace's function (declared in a header) finds a same-named helper of another file's
anonymous namespace first and binds to it. Reads the symbols of the built objects (`nm`), so it
sees everything in a build without inlining (the sanitizer build) and the out-of-line rest in
others.

Usage: check-unity-names.py OBJECT... (object files; an argument may hold several, separated by
";", as CMake's $<TARGET_OBJECTS:...> gives them)
"""
import collections
import pathlib
import subprocess
import sys

ANONYMOUS = "(anonymous namespace)::"


def name_of(symbol: str) -> str:
    """The qualified name of a demangled symbol, without parameters; "" for what is not a plain
    function or variable of a namespace (members of local types, lambdas, templates, operators)."""
    marked = symbol.replace(ANONYMOUS, "@::")
    name = marked.split("(", 1)[0]
    if not name.startswith("flyte::") or any(c in name for c in "<>{}$ ") or "::operator" in name:
        return ""
    return name.removesuffix("[abi:cxx11]")


def main(paths: list[str]) -> int:
    objects = sorted({part for path in paths for part in path.split(";") if part})
    missing = [o for o in objects if not pathlib.Path(o).is_file()]
    if not objects or missing:
        print(f"unity names: no objects, or missing: {' '.join(missing)} (build first)", file=sys.stderr)
        return 2
    hidden = collections.defaultdict(set)  # namespace::name -> objects of anonymous ones
    visible = collections.defaultdict(set)  # namespace::name -> objects defining it at namespace level
    for start in range(0, len(objects), 200):
        listing = subprocess.run(["nm", "-C", "--defined-only", "--print-file-name", *objects[start:start + 200]],
                                 check=True, capture_output=True, text=True).stdout
        for line in listing.splitlines():
            where, _, rest = line.partition(".o:")  # "<object>.o:<address> <type> <symbol>"
            where += ".o"
            parts = rest.split(" ", 2)
            if len(parts) != 3:
                continue
            name = name_of(parts[2])
            if not name:
                continue
            scope, _, last = name.rpartition("::")
            if scope.endswith("::@"):
                if "@" not in scope[:-3]:
                    hidden[scope[:-3] + "::" + last].add(where)
            elif "@" not in name:
                visible[name].add(where)
    clashes = sorted(set(hidden) & set(visible))
    for name in clashes:
        print(f"{name}: in an anonymous namespace in {', '.join(sorted(hidden[name]))}; "
              f"also at namespace level in {', '.join(sorted(visible[name]))}")
    if clashes:
        print(f"unity names: {len(clashes)} name(s) of anonymous namespaces shadow namespace-level ones: "
              "rename the file's own")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
