/**
 * A Yokogawa CellVoyager CV7000 measurement folder: `<plate>.wpi` (bts:WellPlate), `MeasurementData.mlf`
 * (one bts:MeasurementRecord bts:Type="IMG" per plane, the file name as text), `MeasurementDetail.mrf`
 * (naming the .wpp and .mes files and the shading-correction images), and the planes
 * `<plate>_<well>_T<t>F<field>L01A01Z<z>C<ch>.tif` (names as CV7000Reader's test data and the instrument use).
 */
import { type FixtureFile, type PlateFixture, tinyTiff } from "./plate";

export interface Cv7000Options {
  plate?: string;
  /** Wells as [row, col], 1-based. */
  wells?: [number, number][];
  fields?: number;
  channels?: number;
  zSlices?: number;
  /** Add one bts:Type="ERR" record (a failed acquisition: no file). */
  errorRecord?: boolean;
}

const p = (n: number, w: number) => String(n).padStart(w, "0");
const BTS = `xmlns:bts="http://www.yokogawa.co.jp/BTS/BTSSchema/1.0"`;

export function cv7000ImageName(plate: string, row: number, col: number, f: number, z: number, c: number): string {
  return `${plate}_${String.fromCharCode(64 + row)}${p(col, 2)}_T0001F${p(f, 3)}L01A01Z${p(z, 2)}C${p(c, 2)}.tif`;
}

export function cv7000Plate(opts: Cv7000Options = {}): PlateFixture {
  const plate = opts.plate ?? "AssayPlate_Greiner_781091";
  const wells = opts.wells ?? [
    [1, 1],
    [1, 2],
  ];
  const fields = opts.fields ?? 2;
  const channels = opts.channels ?? 2;
  const zs = opts.zSlices ?? 1;
  const images: string[] = [];
  const records: string[] = [];
  for (const [row, col] of wells) {
    for (let f = 1; f <= fields; f++) {
      for (let z = 1; z <= zs; z++) {
        for (let c = 1; c <= channels; c++) {
          const name = cv7000ImageName(plate, row, col, f, z, c);
          images.push(name);
          records.push(
            `<bts:MeasurementRecord bts:Time="2025-01-06T10:00:0${c}.000+01:00" bts:Column="${col}" bts:Row="${row}" bts:FieldIndex="${f}" bts:TimePoint="1" bts:TimelineIndex="1" bts:X="0" bts:Y="0" bts:Z="${z}" bts:Type="IMG" bts:TileXIndex="1" bts:TileYIndex="1" bts:ZIndex="${z}" bts:ActionIndex="1" bts:Action="Acquire2D" bts:Ch="${c}">${name}</bts:MeasurementRecord>`,
          );
        }
      }
    }
  }
  if (opts.errorRecord) {
    records.push(
      `<bts:MeasurementRecord bts:Time="2025-01-06T10:05:00.000+01:00" bts:Column="9" bts:Row="8" bts:FieldIndex="1" bts:TimePoint="1" bts:TimelineIndex="1" bts:Type="ERR" bts:ZIndex="1" bts:ActionIndex="1" bts:Ch="1">Autofocus failed</bts:MeasurementRecord>`,
    );
  }
  const mlf = `<?xml version="1.0" encoding="utf-8"?>\r\n<bts:MeasurementData ${BTS} bts:Version="1.0">\r\n${records.join("\r\n")}\r\n</bts:MeasurementData>\r\n`;
  const channelXml = Array.from(
    { length: channels },
    (_, i) =>
      `<bts:MeasurementChannel bts:Ch="${i + 1}" bts:HorizontalPixelDimension="0.325" bts:VerticalPixelDimension="0.325" bts:CameraNumber="${i + 1}" bts:InputBitDepth="16" bts:InputLevel="4095" bts:HorizontalPixels="4" bts:VerticalPixels="4" bts:FilterWheelPosition="1" bts:FilterPosition="${i + 1}" bts:ShadingCorrectionSource="SC_BP445_CH${p(i + 1, 2)}.tif"/>`,
  );
  const mrf = `<?xml version="1.0" encoding="utf-8"?>\r\n<bts:MeasurementDetail ${BTS} bts:Version="1.0" bts:OperatorName="facility" bts:Title="${plate}" bts:Application="CellVoyager" bts:BeginTime="2025-01-06T10:00:00.000+01:00" bts:EndTime="2025-01-06T11:00:00.000+01:00" bts:MeasurementSettingFileName="${plate}.mes" bts:UserSettingFileName="" bts:TimelineCount="1" bts:TargetSystem="CV7000">\r\n<bts:MeasurementSamplePlate bts:Name="${plate}" bts:WellPlateFileName="${plate}.wpi" bts:WellPlateProductFileName="${plate}.wpp"/>\r\n${channelXml.join("\r\n")}\r\n</bts:MeasurementDetail>\r\n`;
  const wpi = `<?xml version="1.0" encoding="utf-8"?>\r\n<bts:WellPlate ${BTS} bts:Name="${plate}" bts:ProductID="781091" bts:Rows="16" bts:Columns="24" bts:Description=""/>\r\n`;
  const files: FixtureFile[] = [
    { path: `${plate}.wpi`, content: Buffer.from(wpi), kind: "index" },
    { path: "MeasurementData.mlf", content: Buffer.from(mlf), kind: "metadata" },
    { path: "MeasurementDetail.mrf", content: Buffer.from(mrf), kind: "metadata" },
    {
      path: `${plate}.wpp`,
      content: Buffer.from(`<?xml version="1.0"?><bts:WellPlateProduct ${BTS}/>`),
      kind: "metadata",
    },
    {
      path: `${plate}.mes`,
      content: Buffer.from(`<?xml version="1.0"?><bts:MeasurementSetting ${BTS}/>`),
      kind: "metadata",
    },
    ...Array.from({ length: channels }, (_, i) => ({
      path: `SC_BP445_CH${p(i + 1, 2)}.tif`,
      content: tinyTiff(),
      kind: "metadata" as const,
    })),
    ...images.map((i) => ({ path: i, content: tinyTiff(), kind: "image" as const })),
  ];
  return {
    entry: `${plate}.wpi`,
    reader: "loci.formats.in.CV7000Reader",
    files,
    wells: wells.length,
    fields,
    channels,
    timepoints: 1,
  };
}
