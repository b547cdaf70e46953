import { PROPERTIES } from "./properties";
import { reloadClass, WATCH_RESTART_KEYS } from "./reload-class";

describe("reloadClass", () => {
  test("every per-watch property but a watch's MonitorServer is live; endpoints and the importer need a restart", () => {
    for (const p of PROPERTIES.filter((x) => x.scope === "watch"))
      expect([p.name, reloadClass(p.name)]).toEqual([p.name, WATCH_RESTART_KEYS.has(p.short) ? "restart" : "live"]);
    expect(reloadClass("omero.fs.monitorPathMap")).toBe("restart");
    expect(reloadClass("omero.fs.monitorBindControl")).toBe("restart");
    expect(reloadClass("omero.fs.notifyWebhook")).toBe("live");
    expect(reloadClass("httpToken")).toBe("live");
    expect(reloadClass("omero.fs.logLevel")).toBe("live");
    expect(reloadClass("omero.fs.importer")).toBe("restart");
    expect(reloadClass("omero.fs.monitorControl")).toBe("restart");
    expect(reloadClass("omero.fs.watchBackend")).toBe("restart");
    expect(reloadClass("dataDir")).toBe("restart");
  });
});
