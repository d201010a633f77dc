// iscsi: attach an iSCSI target during installation (pykickstart F17_Iscsi), kept under other.iscsi.iscsi.
import type { CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";
import { otherList, overlay, writeArgs, type ArgSpec } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--target"], dest: "target", description: "target IQN" },
  { names: ["--ipaddr"], dest: "ipaddr", required: true, description: "address of the target" },
  { names: ["--port"], dest: "port", type: "int", description: "port (3260 by default)" },
  { names: ["--user"], dest: "user", description: "CHAP user name" },
  { names: ["--password"], dest: "password", description: "CHAP password (secret)" },
  { names: ["--reverse-user"], dest: "user_in", description: "reverse CHAP user name" },
  { names: ["--reverse-password"], dest: "password_in", description: "reverse CHAP password (secret)" },
  { names: ["--iface"], dest: "iface", description: "network interface to bind the session to" },
];

const DEFAULTS: Record<string, unknown> = { ipaddr: "", port: 3260, target: "", user: null, password: null, user_in: null, password_in: null, iface: null };

const iscsiArgs: ArgSpec[] = [
  ["--target", "target", "value"], ["--ipaddr", "ipaddr", "value"], ["--user", "user", "value"], ["--password", "password", "value"],
  ["--reverse-user", "user_in", "value"], ["--reverse-password", "password_in", "value"], ["--iface", "iface", "value"],
];

/** The `iscsi` command: one iSCSI target per line. */
export const iscsiCommand: CommandDef = {
  name: "iscsi",
  summary: "attach iSCSI storage during installation; no effect on an image",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    otherList(ctx.ks, "iscsi", "iscsi").push({ ...overlay(DEFAULTS, ns), file: ctx.file, lineno: ctx.lineno });
  },
  toKickstart: (ks) =>
    ((ks.other.iscsi as { iscsi?: Record<string, unknown>[] } | undefined)?.iscsi ?? []).map(
      (d) => `iscsi${writeArgs(d, iscsiArgs)}${d.port !== 3260 ? ` --port=${String(d.port)}` : ""}`,
    ),
};
