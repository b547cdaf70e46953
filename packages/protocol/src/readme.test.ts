/** packages/protocol/README.md is the protocol's one description: it names every code and method the tables define. */
import * as fs from "node:fs";
import * as path from "node:path";
import { DropBoxMethodParams, ERROR_CODES, MonitorMethodParams } from "./schemas";

const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");

test.each([
  ["error code", ERROR_CODES],
  ["MonitorServer method", Object.keys(MonitorMethodParams)],
  ["DropBox method", Object.keys(DropBoxMethodParams)],
])("the README names every %s", (_what, names) => {
  expect(names.filter((n) => !readme.includes(`\`${n}\``))).toEqual([]);
});
