/** Olympus FluoView OIF (FV1000Reader): `x.oif` (INI) + `x.oif.files/` with one `.pty` (INI) and `.tif` per channel. Pure. */
import { tiff } from "./tiff";

const AXES = ["X", "Y", "C", "Z", "T", "A", "L", "P", "N"];

/** The OIF text naming `channels` .pty files and the thumbnail (FV1000Reader.initFile fails without a Thumb key). */
export function oifText(name: string, channels: number, luts = false): string {
  const lines = ["[ProfileSaveInfo]"];
  for (let c = 0; c < channels; c++)
    lines.push(`IniFileName${c}="${name}.oif.files/s_C${String(c + 1).padStart(3, "0")}.pty"`);
  if (luts) for (let c = 0; c < channels; c++) lines.push(`LutFileName${c}="${name}.oif.files/s_LUT${c + 1}.lut"`);
  lines.push(`ThumbFileName="${name}.oif.files/s_Thumb.pty"`);
  AXES.forEach((code, i) => {
    const size = code === "X" || code === "Y" ? 4 : code === "C" ? channels : 0;
    lines.push(
      `[Axis ${i} Parameters Common]`,
      `AxisCode="${code}"`,
      `MaxSize=${size}`,
      "StartPosition=0.0",
      "EndPosition=1.0",
    );
  });
  lines.push("[Reference Image Parameter]", "ImageDepth=1", "WidthConvertValue=0.1", "HeightConvertValue=0.1");
  return `${lines.join("\r\n")}\r\n`;
}

/** The .pty of one channel: its TIFF's name. */
export function ptyText(tif: string): string {
  return `[File Info]\r\nDataName="${tif}"\r\n[Acquisition Parameters Common]\r\nMagnification=60.0\r\n`;
}

/** A whole OIF acquisition: `<name>.oif` and `<name>.oif.files/s_C00n.{pty,tif}` (+ `s_Thumb.{pty,bmp}` when `thumb`), under `dir`. */
export function oifSet(
  name: string,
  o: { channels?: number; dir?: string; thumb?: boolean; utf16?: boolean; luts?: boolean } = {},
): Record<string, Buffer | string> {
  const dir = o.dir ?? "";
  const n = o.channels ?? 2;
  // FluoView writes its INI files as UTF-16LE with a byte-order mark.
  const ini = (text: string) =>
    o.utf16 ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]) : text;
  const out: Record<string, Buffer | string> = { [`${dir}${name}.oif`]: ini(oifText(name, n, o.luts)) };
  for (let c = 1; c <= n; c++) {
    const s = `s_C${String(c).padStart(3, "0")}`;
    out[`${dir}${name}.oif.files/${s}.pty`] = ini(ptyText(`${s}.tif`));
    out[`${dir}${name}.oif.files/${s}.tif`] = tiff();
    if (o.luts) out[`${dir}${name}.oif.files/s_LUT${c}.lut`] = Buffer.alloc(65536 * 4 + 16);
  }
  if (o.thumb) {
    out[`${dir}${name}.oif.files/s_Thumb.pty`] = ptyText("s_Thumb.bmp");
    out[`${dir}${name}.oif.files/s_Thumb.bmp`] = bmp();
  }
  return out;
}

/** A w x h 24-bit BMP (BMPReader). */
export function bmp(w = 4, h = 4): Buffer {
  const row = Math.ceil((w * 3) / 4) * 4;
  const b = Buffer.alloc(54 + row * h);
  b.write("BM", 0, "latin1");
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(w, 18);
  b.writeInt32LE(h, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(row * h, 34);
  return b;
}
