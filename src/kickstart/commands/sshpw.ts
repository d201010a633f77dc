// sshpw: a login for the installer's SSH session, one per line (pykickstart F24_SshPw); kept under other.sshpw.
import { ksQuote, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { ksPositional, maskedExtra } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--username"], dest: "username", required: true, description: "the user name (required)" },
  { names: ["--iscrypted"], dest: "isCrypted", action: "store_true", description: "the password is already hashed" },
  { names: ["--plaintext"], dest: "isCrypted", action: "store_false", description: "the password is plain text (the default)" },
  { names: ["--lock"], dest: "lock", action: "store_true", description: "lock the account" },
  { names: [], dest: "password", nargs: "*", description: "the password (several words are joined with spaces)" },
  { names: ["--sshkey"], dest: "sshkey", action: "store_true", description: "the password argument is an SSH public key" },
];

/** One sshpw line, in pykickstart's SshPwData attributes. */
interface SshPwData {
  file: string;
  lineno: number;
  username: string;
  isCrypted: boolean;
  password: string;
  lock: boolean;
  sshkey: boolean;
}

function sshUsers(ks: Kickstart): SshPwData[] {
  const holder = (ks.other.sshpw ??= { sshUserList: [] }) as { sshUserList: SshPwData[] };
  return holder.sshUserList;
}

/** The `sshpw` command. */
export const sshpwCommand: CommandDef = {
  name: "sshpw",
  summary: "password or key for logging in to the installer over SSH (no effect on the image)",
  options,
  handle(ctx) {
    const { ns, extra } = ctx.parse(options, ctx.args, true);
    const words = (ns.password as string[] | null) ?? [];
    if (!words.length) ctx.error("A single argument is expected for the sshpw command");
    if (extra.length) ctx.error(`Unexpected arguments to sshpw command: ${maskedExtra(extra)}`);
    const list = sshUsers(ctx.ks);
    const username = String(ns.username);
    if (list.some((u) => u.username === username)) ctx.warn(`An ssh user with the name ${username} has already been defined.`);
    list.push({
      file: ctx.file,
      lineno: ctx.lineno,
      username,
      isCrypted: ns.isCrypted === true,
      password: words.join(" "),
      lock: ns.lock === true,
      sshkey: ns.sshkey === true,
    });
  },
  toKickstart(ks: Kickstart) {
    const holder = ks.other.sshpw as { sshUserList: SshPwData[] } | undefined;
    return (holder?.sshUserList ?? []).map((u) => {
      const words = ["sshpw", `--username=${ksQuote(u.username)}`, u.isCrypted ? "--iscrypted" : "--plaintext"];
      if (u.lock) words.push("--lock");
      if (u.sshkey) words.push("--sshkey");
      words.push(ksPositional(u.password));
      return words.join(" ");
    });
  },
};
