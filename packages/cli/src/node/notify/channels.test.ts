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
