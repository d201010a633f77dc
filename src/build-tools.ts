// Check, before anything is created, that every host tool the build will run is installed, and say why each is needed.
import { KsimageError } from "./errors.js";
import { bootloaderTools } from "./installer/bootloader/tools.js";
import { firstbootTools } from "./installer/configure/firstboot.js";
import { guestSessionTools } from "./installer/guest/session.js";
import { liveimgTools } from "./installer/liveimg.js";
import { packageTools } from "./installer/packages.js";
import { liveTools } from "./live/make-iso.js";
import { outputTools } from "./output/index.js";
import { deviceMapperAvailable, mapTools } from "./partition/map.js";
import { lvmTools } from "./partition/lvm.js";
import { mkfsTools } from "./partition/mkfs.js";
import { mountTools } from "./partition/mount.js";
import { partitionTools } from "./partition/parted.js";
import { vfatFillTools } from "./partition/vfat-fill.js";
import type { BuildPlan } from "./plan.js";
import { needsXfsTools } from "./repro/rebuild.js";
import { xfsToolsDir, xfsToolsReady } from "./tools/xfsprogs.js";
import { installHint, which } from "./run/index.js";

/** A host tool and the reason the build runs it. */
export interface ToolNeed {
  tool: string;
  reason: string;
}

// Every tool the build of PLAN runs, first reason first, each tool once.
export async function buildTools(plan: BuildPlan): Promise<ToolNeed[]> {
  const method = (await deviceMapperAvailable()) ? "kpartx" : "loop-partx";
  const all: ToolNeed[] = [
    ...plan.layout.disks.flatMap(partitionTools),
    ...mapTools(method),
    ...lvmTools(plan.layout),
    ...mkfsTools(plan.layout),
    ...mountTools(),
    ...(plan.source.kind === "liveimg" ? liveimgTools(plan.source) : []),
    ...packageTools(plan.packages),
    ...guestSessionTools(),
    ...bootloaderTools(plan.bootloader, { plainPassword: plan.ks.bootloader.password !== null && !plan.ks.bootloader.isCrypted }),
    ...firstbootTools(plan.ks),
    ...vfatFillTools(plan.layout),
    ...(plan.live === null && needsXfsTools(plan.layout) && !xfsToolsReady(xfsToolsDir()) ? [{ tool: "dpkg-deb", reason: "unpack the xfs tools tree (xfsprogs new enough to make a reproducible xfs)" }] : []),
    ...(plan.live ? liveTools() : [{ tool: "fstrim", reason: "discard free blocks before conversion" }, ...outputTools({ ...plan.output, uefi: plan.bootloader.firmware === "uefi" })]),
  ];
  const seen = new Set<string>();
  return all.filter((n) => !seen.has(n.tool) && seen.add(n.tool));
}

// Throw one error naming every missing tool, why it is needed and what to install.
export async function checkTools(plan: BuildPlan): Promise<void> {
  const missing: ToolNeed[] = [];
  for (const need of await buildTools(plan)) if ((await which(need.tool)) === undefined) missing.push(need);
  if (missing.length === 0) return;
  const lines = missing.map((m) => `${m.tool} is required to ${m.reason} (${installHint(m.tool)})`);
  throw new KsimageError(`missing host tools: ${lines.join("; ")}`, missing.length === 1 ? undefined : "scripts/setup.sh installs all of them");
}
