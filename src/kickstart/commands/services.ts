// services: systemd units to enable and disable (pykickstart FC6_Services); later lines overwrite.
import { ksQuote, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { commaList } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--disabled"], dest: "disabled", type: commaList, description: "services to disable, comma-separated" },
  { names: ["--enabled"], dest: "enabled", type: commaList, description: "services to enable, comma-separated (applied after --disabled)" },
];

/** The `services` command. */
export const servicesCommand: CommandDef = {
  name: "services",
  summary: "enable and disable systemd services in the image",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    const prev = ctx.ks.services;
    const enabled = Array.isArray(ns.enabled) ? (ns.enabled as string[]) : prev.enabled;
    const disabled = Array.isArray(ns.disabled) ? (ns.disabled as string[]) : prev.disabled;
    if (!enabled.length && !disabled.length) ctx.error("One of --disabled or --enabled must be provided.");
    ctx.ks.services = { seen: true, enabled, disabled };
  },
  toKickstart(ks: Kickstart) {
    const s = ks.services;
    if (!s.seen) return [];
    const words = ["services"];
    if (s.disabled.length) words.push(`--disabled=${ksQuote(s.disabled.join(","))}`);
    if (s.enabled.length) words.push(`--enabled=${ksQuote(s.enabled.join(","))}`);
    return [words.join(" ")];
  },
};
