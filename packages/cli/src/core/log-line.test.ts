import { logLineJson } from "./log-line";

test("our lines become time, level, component and message; others keep their text", () => {
  expect(logLineJson("2026-11-28T09:41:12.201Z INFO  [DropBox] imported fileset 3 (amy)", "Node")).toEqual({
    time: "2026-11-28T09:41:12.201Z",
    level: "info",
    component: "DropBox",
    message: "imported fileset 3 (amy)",
  });
  expect(logLineJson("2026-11-28T09:41:12.201Z ERROR [Node] a\\nb", "Node").message).toBe("a\\nb");
  expect(logLineJson("    at Object.<anonymous> (x.js:1:1)", "DropBox")).toEqual({
    time: null,
    level: null,
    component: "DropBox",
    message: "    at Object.<anonymous> (x.js:1:1)",
  });
});
