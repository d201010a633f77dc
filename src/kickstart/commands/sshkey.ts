// sshkey: one authorized SSH public key per line for a user (pykickstart F22_SshKey, F38_SshKeyData).
import { ksQuote, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { ksPositional } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--username"], dest: "username", required: true, description: "the user whose authorized_keys gets the key (required)" },
  { names: [], dest: "sshkey", nargs: 1, description: "the public key, as one (quoted) word" },
];

/** The `sshkey` command. */
export const sshkeyCommand: CommandDef = {
  name: "sshkey",
  summary: "add an SSH public key to a user's authorized_keys",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    const username = String(ns.username);
    const key = String((ns.sshkey as string[])[0]);
    // F38 compares user and key, so several keys per user are fine; the same key twice is not.
    if (ctx.ks.sshkeys.some((k) => k.username === username && k.key === key)) {
      ctx.warn(`An ssh user with the name ${username} has already been defined.`);
    }
    ctx.ks.sshkeys.push({ file: ctx.file, lineno: ctx.lineno, username, key });
  },
  toKickstart(ks: Kickstart) {
    return ks.sshkeys.map((k) => `sshkey --username=${ksQuote(k.username)} ${ksPositional(k.key)}`);
  },
};
