/**
 * `omero-fs curve keygen NAME [--force]`: a CURVE key pair for the TCP endpoints of a MonitorServer
 * on another host (README "Across hosts: TCP, CURVE and ZAP"). Writes `etc/curve/NAME.key` (the
 * Z85 secret key, mode 0600) and `etc/curve/NAME.pub` (the Z85 public key), each one line.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { CommandModule } from "yargs";
import { type GlobalArgs, homeOf } from "../context";
import { CliError } from "../errors";

interface KeygenArgs extends GlobalArgs {
  name: string;
  force?: boolean;
  json?: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** A name for key files, or why not. */
export function keyNameProblem(name: string): string | null {
  if (!NAME.test(name)) return `"${name}" is not a key name: use letters, digits, '.', '_', '@' or '-' (at most 64)`;
  if (name === "authorized_keys") return `"authorized_keys" is the list of client keys, not a key name`;
  return null;
}

/** What to do with the new files (printed after them). */
export function keygenAdvice(name: string, publicKey: string, host: string): string[] {
  if (name === "server")
    return [
      "On the MonitorServer host: leave server.key in etc/curve/; the MonitorServer encrypts its tcp:// endpoints with it.",
      "List the clients it lets in, one public key per line, in etc/curve/authorized_keys there.",
      "Each DropBox needs the server's public key (quote it: Z85 has shell characters):",
      `    omero-fs config set omero.fs.monitorServerKey '${publicKey}'`,
      "(or copy server.pub to the DropBox host and give its path; one slot per watch).",
    ];
  const asClient =
    name === "client"
      ? ["On the DropBox host: leave client.key and client.pub in etc/curve/; the DropBox connects with them."]
      : [`To use this pair as a DropBox's, copy it to that host's etc/curve/ as client.key and client.pub.`];
  return [
    ...asClient,
    "On each MonitorServer host, add this line to etc/curve/authorized_keys (it is read again when it changes):",
    `    ${publicKey} ${name}@${host}`,
  ];
}

function writeNew(file: string, text: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text, { mode, flag: "wx" });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

export const curveCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "curve <command>",
  describe: "CURVE keys for MonitorServers on other hosts (TCP)",
  builder: (y) =>
    y
      .command<KeygenArgs>({
        command: "keygen <name>",
        describe: "Write etc/curve/NAME.key (secret, 0600) and NAME.pub (public) for server or client",
        builder: (k) =>
          k
            .positional("name", { type: "string", demandOption: true, describe: "server, client, or another name" })
            .option("force", { type: "boolean", describe: "replace existing key files" })
            .option("json", { type: "boolean", describe: "print {name, secretKeyFile, publicKeyFile, publicKey}" }),
        handler: (args) => {
          const problem = keyNameProblem(args.name);
          if (problem) throw new CliError(`curve keygen: ${problem}`);
          const dir = path.join(homeOf(args), "etc", "curve");
          const keyFile = path.join(dir, `${args.name}.key`);
          const pubFile = path.join(dir, `${args.name}.pub`);
          const existing = [keyFile, pubFile].filter((f) => fs.existsSync(f));
          if (existing.length > 0 && !args.force)
            throw new CliError(
              `curve keygen: ${existing.join(" and ")} already exist${existing.length === 1 ? "s" : ""}; clients and servers using that key would be locked out. Give --force to replace`,
            );
          // Loaded here only: the zeromq addon is not needed by the other commands.
          const { curveKeyPair } = require("zeromq") as typeof import("zeromq");
          const pair = curveKeyPair();
          fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
          for (const f of existing) fs.rmSync(f, { force: true });
          writeNew(keyFile, `${pair.secretKey}\n`, 0o600);
          writeNew(pubFile, `${pair.publicKey}\n`, 0o644);
          if (args.json) {
            process.stdout.write(
              `${JSON.stringify({ name: args.name, secretKeyFile: keyFile, publicKeyFile: pubFile, publicKey: pair.publicKey }, null, 2)}\n`,
            );
            return;
          }
          const lines = [
            `wrote ${keyFile} (the secret key, mode 0600: keep it on the host that uses it, copy it nowhere else)`,
            `wrote ${pubFile} (the public key: ${pair.publicKey})`,
            "",
            ...keygenAdvice(args.name, pair.publicKey, os.hostname()),
          ];
          process.stdout.write(`${lines.join("\n")}\n`);
        },
      })
      .demandCommand(1, "Give a curve command: keygen."),
  handler: () => undefined,
};
