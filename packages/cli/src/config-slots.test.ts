import { slotReport, valueForAll } from "./config-slots";

describe("config set of a per-watch property with several watches", () => {
  const base = { name: "omero.fs.dirImportWait", defaultRaw: "60", users: ["amy", "zak"] };
  test("one value sets watch 1 only, and says how to set all", () => {
    expect(slotReport({ ...base, before: "", after: "2" })).toEqual([
      "  watch 1 of 2 (amy): 2; was 60 (the default)",
      "  watch 2 of 2 (zak): 60 (the default); unchanged",
      "The value has 1 slot for 2 watches (slots are separated by ;): to set every watch, omero-fs config set omero.fs.dirImportWait 2 --all (stores 2;2)",
    ]);
  });
  test("a value per watch: no hint; changes and unchanged slots named", () => {
    expect(slotReport({ ...base, before: "5;7", after: "5;2" })).toEqual([
      "  watch 1 of 2 (amy): 5; unchanged",
      "  watch 2 of 2 (zak): 2; was 7",
    ]);
  });
  test("one watch: nothing to say; a skipped (empty) importUsers entry is not listed", () => {
    expect(slotReport({ ...base, users: ["default"], before: "60", after: "2" })).toEqual([]);
    expect(slotReport({ ...base, users: ["amy", "", "zak"], before: "", after: "1;;3" })).toEqual([
      "  watch 1 of 3 (amy): 1; was 60 (the default)",
      "  watch 3 of 3 (zak): 3; was 60 (the default)",
    ]);
  });
  test("--all repeats the value for every watch", () => {
    expect(valueForAll("2", 3)).toBe("2;2;2");
    expect(valueForAll(" Flat ", 1)).toBe("Flat");
  });
});
