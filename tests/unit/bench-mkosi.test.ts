// The mkosi side of the bench (bench/mkosi.ts): its argv for the example's plan, and the ratio line.
import { describe, expect, it } from "vitest";
import { mkosiArgs, ratioLine } from "../../bench/mkosi.js";

const plan = { packages: { backend: "apt", suite: "bookworm", entries: [{ uri: "http://mirror.invalid/debian", suite: "bookworm", components: ["main"] }], selection: { packages: ["linux-image-amd64", "grub-pc-bin"] } } } as unknown as Parameters<typeof mkosiArgs>[0];

describe("bench/mkosi", () => {
  it("builds the example's suite and packages from the plan's archive as a bootable BIOS disk, with a kept cache", () => {
    expect(mkosiArgs(plan, "/w/mkosi.raw", "/w/cache")).toEqual([
      "mkosi", "--force", "--distribution=debian", "--release=bookworm", "--mirror=http://mirror.invalid/debian", "--format=gpt_ext4", "--bootable", "--boot-protocols=bios",
      "--incremental", "--cache=/w/cache", "--output=/w/mkosi.raw", "--package=linux-image-amd64", "--package=grub-pc-bin", "build",
    ]);
  });
  it("refuses a plan without the apt backend", () => {
    expect(() => mkosiArgs({ packages: null } as unknown as Parameters<typeof mkosiArgs>[0], "o", "c")).toThrow(/apt plan/);
  });
  it("says ksimage's time against mkosi's", () => {
    expect(ratioLine("cold", 52.5, 69.8)).toBe("cold: ksimage 52.5 s / mkosi 69.8 s = 0.75");
  });
});
