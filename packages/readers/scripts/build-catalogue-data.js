#!/usr/bin/env node
/* Regenerates src/catalogue-data.json (the fields the package uses) from data/readers.json, the
 * verbatim copy of shared/formats/readers.json. Run after replacing data/readers.json. */
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const full = JSON.parse(fs.readFileSync(path.join(root, "data", "readers.json"), "utf8"));
const readers = full.readers.map((r) => ({
  className: r.class,
  name: r.name,
  order: r.order,
  suffixes: (r.suffixes ?? []).flatMap((s) => s.split(",").map((x) => x.trim().toLowerCase())),
  enabledByDefault: r.enabledByDefault,
  external: r.external,
  suffixSufficient: r.suffixSufficient,
  suffixNecessary: r.suffixNecessary,
  overridesIsThisType: Object.keys(r.overrides ?? {}).some((k) => k.startsWith("isThisType")),
  multiFile: r.multiFile,
}));
const out = { source: full.source, readers };
fs.writeFileSync(path.join(root, "src", "catalogue-data.json"), `${JSON.stringify(out, null, 1)}\n`);
console.log(`wrote ${readers.length} readers`);
