/**
 * Becker & Hickl SPC FIFO image data (SPCReader): `x.set` (setup: "module SPC-830" in its header, the
 * SP_TAC_R/SP_TAC_G setup entries) and `x.spc` (4-byte photon records; marks with ADC nibble 0x9 carry the
 * pixel/line/frame clocks that initFile counts). Two frames of 3 lines x 4 pixels, no photons.
 */
export function spcSet(): Buffer {
  const setup = Buffer.from(
    `#SETUP\n#SP [SP_TAC_R,F,5.0e-08]                      \n#SP [SP_TAC_G,I,4]                              \n`,
    "latin1",
  );
  const header = Buffer.from("FIFO_IMAGE measurement with module SPC-830, ".padEnd(600, " "), "latin1");
  const fixed = Buffer.alloc(14);
  fixed.writeInt32LE(14 + header.length, 8);
  fixed.writeInt16LE(setup.length, 12);
  return Buffer.concat([fixed, header, setup]);
}

export function spcData(): Buffer {
  const rec = (rout: number) => Buffer.from([0, rout, 0, 0x90]);
  const P = rec(0x10);
  const L = rec(0x20);
  const F = rec(0x40);
  const line = [L, P, P, P, P];
  const frame = [F, ...line, ...line, ...line];
  // Header record: routing byte 0x08 (one channel, data valid).
  return Buffer.concat([Buffer.from([0xf4, 0x01, 0x00, 0x08]), ...frame, ...frame, F, L]);
}
