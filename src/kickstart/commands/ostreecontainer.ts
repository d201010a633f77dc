// ostreecontainer: deploy an OSTree native container image (pykickstart F43_OSTreeContainer), recorded in ks.other.ostreecontainer.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";
import { checkConflicts } from "./ostreesetup.js";
import { otherObject, overlay, writeArgs, type ArgSpec } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--stateroot"], dest: "stateroot", description: "name of the state directory (osname)" },
  { names: ["--url"], dest: "url", required: true, description: "container image, e.g. quay.io/exampleos/foo:latest" },
  { names: ["--transport"], dest: "transport", description: "image transport: registry (default), oci, oci-archive" },
  { names: ["--remote"], dest: "remote", description: "name of the OSTree remote (defaults to --stateroot)" },
  { names: ["--no-signature-verification"], dest: "noSignatureVerification", action: "store_true", description: "do not verify signatures through an OSTree remote" },
];

const DEFAULTS = { stateroot: null, url: null, transport: null, remote: null, noSignatureVerification: false };

function handle(ctx: CommandContext): void {
  checkConflicts(ctx, "ostreecontainer", ["ostreesetup", "bootc"]);
  const { ns } = ctx.parse(options);
  const o = overlay(otherObject(ctx.ks, "ostreecontainer") ?? DEFAULTS, ns);
  if (!o.remote) o.remote = o.stateroot;
  ctx.ks.other.ostreecontainer = o;
}

const containerArgs: ArgSpec[] = [
  ["--stateroot", "stateroot", "value"],
  ["--remote", "remote", "value"],
  ["--no-signature-verification", "noSignatureVerification", "flag"],
  ["--transport", "transport", "value"],
];

/** The `ostreecontainer` command: an OSTree container source (`ks.other.ostreecontainer`); accepted, not used by an image build. */
export const ostreecontainerCommand: CommandDef = {
  name: "ostreecontainer",
  summary: "install by deploying an OSTree native container image (not used by an image build)",
  options,
  handle,
  toKickstart: (ks) => {
    const o = otherObject(ks, "ostreecontainer");
    return o ? [`ostreecontainer${writeArgs(o, containerArgs)} --url=${ksQuote(String(o.url))}`] : [];
  },
};
