// Time zone names, the /etc/localtime target and /etc/adjtime.
import { describe, expect, it } from "vitest";
import { adjtimeText, isZoneName, localtimeTarget } from "../../../../src/installer/configure/timezone.js";

describe("timezone", () => {
  it.each([
    ["Europe/Prague", true],
    ["Etc/GMT+5", true],
    ["America/Argentina/Buenos_Aires", true],
    ["UTC", true],
    ["../../etc/passwd", false],
    ["/Europe/Prague", false],
    ["Europe/../../x", false],
    ["Europe Prague", false],
  ])("isZoneName(%s) = %s", (name, ok) => expect(isZoneName(name)).toBe(ok));

  it("links relative to /etc", () => expect(localtimeTarget("Europe/Prague")).toBe("../usr/share/zoneinfo/Europe/Prague"));

  it("adjtime: UTC or LOCAL on line 3", () => {
    expect(adjtimeText(true)).toBe("0.0 0 0.0\n0\nUTC\n");
    expect(adjtimeText(false)).toBe("0.0 0 0.0\n0\nLOCAL\n");
  });

  it("adjtime keeps a valid drift record and replaces a broken one", () => {
    expect(adjtimeText(true, "0.012 1700000000 0.0\n1700000000\nLOCAL\n")).toBe("0.012 1700000000 0.0\n1700000000\nUTC\n");
    expect(adjtimeText(false, "garbage\n")).toBe("0.0 0 0.0\n0\nLOCAL\n");
  });
});
