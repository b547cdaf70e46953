/**
 * OME-TIFF sets: single-file OME-TIFFs, multi-file sets whose first file's OME-XML names the others
 * (TiffData/UUID@FileName), and companion `x.companion.ome` files with BinaryOnly OME-TIFFs
 * (OMETiffReader.initFile reads the companion named by BinaryOnly@MetadataFile).
 */
import { tiff } from "./tiff";

const NS = "http://www.openmicroscopy.org/Schemas/OME/2016-06";

export const uuid = (n: number) => `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** OME-XML with one Image of `files.length` planes (T), plane t in files[t] (IFD 0). */
export function omeXml(files: { name: string; uuid: string }[], self?: string, imageName = "img"): string {
  const tiffData = files
    .map(
      (f, t) =>
        `<TiffData FirstT="${t}" IFD="0" PlaneCount="1"><UUID FileName="${esc(f.name)}">${f.uuid}</UUID></TiffData>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?><OME xmlns="${NS}"${self ? ` UUID="${self}"` : ""}>` +
    `<Image ID="Image:0" Name="${esc(imageName)}"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint8" ` +
    `SizeX="4" SizeY="4" SizeZ="1" SizeC="1" SizeT="${files.length}" BigEndian="false">` +
    `<Channel ID="Channel:0:0" SamplesPerPixel="1"/>${tiffData}</Pixels></Image></OME>`
  );
}

/** A single-file OME-TIFF (TiffData without UUID: the file itself). */
export function omeTiff(name = "img"): Buffer {
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?><OME xmlns="${NS}"><Image ID="Image:0" Name="${esc(name)}">` +
    `<Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint8" SizeX="4" SizeY="4" SizeZ="1" SizeC="1" SizeT="1" BigEndian="false">` +
    `<Channel ID="Channel:0:0" SamplesPerPixel="1"/><TiffData IFD="0" PlaneCount="1"/></Pixels></Image></OME>`;
  return tiff({ description: xml });
}

/** A multi-file OME-TIFF set: every file carries the whole OME-XML naming all `names` (as bfconvert writes). */
export function omeTiffSet(names: string[]): Record<string, Buffer> {
  const files = names.map((name, i) => ({ name, uuid: uuid(i + 1) }));
  const out: Record<string, Buffer> = {};
  for (const f of files) out[f.name] = tiff({ description: omeXml(files, f.uuid) });
  return out;
}

/** A BinaryOnly OME-TIFF stub pointing at `metadataFile`. */
export function binaryOnlyTiff(metadataFile: string, self: string): Buffer {
  return tiff({
    description: `<?xml version="1.0" encoding="UTF-8"?><OME xmlns="${NS}" UUID="${self}"><BinaryOnly MetadataFile="${esc(metadataFile)}" UUID="${self}"/></OME>`,
  });
}

/** `<base>.companion.ome` naming `names` (in its folder, or relative paths) and their BinaryOnly TIFFs. */
export function companionSet(base: string, names: string[], dir = ""): Record<string, Buffer | string> {
  const at = (n: string) => (dir ? `${dir}/${n}` : n);
  const companion = `${base}.companion.ome`;
  const files = names.map((name, i) => ({ name, uuid: uuid(i + 1) }));
  const out: Record<string, Buffer | string> = { [at(companion)]: omeXml(files, uuid(0)) };
  for (const f of files) {
    const depth = f.name.split("/").length - 1;
    out[at(f.name)] = binaryOnlyTiff(`${"../".repeat(depth)}${companion}`, f.uuid);
  }
  return out;
}
