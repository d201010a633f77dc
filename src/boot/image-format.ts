// Tell QEMU the image's format, as `qemu-img info --output=json` reads it (raw, qcow2, vmdk, ...).
import { KsimageError } from "../errors.js";
import { run } from "../run/index.js";

/** Formats `ksimage boot` runs; QEMU reads all of them with -snapshot. */
export const BOOTABLE_FORMATS = ["raw", "qcow2", "vmdk", "vdi", "vhdx", "vpc"];

/** The qemu-img argv; --force-share so an image in use elsewhere can still be inspected. */
export function qemuImgInfoArgs(file: string): string[] {
  return ["qemu-img", "info", "--force-share", "--output=json", file];
}

/** The format field of qemu-img's JSON; throws for one ksimage does not boot. */
export function parseImageFormat(json: string, file: string): string {
  const format = (JSON.parse(json) as { format?: unknown }).format;
  if (typeof format !== "string") throw new KsimageError(`qemu-img info printed no format for ${file}`);
  if (!BOOTABLE_FORMATS.includes(format)) throw new KsimageError(`${file} is a ${format} image; ksimage boot runs ${BOOTABLE_FORMATS.join(", ")}`);
  return format;
}

// Probe FILE's format.
export async function detectImageFormat(file: string): Promise<string> {
  const { stdout } = await run(qemuImgInfoArgs(file), { reason: `find the format of ${file}`, dryRun: false });
  return parseImageFormat(stdout, file);
}
