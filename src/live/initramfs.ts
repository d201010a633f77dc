// The initramfs that boots the live system: Debian's already has live-boot (installed before the one initramfs build);
// an RPM guest's is rebuilt with dracut's dmsquash-live module, in the guest, as livecd-creator does.
import type { KernelImage } from "../installer/bootloader/kernels.js";
import type { GuestSession } from "../installer/guest/session.js";
import type { LivePlan } from "./types.js";

// The dracut argv (run in the guest) that writes the live initramfs of KERNEL.
export function dracutLiveArgs(kernel: KernelImage): string[] {
  const out = `/boot/${kernel.initrd ?? `initramfs-${kernel.version}.img`}`;
  return ["dracut", "--force", "--no-hostonly", "--add", "dmsquash-live", out, kernel.version];
}

// Rebuild the initramfs of KERNEL with dmsquash-live in the guest session (RPM guests only).
export async function prepareLiveInitramfs(plan: LivePlan, guest: GuestSession, kernel: KernelImage): Promise<void> {
  if (plan.boot !== "dmsquash-live") return;
  await guest.run(dracutLiveArgs(kernel), { reason: "build the live initramfs (dracut dmsquash-live)" });
}
