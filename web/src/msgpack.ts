// A MessagePack decoder (https://github.com/msgpack/msgpack/blob/master/spec.md), enough to read
// what flytekit >= 1.14 sends for dataclasses, pydantic models and untyped dicts (a Binary
// literal tagged "msgpack"). Integers stay exact (bigint: int64/uint64 beyond 2^53 are common in
// user data); map keys of any type keep their order; floats keep being floats, so 2.0 shows as
// 2.0. A 70-line decoder of our own instead of a dependency: we only read, never write.

export type Msg =
  | { kind: "nil" }
  | { kind: "bool"; value: boolean }
  | { kind: "int"; value: bigint }
  | { kind: "float"; value: number }
  | { kind: "str"; value: string }
  | { kind: "bin"; value: Uint8Array }
  | { kind: "array"; items: Msg[] }
  | { kind: "map"; entries: [Msg, Msg][] }
  | { kind: "ext"; type: number; value: Uint8Array };

const MAX_DEPTH = 100; // a hostile value must not blow the stack of the page

class Reader {
  private at = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get done(): boolean {
    return this.at === this.bytes.length;
  }
  private take(n: number): number {
    if (this.at + n > this.bytes.length) throw new Error("msgpack value ends early");
    const start = this.at;
    this.at += n;
    return start;
  }
  // A count of items, each at least a byte: a header claiming more than is left is refused
  // before anything is allocated for it.
  count(n: number): number {
    if (n > this.bytes.length - this.at) throw new Error("msgpack value ends early");
    return n;
  }
  u8 = () => this.view.getUint8(this.take(1));
  u16 = () => this.view.getUint16(this.take(2));
  u32 = () => this.view.getUint32(this.take(4));
  slice = (n: number) => this.bytes.subarray(this.take(n), this.at);
  int(size: 1 | 2 | 4 | 8, signed: boolean): bigint {
    const at = this.take(size);
    const v = this.view;
    if (size === 8) return signed ? v.getBigInt64(at) : v.getBigUint64(at);
    if (size === 4) return BigInt(signed ? v.getInt32(at) : v.getUint32(at));
    if (size === 2) return BigInt(signed ? v.getInt16(at) : v.getUint16(at));
    return BigInt(signed ? v.getInt8(at) : v.getUint8(at));
  }
  float(size: 4 | 8): number {
    const at = this.take(size);
    return size === 4 ? this.view.getFloat32(at) : this.view.getFloat64(at);
  }
}

const utf8 = new TextDecoder();

function value(r: Reader, depth: number): Msg {
  if (depth > MAX_DEPTH) throw new Error("msgpack value nested too deeply");
  const str = (n: number): Msg => ({ kind: "str", value: utf8.decode(r.slice(n)) });
  const array = (n: number): Msg => ({
    kind: "array",
    items: Array.from({ length: r.count(n) }, () => value(r, depth + 1)),
  });
  const map = (n: number): Msg => ({
    kind: "map",
    entries: Array.from({ length: r.count(n) }, () => [value(r, depth + 1), value(r, depth + 1)] as [Msg, Msg]),
  });
  const ext = (n: number): Msg => {
    const type = r.int(1, true);
    return { kind: "ext", type: Number(type), value: r.slice(n) };
  };
  const b = r.u8();
  if (b <= 0x7f) return { kind: "int", value: BigInt(b) };
  if (b >= 0xe0) return { kind: "int", value: BigInt(b - 0x100) };
  if (b <= 0x8f) return map(b & 0x0f);
  if (b <= 0x9f) return array(b & 0x0f);
  if (b <= 0xbf) return str(b & 0x1f);
  switch (b) {
    case 0xc0: return { kind: "nil" };
    case 0xc2: return { kind: "bool", value: false };
    case 0xc3: return { kind: "bool", value: true };
    case 0xc4: return { kind: "bin", value: r.slice(r.u8()) };
    case 0xc5: return { kind: "bin", value: r.slice(r.u16()) };
    case 0xc6: return { kind: "bin", value: r.slice(r.u32()) };
    case 0xc7: return ext(r.u8());
    case 0xc8: return ext(r.u16());
    case 0xc9: return ext(r.u32());
    case 0xca: return { kind: "float", value: r.float(4) };
    case 0xcb: return { kind: "float", value: r.float(8) };
    case 0xcc: return { kind: "int", value: r.int(1, false) };
    case 0xcd: return { kind: "int", value: r.int(2, false) };
    case 0xce: return { kind: "int", value: r.int(4, false) };
    case 0xcf: return { kind: "int", value: r.int(8, false) };
    case 0xd0: return { kind: "int", value: r.int(1, true) };
    case 0xd1: return { kind: "int", value: r.int(2, true) };
    case 0xd2: return { kind: "int", value: r.int(4, true) };
    case 0xd3: return { kind: "int", value: r.int(8, true) };
    case 0xd4: return ext(1);
    case 0xd5: return ext(2);
    case 0xd6: return ext(4);
    case 0xd7: return ext(8);
    case 0xd8: return ext(16);
    case 0xd9: return str(r.u8());
    case 0xda: return str(r.u16());
    case 0xdb: return str(r.u32());
    case 0xdc: return array(r.u16());
    case 0xdd: return array(r.u32());
    case 0xde: return map(r.u16());
    case 0xdf: return map(r.u32());
  }
  throw new Error(`not msgpack: byte 0x${b.toString(16)}`); // 0xc1 is never used
}

// One value filling all of `bytes`, or an Error saying why not (truncated, trailing bytes).
export function decodeMsgpack(bytes: Uint8Array): Msg | Error {
  try {
    const r = new Reader(bytes);
    const v = value(r, 0);
    return r.done ? v : new Error("bytes after the msgpack value");
  } catch (e) {
    return e as Error;
  }
}

export function base64Bytes(base64: string): Uint8Array | Error {
  try {
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  } catch (e) {
    return e as Error;
  }
}
