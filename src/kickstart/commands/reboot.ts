// reboot/poweroff/shutdown/halt: what happens after the installation (pykickstart F23_Reboot); under other.reboot.
import type { CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";

const options: OptionSpec[] = [
  { names: ["--eject"], dest: "eject", action: "store_true", description: "eject the installation medium first" },
  { names: ["--kexec"], dest: "kexec", action: "store_true", description: "kexec into the new system instead of a full reboot" },
];

/** pykickstart's action per command word: halt waits, poweroff and shutdown power off. */
const ACTIONS: Record<string, string> = { reboot: "reboot", halt: "halt", poweroff: "shutdown", shutdown: "shutdown" };
const WORDS: Record<string, string> = { reboot: "reboot", halt: "halt", shutdown: "shutdown" };

interface Reboot {
  action: string;
  eject: boolean;
  kexec: boolean;
}

/** The `reboot` command (also `poweroff`, `shutdown`, `halt`). */
export const rebootCommand: CommandDef = {
  name: "reboot",
  aliases: ["poweroff", "shutdown", "halt"],
  summary: "reboot, power off or halt after the installation (no effect on an image build)",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    const action = ACTIONS[ctx.word] ?? "shutdown";
    ctx.ks.other.reboot = { action, eject: ns.eject === true, kexec: ns.kexec === true } satisfies Reboot;
  },
  toKickstart(ks: Kickstart) {
    const r = ks.other.reboot as Reboot | undefined;
    if (!r) return [];
    const words = [WORDS[r.action] ?? "shutdown"];
    if (r.eject) words.push("--eject");
    if (r.kexec) words.push("--kexec");
    return [words.join(" ")];
  },
};
