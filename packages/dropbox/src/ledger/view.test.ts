import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FileJsonSchema, ImportJsonSchema } from "@omero-fs/protocol";
import { openLedgerDb } from "./schema";
import { openLedgerView } from "./view";

/** The JSON text SQLite writes (importsJson, filesJson) is, byte for byte, JSON.stringify of the objects. */
describe("ledger view: JSON written by SQLite", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ofs-view-"));
  const file = path.join(dir, "dropbox.sqlite");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const odd = [
    'quote " backslash \\ slash /',
    "controls \u0000\u0001\b\f\n\r\t\u001f\u007f",
    "unicode é 漢字 😀 \u2028\u2029 \ufeff",
    "",
  ];
  const images = [
    JSON.stringify([{ name: "a", sizeX: 1, sizeY: 2, sizeZ: 3, sizeC: 4, sizeT: 5, pixelType: "uint8" }]),
    JSON.stringify([{ name: odd[1], sizeX: 1, sizeY: 2, sizeZ: 3, sizeC: 4, sizeT: 5, pixelType: odd[2] }]),
    "not json",
    "",
    null,
    "[]",
  ];
  const mtimes = [
    0, 1, 1.9, 999.999, 1_700_000_000_123, 1_700_000_000_123.987, 1_699_999_999_999.5, 253_402_300_799_999,
    253_402_300_800_000, 8.64e15, -1, -1.5, -86_400_000.25, -8.64e15, 951_782_400_000, 4_107_542_399_999,
  ];

  beforeAll(() => {
    const db = openLedgerDb(file);
    const insFs = db.prepare(
      `INSERT INTO filesets(watch, user, key, reader, entry, state, importer, created_at, imported_at, target, images, error, attempts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insMember = db.prepare("INSERT INTO fileset_files(fileset, ord, path) VALUES (?, ?, ?)");
    const insFile = db.prepare(
      `INSERT INTO files(path, watch, user, size, mtime_ms, state, reason, fileset, last_event_ms, seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'x')`,
    );
    const states = ["waiting", "queued", "importing", "imported", "failed"];
    const fileStates = ["pending", "grouped", "imported", "ignored", "refused", "existing"];
    db.transaction(() => {
      for (let i = 0; i < 60; i++) {
        const s = odd[i % odd.length];
        const user = i % 3 ? "amy" : `zak ${s}`;
        const entry = `/w/${user}/${s}/e${i}`;
        const id = Number(
          insFs.run(
            i % 2,
            user,
            `k${i}`,
            i % 4 ? "loci.formats.in.TiffReader" : null,
            entry,
            states[i % 5],
            ["local", "omero", "exec"][i % 3],
            `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}.000Z`,
            i % 2 ? null : "2026-01-02T00:00:00.000Z",
            i % 2 ? null : `/repo/${s}`,
            images[i % images.length],
            i % 5 === 4 ? `error ${s}` : null,
            i % 7,
          ).lastInsertRowid,
        );
        // 0 to 3 members, inserted out of order.
        const n = i % 4;
        for (const ord of [2, 0, 1].filter((o) => o < n))
          insMember.run(id, ord, ord === 0 ? entry : `${entry}.${ord}${s}`);
      }
      mtimes.forEach((m, k) => {
        for (let j = 0; j < 3; j++) {
          const i = k * 3 + j;
          insFile.run(
            `/w/amy/${odd[i % odd.length]}/f${i}`,
            0,
            i % 2 ? "amy" : "zak",
            [0, 1023, 1024 * 1024 * 5 + 1, 2 ** 40][i % 4],
            m,
            fileStates[i % 6],
            i % 3 ? null : `reason ${odd[i % odd.length]}`,
            i % 4 ? i : null,
          );
        }
      });
      // Plates (migration "plates"): the summary as the readers give it; one incomplete with its reason.
      const plate = (present: number) =>
        JSON.stringify({
          format: "MetaXpress",
          name: `P ${odd[0]}`,
          wells: 384,
          fields: 4,
          channels: 4,
          timepoints: 1,
          zSteps: 1,
          expectedImages: 6144,
          presentImages: present,
          missing: present < 6144 ? ["/w/amy/p/P_P24_s4_w4.TIF"] : [],
        });
      db.prepare("UPDATE filesets SET plate = ? WHERE id = 3").run(plate(6144));
      // Shared files (migration "shared files"): listed in path order, with odd names, also on a plate.
      const insShared = db.prepare("INSERT INTO fileset_shared(fileset, path) VALUES (?, ?)");
      for (const [id, p] of [
        [2, `/w/amy/${odd[2]}/raw.dv.log`],
        [9, "/w/amy/b_thumb.TIF"],
        [9, `/w/amy/${odd[1]}/a_thumb.TIF`],
        [5, "/w/amy/p/Q_A01_thumbX.TIF"],
      ] as const)
        insShared.run(id, p);
      db.prepare("UPDATE filesets SET plate = ?, state = 'incomplete', waiting_for = ? WHERE id = 5").run(
        plate(6143),
        "MetaXpress plate P: 6,143 of 6,144 images; missing: P_P24_s4_w4.TIF; nothing arrived for 24 h",
      );
    })();
    db.close();
  });

  const filters = [
    undefined,
    { user: "amy" },
    { state: "imported" },
    { user: "amy", state: "failed" },
    { user: "nobody" },
    { state: "incomplete" },
  ];

  it("shared files: each import lists those another import holds, in path order; a file says where else it went", () => {
    const v = openLedgerView(file);
    try {
      expect(v.getImport(9)?.shared).toEqual(["/w/amy/b_thumb.TIF", `/w/amy/${odd[1]}/a_thumb.TIF`]);
      expect(v.listImports().find((i) => i.id === 5)?.shared).toEqual(["/w/amy/p/Q_A01_thumbX.TIF"]);
      expect(v.getImport(1)?.shared).toBeUndefined();
      expect(v.sharedBy("/w/amy/b_thumb.TIF")).toEqual([9]);
      expect(v.sharedBy("/w/amy/none")).toEqual([]);
    } finally {
      v.close();
    }
  });

  it.each(filters.map((f) => [JSON.stringify(f ?? {}), f]))("imports %s", (_, f) => {
    const v = openLedgerView(file);
    try {
      const objects = v.listImports(f);
      const texts = [...v.importsJson(f)];
      expect(texts).toEqual(objects.map((o) => JSON.stringify(o)));
      expect(v.countImports(f)).toBe(objects.length);
      for (const t of texts) ImportJsonSchema.parse(JSON.parse(t));
      expect([...v.importRows(f)]).toEqual(
        objects.map((o) => ({
          id: o.id,
          user: o.user,
          state: o.state,
          attempts: o.attempts,
          fileCount: o.files.length,
          createdAt: o.createdAt,
          importedAt: o.importedAt,
          entry: o.entry,
          error: o.error,
          plate: o.plate
            ? `MetaXpress plate ${o.plate.name}: 384 wells x 4 fields x 4 channels: ${o.plate.presentImages.toLocaleString("en-US")} of 6,144 images`
            : null,
        })),
      );
      for (const o of objects) expect(v.getImport(o.id)).toEqual(o);
    } finally {
      v.close();
    }
  });

  it("keeps members in order and images as stored, null when unreadable", () => {
    const v = openLedgerView(file);
    try {
      const all = v.listImports();
      expect(all[3].files).toEqual([all[3].entry, `${all[3].entry}.1${odd[3]}`, `${all[3].entry}.2${odd[3]}`]);
      expect(all[0].files).toEqual([]);
      expect(all.map((i) => i.images === null)).toContain(true);
      expect(all[2].images).toBeNull(); // "not json"
      expect(all[1].images?.[0].name).toBe(odd[1]);
    } finally {
      v.close();
    }
  });

  it.each(filters.map((f) => [JSON.stringify(f ?? {}), f]))("files %s", (_, f) => {
    const v = openLedgerView(file);
    try {
      const objects = v.listFiles(f);
      const texts = [...v.filesJson(f)];
      expect(texts).toEqual(objects.map((o) => JSON.stringify(o)));
      expect([...v.iterateFiles(f)]).toEqual(objects);
      expect(v.countFiles(f)).toBe(objects.length);
      for (const t of texts) FileJsonSchema.parse(JSON.parse(t));
    } finally {
      v.close();
    }
  });

  it("formats every millisecond of mtime as Date#toISOString does", () => {
    const db = openLedgerDb(path.join(dir, "mtimes.sqlite"));
    const ins = db.prepare(
      "INSERT INTO files(path, watch, user, size, mtime_ms, state, last_event_ms, seen_at) VALUES (?, 0, 'u', 1, ?, 'pending', 0, 'x')",
    );
    let seed = 42;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) {
        const m = i % 2 ? Math.floor(rand() * 4.1e12) + rand() : rand() * 253_402_300_800_000;
        ins.run(`/p${String(i).padStart(6, "0")}`, m);
      }
    })();
    db.close();
    const v = openLedgerView(path.join(dir, "mtimes.sqlite"));
    try {
      expect([...v.filesJson()]).toEqual(v.listFiles().map((o) => JSON.stringify(o)));
    } finally {
      v.close();
    }
  });
});

describe("ledger view: plates", () => {
  it("an incomplete plate has its reason and its plate summary, with the reader and the missing count", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ofs-view-plate-"));
    const file = path.join(dir, "dropbox.sqlite");
    try {
      const db = openLedgerDb(file);
      db.prepare(
        `INSERT INTO filesets(watch, user, key, reader, entry, state, importer, created_at, waiting_for, plate)
         VALUES (0, 'amy', 'k', 'loci.formats.in.MetaxpressTiffReader', '/w/amy/p/P.HTD', 'incomplete', 'local', 'x', 'why', ?)`,
      ).run(
        JSON.stringify({
          format: "MetaXpress",
          name: "P",
          wells: 2,
          fields: 1,
          channels: 1,
          timepoints: 1,
          zSteps: 1,
          expectedImages: 2,
          presentImages: 1,
          missing: ["/w/amy/p/P_A02_w1.TIF"],
        }),
      );
      db.close();
      const v = openLedgerView(file);
      try {
        expect(v.getImport(1)).toMatchObject({
          state: "incomplete",
          waitingFor: "why",
          plate: {
            format: "MetaXpress",
            reader: "loci.formats.in.MetaxpressTiffReader",
            expectedImages: 2,
            presentImages: 1,
            missingImages: 1,
            missing: ["/w/amy/p/P_A02_w1.TIF"],
          },
        });
        expect(v.counts()["imports.incomplete"]).toBe(1);
      } finally {
        v.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
