// The initramfs that boots the live system: Debian's already has live-boot (installed before the one initramfs build);
// an RPM guest's is rebuilt with dracut's dmsquash-live module, in the guest, as livecd-creator does.
import { KsimageError } from "../errors.js";
import { chrootArgs, CHROOT_ENV, mountApiFilesystems } from "../installer/bootloader/chroot-api.js";
import type { KernelImage } from "../installer/bootloader/kernels.js";
import { run, Teardown } from "../run/index.js";
import type { LivePlan } from "./types.js";

// The dracut argv (run chrooted) that writes the live initramfs of KERNEL.
export function dracutLiveArgs(kernel: KernelImage): string[] {
  const out = `/boot/${kernel.initrd ?? `initramfs-${kernel.version}.img`}`;
  return ["dracut", "--force", "--no-hostonly", "--add", "dmsquash-live", out, kernel.version];
}

// Rebuild the initramfs of KERNEL in ROOT with dmsquash-live (RPM guests only); the API file systems are released after.
export async function prepareLiveInitramfs(plan: LivePlan, root: string, kernel: KernelImage, teardown: Teardown): Promise<void> {
  if (plan.boot !== "dmsquash-live") return;
  const api = new Teardown();
  // On the build's stack too, so a signal during dracut still unmounts.
  const handle = teardown.defer(`unmount the API file systems in ${root}`, async () => void (await api.unwind()));
  let failed: unknown;
  try {
    await mountApiFilesystems(root, api);
    await run(chrootArgs(root, dracutLiveArgs(kernel)), { env: CHROOT_ENV, reason: "build the live initramfs (dracut dmsquash-live)" });
  } catch (error) {
    failed = error;
  }
  handle.release();
  const report = await api.unwind();
  if (failed !== undefined) throw failed;
  if (report.failures.length > 0) throw new KsimageError(`could not unmount the API file systems in ${root}: ${report.failures.map((f) => f.label).join(", ")}`);
}
