/**
 * A minimal baseline JPEG (SOF0, one grey 8x8 block per MCU, DC-only Huffman tables with one code each):
 * a uniform grey image that JPEGReader and JPEGTileDecoder decode. `width`/`height` multiples of 8.
 */
function seg(marker: number, body: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16BE(0xff00 | marker, 0);
  h.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([h, body]);
}

export function jpeg(width = 8, height = 8): Buffer {
  const dqt = Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)]);
  const sof = Buffer.alloc(9);
  sof.writeUInt8(8, 0);
  sof.writeUInt16BE(height, 1);
  sof.writeUInt16BE(width, 3);
  sof.writeUInt8(1, 5);
  sof.writeUInt8(1, 6); // component id
  sof.writeUInt8(0x11, 7); // sampling
  sof.writeUInt8(0, 8); // quant table
  // One code of length 1 ("0") per table: DC category 0, AC end-of-block.
  const counts = Buffer.alloc(16);
  counts[0] = 1;
  const dhtDc = Buffer.concat([Buffer.from([0x00]), counts, Buffer.from([0x00])]);
  const dhtAc = Buffer.concat([Buffer.from([0x10]), counts, Buffer.from([0x00])]);
  const sos = Buffer.from([1, 1, 0x00, 0, 63, 0]);
  // Each block: DC "0" + AC EOB "0" = 2 bits; pad with 1s.
  const blocks = (width / 8) * (height / 8);
  const bits = "00".repeat(blocks);
  const bytes: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    const chunk = bits.slice(i, i + 8).padEnd(8, "1");
    const b = Number.parseInt(chunk, 2);
    bytes.push(b);
    if (b === 0xff) bytes.push(0);
  }
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xdb, dqt),
    seg(0xc0, sof),
    seg(0xc4, dhtDc),
    seg(0xc4, dhtAc),
    seg(0xda, sos),
    Buffer.from(bytes),
    Buffer.from([0xff, 0xd9]),
  ]);
}
