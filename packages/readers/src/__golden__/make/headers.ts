/**
 * Header + data formats (minimal files each reader's setId accepts): IMAGIC `.hed`/`.img`, JEOL `IM` images and
 * `.PAR`, Unisoku `.HDR`/`.DAT`, Perkin Elmer densitometer (PDS) `.hdr`/`.img`, Fuji LAS `.inf`/`.img`, Inveon
 * `.hdr` + data, Varian `.fdf`, MicroCT `.vff`.
 */

/** IMAGIC header: one 1024-byte record per image (sizeY at 48, sizeX at 52, type at 56), little endian. */
export function imagicHed(w = 8, h = 8, images = 1): Buffer {
  const b = Buffer.alloc(1024 * images);
  for (let i = 0; i < images; i++) {
    b.writeInt32LE(h, i * 1024 + 48);
    b.writeInt32LE(w, i * 1024 + 52);
    b.write("PACK", i * 1024 + 56, "latin1");
  }
  return b;
}

/** JEOL "IM" image: 1024 pixels wide, `rows` rows. */
export function jeolImage(rows = 2): Buffer {
  const b = Buffer.alloc(60 + 1024 * rows);
  b.write("IM", 0, "latin1");
  b.writeInt16LE(0, 2);
  return b;
}

export const unisokuHdr = (w = 8, h = 8): string =>
  [":STM data", ":sample name", "test", ":data volume(x*y)", `${w} ${h}`, ":ascii flag; data type", "0 2", ""].join(
    "\r",
  );

export const pdsHdr = (w = 8, h = 8): string =>
  [" IDENTIFICATION = TEST /", `NXP = ${w} /`, `NYP = ${h} /`, "COLOR = 1 /", `FILE REC LEN = ${2 * w} /`, ""].join(
    "\r\n",
  );

export function fujiInf(w = 8, h = 8): string {
  const lines = [
    "BAS_IMAGE_FILE",
    "test",
    "100",
    "100",
    "16",
    "16",
    String(w),
    String(h),
    "x",
    "y",
    "Fri Jan 12 10:15:00 2024",
  ];
  return `${lines.join("\n")}\n`;
}

export function inveonHdr(dataFile: string, w = 8, h = 8): string {
  return [
    "#",
    `# Header file for data file ${dataFile}`,
    "#",
    `file_name ${dataFile}`,
    "data_type 2",
    `x_dimension ${w}`,
    `y_dimension ${h}`,
    "z_dimension 1",
    "total_frames 1",
    "",
  ].join("\n");
}

/** Varian FDF: text header up to a form feed, then one 32-bit float plane. `slices` makes it a multi-file set. */
export function fdf(slices?: number, w = 8, h = 8): Buffer {
  const lines = [
    "#!/usr/local/fdf/startup",
    "float  rank = 2;",
    'char  *storage = "float";',
    "float  bits = 32;",
    `float  matrix[] = {${w}, ${h}};`,
  ];
  if (slices !== undefined) lines.push(`int  slices = ${slices};`);
  return Buffer.concat([Buffer.from(`${lines.join("\n")}\n\f\0`, "latin1"), Buffer.alloc(w * h * 4)]);
}

/** MicroCT `.vff`: `ncaa` and key=value; lines up to an empty line, then 8-bit pixels. */
export function vff(w = 8, h = 8): Buffer {
  const head = ["ncaa", "rank=2;", "type=raster;", "format=slice;", "bits=8;", `size=${w} ${h};`, "", ""].join("\n");
  return Buffer.concat([Buffer.from(head, "latin1"), Buffer.alloc(w * h)]);
}
