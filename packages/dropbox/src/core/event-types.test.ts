import { eventWanted, monitorEventTypes } from "./event-types";

describe("event types", () => {
  it("asks for deletions whatever eventTypes says", () => {
    expect(monitorEventTypes(["Creation", "Modification"])).toEqual(["Creation", "Modification", "Deletion"]);
    expect(monitorEventTypes(["Creation", "Deletion"])).toEqual(["Creation", "Deletion"]);
  });
  it("acts on deletions always, on creations and modifications as eventTypes says", () => {
    expect(eventWanted("Delete", ["Creation"])).toBe(true);
    expect(eventWanted("Modify", ["Creation"])).toBe(false);
    expect(eventWanted("Create", ["Creation"])).toBe(true);
  });
});
