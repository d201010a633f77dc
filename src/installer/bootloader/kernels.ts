// Find the kernels and their initrds in the guest's /boot (Debian and Fedora naming), newest first.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { KsimageError } from "../../errors.js";

/** One bootable kernel: file names inside /boot. */
export interface KernelImage {
  version: string;
  kernel: string;
  initrd: string | null;
}

// Compare versions like sort -V: digit runs as numbers, everything else as text.
export function compareVersions(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d/.test(x) ? Number(x) : NaN;
    const ny = /^\d/.test(y) ? Number(y) : NaN;
    const c = !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return 0;
}

/** The kernels among FILES (a /boot listing), newest first; rescue kernels last. */
export function pickKernels(files: readonly string[]): KernelImage[] {
  const present = new Set(files);
  const kernels: KernelImage[] = [];
  for (const f of files) {
    const m = /^(?:vmlinuz|vmlinux|bzImage)-(.+)$/.exec(f);
    if (!m) continue;
    const version = m[1]!;
    const initrd = [`initrd.img-${version}`, `initramfs-${version}.img`, `initrd-${version}`, `initrd-${version}.img`].find((n) => present.has(n)) ?? null;
    kernels.push({ version, kernel: f, initrd });
  }
  const rescue = (k: KernelImage) => (k.version.includes("rescue") ? 1 : 0);
  return kernels.sort((a, b) => rescue(a) - rescue(b) || compareVersions(b.version, a.version));
}

/** The kernels installed in ROOT/boot; throws when there is none (nothing to boot). */
export function findKernels(root: string): KernelImage[] {
  const boot = path.join(root, "boot");
  const kernels = existsSync(boot) ? pickKernels(readdirSync(boot)) : [];
  if (kernels.length === 0) {
    throw new KsimageError(`no kernel in ${boot} (vmlinuz-*): the boot loader would have nothing to boot`, "install a kernel package (e.g. linux-image-amd64 or kernel-core)");
  }
  return kernels;
}

/** PRETTY_NAME from the guest's os-release (for menu titles), or "Linux". */
export function guestOsName(root: string): string {
  for (const file of ["etc/os-release", "usr/lib/os-release"]) {
    const p = path.join(root, file);
    if (!existsSync(p)) continue;
    const m = /^PRETTY_NAME=(.*)$/m.exec(readFileSync(p, "utf8"));
    if (m) return m[1]!.trim().replace(/^["']|["']$/g, "");
  }
  return "Linux";
}
