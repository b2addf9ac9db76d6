// Reads `metadata_props` (ModelProto field 14: repeated StringStringEntryProto { key = 1; value = 2 }) from
// the bytes of an .onnx file. onnxruntime-node does not expose custom metadata, and the recognizer keeps its
// character list there. Only the top level of the protobuf is walked; the graph (field 7) is skipped whole.

const METADATA_PROPS = 14;

class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly end = buf.length,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let value = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RangeError('protobuf: truncated varint');
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * mul; // float arithmetic: exact up to 2^53, which is all a length can be here
      if (b < 0x80) return value;
      mul *= 128;
    }
    throw new RangeError('protobuf: varint longer than 10 bytes');
  }

  /** Skips a field of `wireType`, or returns the [start, end) of a length-delimited one. */
  field(wireType: number): [number, number] | undefined {
    switch (wireType) {
      case 0:
        this.varint();
        return undefined;
      case 1:
        this.skip(8);
        return undefined;
      case 2: {
        const len = this.varint();
        const start = this.pos;
        this.skip(len);
        return [start, start + len];
      }
      case 5:
        this.skip(4);
        return undefined;
      default:
        throw new RangeError(`protobuf: unsupported wire type ${wireType} at byte ${this.pos}`);
    }
  }

  private skip(n: number): void {
    if (this.pos + n > this.end) throw new RangeError('protobuf: field runs past the end of its message');
    this.pos += n;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The model's metadata_props as a map (a repeated key keeps its last value, as onnx does). */
export function onnxMetadata(model: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const top = new Reader(model);
  while (!top.done) {
    const tag = top.varint();
    const span = top.field(tag % 8);
    if (Math.floor(tag / 8) !== METADATA_PROPS || !span) continue;
    const entry = new Reader(model.subarray(0, span[1]));
    entry.pos = span[0];
    let key = '';
    let value = '';
    while (!entry.done) {
      const t = entry.varint();
      const s = entry.field(t % 8);
      const fieldNo = Math.floor(t / 8);
      if (!s) continue;
      if (fieldNo === 1) key = utf8.decode(model.subarray(s[0], s[1]));
      else if (fieldNo === 2) value = utf8.decode(model.subarray(s[0], s[1]));
    }
    out.set(key, value);
  }
  return out;
}
