// /etc/fstab text from the template: header, then the planned lines verbatim (no HTML escaping).
import { describe, expect, it } from "vitest";
import { renderFstab } from "../../../src/partition/fstab.js";
import { partialPath } from "../../../src/partition/disk-files.js";

describe("renderFstab", () => {
  it("header comment naming the appliance, then every line in order", () => {
    const text = renderFstab("web", ["UUID=a / ext4 defaults 0 1", "UUID=b /boot/efi vfat umask=0077,shortname=winnt 0 2"]);
    expect(text).toBe(
      [
        "# /etc/fstab: static file system information, written by ksimage for web.",
        "# Filesystems are named by UUID, so the image boots from any disk controller.",
        "#",
        "# <file system> <mount point> <type> <options> <dump> <pass>",
        "UUID=a / ext4 defaults 0 1",
        "UUID=b /boot/efi vfat umask=0077,shortname=winnt 0 2",
        "",
      ].join("\n"),
    );
  });

  it("does not escape characters such as & or =", () => expect(renderFstab("a&b", ["x=1 & y"])).toContain("x=1 & y\n"));
});

describe("partialPath", () => {
  it("the unfinished disk sits next to its final name", () => expect(partialPath("/out/web/web-sda.raw")).toBe("/out/web/web-sda.raw.partial"));
});
