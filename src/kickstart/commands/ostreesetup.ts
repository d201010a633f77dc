// ostreesetup: deploy an OSTree commit from a repository (pykickstart F43_OSTreeSetup), recorded in ks.other.ostreesetup.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";
import { otherObject, overlay, seenBefore, writeArgs } from "./shared.js";

/**
 * pykickstart's conflicting-commands check: the handler refuses a command when one it
 * conflicts with was seen earlier (ostreesetup, ostreecontainer and bootc exclude each other).
 */
export function checkConflicts(ctx: CommandContext, name: string, conflicts: readonly string[]): void {
  const other = conflicts.find((c) => seenBefore(ctx, c));
  if (other) ctx.error(`The ${name} and ${other} commands can't be used at the same time.`);
}

const options: OptionSpec[] = [
  { names: ["--osname"], dest: "osname", required: true, description: "management root (stateroot) for the deployment" },
  { names: ["--remote"], dest: "remote", description: "name of the OSTree remote (defaults to --osname)" },
  { names: ["--url"], dest: "url", required: true, description: "repository URL (file, http or https)" },
  { names: ["--ref"], dest: "ref", required: true, description: "branch in the repository to deploy" },
  { names: ["--nogpg"], dest: "nogpg", action: "store_true", description: "do not verify GPG signatures" },
];

function handle(ctx: CommandContext): void {
  checkConflicts(ctx, "ostreesetup", ["ostreecontainer", "bootc"]);
  const { ns } = ctx.parse(options);
  const o = overlay(otherObject(ctx.ks, "ostreesetup") ?? { osname: null, remote: null, url: null, ref: null, nogpg: false }, ns);
  if (o.remote === null) o.remote = o.osname;
  ctx.ks.other.ostreesetup = o;
  if (!/^(file|http|https):/.test(String(o.url))) ctx.error("ostree repos must use file, HTTP or HTTPS protocol.");
}

/** The `ostreesetup` command: an OSTree installation source (`ks.other.ostreesetup`); accepted, not used by an image build. */
export const ostreesetupCommand: CommandDef = {
  name: "ostreesetup",
  summary: "install by deploying an OSTree commit (not used by an image build)",
  options,
  handle,
  toKickstart: (ks) => {
    const o = otherObject(ks, "ostreesetup");
    if (!o) return [];
    const args = writeArgs(o, [["--remote", "remote", "value"], ["--nogpg", "nogpg", "flag"]]);
    return [`ostreesetup --osname=${ksQuote(String(o.osname))} --url=${ksQuote(String(o.url))} --ref=${ksQuote(String(o.ref))}${args}`];
  },
};
