import { describeProgress, explainFailure, explainFile, groupPending } from "./explain";

const NOW = Date.parse("2026-11-28T10:00:00.000Z");

describe("explainFailure", () => {
  test("known errors in plain words, with what to do", () => {
    expect(explainFailure("source file vanished: /d/amy/a.tif")).toEqual({
      plain: "A file of it was deleted or moved away before the import could read it (/d/amy/a.tif).",
      todo: "Copy the complete data set into your folder again; it is then imported by itself.",
    });
    expect(explainFailure("timed out after 3600 s").plain).toBe(
      "The import took longer than the allowed 3600 seconds and was stopped.",
    );
    expect(explainFailure("user amy unknown to OMERO").todo).toContain("folder named after your OMERO user name");
    expect(explainFailure("exec command exited 2: cannot read x.tif: truncated").plain).toBe(
      "The import program could not import it: cannot read x.tif: truncated",
    );
    expect(explainFailure("omero CLI not found: omero (set omero.fs.omeroBin)").plain).toContain(
      "not a problem with your files",
    );
  });
  test("an unknown error is shown as it is", () => {
    expect(explainFailure("something odd").plain).toBe("The import program reported: something odd");
    expect(explainFailure(null).plain).toBe("The import failed without a message.");
  });
});

test("explainFile: a companion waiting for its entry file, a refused file", () => {
  expect(explainFile("pending", "incomplete fileset: waits for x.ics (entry /d/x.ics)")).toBe(
    "Waiting for the rest of its data set: x.ics (the file that opens it: /d/x.ics).",
  );
  expect(explainFile("refused", "a symbolic link out of the user's folder")).toContain(
    "Not imported: a symbolic link out of the user's folder.",
  );
});

describe("describeProgress", () => {
  const base = {
    fileCount: 4,
    quietSeconds: 60,
    notBeforeMs: null,
    attempts: 0,
    error: null,
    startedAt: null,
    lastEventMs: NOW - 10_000,
  };
  test("waiting: still being written, or complete", () => {
    expect(describeProgress({ ...base, state: "waiting" }, NOW)).toBe(
      "4 files, still being written: imported once nothing changed for 60 s (last change 10 s ago)",
    );
    expect(describeProgress({ ...base, state: "waiting", lastEventMs: NOW - 61_000 }, NOW)).toBe(
      "4 files, complete: about to be queued",
    );
    // Quiet is not complete (issue 19): the DropBox's reason, not "complete".
    const cut = "a.nd2: ND2 incomplete: no chunk map at its end";
    expect(describeProgress({ ...base, state: "waiting", lastEventMs: NOW - 61_000, waitingFor: cut }, NOW)).toBe(
      `4 files, not complete yet: ${cut}`,
    );
    expect(
      describeProgress({ ...base, state: "waiting", lastEventMs: NOW - 61_000, waitingFor: "settling:" }, NOW),
    ).toBe("4 files, complete: about to be queued");
  });
  test("queued, in a retry backoff, importing", () => {
    expect(describeProgress({ ...base, state: "queued" }, NOW)).toBe("4 files, in line for import");
    expect(describeProgress({ ...base, state: "queued", omeroPaused: true }, NOW)).toBe(
      "4 files, in line for import: paused until OMERO answers (not a failure)",
    );
    expect(
      describeProgress(
        { ...base, state: "queued", attempts: 1, notBeforeMs: NOW + 120_000, error: "timed out after 60 s" },
        NOW,
      ),
    ).toBe(
      "4 files, attempt 1 failed (The import took longer than the allowed 60 seconds and was stopped.); retried in 2 min",
    );
    expect(
      describeProgress({ ...base, state: "importing", attempts: 2, startedAt: "2026-11-28T09:59:30.000Z" }, NOW),
    ).toBe("4 files, importing for 30 s (attempt 2)");
  });
});

test("groupPending: files waiting for the same entry file are one data set, N of M here", () => {
  const g = groupPending([
    { path: "/w/amy/x.ids", reason: "x.ids waits for its entry file /w/amy/x.ics" },
    { path: "/w/amy/a.ini", reason: "incomplete fileset: waits for a.fake, b.fake (entry /w/amy/a.fake)" },
    { path: "/w/amy/x2.ids", reason: "x2.ids waits for its entry file /w/amy/x.ics" },
    { path: "/w/amy/y", reason: "y is a Volocity file in /w/amy/Data/ and waits for a .mvd2 library in /w/amy" },
  ]);
  expect(g.map((x) => [x.present, x.text])).toEqual([
    [
      ["/w/amy/x.ids", "/w/amy/x2.ids"],
      "2 of 3 files are here; waiting for x.ics. It is imported once that file arrives.",
    ],
    [["/w/amy/a.ini"], "1 of 3 files is here; waiting for a.fake, b.fake. It is imported once those files arrive."],
    [["/w/amy/y"], "Waiting: y is a Volocity file in /w/amy/Data/ and waits for a .mvd2 library in /w/amy."],
  ]);
});
