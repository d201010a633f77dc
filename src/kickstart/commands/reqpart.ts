// reqpart: create the partitions the platform needs (pykickstart F23_ReqPart), kept under other.reqpart.
import type { CommandContext, CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { seenBefore } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--add-boot"], dest: "addBoot", action: "store_true", description: "also create a separate /boot partition" },
];

function handle(ctx: CommandContext): void {
  if (seenBefore(ctx, "autopart")) ctx.error("The autopart and reqpart commands can't be used at the same time");
  if (seenBefore(ctx, "mount")) ctx.error("The mount and reqpart commands can't be used at the same time");
  const { ns } = ctx.parse(options);
  ctx.ks.other.reqpart = { addBoot: ns.addBoot as boolean, reqpart: true, file: ctx.file, lineno: ctx.lineno };
}

/** What reqpart asked for, or null when the kickstart has no reqpart line. */
export function requiredPartitions(ks: Kickstart): { addBoot: boolean; file: string; lineno: number } | null {
  const r = ks.other.reqpart as { addBoot: boolean; file?: string; lineno?: number } | undefined;
  return r ? { addBoot: r.addBoot, file: r.file ?? ks.file, lineno: r.lineno ?? 0 } : null;
}

/** The `reqpart` command: platform partitions (biosboot, /boot/efi, PReP), optionally /boot. */
export const reqpartCommand: CommandDef = {
  name: "reqpart",
  summary: "create the partitions the platform needs (biosboot, /boot/efi, PReP)",
  options,
  handle,
  toKickstart: (ks) => {
    const r = ks.other.reqpart as { addBoot: boolean } | undefined;
    return r ? [r.addBoot ? "reqpart --add-boot" : "reqpart"] : [];
  },
};
