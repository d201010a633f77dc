// bootloader --extlinux: syslinux's extlinux -i into /boot/extlinux, its config from a template, mbr.bin into the MBR.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import Handlebars from "handlebars";
import { PlanError } from "../../errors.js";
import { packageFile } from "../../package-root.js";
import { isDryRun, run, which } from "../../run/index.js";
import type { GuestSession } from "../guest/session.js";
import { bootPath, kernelCommandLine } from "./grub-cfg.js";
import type { KernelImage } from "./kernels.js";
import type { BootloaderPlan, SerialConsole } from "./types.js";

/** syslinux's MBR boot code: in the guest (Debian, Fedora paths), else on the host. */
export const MBR_BIN_PATHS = ["usr/lib/syslinux/mbr/mbr.bin", "usr/share/syslinux/mbr.bin", "usr/lib/EXTLINUX/mbr.bin"];

/** Whose extlinux runs: the guest's in the guest session, or the host's. */
export type ExtlinuxTool = { kind: "guest"; command: string } | { kind: "host"; command: string };

interface TemplateData {
  serial: SerialConsole | null;
  timeoutTenths: number;
  default: string;
  entries: { label: string; title: string; kernel: string; initrd: string | null; args: string }[];
}

let compiled: Handlebars.TemplateDelegate<TemplateData> | undefined;

/** extlinux.conf for the plan (the serial line must be first; TIMEOUT is in tenths of a second, 0 means no prompt). */
export function renderExtlinuxConf(plan: BootloaderPlan, kernels: readonly KernelImage[], osName: string, serial: SerialConsole | null): string {
  compiled ??= Handlebars.compile<TemplateData>(readFileSync(packageFile("templates", "extlinux.conf.hbs"), "utf8"), { noEscape: true });
  const entries = kernels.map((k, i) => ({
    label: `linux${i}`,
    title: `${osName}, with Linux ${k.version}`,
    kernel: bootPath(plan, k.kernel),
    initrd: k.initrd === null ? null : bootPath(plan, k.initrd),
    args: kernelCommandLine(plan),
  }));
  return compiled({ serial, timeoutTenths: (plan.timeout ?? 5) * 10, default: plan.defaultEntry ?? "linux0", entries });
}

/** The argv that installs extlinux into DIR (a directory on the mounted /boot filesystem). */
export function extlinuxInstallArgs(tool: ExtlinuxTool, root: string): string[] {
  return tool.kind === "guest" ? [tool.command, "--install", "/boot/extlinux"] : [tool.command, "--install", path.join(root, "boot/extlinux")];
}

/** The dd argv that writes the 440 bytes of MBR boot code, leaving the partition table alone. */
export function mbrWriteArgs(mbrBin: string, device: string): string[] {
  return ["dd", `if=${mbrBin}`, `of=${device}`, "bs=440", "count=1", "conv=notrunc,fsync"];
}

// The guest's extlinux, else the host's; a clear PlanError when neither has one.
export async function chooseExtlinux(guestExtlinux: string | null): Promise<ExtlinuxTool> {
  if (guestExtlinux !== null) return { kind: "guest", command: guestExtlinux };
  const host = await which("extlinux");
  if (host !== undefined) return { kind: "host", command: host };
  throw new PlanError(
    "bootloader --extlinux: neither the image nor the build host has extlinux",
    undefined,
    "add extlinux (Fedora: syslinux-extlinux) to %packages, or install it on the build host: apt-get install extlinux",
  );
}

// mbr.bin from the guest when it has syslinux, else from the host.
export function findMbrBin(root: string): string {
  for (const base of [root, "/"]) {
    for (const p of MBR_BIN_PATHS) if (existsSync(path.join(base, p))) return path.join(base, p);
  }
  throw new PlanError("bootloader --extlinux: no syslinux mbr.bin in the image or on the build host", undefined, "apt-get install syslinux-common");
}

// Install extlinux for PLAN: boot code into /boot/extlinux, config next to it, MBR code onto DEVICE unless --nombr.
export async function installExtlinux(o: { plan: BootloaderPlan; tool: ExtlinuxTool; root: string; guest: GuestSession; device: string; kernels: readonly KernelImage[]; osName: string }): Promise<void> {
  const dir = path.join(o.root, "boot/extlinux");
  if (!isDryRun()) {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await writeFile(path.join(dir, "extlinux.conf"), renderExtlinuxConf(o.plan, o.kernels, o.osName, o.plan.serial), { mode: 0o644 });
  }
  const install = { reason: "install extlinux into /boot/extlinux" };
  await (o.tool.kind === "guest" ? o.guest.run(extlinuxInstallArgs(o.tool, o.root), install) : run(extlinuxInstallArgs(o.tool, o.root), install));
  if (o.plan.bios === null) return;
  await run(mbrWriteArgs(findMbrBin(o.root), o.device), { reason: `write syslinux's MBR boot code onto disk ${o.plan.bios.disk}` });
}
