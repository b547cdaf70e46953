/** OME-XML and OME-TIFF makers: a set of TIFFs whose OME-XML maps one Z plane to each file. Pure. */
import { tiff } from "./tiff";

const uuidOf = (name: string) => {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const hex = h.toString(16).padStart(8, "0");
  return `urn:uuid:${hex}-0000-4000-8000-${hex}0000`;
};

export interface OmeXmlOptions {
  /** Image name. */
  name: string;
  /** One Z plane per file, in order. */
  files: string[];
  /** The UUID of the document (the file that carries this XML). */
  uuid?: string;
  width?: number;
  height?: number;
}

/** An OME-XML document (2016-06) describing one image with a Z plane per file (TiffData UUID@FileName). */
export function omeXml(o: OmeXmlOptions): string {
  const w = o.width ?? 4;
  const h = o.height ?? 4;
  const tiffData = o.files
    .map(
      (f, z) =>
        `<TiffData FirstZ="${z}" FirstC="0" FirstT="0" IFD="0" PlaneCount="1"><UUID FileName="${f}">${uuidOf(f)}</UUID></TiffData>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xsi:schemaLocation="http://www.openmicroscopy.org/Schemas/OME/2016-06 http://www.openmicroscopy.org/Schemas/OME/2016-06/ome.xsd"` +
    `${o.uuid ? ` UUID="${o.uuid}"` : ""}>` +
    `<Image ID="Image:0" Name="${o.name}"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint8" ` +
    `SizeX="${w}" SizeY="${h}" SizeZ="${o.files.length}" SizeC="1" SizeT="1">` +
    `<Channel ID="Channel:0:0" SamplesPerPixel="1"/>${tiffData}</Pixels></Image></OME>`
  );
}

/** A multi-file OME-TIFF: every file carries the full OME-XML (as bfconvert writes it). */
export function omeTiffSet(name: string, files: string[]): Record<string, Buffer> {
  return Object.fromEntries(files.map((f) => [f, tiff({ description: omeXml({ name, files, uuid: uuidOf(f) }) })]));
}

/** A companion OME-XML `<name>.companion.ome` naming binary-only OME-TIFFs (each names it as MetadataFile). */
export function companion(name: string, files: string[]): Record<string, Buffer | string> {
  const meta = `${name}.companion.ome`;
  const out: Record<string, Buffer | string> = { [meta]: omeXml({ name, files, uuid: uuidOf(meta) }) };
  for (const f of files) out[f] = tiff({ description: binaryOnly(meta, uuidOf(f)) });
  return out;
}

/** The stub OME-XML of a binary-only OME-TIFF (BinaryOnly MetadataFile + its own UUID). */
export function binaryOnly(metadataFile: string, uuid: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06" UUID="${uuid}">` +
    `<BinaryOnly MetadataFile="${metadataFile}" UUID="${uuid}"/></OME>`
  );
}

export { uuidOf };
