// `ksimage build` refuses to run without root and names the commands that need none.
import { describe, expect, it } from "vitest";
import { requireRoot } from "../../../src/cli/build.js";
import { KsimageError } from "../../../src/errors.js";

describe("requireRoot", () => {
  it("passes for uid 0", () => expect(() => requireRoot(0)).not.toThrow());
  it("explains, with the root-free commands in the hint", () => {
    try {
      requireRoot(1000);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KsimageError);
      expect((e as KsimageError).message).toBe("ksimage build must run as root: it attaches loop devices and mounts filesystems");
      expect((e as KsimageError).hint).toMatch(/validate, inspect and plan work without root/);
    }
  });
});
