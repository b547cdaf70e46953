/**
 * Opera Flex (FlexReader): `nnnnnnnnn.flex` TIFFs (row, column, field in the name; FLEX XML in tag 65200) of one
 * folder form one plate; a measurement's `.mea` and `.res` beside them join it. A `.flex` not named by the
 * well pattern opens the plate too without being used (pruned).
 */
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const FLEX_XML =
  '<?xml version="1.0" encoding="UTF-8"?><Root xmlns="http://www.perkinelmer.com/PEHH/HHFlexSchema"><FLEX version="1.0">' +
  '<Arrays><Array Name="Exp1Cam1" Width="4" Height="4" Factor="1"/></Arrays>' +
  '<Images><Image No="0"><ArrayRef>Exp1Cam1</ArrayRef><Sublayout>1</Sublayout></Image></Images></FLEX></Root>';
const flex = () => tiff({ ascii: { 65200: FLEX_XML } });

export const layouts: GoldenLayout[] = [
  {
    name: "flex-two-wells",
    note: "two wells' .flex files, no measurement files",
    files: { "001001000.flex": flex(), "001002000.flex": flex() },
  },
  {
    name: "flex-measurement",
    note: "wells with the measurement's .mea and .res, and a .flex not named like a well",
    files: {
      "001001000.flex": flex(),
      "001002000.flex": flex(),
      "Meas_01.mea": '<?xml version="1.0" encoding="UTF-8"?>\n<Measurement><Plate/></Measurement>\n',
      "Meas_01.res": '<?xml version="1.0" encoding="UTF-8"?>\n<AnalysisResults/>\n',
      "readme.flex": flex(),
    },
  },
  {
    name: "flex-upper-spaces",
    note: "a plate folder with spaces and upper-case .FLEX names",
    files: { "Opera run 2/002003001.FLEX": flex(), "Opera run 2/002004001.FLEX": flex() },
  },
];
