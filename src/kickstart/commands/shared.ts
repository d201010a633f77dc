// Helpers the command modules share: pykickstart's value conventions and writing options back.
import { ksQuote, type CommandContext } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";

/** pykickstart's commaSplit: comma-separated values, each trimmed, empty ones dropped. */
export function commaList(value: string): string[] {
  return value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

/** pykickstart's mountpoint(): a path starting with "/" is normalised like os.path.normpath. */
export function normMountpoint(value: string): string {
  if (!value.startsWith("/")) return value;
  const lead = value.startsWith("//") && !value.startsWith("///") ? "//" : "/";
  const out: string[] = [];
  for (const part of value.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length) out.pop();
      continue;
    }
    out.push(part);
  }
  return lead + out.join("/");
}

/** Whether any of these command words came before this line (pykickstart's `seen`, which the parser sets first). */
export function seenBefore(ctx: CommandContext, ...words: string[]): boolean {
  return words.some((w) => ctx.ks.commandsSeen.includes(w));
}

/** pykickstart's set_to_obj/set_to_self: the defaults, overlaid with every parsed value that is not null. */
export function overlay<T extends Record<string, unknown>>(base: T, ns: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(ns)) if (v !== null && v !== undefined) out[k] = v;
  return out as T;
}

/** The data list a command keeps under `other` (`other.logvol.lvList`), created on first use. */
export function otherList(ks: Kickstart, name: string, key: string): Record<string, unknown>[] {
  const holder = (ks.other[name] ??= { [key]: [] }) as Record<string, unknown>;
  return (holder[key] ??= []) as Record<string, unknown>[];
}

/** The single object a command keeps under `other` (`other.clearpart`), or undefined when unused. */
export function otherObject(ks: Kickstart, name: string): Record<string, unknown> | undefined {
  return ks.other[name] as Record<string, unknown> | undefined;
}

/** How toKickstart writes one attribute back: a flag when true/false, or `--opt=value` when set. */
export type ArgSpec = [option: string, key: string, kind: "flag" | "noflag" | "value" | "list"];

/** Render attributes back to options, skipping defaults (false, "", null, 0, []). */
export function writeArgs(obj: Record<string, unknown>, specs: readonly ArgSpec[]): string {
  const out: string[] = [];
  for (const [opt, key, kind] of specs) {
    const v = obj[key];
    if (kind === "flag" && v === true) out.push(opt);
    else if (kind === "noflag" && v === false) out.push(opt);
    else if (kind === "list" && Array.isArray(v) && v.length) out.push(`${opt}=${ksQuote(v.join(","))}`);
    else if (kind === "value" && v !== null && v !== undefined && v !== "" && v !== 0 && v !== false) out.push(`${opt}=${ksQuote(String(v))}`);
  }
  return out.length ? " " + out.join(" ") : "";
}

/** LUKS options shared by part, logvol, raid and autopart (pykickstart F29). */
export const luksOptions: OptionSpec[] = [
  { names: ["--encrypted"], dest: "encrypted", action: "store_true", description: "encrypt the device with LUKS" },
  { names: ["--passphrase"], dest: "passphrase", description: "LUKS passphrase (secret)" },
  { names: ["--escrowcert"], dest: "escrowcert", description: "URL of an X.509 certificate to escrow the data key with" },
  { names: ["--backuppassphrase"], dest: "backuppassphrase", action: "store_true", description: "add a random backup passphrase, escrowed too" },
  { names: ["--cipher"], dest: "cipher", description: "LUKS cipher" },
  { names: ["--luks-version"], dest: "luks_version", default: "", description: "LUKS format version (luks1, luks2)" },
  { names: ["--pbkdf"], dest: "pbkdf", default: "", description: "PBKDF algorithm for the LUKS key slot" },
  { names: ["--pbkdf-memory"], dest: "pbkdf_memory", type: "int", default: 0, description: "PBKDF memory cost (KiB)" },
  { names: ["--pbkdf-time"], dest: "pbkdf_time", type: "int", default: 0, description: "milliseconds to spend on PBKDF" },
  { names: ["--pbkdf-iterations"], dest: "pbkdf_iterations", type: "int", default: 0, description: "PBKDF iterations (no benchmark)" },
];

/** toKickstart specs for luksOptions. */
export const luksArgs: ArgSpec[] = [
  ["--encrypted", "encrypted", "flag"],
  ["--passphrase", "passphrase", "value"],
  ["--escrowcert", "escrowcert", "value"],
  ["--backuppassphrase", "backuppassphrase", "flag"],
  ["--cipher", "cipher", "value"],
  ["--luks-version", "luks_version", "value"],
  ["--pbkdf", "pbkdf", "value"],
  ["--pbkdf-memory", "pbkdf_memory", "value"],
  ["--pbkdf-time", "pbkdf_time", "value"],
  ["--pbkdf-iterations", "pbkdf_iterations", "value"],
];

/** The checks part, logvol and raid share on mkfs and PBKDF options (pykickstart F23/F29). */
export function checkFormatOptions(ctx: CommandContext, d: Record<string, unknown>): void {
  if (!d.format && d.mkfsopts) ctx.error("--mkfsoptions with --noformat has no effect.");
  if (d.fsprofile && d.mkfsopts) ctx.error("--mkfsoptions and --fsprofile cannot be used together.");
  if (d.pbkdf_time && d.pbkdf_iterations) ctx.error("Only one of --pbkdf-time and --pbkdf-iterations can be specified.");
}

/** Python's repr of a list of strings, as pykickstart prints unexpected arguments. */
export function pyList(words: readonly string[]): string {
  return `[${words.map((w) => (w.includes("'") && !w.includes('"') ? `"${w}"` : `'${w.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`)).join(", ")}]`;
}

/** pyList of words that may be the rest of a password written without quotes: each shown as ***. */
export function maskedExtra(words: readonly string[]): string {
  return `${pyList(words.map(() => "***"))} (masked: they may be part of a password; quote a password that has spaces)`;
}

/** A positional value for a kickstart line: quoted when needed, after `--` when it looks like an option. */
export function ksPositional(value: string): string {
  return value.startsWith("-") ? `-- ${ksQuote(value)}` : ksQuote(value);
}
