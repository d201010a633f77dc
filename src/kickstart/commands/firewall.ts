// firewall: firewalld on or off, open ports, services and trusted devices (pykickstart F28_Firewall).
import { ksQuote, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { commaList } from "./shared.js";

/** `--port` values: comma-separated, each `port:proto`, a bare port meaning tcp. */
const portList = (v: string): string[] => v.split(",").map((s) => s.trim()).map((p) => (p.includes(":") ? p : `${p}:tcp`));

const serviceFlag = (name: string): OptionSpec => ({
  names: [`--${name}`],
  dest: "services",
  action: "append_const",
  const: name,
  description: `allow the ${name} service (same as --service=${name})`,
});

// --high, --medium and --telnet were removed (F9, F14): pykickstart no longer knows them at all.
const options: OptionSpec[] = [
  { names: ["--disable", "--disabled"], dest: "enabled", action: "store_false", description: "do not configure any firewall rules" },
  { names: ["--enable", "--enabled"], dest: "enabled", action: "store_true", default: true, description: "enable the firewall (the default)" },
  { names: ["--port"], dest: "ports", action: "extend", type: portList, description: "open ports as port:proto, comma-separated (bare ports are tcp)" },
  { names: ["--trust"], dest: "trusts", action: "append", description: "trust all traffic from this device (repeat for more)" },
  { names: ["--service"], dest: "services", action: "extend", type: commaList, description: "allow firewalld services, comma-separated" },
  serviceFlag("ftp"),
  serviceFlag("http"),
  serviceFlag("smtp"),
  serviceFlag("ssh"),
  { names: ["--remove-service"], dest: "remove_services", action: "extend", type: commaList, description: "services to close, comma-separated" },
  { names: ["--use-system-defaults"], dest: "use_system_defaults", action: "store_true", description: "leave the firewall exactly as the packages configure it" },
];

const listOr = (v: unknown, prev: string[]): string[] => (Array.isArray(v) ? (v as string[]) : prev);

/** The `firewall` command. */
export const firewallCommand: CommandDef = {
  name: "firewall",
  summary: "firewalld: enabled or disabled, open ports, allowed services, trusted devices",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    const prev = ctx.ks.firewall;
    ctx.ks.firewall = {
      seen: true,
      enabled: ns.enabled !== false,
      // Lists the line does not mention stay as they were (pykickstart skips unset attributes).
      ports: listOr(ns.ports, prev.ports),
      services: listOr(ns.services, prev.services),
      trusts: listOr(ns.trusts, prev.trusts),
      remove_services: listOr(ns.remove_services, prev.remove_services),
      use_system_defaults: ns.use_system_defaults === true,
    };
  },
  toKickstart(ks: Kickstart) {
    const f = ks.firewall;
    if (!f.seen) return [];
    const words = ["firewall", f.enabled === false ? "--disabled" : "--enabled"];
    if (f.ports.length) words.push(`--port=${ksQuote(f.ports.join(","))}`);
    if (f.services.length) words.push(`--service=${ksQuote(f.services.join(","))}`);
    for (const t of f.trusts) words.push(`--trust=${ksQuote(t)}`);
    if (f.remove_services.length) words.push(`--remove-service=${ksQuote(f.remove_services.join(","))}`);
    if (f.use_system_defaults) words.push("--use-system-defaults");
    return [words.join(" ")];
  },
};
