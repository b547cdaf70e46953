/**
 * Literal files for the structure checks, written from each format's layout (the sources in
 * the readers README, "Structural completeness"). Only what the checks read is meaningful; pixel
 * data is zeros. Used by the unit tests here and by the DropBox's end-to-end tests.
 */

const u16le = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};
const i32le = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
};
const u32le = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};
const i64le = (v: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(v));
  return b;
};
const u32be = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};
const u64be = (v: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(v));
  return b;
};
const latin1 = (s: string) => Buffer.from(s, "latin1");

// ---------------------------------------------------------------------------------------------- ND2

const ND2_MAGIC = 0x0abeceda;
const ND2_SIG = "ND2 CHUNK MAP SIGNATURE 0000001!";

function nd2Chunk(name: string, data: Buffer): Buffer {
  const n = latin1(name);
  return Buffer.concat([u32le(ND2_MAGIC), u32le(n.length), i64le(data.length), n, data]);
}

/** A modern ND2: file signature chunk, metadata, `frames` image chunks of `frameBytes`, the chunk map, its pointer. */
export function makeNd2(frames = 3, frameBytes = 4096): Buffer {
  const parts: Buffer[] = [];
  const entries: { name: string; at: number; length: number }[] = [];
  let pos = 0;
  const add = (name: string, data: Buffer, listed = true) => {
    const c = nd2Chunk(name, data);
    if (listed) entries.push({ name, at: pos, length: data.length });
    parts.push(c);
    pos += c.length;
  };
  add("ND2 FILE SIGNATURE CHUNK NAME01!", latin1("Ver3.0"), false);
  add("ImageAttributesLV!", Buffer.alloc(64));
  for (let i = 0; i < frames; i++) add(`ImageDataSeq|${i}!`, Buffer.alloc(frameBytes, i + 1));
  add("ImageMetadataLV!", Buffer.alloc(128));
  const mapAt = pos;
  const map = Buffer.concat([
    ...entries.map((e) => Buffer.concat([latin1(e.name), i64le(e.at), i64le(e.length)])),
    latin1(ND2_SIG),
    i64le(mapAt),
  ]);
  add("ND2 FILEMAP SIGNATURE NAME 0001!", map, false);
  return Buffer.concat([...parts, latin1(ND2_SIG), i64le(mapAt)]);
}

// ---------------------------------------------------------------------------------------------- CZI

function cziSegment(id: string, data: Buffer): Buffer {
  const allocated = Math.ceil(data.length / 32) * 32;
  const h = Buffer.alloc(32);
  h.write(id, 0, "latin1");
  h.writeBigInt64LE(BigInt(allocated), 16);
  h.writeBigInt64LE(BigInt(data.length), 24);
  return Buffer.concat([h, data, Buffer.alloc(allocated - data.length)]);
}

/** A CZI: file header, `planes` subblocks, metadata, subblock directory, attachment directory + one attachment. */
export function makeCzi(planes = 3, planeBytes = 4096): Buffer {
  const segments: Buffer[] = [];
  let pos = 0;
  const add = (b: Buffer) => {
    const at = pos;
    segments.push(b);
    pos += b.length;
    return at;
  };
  add(cziSegment("ZISRAWFILE", Buffer.alloc(512)));
  const subblocks: number[] = [];
  for (let i = 0; i < planes; i++) subblocks.push(add(cziSegment("ZISRAWSUBBLOCK", Buffer.alloc(256 + planeBytes, 0))));
  const xml = latin1("<ImageDocument><Metadata/></ImageDocument>");
  const metaAt = add(
    cziSegment("ZISRAWMETADATA", Buffer.concat([i32le(xml.length), i32le(0), Buffer.alloc(248), xml])),
  );
  const attachAt = add(
    cziSegment(
      "ZISRAWATTACH",
      Buffer.concat([i32le(16), Buffer.alloc(12), attachmentEntry(0), Buffer.alloc(112), Buffer.alloc(16)]),
    ),
  );
  const entries = subblocks.map((at) => {
    const e = Buffer.alloc(32 + 20 * 2);
    e.write("DV", 0, "latin1");
    e.writeInt32LE(1, 2); // Gray16
    e.writeBigInt64LE(BigInt(at), 6);
    e.writeInt32LE(0, 14);
    e.writeInt32LE(2, 28);
    e.write("X", 32, "latin1");
    e.write("Y", 52, "latin1");
    return e;
  });
  const dirAt = add(
    cziSegment("ZISRAWDIRECTORY", Buffer.concat([i32le(entries.length), Buffer.alloc(124), ...entries])),
  );
  const attDirAt = add(
    cziSegment("ZISRAWATTDIR", Buffer.concat([i32le(1), Buffer.alloc(252), attachmentEntry(attachAt)])),
  );
  const file = Buffer.concat(segments);
  file.writeInt32LE(1, 32); // major
  file.writeBigInt64LE(BigInt(dirAt), 84);
  file.writeBigInt64LE(BigInt(metaAt), 92);
  file.writeBigInt64LE(BigInt(attDirAt), 104);
  return file;
}

function attachmentEntry(at: number): Buffer {
  const e = Buffer.alloc(128);
  e.write("A1", 0, "latin1");
  e.writeBigInt64LE(BigInt(at), 12);
  e.write("JPG", 40, "latin1");
  e.write("Thumbnail", 48, "latin1");
  return e;
}

// ---------------------------------------------------------------------------------------------- LIF

/** A LIF: XML header naming `blocks` memory blocks of `blockBytes`, then the blocks (version 2: i64 sizes). */
export function makeLif(blocks = 3, blockBytes = 4096, version: 1 | 2 = 2): Buffer {
  const ids = Array.from({ length: blocks }, (_, i) => `MemBlock_${i + 10}`);
  const xml = Buffer.from(
    `<LMSDataContainerHeader Version="${version}"><Element Name="x"><Data><Image/></Data>${ids
      .map((id) => `<Memory Size="${blockBytes}" MemoryBlockID="${id}"/>`)
      .join("")}</Element></LMSDataContainerHeader>`,
    "utf16le",
  );
  const parts: Buffer[] = [i32le(0x70), i32le(xml.length + 5), Buffer.from([0x2a]), i32le(xml.length / 2), xml];
  for (const id of ids) {
    const name = Buffer.from(id, "utf16le");
    const size = version === 2 ? i64le(blockBytes) : i32le(blockBytes);
    parts.push(i32le(0x70), i32le(0), Buffer.from([0x2a]), size, Buffer.from([0x2a]), i32le(id.length), name);
    parts.push(Buffer.alloc(blockBytes, 7));
  }
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------- OLE 2

/** An OLE 2 compound file (version 3, 512-byte sectors) with one stream `name` of `bytes` (>= 4096: in the FAT). */
export function makeOle(bytes = 8192, name = "Contents"): Buffer {
  const ss = 512;
  const dataSectors = Math.ceil(bytes / ss);
  const fat = Buffer.alloc(ss, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0); // sector 0: the FAT itself
  fat.writeUInt32LE(0xfffffffe, 4); // sector 1: the directory
  for (let i = 0; i < dataSectors; i++) fat.writeUInt32LE(i === dataSectors - 1 ? 0xfffffffe : 3 + i, 4 * (2 + i));
  const dir = Buffer.alloc(ss);
  const entry = (at: number, n: string, type: number, child: number, start: number, size: number) => {
    const o = at * 128;
    dir.write(n, o, "utf16le");
    dir.writeUInt16LE((n.length + 1) * 2, o + 64);
    dir[o + 66] = type;
    dir[o + 67] = 1;
    dir.writeUInt32LE(0xffffffff, o + 68);
    dir.writeUInt32LE(0xffffffff, o + 72);
    dir.writeUInt32LE(child >>> 0, o + 76);
    dir.writeUInt32LE(start >>> 0, o + 116);
    dir.writeUInt32LE(size, o + 120);
  };
  entry(0, "Root Entry", 5, 1, 0xfffffffe, 0);
  entry(1, name, 2, 0xffffffff, 2, bytes);
  for (const k of [2, 3]) {
    dir.writeUInt32LE(0xffffffff, k * 128 + 68);
    dir.writeUInt32LE(0xffffffff, k * 128 + 72);
    dir.writeUInt32LE(0xffffffff, k * 128 + 76);
  }
  const h = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(h, 0);
  h.writeUInt16LE(0x3e, 24);
  h.writeUInt16LE(3, 26);
  h.writeUInt16LE(0xfffe, 28);
  h.writeUInt16LE(9, 30);
  h.writeUInt16LE(6, 32);
  h.writeUInt32LE(1, 44); // FAT sectors
  h.writeUInt32LE(1, 48); // first directory sector
  h.writeUInt32LE(4096, 56);
  h.writeUInt32LE(0xfffffffe, 60);
  h.writeUInt32LE(0xfffffffe, 68);
  h.fill(0xff, 76);
  h.writeUInt32LE(0, 76); // DIFAT[0] = sector 0
  const data = Buffer.alloc(dataSectors * ss, 3);
  return Buffer.concat([h, fat, dir, data]);
}

// ---------------------------------------------------------------------------------------------- DM3 / DM4

type DmTag = { group: string; tags: DmTag[] } | { label: string; info: number[]; data: Buffer };

function dmEncode(v4: boolean, tags: DmTag[]): Buffer {
  const count = (n: number) => (v4 ? u64be(n) : u32be(n));
  const group = (ts: DmTag[]) => Buffer.concat([Buffer.from([0, 1]), count(ts.length), ...ts.map(tag)]);
  const tag = (t: DmTag): Buffer => {
    const label = latin1("group" in t ? t.group : t.label);
    const body =
      "group" in t
        ? group(t.tags)
        : Buffer.concat([latin1("%%%%"), count(t.info.length), ...t.info.map(count), t.data]);
    const head = Buffer.concat([
      Buffer.from(["group" in t ? 20 : 21]),
      Buffer.from([label.length >> 8, label.length & 255]),
      label,
    ]);
    return Buffer.concat([head, v4 ? u64be(body.length) : Buffer.alloc(0), body]);
  };
  const root = group(tags);
  const header = v4
    ? Buffer.concat([u32be(4), u64be(root.length), u32be(1)])
    : Buffer.concat([u32be(3), u32be(root.length + 4), u32be(1)]);
  return Buffer.concat([header, root, Buffer.alloc(8)]);
}

/** A DM3 or DM4 image: a few tags, an ImageList with a uint16 `Data` array of width x height, its Dimensions. */
export function makeDm(version: 3 | 4, width = 32, height = 16): Buffer {
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    return b;
  };
  const image: DmTag = {
    group: "",
    tags: [
      {
        group: "ImageData",
        tags: [
          { label: "Data", info: [20, 4, width * height], data: Buffer.alloc(width * height * 2, 9) },
          { label: "DataType", info: [3], data: u32(10) },
          {
            group: "Dimensions",
            tags: [
              { label: "", info: [5], data: u32(width) },
              { label: "", info: [5], data: u32(height) },
            ],
          },
        ],
      },
      { label: "Name", info: [18, 3], data: Buffer.from("img", "utf16le") },
      { label: "Origin", info: [15, 0, 2, 0, 6, 0, 6], data: Buffer.alloc(8) },
    ],
  };
  return dmEncode(version === 4, [
    { group: "ImageList", tags: [image] },
    { label: "ApplicationBounds", info: [20, 15, 0, 2, 0, 3, 0, 3, 2], data: Buffer.alloc(16) },
  ]);
}

// ---------------------------------------------------------------------------------------------- OIR, ETS, OBF, FLI

/** An OIR: the header with the file size (32) and the block index position (40), blocks, the index. */
export function makeOir(blocks = 3, blockBytes = 4096): Buffer {
  const h = Buffer.alloc(96);
  h.write("OLYMPUSRAWFORMAT", 0, "latin1");
  h.writeUInt32LE(12, 16);
  const body: Buffer[] = [];
  const offsets: number[] = [];
  let pos = h.length;
  for (let i = 0; i < blocks; i++) {
    const uid = latin1(`z001t001_0_1_uid_${i}`);
    const b = Buffer.concat([
      i32le(uid.length + 12),
      i32le(3),
      Buffer.alloc(8),
      i32le(uid.length),
      uid,
      i32le(blockBytes),
      i32le(0),
      Buffer.alloc(blockBytes),
    ]);
    offsets.push(pos);
    body.push(b);
    pos += b.length;
  }
  const index = Buffer.concat([u32le(0xffffffff), u32le(0), u32le(blocks), ...offsets.map((o) => i64le(o))]);
  h.writeBigUInt64LE(BigInt(pos), 40);
  const file = Buffer.concat([h, ...body, index]);
  file.writeBigUInt64LE(BigInt(file.length), 32);
  return file;
}

/** A CellSens ETS: SIS header, ETS header, `tiles` tiles of `tileBytes`, the used-chunk table at the end. */
export function makeEts(tiles = 4, tileBytes = 2048): Buffer {
  const dims = 4;
  const head = Buffer.alloc(64);
  head.write("SIS", 0, "latin1");
  head.writeInt32LE(64, 4);
  head.writeInt32LE(2, 8);
  head.writeInt32LE(dims, 12);
  head.writeBigInt64LE(64n, 16);
  head.writeInt32LE(228, 24);
  const ets = Buffer.alloc(228);
  ets.write("ETS", 0, "latin1");
  const data: Buffer[] = [];
  const table: Buffer[] = [];
  let pos = head.length + ets.length;
  for (let i = 0; i < tiles; i++) {
    data.push(Buffer.alloc(tileBytes, i));
    table.push(
      Buffer.concat([i32le(0), i32le(i), i32le(0), i32le(0), i32le(0), i64le(pos), i32le(tileBytes), i32le(0)]),
    );
    pos += tileBytes;
  }
  head.writeBigInt64LE(BigInt(pos), 32);
  head.writeInt32LE(tiles, 40);
  return Buffer.concat([head, ets, ...data, ...table]);
}

/** An OBF: file header, `stacks` version-1 stacks of `dataBytes`, each with a 64-byte footer, chained by `next`. */
export function makeObf(stacks = 2, dataBytes = 4096): Buffer {
  const header = Buffer.concat([latin1("OMAS_BF\n"), u16le(0xffff), i32le(1), i64le(0), i32le(0)]);
  const parts: Buffer[] = [header];
  let pos = header.length;
  const nextAt: number[] = [];
  const starts: number[] = [];
  for (let s = 0; s < stacks; s++) {
    const name = latin1(`stack ${s}`);
    const sizes = Buffer.alloc(15 * 4);
    for (let d = 0; d < 15; d++) sizes.writeInt32LE(d < 2 ? 32 : 1, 4 * d);
    const fixed = Buffer.concat([
      latin1("OMAS_BF_STACK\n"),
      u16le(0xffff),
      i32le(1),
      i32le(2),
      sizes,
      Buffer.alloc(15 * 8),
      Buffer.alloc(15 * 8),
      i32le(2),
      i32le(0),
      i32le(0),
      i32le(name.length),
      i32le(0),
      i64le(0),
      i64le(dataBytes),
      i64le(0),
    ]);
    starts.push(pos);
    nextAt.push(pos + fixed.length - 8);
    const footer = Buffer.alloc(64);
    footer.writeInt32LE(64, 0);
    const stack = Buffer.concat([fixed, name, Buffer.alloc(dataBytes, 5), footer]);
    parts.push(stack);
    pos += stack.length;
  }
  const file = Buffer.concat(parts);
  file.writeBigInt64LE(BigInt(starts[0] ?? 0), 14);
  for (let s = 0; s + 1 < stacks; s++) file.writeBigInt64LE(BigInt(starts[s + 1]!), nextAt[s]!);
  return file;
}

/** An LI-FLIM 1.0 file: the INI header, {END}, x * y * phases uint16 samples. */
export function makeFli(x = 16, y = 16, phases = 3): Buffer {
  const header = [
    "{FLIMIMAGE: INFO}",
    "version = 1.0",
    "compression = 0",
    "{FLIMIMAGE: LAYOUT}",
    "datatype = UINT16",
    "channels = 1",
    `x = ${x}`,
    `y = ${y}`,
    "z = 1",
    `phases = ${phases}`,
    "frequencies = 1",
    "timestamps = 1",
    "{END}",
  ].join("\r\n");
  return Buffer.concat([latin1(header), Buffer.alloc(x * y * phases * 2, 1)]);
}

/** An MRC2014 volume: nx x ny x nz voxels of `mode` (1: int16), an extended header of `ext` bytes. */
export function makeMrc(nx = 8, ny = 8, nz = 2, ext = 0): Buffer {
  const h = Buffer.alloc(1024);
  h.writeInt32LE(nx, 0);
  h.writeInt32LE(ny, 4);
  h.writeInt32LE(nz, 8);
  h.writeInt32LE(1, 12);
  h.writeInt32LE(ext, 92);
  h.write("MAP ", 208, "latin1");
  h[212] = 0x44;
  h[213] = 0x44;
  return Buffer.concat([h, Buffer.alloc(ext), Buffer.alloc(nx * ny * nz * 2)]);
}
