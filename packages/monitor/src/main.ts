/**
 * Standalone entry: `node packages/monitor/dist/main.js [--home DIR] [--console]`. The CLI's
 * `omero-fs monitor-server` does the same through yargs.
 */
import { resolveHome } from "@omero-fs/config";
import { messageOf } from "./errors";
import { runMonitorServer } from "./server";

export async function main(argv: string[]): Promise<void> {
  let home: string | undefined;
  let consoleLog = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--home") home = argv[++i];
    else if (argv[i].startsWith("--home=")) home = argv[i].slice("--home=".length);
    else if (argv[i] === "--console") consoleLog = true;
  }
  try {
    await runMonitorServer({ home: resolveHome(home), console: consoleLog });
  } catch (e) {
    process.stderr.write(`omero-fs monitor-server: ${messageOf(e).split("\n")[0]}\n`);
    process.exit(1);
  }
}

if (require.main === module) void main(process.argv.slice(2));
