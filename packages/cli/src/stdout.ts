/**
 * Long outputs (`imports list` on 100,000 filesets is 60 MB of JSON) go to stdout in chunks of about
 * 1 MiB as they are produced, never as one string, waiting for each chunk to be taken (backpressure
 * on a pipe or a terminal). A reader that goes away (`omero-fs imports list --json | head`, EPIPE)
 * ends the output quietly: no stack trace, exit status 0, the rest of the list not even read.
 */

/** Chunks of about this many UTF-16 code units are handed to stdout. */
const CHUNK = 1 << 20;

/** Streams whose reader closed the pipe (EPIPE): nothing more is written to them. */
const gone = new WeakSet<NodeJS.WritableStream>();
const listening = new WeakSet<NodeJS.WritableStream>();

function isEpipe(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === "EPIPE";
}

function listen(out: NodeJS.WritableStream): void {
  if (listening.has(out)) return;
  listening.add(out);
  // EPIPE also comes as an 'error' event; unhandled, it would end the process with a stack trace.
  out.on("error", (e: unknown) => {
    if (isEpipe(e)) gone.add(out);
    else throw e;
  });
}

function writeOne(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(text, (e) => {
      if (!e) resolve();
      else if (isEpipe(e) || (e as NodeJS.ErrnoException).code === "ERR_STREAM_DESTROYED") {
        gone.add(out);
        resolve();
      } else reject(e);
    });
  });
}

/**
 * Write the concatenation of `parts` to stdout in chunks; false when the reader went away before
 * the end (the iterator is then closed early: `return()`, which ends a SQLite iteration).
 */
export async function writeChunks(
  parts: Iterable<string>,
  out: NodeJS.WritableStream = process.stdout,
): Promise<boolean> {
  listen(out);
  if (gone.has(out)) return false;
  let buf = "";
  for (const part of parts) {
    buf += part;
    if (buf.length >= CHUNK) {
      await writeOne(out, buf);
      buf = "";
      if (gone.has(out)) return false;
    }
  }
  if (buf) await writeOne(out, buf);
  return !gone.has(out);
}
