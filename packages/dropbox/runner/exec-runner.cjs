#!/usr/bin/env node
// @ts-check
/**
 * Runs one `exec` import for the DropBox and writes how it ended to a record file, so that a
 * DropBox killed with -9 during the import learns the outcome when it starts again instead of
 * running the import a second time (issue 19; importers/exec.ts reads the record).
 *
 * argv: <header JSON {record, fileset, entry}> <command> [args...]. The command starts only once
 * the DropBox has written a line on stdin, which it does after recording this process group in
 * its ledger: a DropBox that dies before that closes stdin, and nothing runs. The command's
 * output is passed on to the DropBox (its log) while the DropBox is there; once it is gone, the
 * import goes on and only the record is written.
 */
"use strict";
const fs = require("node:fs");
const { spawn } = require("node:child_process");

const KEEP = 20;
const [headerJson, cmd, ...args] = process.argv.slice(2);
const header = JSON.parse(headerJson ?? "{}");
if (typeof header.record !== "string" || typeof cmd !== "string") {
  process.stderr.write("exec-runner: usage: exec-runner.cjs <header JSON> <command> [args...]\n");
  process.exit(2);
}

// A DropBox killed with -9 leaves broken pipes: the import goes on without its audience.
let audience = true;
for (const s of [process.stdout, process.stderr])
  s.on("error", () => {
    audience = false;
  });

/** The last KEEP lines of a stream, the unfinished one included at the end. */
function tail() {
  const lines = [];
  let partial = "";
  return {
    add(chunk) {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      for (const p of parts) lines.push(p.endsWith("\r") ? p.slice(0, -1) : p);
      if (lines.length > KEEP) lines.splice(0, lines.length - KEEP);
    },
    lines: () => (partial === "" ? [...lines] : [...lines, partial]),
  };
}

function writeRecord(end) {
  const tmp = `${header.record}.tmp`;
  const rec = { v: 1, fileset: header.fileset, entry: header.entry, command: cmd, pid: process.pid, ...end };
  fs.writeFileSync(tmp, `${JSON.stringify(rec)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, header.record);
}

function start() {
  const out = tail();
  const err = tail();
  // The group's SIGTERM (timeout, cancel, stop) reaches the command too: wait for its end and
  // record it rather than die first with nothing written.
  process.on("SIGTERM", () => undefined);
  process.on("SIGINT", () => undefined);
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], shell: false });
  let spawnError = null;
  for (const [stream, t, to] of [
    [child.stdout, out, process.stdout],
    [child.stderr, err, process.stderr],
  ]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      t.add(chunk);
      if (audience) to.write(chunk);
    });
  }
  const finish = (exitCode, signal) => {
    writeRecord({ exitCode, signal, spawnError, stdout: out.lines(), stderr: err.lines() });
    process.exitCode = exitCode ?? 1;
  };
  child.on("error", (e) => {
    spawnError = { code: e.code ?? "ERROR", message: e.message };
    if (child.pid === undefined) finish(null, null);
  });
  child.on("close", (code, sig) => finish(code, sig));
}

let started = false;
process.stdin.on("error", () => undefined);
process.stdin.on("data", () => {
  if (started) return;
  started = true;
  process.stdin.destroy();
  start();
});
process.stdin.on("end", () => {
  if (!started) process.exit(0);
});
