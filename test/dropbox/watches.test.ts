/** importUsers with two watches, each with its own readers file (e2e). */
import * as fs from "node:fs";
import * as path from "node:path";
import { makeCzi } from "../../packages/readers/src/complete/__fixtures__/make";
import { files, type Home, imports, makeHome, sync, tiff, up, waitFor, write } from "./harness";

jest.setTimeout(60_000);

describe("importUsers: two named-user watches with different readers files", () => {
  let h: Home;
  let down: () => Promise<void> = async () => undefined;
  let wa: string;
  let wz: string;
  beforeAll(async () => {
    const probe = makeHome();
    const root = probe.root;
    wa = path.join(root, "amy-in");
    wz = path.join(root, "zak-in");
    fs.mkdirSync(wa);
    fs.mkdirSync(wz);
    const ra = write(path.join(root, "readers-amy.txt"), "# TIFF only\nloci.formats.in.TiffDelegateReader\n");
    const rz = write(path.join(root, "readers-zak.txt"), "loci.formats.in.ZeissCZIReader\n");
    fs.writeFileSync(
      path.join(probe.home, "etc", "config.json"),
      JSON.stringify({
        ...JSON.parse(fs.readFileSync(path.join(probe.home, "etc", "config.json"), "utf8")),
        "omero.fs.importUsers": "amy;zak",
        "omero.fs.watchDir": `${wa};${wz}`,
        "omero.fs.readers": `${ra};${rz}`,
        // Per-watch lists: every slot needs the fast values (an empty slot takes OMERO's default).
        "omero.fs.dirImportWait": "0.5;0.5",
        "omero.fs.throttleImport": "0;0",
      }),
    );
    h = probe;
    ({ down } = await up(h));
  });
  afterAll(async () => {
    await down();
    h.cleanup();
  });

  it("imports every file under each watchDir for that watch's user, with that watch's formats", async () => {
    for (const w of [wa, wz]) {
      write(path.join(w, "a.tif"), tiff());
      write(path.join(w, "sub", "c.tif"), tiff());
      // A whole CZI: 64 bytes of "ZISRAWFILE" is a cut one, never imported (issue 19).
      write(path.join(w, "b.czi"), makeCzi(1, 64));
    }
    await sync(h.home);
    const want = [path.join(wa, "a.tif"), path.join(wa, "sub", "c.tif"), path.join(wz, "b.czi")];
    await waitFor(
      () => want.every((p) => imports(h).some((i) => i.state === "imported" && i.files.includes(p))),
      "amy's TIFFs and zak's CZI imported",
      { timeoutMs: 20000 },
    ).catch((e: Error) => {
      throw new Error(
        `${e.message}\n${fs.readFileSync(path.join(h.home, "var/log/DropBox.log"), "utf8")}\n${JSON.stringify(files(h), null, 1)}\n${JSON.stringify(imports(h), null, 1)}`,
      );
    });
    const all = imports(h);
    expect(all).toHaveLength(3);
    for (const i of all) expect(i.user).toBe(i.files[0]!.startsWith(wa) ? "amy" : "zak");
    expect(all.find((i) => i.files.includes(path.join(wz, "b.czi")))).toMatchObject({ watch: 1, user: "zak" });
    // Each readers file excludes the other watch's format: ignored, with the reason.
    await waitFor(() => {
      const f = files(h);
      return (
        f.find((x) => x.path === path.join(wa, "b.czi"))?.state === "ignored" &&
        f.find((x) => x.path === path.join(wz, "a.tif"))?.state === "ignored"
      );
    }, "excluded formats ignored");
    const czi = files(h).find((x) => x.path === path.join(wa, "b.czi"))!;
    expect(czi.reason).toMatch(/readers/);
    expect(czi.user).toBe("amy");
  });
});
