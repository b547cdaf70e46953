import type { ImportJson } from "@omero-fs/protocol";
import { emailText } from "./channels";

const fileset: ImportJson = {
  id: 7,
  user: "amy",
  watch: 0,
  state: "failed",
  reader: "loci.formats.in.ICSReader",
  entry: "/data/DropBox/amy/exp 1/x\nBcc: evil@example.org.ics",
  files: ["/data/DropBox/amy/exp 1/x\nBcc: evil@example.org.ics", "/data/DropBox/amy/exp 1/x.ids"],
  attempts: 4,
  error: "timed out after 3600 s",
  importer: "omero",
  createdAt: "2026-11-28T08:00:00.000Z",
  importedAt: null,
  target: null,
  images: null,
};

test("a failure e-mail: user, files, the reason in plain words, what to do; no control character in the subject", () => {
  const { subject, text } = emailText("import.failed", fileset);
  expect(subject).toBe("[omero-fs] import failed for amy: exp 1/x Bcc: evil@example.org.ics");
  expect(text).toContain("The import of a data set dropped by amy failed after 4 attempts.");
  expect(text).toContain("Reason:    The import took longer than the allowed 3600 seconds and was stopped.");
  expect(text).toContain("What to do: Ask the facility staff");
  expect(text).toContain("  /data/DropBox/amy/exp 1/x.ids");
  expect(text).toContain("omero-fs imports retry 7");
});

test("a success e-mail says where it went", () => {
  const { subject, text } = emailText("import.succeeded", {
    ...fileset,
    state: "imported",
    error: null,
    target: "Fileset:12",
    importedAt: "2026-11-28T08:01:00.000Z",
  });
  expect(subject.startsWith("[omero-fs] import done for amy: ")).toBe(true);
  expect(text).toContain("Target:    Fileset:12");
  expect(text).not.toContain("retry");
});

test("an incomplete e-mail names what is missing and the release command", () => {
  const { subject, text } = emailText("import.incomplete", {
    ...fileset,
    state: "incomplete",
    entry: "/data/DropBox/amy/run/P1.HTD",
    error: null,
    waitingFor: "MetaXpress plate P1: 1,530 of 1,536 images; missing: P1_P24_s4_w4.TIF and 5 more",
    plate: {
      format: "MetaXpress",
      name: "P1",
      reader: "loci.formats.in.MetaxpressTiffReader",
      wells: 384,
      fields: 4,
      channels: 1,
      timepoints: 1,
      zSteps: 1,
      expectedImages: 1536,
      presentImages: 1530,
      missingImages: 6,
      missing: ["/data/DropBox/amy/run/P1_P24_s4_w4.TIF"],
    },
  });
  expect(subject).toBe("[omero-fs] import incomplete for amy: run/P1.HTD");
  expect(text).toContain("Missing:   MetaXpress plate P1: 1,530 of 1,536 images; missing: P1_P24_s4_w4.TIF and 5 more");
  expect(text).toContain("Plate:     P1: 1530 of 1536 images (384 wells x 4 fields x 1 channels)");
  expect(text).toContain("omero-fs imports release 7");
});
