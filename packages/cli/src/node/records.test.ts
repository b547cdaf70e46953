import { isServerCmdline } from "./records";

describe("isServerCmdline: is a recorded pid really this home's server?", () => {
  const home = "/srv/omero-fs";
  test("the node's own argv for each server", () => {
    const argv = [
      "/usr/bin/node",
      "--max-semi-space-size=4",
      "/x/bin/omero-fs.js",
      "--home",
      home,
      "dropbox",
      "--quiet",
    ];
    expect(isServerCmdline(argv, home, "DropBox")).toBe(true);
    expect(isServerCmdline(argv, home, "MonitorServer")).toBe(false);
    expect(
      isServerCmdline(
        ["node", "/x/bin/omero-fs.js", "--home", home, "monitor-server", "--quiet"],
        home,
        "MonitorServer",
      ),
    ).toBe(true);
  });
  test("another home, a home that only starts with ours, a recycled pid", () => {
    expect(isServerCmdline(["node", "cli.js", "--home", `${home}-2`, "dropbox"], home, "DropBox")).toBe(false);
    expect(isServerCmdline(["node", "cli.js", "--home", "/srv", "dropbox", home], home, "DropBox")).toBe(false);
    expect(isServerCmdline(["sleep", "100"], home, "DropBox")).toBe(false);
    expect(isServerCmdline(["vim", `${home}/dropbox`], home, "DropBox")).toBe(false);
    expect(isServerCmdline([], home, "DropBox")).toBe(false);
  });
});
