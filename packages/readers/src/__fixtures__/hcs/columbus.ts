/**
 * A PerkinElmer Columbus export: `MeasurementIndex.ColumbusIDX.xml` (ColumbusMeasurementIndex with
 * <Reference> entries to the image indexes) and one sub-folder per time point holding an image index
 * (`*.columbusidx.xml`: <Images><Image><URL BufferNo="0">..</URL><Row/Col/FieldID/PlaneID/TimepointID/
 * ChannelID>) and its planes. Plane file names come from the XML only; these are the fixture's own.
 */
import { type FixtureFile, type PlateFixture, tinyTiff } from "./plate";

export interface ColumbusOptions {
  wells?: [number, number][];
  fields?: number;
  channels?: number;
  timepoints?: number;
}

export function columbusPlaneName(row: number, col: number, field: number, ch: number, t: number): string {
  return `W${String(row).padStart(2, "0")}${String(col).padStart(2, "0")}F${field}T${t}C${ch}.tif`;
}

export function columbusPlate(opts: ColumbusOptions = {}): PlateFixture {
  const wells = opts.wells ?? [
    [2, 2],
    [2, 3],
  ];
  const fields = opts.fields ?? 2;
  const channels = opts.channels ?? 2;
  const timepoints = opts.timepoints ?? 1;
  const files: FixtureFile[] = [];
  const refs: string[] = [];
  for (let t = 1; t <= timepoints; t++) {
    const dir = String(t - 1);
    const images: string[] = [];
    for (const [row, col] of wells) {
      for (let f = 1; f <= fields; f++) {
        for (let c = 1; c <= channels; c++) {
          const name = columbusPlaneName(row, col, f, c, t);
          files.push({ path: `${dir}/${name}`, content: tinyTiff(), kind: "image" });
          images.push(
            `<Image><URL BufferNo="0">${name}</URL><Row>${row}</Row><Col>${col}</Col><FieldID>${f}</FieldID><PlaneID>1</PlaneID><TimepointID>${t}</TimepointID><ChannelID>${c}</ChannelID><ChannelName>Ch${c}</ChannelName></Image>`,
          );
        }
      }
    }
    const idx = `${dir}/IDX_${dir}.columbusidx.xml`;
    refs.push(idx);
    const xml = `<?xml version="1.0" encoding="utf-8"?>\r\n<EvaluationInputData xmlns="http://www.perkinelmer.com/Columbus" Version="1">\r\n<Plates><Plate><PlateID>P1</PlateID><MeasurementStartTime>2025-01-06T10:00:00</MeasurementStartTime></Plate></Plates>\r\n<Images>\r\n${images.join("\r\n")}\r\n</Images>\r\n</EvaluationInputData>\r\n`;
    files.unshift({ path: idx, content: Buffer.from(xml), kind: "metadata" });
  }
  const master = `<?xml version="1.0" encoding="utf-8"?>\r\n<ColumbusMeasurementIndex Version="1.0">\r\n<ScreenName>Screen1</ScreenName>\r\n<PlateName>Plate1</PlateName>\r\n<PlateType>96 well</PlateType>\r\n<PlateRows>8</PlateRows>\r\n<PlateColumns>12</PlateColumns>\r\n<Measurement MeasurementID="101">Meas1</Measurement>\r\n${refs.map((r) => `<Reference Class="IMAGEINDEX">${r}</Reference>`).join("\r\n")}\r\n</ColumbusMeasurementIndex>\r\n`;
  files.unshift({ path: "MeasurementIndex.ColumbusIDX.xml", content: Buffer.from(master), kind: "index" });
  return {
    entry: "MeasurementIndex.ColumbusIDX.xml",
    reader: "loci.formats.in.ColumbusReader",
    files,
    wells: wells.length,
    fields,
    channels,
    timepoints,
  };
}
