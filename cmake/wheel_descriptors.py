#!/usr/bin/env python3
"""Writes the descriptor set protoc needs for the given .proto roots, taken from a wheel of
generated Python protobuf modules (FlyteIDL 2 publishes its .proto files nowhere else pinned:
each `*_pb2.py` carries its file as a serialized FileDescriptorProto). Reads the wheel as a zip
and the modules as source text: nothing of it is imported or run.

Prints the files of the roots' import closure found in the wheel, one per line, for CMake; the
imports it does not hold (google/protobuf/..., google/rpc/...) are left to protoc's -I paths.

  wheel_descriptors.py WHEEL OUT.pb ROOT.proto...
"""
import ast
import sys
import zipfile


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


def name_and_imports(descriptor: bytes) -> tuple[str, list[str]]:
    """FileDescriptorProto's name (field 1) and dependencies (field 3), read off the wire."""
    name, imports, pos = "", [], 0
    while pos < len(descriptor):
        key, pos = read_varint(descriptor, pos)
        field, wire_type = key >> 3, key & 7
        if wire_type == 0:
            _, pos = read_varint(descriptor, pos)
        elif wire_type == 1:
            pos += 8
        elif wire_type == 5:
            pos += 4
        elif wire_type == 2:
            size, pos = read_varint(descriptor, pos)
            if field == 1:
                name = descriptor[pos:pos + size].decode()
            elif field == 3:
                imports.append(descriptor[pos:pos + size].decode())
            pos += size
        else:
            raise ValueError(f"unexpected wire type {wire_type} in a FileDescriptorProto")
    return name, imports


def without_optimize_for(descriptor: bytes) -> bytes:
    """The descriptor with FileOptions.optimize_for (options = field 8, optimize_for = field 9)
    dropped. buf/validate asks for CODE_SIZE, which protoc cannot honour for a file defining its
    own option extensions, and warns about it on every file that imports it."""
    out, pos = bytearray(), 0
    while pos < len(descriptor):
        start = pos
        key, pos = read_varint(descriptor, pos)
        if key >> 3 == 8 and key & 7 == 2:
            size, pos = read_varint(descriptor, pos)
            options, kept, inner = descriptor[pos:pos + size], bytearray(), 0
            pos += size
            while inner < len(options):
                field_start = inner
                option_key, inner = read_varint(options, inner)
                if option_key & 7 == 0:
                    _, inner = read_varint(options, inner)
                elif option_key & 7 == 2:
                    length, inner = read_varint(options, inner)
                    inner += length
                else:
                    inner += 8 if option_key & 7 == 1 else 4
                if option_key != (9 << 3):
                    kept += options[field_start:inner]
            out += encode_varint(key) + encode_varint(len(kept)) + kept
            continue
        if key & 7 == 0:
            _, pos = read_varint(descriptor, pos)
        elif key & 7 == 2:
            size, pos = read_varint(descriptor, pos)
            pos += size
        else:
            pos += 8 if key & 7 == 1 else 4
        out += descriptor[start:pos]
    return bytes(out)


def serialized_files(wheel: str):
    """The argument of every `AddSerializedFile(b'...')` call in the wheel's generated modules."""
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if not member.endswith("_pb2.py"):
                continue
            for node in ast.walk(ast.parse(archive.read(member))):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "AddSerializedFile":
                    yield ast.literal_eval(node.args[0])


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    wheel, out, roots = sys.argv[1], sys.argv[2], sys.argv[3:]
    files = {}
    for descriptor in serialized_files(wheel):
        name, imports = name_and_imports(descriptor)
        files[name] = (without_optimize_for(descriptor), imports)
    closure, pending = [], list(roots)
    while pending:
        name = pending.pop()
        if name in closure or name.startswith("google/"):
            continue
        if name not in files:
            print(f"wheel_descriptors: {name} is not in {wheel}", file=sys.stderr)
            return 1
        closure.append(name)
        pending.extend(files[name][1])
    closure.sort()
    # FileDescriptorSet: `repeated FileDescriptorProto file = 1`, each a length-delimited field.
    content = b"".join(b"\x0a" + encode_varint(len(files[n][0])) + files[n][0] for n in closure)
    try:
        with open(out, "rb") as existing:
            unchanged = existing.read() == content
    except OSError:
        unchanged = False
    if not unchanged:  # an unchanged set keeps its time: nothing downstream rebuilds
        with open(out, "wb") as target:
            target.write(content)
    print("\n".join(closure))
    return 0


if __name__ == "__main__":
    sys.exit(main())
