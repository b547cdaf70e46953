import { Writable } from "node:stream";
import { jsonArray } from "./ledger-access";
import { writeChunks } from "./stdout";

function sink(failAfter = Number.POSITIVE_INFINITY): { out: NodeJS.WritableStream; got: string[] } {
  const got: string[] = [];
  const out = new Writable({
    write(chunk, _enc, cb) {
      if (got.length >= failAfter) {
        const e: NodeJS.ErrnoException = new Error("write EPIPE");
        e.code = "EPIPE";
        cb(e);
      } else {
        got.push(String(chunk));
        cb();
      }
    },
  });
  return { out, got };
}

describe("writeChunks", () => {
  it("writes everything, in chunks of about 1 MiB", async () => {
    const { out, got } = sink();
    const parts = Array.from({ length: 3000 }, (_, i) => `${"x".repeat(999)}${i % 10}`);
    expect(await writeChunks(parts, out)).toBe(true);
    expect(got.join("")).toBe(parts.join(""));
    expect(got.length).toBe(3);
  });
  it("stops quietly when the reader goes away, closing the source", async () => {
    const { out, got } = sink(1);
    let produced = 0;
    let closed = false;
    function* parts() {
      try {
        for (let i = 0; i < 10_000; i++) {
          produced++;
          yield "y".repeat(1000);
        }
      } finally {
        closed = true;
      }
    }
    expect(await writeChunks(parts(), out)).toBe(false);
    expect(got.length).toBe(1);
    expect(closed).toBe(true);
    expect(produced).toBeLessThan(10_000);
    expect(await writeChunks(["more"], out)).toBe(false);
  });
});

describe("jsonArray", () => {
  const schema = { safeParse: (v: unknown) => ({ success: (v as { ok?: boolean }).ok === true }) };
  it("gives the text of JSON.stringify(array)", () => {
    for (const n of [0, 1, 2, 5]) {
      const items = Array.from({ length: n }, (_, i) => ({ ok: true, i }));
      expect(
        [
          ...jsonArray(
            "x",
            items.map((o) => JSON.stringify(o)),
            n,
            schema,
          ),
        ].join(""),
      ).toBe(`${JSON.stringify(items)}\n`);
    }
  });
  it("fails on an element off the contract", () => {
    const texts = ['{"ok":true}', '{"ok":false}'];
    expect(() => [...jsonArray("things", texts, 2, schema)]).toThrow(/things does not match the --json contract/);
  });
});
