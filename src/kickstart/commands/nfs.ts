// nfs: install from an NFS export (pykickstart FC6_NFS), recorded in ks.other.nfs.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";
import { otherObject, overlay, writeArgs } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--server"], dest: "server", required: true, description: "NFS server (host name or IP address)" },
  { names: ["--dir"], dest: "dir", required: true, description: "exported directory holding the installation tree or ISO images" },
  { names: ["--opts"], dest: "opts", description: "NFS mount options, comma-separated" },
];

function handle(ctx: CommandContext): void {
  const { ns } = ctx.parse(options);
  ctx.ks.other.nfs = overlay(otherObject(ctx.ks, "nfs") ?? { server: null, dir: null, opts: null }, ns);
}

/** The `nfs` command: an NFS installation tree (`ks.other.nfs`); accepted, not used by an image build. */
export const nfsCommand: CommandDef = {
  name: "nfs",
  summary: "install from an NFS export (not used by an image build)",
  options,
  handle,
  toKickstart: (ks) => {
    const n = otherObject(ks, "nfs");
    if (!n) return [];
    return [`nfs --server=${ksQuote(String(n.server))} --dir=${ksQuote(String(n.dir))}${writeArgs(n, [["--opts", "opts", "value"]])}`];
  },
};
