#!/usr/bin/env python3
"""Copy the transitive import closure of the given FlyteIDL roots into an output tree,
dropping the protoc-gen-openapiv2 options (documentation only; their protos are not published
in the npm package). Prints the copied files, one relative path per line, for CMake."""
import pathlib
import re
import sys

IMPORT = re.compile(r'^import\s+(?:public\s+)?"([^"]+)";', re.M)
OPENAPI_OPTION = re.compile(r'option\s*\(\s*grpc\.gateway\.protoc_gen_openapiv2\.options\.[A-Za-z0-9_]+\s*\)\s*=\s*\{')


def strip_openapi(text: str) -> str:
    text = re.sub(r'^import\s+"protoc-gen-openapiv2/[^"]+";\s*$', "", text, flags=re.M)
    out, pos = [], 0
    for match in OPENAPI_OPTION.finditer(text):
        if match.start() < pos:
            continue
        depth, i = 1, match.end()
        while depth:
            ch = text[i]
            if ch == '"':
                i = text.index('"', i + 1)
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            i += 1
        end = text.index(";", i) + 1
        out.append(text[pos:match.start()])
        pos = end
    out.append(text[pos:])
    return "".join(out)


def main() -> int:
    if len(sys.argv) < 4:
        print("usage: prepare_protos.py OUT_DIR INCLUDE_DIR[:INCLUDE_DIR...] ROOT.proto...", file=sys.stderr)
        return 2
    out_dir = pathlib.Path(sys.argv[1])
    includes = [pathlib.Path(p) for p in sys.argv[2].split(":")]
    pending, seen = list(sys.argv[3:]), []
    while pending:
        rel = pending.pop()
        if rel in seen or rel.startswith("google/protobuf/") or rel.startswith("protoc-gen-openapiv2/"):
            continue
        src = next((inc / rel for inc in includes if (inc / rel).is_file()), None)
        if src is None:
            print(f"prepare_protos: cannot find {rel}", file=sys.stderr)
            return 1
        seen.append(rel)
        text = strip_openapi(src.read_text())
        dest = out_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists() or dest.read_text() != text:
            dest.write_text(text)
        pending.extend(IMPORT.findall(text))
    print("\n".join(sorted(seen)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
