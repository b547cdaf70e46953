/** A temporary home for the config loader's unit tests: its files written as a user would. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig } from "../load";

/** A fresh home per test (made before, removed after each); `dir` is the current one. */
export function configHome(): {
  readonly dir: string;
  writeXml(text: string): void;
  writeJson(obj: unknown): void;
  load(env?: NodeJS.ProcessEnv): ReturnType<typeof loadConfig>;
} {
  let dir = "";
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "omero-fs-config-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    get dir() {
      return dir;
    },
    writeXml(text) {
      fs.mkdirSync(path.join(dir, "etc", "grid"), { recursive: true });
      fs.writeFileSync(path.join(dir, "etc", "grid", "templates.xml"), text);
    },
    writeJson(obj) {
      fs.mkdirSync(path.join(dir, "etc"), { recursive: true });
      fs.writeFileSync(path.join(dir, "etc", "config.json"), typeof obj === "string" ? obj : JSON.stringify(obj));
    },
    load: (env = {}) => loadConfig({ home: dir, env }),
  };
}

/** templates.xml property lines: `<property name="omero.fs.NAME" value="VALUE"/>`. */
export const prop = (name: string, value: string) => `<property name="omero.fs.${name}" value="${value}"/>\n`;
export const props = (o: Record<string, string>) =>
  Object.entries(o)
    .map(([k, v]) => prop(k, v))
    .join("");
