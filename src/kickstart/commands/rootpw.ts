// rootpw: the root account's password, hash or lock (pykickstart F37_RootPw); later lines overwrite.
import type { CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";

import { maskedExtra, ksPositional } from "./shared.js";

const options: OptionSpec[] = [
  { names: [], dest: "password", nargs: "?", description: "the password (plain text, or a crypt(3) hash with --iscrypted)" },
  { names: ["--iscrypted"], dest: "isCrypted", action: "store_true", description: "the password argument is already hashed" },
  { names: ["--plaintext"], dest: "isCrypted", action: "store_false", description: "the password argument is plain text (the default)" },
  { names: ["--lock"], dest: "lock", action: "store_true", description: "lock the root account; the password may then be left out" },
  { names: ["--allow-ssh"], dest: "allowSsh", action: "store_true", description: "allow root to log in over SSH with the password" },
];

/** The `rootpw` command. */
export const rootpwCommand: CommandDef = {
  name: "rootpw",
  summary: "root password (plain text or hashed), or a locked root account",
  options,
  handle(ctx) {
    const { ns, extra } = ctx.parse(options, ctx.args, true);
    if (!ns.password && !ns.lock) ctx.error("A single argument is expected for the rootpw command");
    if (extra.length) ctx.error(`Unexpected arguments to rootpw command: ${maskedExtra(extra)}`);
    const prev = ctx.ks.rootpw;
    ctx.ks.rootpw = {
      seen: true,
      // pykickstart keeps attributes the line leaves unset (None), so `rootpw --lock` keeps an earlier password.
      password: typeof ns.password === "string" ? ns.password : prev.password,
      isCrypted: ns.isCrypted === true,
      lock: ns.lock === true,
      allowSsh: ns.allowSsh === true,
    };
  },
  toKickstart(ks: Kickstart) {
    const r = ks.rootpw;
    if (!r.seen) return [];
    const words = ["rootpw", r.isCrypted ? "--iscrypted" : "--plaintext"];
    if (r.lock) words.push("--lock");
    if (r.allowSsh) words.push("--allow-ssh");
    if (r.password !== null) words.push(ksPositional(r.password));
    return [words.join(" ")];
  },
};
