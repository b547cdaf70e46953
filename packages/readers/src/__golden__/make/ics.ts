/** ICS 1.0 (.ics + .ids) and ICS 2.0 (.ics with its pixels) images (ICSReader). Pure. */

function header(version: "1.0" | "2.0", name: string, w: number, h: number): string {
  return [
    "\t\n",
    `ics_version\t${version}\n`,
    `filename\t${name}\n`,
    "layout\tparameters\t3\n",
    "layout\torder\tbits\tx\ty\n",
    `layout\tsizes\t8\t${w}\t${h}\n`,
    "layout\tcoordinates\tvideo\n",
    "layout\tsignificant_bits\t8\n",
    "representation\tformat\tinteger\n",
    "representation\tsign\tunsigned\n",
    "representation\tcompression\tuncompressed\n",
    "representation\tbyte_order\t1\n",
  ].join("");
}

/** `<name>.ics` + `<name>.ids` (ICS 1.0). */
export function icsPair(
  name: string,
  o: { width?: number; height?: number; upper?: boolean } = {},
): Record<string, Buffer | string> {
  const w = o.width ?? 4;
  const h = o.height ?? 4;
  const [ics, ids] = o.upper ? ["ICS", "IDS"] : ["ics", "ids"];
  return { [`${name}.${ics}`]: `${header("1.0", name, w, h)}end\n`, [`${name}.${ids}`]: Buffer.alloc(w * h) };
}

/** `<name>.ics` holding its pixels after `end` (ICS 2.0). */
export function ics2(name: string, o: { width?: number; height?: number } = {}): Buffer {
  const w = o.width ?? 4;
  const h = o.height ?? 4;
  return Buffer.concat([Buffer.from(`${header("2.0", name, w, h)}end\n`, "latin1"), Buffer.alloc(w * h)]);
}
