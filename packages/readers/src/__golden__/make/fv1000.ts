/**
 * Olympus FluoView OIF sets (FV1000Reader): `x.oif` (INI; ProfileSaveInfo IniFileName<n> -> `.pty` files, the
 * Axis tables initFile parses) and `x.oif.files/` with one `.pty` (File Info DataName -> its TIFF) and TIFF per
 * channel, a LUT per channel and the `.bmp` thumbnail FluoView writes. Real `.oif`/`.pty` files are UTF-16LE.
 */
import { tiff } from "./tiff";

function ini(tables: Record<string, Record<string, string | number>>, utf16: boolean): Buffer {
  const text = `${Object.entries(tables)
    .map(
      ([name, kv]) =>
        `[${name}]\r\n${Object.entries(kv)
          .map(([k, v]) => `${k}=${v}\r\n`)
          .join("")}`,
    )
    .join("")}`;
  return utf16 ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]) : Buffer.from(text, "latin1");
}

/** A minimal 2 x 2 24-bit BMP (the thumbnail FluoView writes next to the channels). */
export function bmp(): Buffer {
  const b = Buffer.alloc(54 + 16);
  b.write("BM", 0, "latin1");
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(2, 18);
  b.writeInt32LE(2, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(16, 34);
  return b;
}

export interface OifOptions {
  channels?: number;
  /** Write the `.oif` and `.pty` files as UTF-16LE with a BOM (as FluoView does). Default true. */
  utf16?: boolean;
  /** Add the thumbnail `s_Thumb.bmp` and per-channel LUTs. Default true. */
  extras?: boolean;
}

export function oifSet(base: string, opts: OifOptions = {}, dir = ""): Record<string, Buffer> {
  const channels = opts.channels ?? 2;
  const utf16 = opts.utf16 ?? true;
  const at = (n: string) => (dir ? `${dir}/${n}` : n);
  const folder = `${base}.oif.files`;
  const save: Record<string, string> = {};
  const out: Record<string, Buffer> = {};
  for (let c = 1; c <= channels; c++) {
    const stem = `s_C${String(c).padStart(3, "0")}`;
    save[`IniFileName${c - 1}`] = `"${folder}/${stem}.pty"`;
    out[at(`${folder}/${stem}.pty`)] = ini(
      {
        "File Info": { DataName: `"${stem}.tif"` },
        "Axis 0 Parameters": { Number: 4 },
        "Axis 1 Parameters": { Number: 4 },
        "Axis 2 Parameters": { Number: 1 },
      },
      utf16,
    );
    out[at(`${folder}/${stem}.tif`)] = tiff();
    if (opts.extras ?? true) {
      save[`LutFileName${c - 1}`] = `"${folder}/s_LUT${c}.lut"`;
      out[at(`${folder}/s_LUT${c}.lut`)] = Buffer.alloc(65536 * 4 + 16);
    }
  }
  // initFile reads the thumbnail named by a "Thumb" key (an .oif without one fails with a NullPointerException).
  save.ThumbnailFileName = `"${folder}/s_Thumb.pty"`;
  if (opts.extras ?? true) out[at(`${folder}/s_Thumb.bmp`)] = bmp();
  const axis = (code: string, size: number) => ({
    AxisCode: `"${code}"`,
    MaxSize: size,
    StartPosition: 0,
    EndPosition: size,
  });
  const tables: Record<string, Record<string, string | number>> = {
    "Acquisition Parameters Common": { ImageCaputreDate: `"2024-01-01 10:00:00"` },
    ProfileSaveInfo: save,
    "Axis 0 Parameters Common": axis("X", 4),
    "Axis 1 Parameters Common": axis("Y", 4),
    "Axis 2 Parameters Common": axis("C", channels),
    "Axis 3 Parameters Common": axis("Z", 0),
    "Axis 4 Parameters Common": axis("T", 0),
  };
  for (let i = 5; i < 9; i++) tables[`Axis ${i} Parameters Common`] = axis("?", 0);
  tables["Reference Image Parameter"] = {
    ImageDepth: 1,
    WidthConvertValue: 1,
    HeightConvertValue: 1,
    ValidBitCounts: 8,
  };
  out[at(`${base}.oif`)] = ini(tables, utf16);
  return out;
}
