// Checksums, OVA manifest and tar argv, appliance-creator packaging argv, OVMF choice and the preflight tool list.
import { describe, expect, it } from "vitest";
import { parseSumLine, sha256SumsText, sha256sumArgs } from "../../../src/output/checksums.js";
import { manifestLine, ovaTarArgs, parseManifest, USTAR_MAX_BYTES } from "../../../src/output/ova.js";
import { pickOvmf } from "../../../src/output/ovmf.js";
import { includeCopyArgs, packCommand } from "../../../src/output/package.js";
import { outputTools } from "../../../src/output/tools.js";

const H1 = "a".repeat(64);
const H2 = "b".repeat(64);

describe("checksums", () => {
  it("hashes in binary mode by relative name", () => expect(sha256sumArgs("app-sda.qcow2")).toEqual(["openssl", "dgst", "-sha256", "-r", "--", "app-sda.qcow2"]));
  it("parses both sha256sum line forms", () => {
    expect(parseSumLine(`${H1} *app.ova`)).toEqual({ sha256: H1, name: "app.ova" });
    expect(parseSumLine(`${H1}  a b.xml`)).toEqual({ sha256: H1, name: "a b.xml" });
    expect(() => parseSumLine("nonsense")).toThrow(/unexpected checksum output/);
  });
  it("writes SHA256SUMS sorted by name, in sha256sum's binary form", () => {
    expect(sha256SumsText([{ sha256: H2, name: "b" }, { sha256: H1, name: "a" }])).toBe(`${H1} *a\n${H2} *b\n`);
  });
});

describe("OVA", () => {
  it("manifest lines round-trip", () => {
    const text = manifestLine("app.ovf", H1) + manifestLine("app-sda.vmdk", H2);
    expect(text).toBe(`SHA256(app.ovf)= ${H1}\nSHA256(app-sda.vmdk)= ${H2}\n`);
    expect([...parseManifest(text)]).toEqual([["app.ovf", H1], ["app-sda.vmdk", H2]]);
  });
  it("tars the members in the given order as ustar, owned by root", () => {
    expect(ovaTarArgs("/o/app.ova.partial", "/o/.app.ova.d", [{ name: "app.ovf", bytes: 10 }, { name: "app.mf", bytes: 10 }, { name: "app-sda.vmdk", bytes: 10 }])).toEqual([
      "tar", "--format=ustar", "--owner=0", "--group=0", "--numeric-owner", "--mode=0644", "-cf", "/o/app.ova.partial", "-C", "/o/.app.ova.d", "--", "app.ovf", "app.mf", "app-sda.vmdk",
    ]);
  });
  it("switches to pax when a disk is too big for a ustar header", () => {
    expect(ovaTarArgs("/o", "/s", [{ name: "big.vmdk", bytes: USTAR_MAX_BYTES + 1 }])[1]).toBe("--format=posix");
  });
});

describe("appliance-creator packaging", () => {
  it.each([
    ["tar", ["tar", "--sparse", "-cf", "/o/app.tar", "--", "app/app-sda.raw.xz", "app/SHA256SUMS"], undefined],
    ["tar.gz", ["tar", "--sparse", "-z", "-cf", "/o/app.tar.gz", "--", "app/app-sda.raw.xz", "app/SHA256SUMS"], undefined],
    ["tar.bz2", ["tar", "--sparse", "-j", "-cf", "/o/app.tar.bz2", "--", "app/app-sda.raw.xz", "app/SHA256SUMS"], undefined],
    ["tar.xz", ["tar", "--sparse", "-J", "-cf", "/o/app.tar.xz", "--", "app/app-sda.raw.xz", "app/SHA256SUMS"], { XZ_OPT: "-T0" }],
    ["zip", ["zip", "-r", "-q", "/o/app.zip", "--", "app/app-sda.raw.xz", "app/SHA256SUMS"], undefined],
  ] as const)("-p %s", (kind, argv, env) => {
    const cmd = packCommand(kind, `/o/app.${kind}`, "/o", "app", ["app-sda.raw.xz", "SHA256SUMS"]);
    expect(cmd.argv).toEqual(argv);
    expect(cmd.cwd).toBe("/o");
    expect(cmd.env).toEqual(env);
  });
  it("--include copies a directory's contents, or a file, following symlinks", () => {
    expect(includeCopyArgs("/src/extra", true, "/o/app")).toEqual(["cp", "-R", "-L", "--preserve=mode,timestamps", "--", "/src/extra/.", "/o/app/"]);
    expect(includeCopyArgs("/src/README", false, "/o/app")).toEqual(["cp", "-R", "-L", "--preserve=mode,timestamps", "--", "/src/README", "/o/app/"]);
  });
});

describe("pickOvmf", () => {
  it("prefers the 4 MiB pair, then the plain one; null without a pair", () => {
    const deb = ["/usr/share/OVMF/OVMF_CODE_4M.ms.fd", "/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd", "/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"];
    expect(pickOvmf(deb)).toEqual({ code: "/usr/share/OVMF/OVMF_CODE_4M.fd", vars: "/usr/share/OVMF/OVMF_VARS_4M.fd" });
    expect(pickOvmf(["/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd"])).toEqual({ code: "/usr/share/edk2/ovmf/OVMF_CODE.fd", vars: "/usr/share/edk2/ovmf/OVMF_VARS.fd" });
    expect(pickOvmf(["/usr/share/OVMF/OVMF_CODE_4M.fd"])).toBeNull();
  });
});

describe("outputTools", () => {
  it("names each tool once, with why", () => {
    const tools = outputTools({ formats: ["raw", "qcow2", "ova"], compress: "default", package: "tar.bz2", include: ["/x"], uefi: false });
    expect(tools.map((t) => t.tool)).toEqual(["sh", "xz", "qemu-img", "tar", "openssl", "cp", "bzip2"]);
    expect(tools.find((t) => t.tool === "xz")!.reason).toBe("compress the raw disks with xz");
  });
  it("plain raw is copied by qemu-img; zstd raw needs zstd; zip needs zip", () => {
    expect(outputTools({ formats: ["raw"], compress: "none", uefi: false }).map((t) => t.tool)).toEqual(["qemu-img", "openssl"]);
    expect(outputTools({ formats: ["raw"], compress: "zstd", package: "zip", uefi: false }).map((t) => t.tool)).toEqual(["zstd", "openssl", "zip"]);
  });
});
