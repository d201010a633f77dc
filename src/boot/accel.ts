// Choose QEMU's accelerator: KVM only when kvm_intel or kvm_amd is loaded and /dev/kvm opens, TCG otherwise (HOST-NOTES §2).
import { constants, existsSync, readdirSync } from "node:fs";
import { open } from "node:fs/promises";

/** The accelerator and the sentence that explains the choice. */
export interface AccelChoice {
  accel: "kvm" | "tcg";
  reason: string;
}

/** What the host offers: the loaded kvm* kernel modules and whether /dev/kvm opened (or why not). */
export interface KvmFacts {
  modules: readonly string[];
  kvmOpens: boolean;
  kvmError?: string;
}

const HARDWARE_KVM = ["kvm_intel", "kvm_amd"];

/** Decide from the facts. Pure. */
export function chooseAccelerator(facts: KvmFacts): AccelChoice {
  const hardware = HARDWARE_KVM.find((m) => facts.modules.includes(m));
  if (hardware && facts.kvmOpens) return { accel: "kvm", reason: `${hardware} is loaded and /dev/kvm opens` };
  if (hardware) return { accel: "tcg", reason: `${hardware} is loaded but /dev/kvm cannot be opened${facts.kvmError ? ` (${facts.kvmError})` : ""}` };
  const other = facts.modules.filter((m) => m.startsWith("kvm_"));
  if (other.length > 0) {
    return {
      accel: "tcg",
      reason: `/dev/kvm is provided by ${other.join(", ")}, not kvm_intel or kvm_amd: stock guest kernels and OVMF do not run under it`,
    };
  }
  return { accel: "tcg", reason: "no KVM module (kvm_intel or kvm_amd) is loaded" };
}

/** The kvm* modules listed in SYSMODULE (/sys/module). */
export function loadedKvmModules(sysModule = "/sys/module"): string[] {
  if (!existsSync(sysModule)) return [];
  return readdirSync(sysModule).filter((m) => m === "kvm" || m.startsWith("kvm_")).sort();
}

// Whether DEVICE can be opened read-write (what QEMU needs), and the error code if not.
export async function kvmOpens(device = "/dev/kvm"): Promise<{ ok: boolean; error?: string }> {
  try {
    const handle = await open(device, constants.O_RDWR);
    await handle.close();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
}

/** Look at this host and choose. */
export async function detectAccelerator(): Promise<AccelChoice> {
  const opened = await kvmOpens();
  return chooseAccelerator({ modules: loadedKvmModules(), kvmOpens: opened.ok, kvmError: opened.error });
}
