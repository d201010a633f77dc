// group: one local group per line (pykickstart F12_Group).
import { ksQuote, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";

const options: OptionSpec[] = [
  { names: ["--name"], dest: "name", required: true, description: "the group name (required)" },
  { names: ["--gid"], dest: "gid", type: "int", description: "the group's GID (default: next free)" },
];

/** The `group` command. */
export const groupCommand: CommandDef = {
  name: "group",
  summary: "create a local group, optionally with a fixed GID",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    const name = String(ns.name);
    if (ctx.ks.groups.some((g) => g.name === name)) ctx.warn(`A group with the name ${name} has already been defined.`);
    ctx.ks.groups.push({ file: ctx.file, lineno: ctx.lineno, name, gid: typeof ns.gid === "number" ? ns.gid : null });
  },
  toKickstart(ks: Kickstart) {
    return ks.groups.map((g) => `group --name=${ksQuote(g.name)}${g.gid !== null ? ` --gid=${g.gid}` : ""}`);
  },
};
