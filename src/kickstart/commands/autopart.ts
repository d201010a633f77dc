// autopart: let the installer lay out the disk (pykickstart F41_AutoPart), kept under other.autopart.
import { z } from "zod";
import type { CommandContext, CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import { OptionTypeError, type OptionSpec } from "../options.js";
import { luksArgs, luksOptions, overlay, seenBefore, writeArgs, type ArgSpec } from "./shared.js";

/** pykickstart's autopart schemes, by the names --type accepts. */
const TYPES: Record<string, string> = { lvm: "lvm", btrfs: "btrfs", plain: "plain", partition: "plain", thinp: "thinp" };

function schemeType(value: string): string {
  const t = TYPES[value.toLowerCase()];
  if (!t) throw new OptionTypeError(`Invalid autopart type: ${value}`);
  return t;
}

function handle(ctx: CommandContext): void {
  const { ns } = ctx.parse(options);
  const prev = (ctx.ks.other.autopart as Record<string, unknown> | undefined) ?? DEFAULTS;
  const d = overlay(prev, ns);
  d.autopart = true;
  d.lvm = true;
  Object.assign(d, { file: ctx.file, lineno: ctx.lineno });
  const conflict = seenBefore(ctx, "part", "partition") ? "part/partition"
    : seenBefore(ctx, "raid") ? "raid" : seenBefore(ctx, "volgroup") ? "volgroup"
    : seenBefore(ctx, "logvol") ? "logvol" : seenBefore(ctx, "mount") ? "mount" : "";
  if (conflict) ctx.error(`The ${conflict} and autopart commands can't be used at the same time`);
  if (d.fstype === "btrfs") ctx.error("autopart --fstype=btrfs is not valid fstype, use --type=btrfs instead");
  if (d.type === "btrfs" && d.fstype) ctx.error("autopart --fstype cannot be used with --type=btrfs");
  if (seenBefore(ctx, "reqpart")) ctx.error("The reqpart and autopart commands can't be used at the same time");
  if (d.pbkdf_time && d.pbkdf_iterations) ctx.error("Only one of --pbkdf-time and --pbkdf-iterations can be specified.");
  ctx.ks.other.autopart = d;
}

const options: OptionSpec[] = [
  { names: ["--type"], dest: "type", type: schemeType, typeName: "type", description: "scheme: lvm, btrfs, plain (or partition) or thinp" },
  { names: ["--nolvm"], dest: "type", action: "store_const", const: "plain", description: "same as --type=plain" },
  { names: ["--fstype"], dest: "fstype", description: "filesystem type for the created filesystems" },
  { names: ["--nohome"], dest: "nohome", action: "store_true", description: "do not create /home" },
  { names: ["--noboot"], dest: "noboot", action: "store_true", description: "do not create /boot" },
  { names: ["--noswap"], dest: "noswap", action: "store_true", description: "do not create swap" },
  { names: ["--hibernation"], dest: "hibernation", action: "store_true", description: "size swap for hibernation" },
  { names: ["--hw-passphrase"], dest: "hw_passphrase", description: "OPAL self-encrypting drive admin passphrase (secret)" },
  ...luksOptions,
];

/** pykickstart's F41_AutoPart defaults. */
const DEFAULTS: Record<string, unknown> = {
  autopart: false, encrypted: false, passphrase: "", escrowcert: "", backuppassphrase: false, lvm: true, type: null,
  cipher: "", fstype: "", nohome: false, noboot: false, noswap: false, luks_version: "", pbkdf: "", pbkdf_memory: 0,
  pbkdf_time: 0, pbkdf_iterations: 0, hibernation: false, hw_passphrase: "",
};

const autopartArgs: ArgSpec[] = [
  ["--type", "type", "value"], ["--fstype", "fstype", "value"], ["--nohome", "nohome", "flag"], ["--noboot", "noboot", "flag"],
  ["--noswap", "noswap", "flag"], ["--hibernation", "hibernation", "flag"], ["--hw-passphrase", "hw_passphrase", "value"], ...luksArgs,
];

/** What autopart asked for, typed; null when the kickstart has no autopart line. */
export const AutoPartData = z.object({
  file: z.string().describe("file of the autopart line"),
  lineno: z.number().int().describe("line of the autopart line"),
  type: z.enum(["lvm", "btrfs", "plain", "thinp"]).nullable().describe("scheme; null: the installer's default"),
  fstype: z.string().nullable(),
  nohome: z.boolean(),
  noboot: z.boolean(),
  noswap: z.boolean(),
  hibernation: z.boolean(),
  encrypted: z.boolean(),
  passphrase: z.string().nullable().describe("secret"),
  hwPassphrase: z.boolean().describe("an OPAL self-encrypting drive passphrase was given (--hw-passphrase)"),
});
export type AutoPartData = z.infer<typeof AutoPartData>;

/** The autopart request of a parsed kickstart, or null. */
export function autoPartitioning(ks: Kickstart): AutoPartData | null {
  const d = ks.other.autopart as Record<string, unknown> | undefined;
  if (!d) return null;
  const orNull = (v: unknown): string | null => (v ? String(v) : null);
  return AutoPartData.parse({
    file: d.file ?? ks.file, lineno: d.lineno ?? 0, hwPassphrase: Boolean(d.hw_passphrase),
    type: d.type, fstype: orNull(d.fstype), nohome: d.nohome, noboot: d.noboot, noswap: d.noswap,
    hibernation: d.hibernation, encrypted: d.encrypted, passphrase: orNull(d.passphrase),
  });
}

/** The `autopart` command: automatic partitioning (ksimage plans it itself). */
export const autopartCommand: CommandDef = {
  name: "autopart",
  summary: "lay out the disk automatically (root, swap, boot)",
  options,
  handle,
  toKickstart: (ks) => {
    const d = ks.other.autopart as Record<string, unknown> | undefined;
    return d ? [`autopart${writeArgs(d, autopartArgs)}`] : [];
  },
};
