// `ksimage doctor [KS]`: which host tools and capabilities a build needs, which are missing, and what to install.
import type { Command } from "commander";
import { buildTools } from "../build-tools.js";
import { describeLeftover, scanLeftovers } from "../cleanup/leftovers.js";
import { checkHost } from "../host.js";
import { toolPackages, which } from "../run/index.js";
import { DEFAULT_TMPDIR } from "./cleanup.js";
import { EXIT_FAILED, EXIT_OK } from "./errors.js";
import { collect } from "./options.js";
import { planFromFile } from "./plan.js";

/** Tools any ksimage build may use, by stage, with the reason (used when no kickstart is given). */
export const ALL_TOOLS: readonly { tool: string; reason: string; optional?: boolean }[] = [
  { tool: "parted", reason: "write partition tables" },
  { tool: "sfdisk", reason: "check partition tables against the plan" },
  { tool: "losetup", reason: "attach disk images as loop devices" },
  { tool: "partx", reason: "create partition devices on loop devices" },
  { tool: "kpartx", reason: "map partitions where device-mapper exists", optional: true },
  { tool: "pvcreate", reason: "make LVM volumes (volgroup/logvol/autopart; lvm2 2.03 works without device-mapper via --driverloaded n)", optional: true },
  { tool: "mkfs.ext4", reason: "make ext2/3/4 filesystems" },
  { tool: "mkfs.xfs", reason: "make xfs filesystems", optional: true },
  { tool: "mkfs.btrfs", reason: "make btrfs filesystems", optional: true },
  { tool: "mkfs.vfat", reason: "make EFI system partitions" },
  { tool: "mkswap", reason: "make swap partitions" },
  { tool: "mount", reason: "mount the install root" },
  { tool: "umount", reason: "unmount the install root" },
  { tool: "findmnt", reason: "check that nothing stays mounted" },
  { tool: "tar", reason: "extract liveimg tarballs" },
  { tool: "mmdebstrap", reason: "install Debian appliances" },
  { tool: "dnf", reason: "install RPM appliances" },
  { tool: "rpm", reason: "read RPM package lists" },
  { tool: "grub-install", reason: "install grub for BIOS" },
  { tool: "grub-mkimage", reason: "build the UEFI boot loader" },
  { tool: "mcopy", reason: "copy the boot loader onto the ESP without mounting it" },
  { tool: "qemu-img", reason: "convert images to qcow2, vmdk and the other formats" },
  { tool: "xz", reason: "compress raw images" },
  { tool: "zstd", reason: "compress raw images and the root-tree cache" },
  { tool: "openssl", reason: "hash passwords" },
  { tool: "qemu-system-x86_64", reason: "boot-test images (ksimage boot)", optional: true },
  { tool: "xmllint", reason: "validate virt-image descriptors", optional: true },
  { tool: "virt-xml-validate", reason: "validate libvirt domain descriptors", optional: true },
];

/** Run the checks and print the report; returns the exit code (1 when something required is missing). */
export async function doctor(file: string | undefined, out: (s: string) => void, tmpdirs: readonly string[] = [DEFAULT_TMPDIR]): Promise<number> {
  const needs = file ? (await buildTools(await planFromFile(file, {}))).map((n) => ({ ...n, optional: false })) : ALL_TOOLS;
  let failed = false;
  out(file ? `tools the build of ${file} runs:\n` : "tools ksimage builds may run:\n");
  for (const n of needs) {
    const found = await which(n.tool);
    const pkg = toolPackages[n.tool];
    const pkgs = pkg ? `Debian: ${pkg.debian}, Fedora: ${pkg.fedora}` : "";
    if (!found && !n.optional) failed = true;
    out(`  ${found ? "ok     " : n.optional ? "absent " : "MISSING"} ${n.tool.padEnd(20)} ${found ? found : `${n.reason} — install ${pkgs}`}\n`);
  }
  out("host:\n");
  for (const c of await checkHost()) {
    if (!c.ok && c.required) failed = true;
    out(`  ${c.ok ? "ok     " : c.required ? "MISSING" : "absent "} ${c.name.padEnd(20)} ${c.detail}${c.ok ? "" : `; without it: ${c.without}`}\n`);
  }
  // Leftovers of killed builds hold loop devices and disk space, and a next build of the same name would meet them.
  const scan = await scanLeftovers(tmpdirs);
  out(`leftovers of killed builds (in ${tmpdirs.join(", ")}):\n`);
  out(scan.dead.length === 0 ? "  ok      none\n" : scan.dead.map((l) => describeLeftover(l).map((s) => `  ${s}\n`).join("")).join(""));
  if (failed) out("\nsomething a build needs is missing (see MISSING above); scripts/setup.sh installs every tool\n");
  else if (scan.dead.length > 0) out(`\nnot ready: ${scan.dead.length} killed build(s) left things behind; ksimage cleanup removes them\n`);
  else out("\nready to build\n");
  return failed || scan.dead.length > 0 ? EXIT_FAILED : EXIT_OK;
}

/** Register the doctor command. */
export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("check this host: the tools a build needs (with the Debian and Fedora packages), root, loop devices, device-mapper, KVM")
    .argument("[kickstart]", "check only what building this kickstart needs")
    .option("--tmpdir <dir>", `where builds make their work directories, for leftovers of killed builds (repeatable; default ${DEFAULT_TMPDIR})`, collect)
    .addHelpText("after", "\nExamples:\n  ksimage doctor\n  ksimage doctor examples/debian-minimal.ks")
    .action(async (file: string | undefined, opts: { tmpdir?: string[] }) => {
      process.exitCode = await doctor(file, (s) => process.stdout.write(s), opts.tmpdir?.length ? opts.tmpdir : [DEFAULT_TMPDIR]);
    });
}
