// rdp: let the graphical installer be reached over RDP (pykickstart F43_RDP); under other.rdp.
import { ksQuote, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";

const options: OptionSpec[] = [
  { names: ["--username"], dest: "username", description: "user name the RDP client must give" },
  { names: ["--password"], dest: "password", description: "password the RDP client must give (secret)" },
];

interface Rdp {
  enabled: boolean;
  username: string | null;
  password: string | null;
}

/** The `rdp` command. */
export const rdpCommand: CommandDef = {
  name: "rdp",
  summary: "remote access to the graphical installer over RDP (no effect on an image build)",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    const prev = ctx.ks.other.rdp as Rdp | undefined;
    ctx.ks.other.rdp = {
      enabled: true,
      username: typeof ns.username === "string" ? ns.username : (prev?.username ?? null),
      password: typeof ns.password === "string" ? ns.password : (prev?.password ?? null),
    } satisfies Rdp;
  },
  toKickstart(ks: Kickstart) {
    const r = ks.other.rdp as Rdp | undefined;
    if (!r) return [];
    const words = ["rdp"];
    if (r.username !== null) words.push(`--username=${ksQuote(r.username)}`);
    if (r.password !== null) words.push(`--password=${ksQuote(r.password)}`);
    return [words.join(" ")];
  },
};
