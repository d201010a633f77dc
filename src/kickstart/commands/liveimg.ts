// liveimg: install a root filesystem image or tarball instead of packages (pykickstart F19_Liveimg), in ks.other.liveimg.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { otherObject, overlay, writeArgs, type ArgSpec } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--url"], dest: "url", required: true, description: "URL of the image or root tarball (http, https, ftp or file://)" },
  { names: ["--proxy"], dest: "proxy", description: "HTTP/HTTPS/FTP proxy: [protocol://][user[:password]@]host[:port]" },
  { names: ["--noverifyssl"], dest: "noverifyssl", action: "store_true", description: "do not verify the server's TLS certificate" },
  { names: ["--checksum"], dest: "checksum", description: "sha256 checksum of the image file" },
];

/** pykickstart's attributes before any liveimg line. */
const DEFAULTS = { checksum: "", noverifyssl: null, proxy: null, url: null };

function handle(ctx: CommandContext): void {
  const { ns } = ctx.parse(options);
  // One liveimg object: a later line changes only what it gives. `lineno` lets the build name the line.
  const prev = otherObject(ctx.ks, "liveimg") ?? DEFAULTS;
  ctx.ks.other.liveimg = { ...overlay(prev, ns), lineno: ctx.lineno };
}

const liveimgArgs: ArgSpec[] = [
  ["--proxy", "proxy", "value"],
  ["--noverifyssl", "noverifyssl", "flag"],
  ["--checksum", "checksum", "value"],
];

function toKickstart(ks: Kickstart): string[] {
  const live = otherObject(ks, "liveimg");
  if (!live) return [];
  return [`liveimg --url=${ksQuote(String(live.url))}${writeArgs(live, liveimgArgs)}`];
}

/** The `liveimg` command: a disk image or root tarball as the installation source (`ks.other.liveimg`). */
export const liveimgCommand: CommandDef = {
  name: "liveimg",
  summary: "install from a root filesystem image or tarball (liveimg --url=file://... builds offline)",
  options,
  handle,
  toKickstart,
};
