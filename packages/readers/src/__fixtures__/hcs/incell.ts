/**
 * An IN Cell Analyzer 2000 plate: `<plate>.xdce` (ImageStack XML with the "IN Cell Analyzer" magic near its
 * start, one <Image filename=".."> per plane, as InCellReader's handler reads) beside the planes, named
 * "<row> - <col>(fld <n> wv <ex> - <em>).tif" ("... z <n>" for stacks).
 */
import { type FixtureFile, type PlateFixture, tinyTiff } from "./plate";

export interface InCellOptions {
  plate?: string;
  /** Wells as [row, col], 1-based. */
  wells?: [number, number][];
  fields?: number;
  /** [excitation, emission] filter names per wave. */
  waves?: [string, string][];
  zSlices?: number;
}

const rowName = (r: number) => String.fromCharCode(64 + r);

export function inCellImageName(
  row: number,
  col: number,
  field: number,
  wave: [string, string],
  z: number,
  zs: number,
): string {
  return `${rowName(row)} - ${col}(fld ${field} wv ${wave[0]} - ${wave[1]}${zs > 1 ? ` z ${z}` : ""}).tif`;
}

export function inCellPlate(opts: InCellOptions = {}): PlateFixture {
  const plate = opts.plate ?? "Plate_001";
  const wells = opts.wells ?? [
    [2, 3],
    [2, 4],
  ];
  const fields = opts.fields ?? 2;
  const waves = opts.waves ?? [
    ["DAPI", "DAPI"],
    ["FITC", "FITC"],
  ];
  const zs = opts.zSlices ?? 1;
  const images: string[] = [];
  const xmlImages: string[] = [];
  for (const [row, col] of wells) {
    for (let f = 1; f <= fields; f++) {
      for (let z = 1; z <= zs; z++) {
        waves.forEach((w, wi) => {
          const name = inCellImageName(row, col, f, w, z, zs);
          images.push(name);
          xmlImages.push(
            `<Image filename="${name}" acquisition_time_ms="${images.length * 100}">\r\n` +
              `<Identifier field_index="${f - 1}" z_index="${z - 1}" wave_index="${wi}" time_index="0"/>\r\n` +
              `<Row number="${row}"/>\r\n<Column number="${col}"/>\r\n` +
              `<MinMaxMean min="100" max="4000" mean="512.5"/>\r\n<FocusPosition z="1234.5"/>\r\n</Image>`,
          );
        });
      }
    }
  }
  const xml = [
    `<?xml version="1.0" encoding="ISO-8859-1"?>`,
    `<ImageStack version="1.0">`,
    `<Creation date="2025-01-06" time="10:00:00"/>`,
    `<Application name="IN Cell Analyzer 2000" version="5.2"/>`,
    `<Microscopy type="Widefield"/>`,
    `<AutoLeadAcquisitionProtocol>`,
    `<Camera name="CoolSnap"><Size width="4" height="4"/><Binning value="1 X 1"/></Camera>`,
    `<Wavelengths number="${waves.length}">`,
    ...waves.map(
      ([ex, em]) =>
        `<Wavelength index="0" fusion_wave="false" imaging_mode="2-D"><ExcitationFilter name="${ex}" wavelength="350"/><EmissionFilter name="${em}" wavelength="455"/></Wavelength>`,
    ),
    `</Wavelengths>`,
    `<ZDimensionParameters number_of_slices="${zs}"/>`,
    // InCellReader counts fields by offset_point elements.
    `<Fields number="${fields}">${Array.from({ length: fields }, (_, i) => `<offset_point index="${i}" x="${i * 100}" y="0"/>`).join("")}</Fields>`,
    `<TimeSchedule enabled="false"/>`,
    `<Plate rows="8" columns="12"/>`,
    `<PlateMap>${wells.map(([r, c]) => `<Well><Row number="${r}"/><Column number="${c}"/></Well>`).join("")}</PlateMap>`,
    `<NamingRows begin="A"/><NamingColumns begin="1"/>`,
    `</AutoLeadAcquisitionProtocol>`,
    `<Images number="${images.length}">`,
    ...xmlImages,
    `</Images>`,
    `</ImageStack>`,
  ].join("\r\n");
  const files: FixtureFile[] = [
    { path: `${plate}.xdce`, content: Buffer.from(xml, "latin1"), kind: "index" },
    ...images.map((i) => ({ path: i, content: tinyTiff(), kind: "image" as const })),
  ];
  return {
    entry: `${plate}.xdce`,
    reader: "loci.formats.in.InCellReader",
    files,
    wells: wells.length,
    fields,
    channels: waves.length,
    timepoints: 1,
  };
}
