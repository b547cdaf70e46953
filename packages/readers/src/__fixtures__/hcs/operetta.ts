/**
 * A PerkinElmer Harmony / Operetta export: `<plate>__<date>/Images/Index.idx.xml` (the Harmony V5 schema
 * OperettaReader's handler reads), `r<row>c<col>f<field>p<plane>-ch<c>sk<t>fk1fl1.tiff` planes, and the
 * plate folder's other metadata (`Assaylayout/`, `FFC_Profile/`), which OperettaReader.initFile adds.
 */
import { tinyTiff, type FixtureFile, type PlateFixture } from "./plate";

export interface OperettaOptions {
  plate?: string;
  /** Wells as [row, col], 1-based (Harmony numbering). */
  wells?: [number, number][];
  fields?: number;
  planes?: number;
  channels?: string[];
  timepoints?: number;
  /** "Index.idx.xml" (Harmony 4+), "Index.ref.xml", "Index.xml" (Phenix exports). */
  indexName?: string;
  /** Folder of the index and images inside the plate folder ("Images"; "" = the plate folder itself). */
  imagesDir?: string;
}

const p2 = (n: number) => String(n).padStart(2, "0");

export function harmonyImageName(
  row: number,
  col: number,
  field: number,
  plane: number,
  ch: number,
  t: number,
): string {
  return `r${p2(row)}c${p2(col)}f${p2(field)}p${p2(plane)}-ch${ch}sk${t + 1}fk1fl1.tiff`;
}

export function operettaPlate(opts: OperettaOptions = {}): PlateFixture & { plateDir: string } {
  const plate = opts.plate ?? "Plate1";
  const wells = opts.wells ?? [
    [3, 1],
    [3, 2],
  ];
  const fields = opts.fields ?? 2;
  const planes = opts.planes ?? 1;
  const channels = opts.channels ?? ["DAPI", "Alexa 488"];
  const timepoints = opts.timepoints ?? 1;
  const plateDir = `${plate}__2025-01-06T10_00_00-Measurement 1`;
  const imagesDir = opts.imagesDir ?? "Images";
  const dir = imagesDir ? `${plateDir}/${imagesDir}` : plateDir;
  const images: string[] = [];
  const entries: string[] = [];
  for (const [row, col] of wells) {
    for (let f = 1; f <= fields; f++) {
      for (let z = 1; z <= planes; z++) {
        for (let t = 0; t < timepoints; t++) {
          channels.forEach((name, i) => {
            const url = harmonyImageName(row, col, f, z, i + 1, t);
            images.push(url);
            const id = `${p2(row)}${p2(col)}K${t + 1}F${f}P${z}R${i + 1}`;
            entries.push(
              [
                `    <Image Version="1">`,
                `      <id>${id}</id>`,
                `      <State>Ok</State>`,
                `      <URL>${url}</URL>`,
                `      <Row>${row}</Row>`,
                `      <Col>${col}</Col>`,
                `      <FieldID>${f}</FieldID>`,
                `      <PlaneID>${z}</PlaneID>`,
                `      <TimepointID>${t}</TimepointID>`,
                `      <FlimID>1</FlimID>`,
                `      <ChannelID>${i + 1}</ChannelID>`,
                `      <ChannelName>${name}</ChannelName>`,
                `      <ImageType>Signal</ImageType>`,
                `      <AcquisitionType>NipkowConfocal</AcquisitionType>`,
                `      <ImageSizeX>4</ImageSizeX>`,
                `      <ImageSizeY>4</ImageSizeY>`,
                `      <PositionX Unit="m">0.000${f}</PositionX>`,
                `      <PositionY Unit="m">0</PositionY>`,
                `      <PositionZ Unit="m">${z * 1e-6}</PositionZ>`,
                `      <AbsPositionZ Unit="m">0.1353</AbsPositionZ>`,
                `      <MeasurementTimeOffset Unit="s">${t * 60}</MeasurementTimeOffset>`,
                `      <AbsTime>2025-01-06T10:0${t}:00.000+01:00</AbsTime>`,
                `    </Image>`,
              ].join("\r\n"),
            );
          });
        }
      }
    }
  }
  const wellEntries = wells.map(
    ([r, c]) =>
      `    <Well>\r\n      <id>${p2(r)}${p2(c)}</id>\r\n      <Row>${r}</Row>\r\n      <Col>${c}</Col>\r\n      <Image id="${p2(r)}${p2(c)}K1F1P1R1" />\r\n    </Well>`,
  );
  const xml = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<EvaluationInputData xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Version="2" xmlns="http://www.perkinelmer.com/PEHH/HarmonyV5">`,
    `  <User>facility</User>`,
    `  <InstrumentType>Phenix</InstrumentType>`,
    `  <Plates>`,
    `    <Plate>`,
    `      <PlateID>${plate}</PlateID>`,
    `      <MeasurementID>7d2a1c44-1111-4c3e-9d7e-2b1f6c0a9e01</MeasurementID>`,
    `      <MeasurementStartTime>2025-01-06T10:00:00.000+01:00</MeasurementStartTime>`,
    `      <Name>${plate}</Name>`,
    `      <PlateTypeName>96 PerkinElmer CellCarrier Ultra</PlateTypeName>`,
    `      <PlateRows>8</PlateRows>`,
    `      <PlateColumns>12</PlateColumns>`,
    `    </Plate>`,
    `  </Plates>`,
    `  <Wells>`,
    ...wellEntries,
    `  </Wells>`,
    `  <Images>`,
    ...entries,
    `  </Images>`,
    `</EvaluationInputData>`,
  ].join("\r\n");
  const indexName = opts.indexName ?? "Index.idx.xml";
  const files: FixtureFile[] = [
    { path: `${dir}/${indexName}`, content: Buffer.from(xml, "utf8"), kind: "index" },
    ...images.map((i) => ({ path: `${dir}/${i}`, content: tinyTiff(), kind: "image" as const })),
    {
      path: `${plateDir}/Assaylayout/${plate}.xml`,
      content: Buffer.from(`<?xml version="1.0"?><AssayLayout xmlns="http://www.perkinelmer.com/PEHH/HarmonyV5"/>`),
      kind: "metadata",
    },
    {
      path: `${plateDir}/FFC_Profile/Metadata_FFC_Profile.xml`,
      content: Buffer.from(`<?xml version="1.0"?><FFCProfile/>`),
      kind: "metadata",
    },
  ];
  return {
    entry: `${dir}/${indexName}`,
    reader: "loci.formats.in.OperettaReader",
    files,
    wells: wells.length,
    fields,
    channels: channels.length,
    timepoints,
    plateDir,
  };
}
