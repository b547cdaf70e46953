import { decodeRequest } from "./codec";
import { MonitorMethodParams } from "./schemas";

test("createMonitor refuses a timeout longer than a Node timer holds, naming the field and the maximum", () => {
  const req = (timeout: number) =>
    JSON.stringify({ v: 1, id: "x", method: "createMonitor", params: { watchDir: "/d", timeout } });
  expect(decodeRequest(req(2147483.647), MonitorMethodParams).ok).toBe(true);
  const r = decodeRequest(req(2147484), MonitorMethodParams);
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.error.code).toBe("BAD_PARAMS");
    expect(r.error.message).toContain("params.timeout");
    expect(r.error.message).toContain("2147483.647");
  }
});
