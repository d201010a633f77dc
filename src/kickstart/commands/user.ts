// user: one local user account per line (pykickstart F24_User, F19_UserData).
import { ksQuote, type CommandDef } from "../command.js";
import type { Kickstart, User } from "../model.js";
import type { OptionSpec } from "../options.js";
import { commaList } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--name"], dest: "name", required: true, description: "the user name (required)" },
  { names: ["--groups"], dest: "groups", type: commaList, description: "extra groups, comma-separated; a group may carry its GID as name(5002)" },
  { names: ["--homedir"], dest: "homedir", description: "home directory (default /home/<name>)" },
  { names: ["--iscrypted"], dest: "isCrypted", action: "store_true", description: "the --password value is already hashed" },
  { names: ["--plaintext"], dest: "isCrypted", action: "store_false", description: "the --password value is plain text" },
  { names: ["--password"], dest: "password", description: "the password; without it the account is locked" },
  { names: ["--shell"], dest: "shell", description: "login shell" },
  { names: ["--uid"], dest: "uid", type: "int", description: "the user's UID (default: next free)" },
  { names: ["--gid"], dest: "gid", type: "int", description: "GID of the user's primary group (default: next free)" },
  { names: ["--gecos"], dest: "gecos", description: "GECOS field (full name, office, ...)" },
  { names: ["--lock"], dest: "lock", action: "store_true", description: "lock the account (no console login)" },
];

const strOrNull = (v: unknown): string | null => (typeof v === "string" ? v : null);
const intOrNull = (v: unknown): number | null => (typeof v === "number" ? v : null);

/** The `user` command. */
export const userCommand: CommandDef = {
  name: "user",
  summary: "create a local user account (name, groups, password, shell, UID/GID)",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    const user: User = {
      file: ctx.file,
      lineno: ctx.lineno,
      name: String(ns.name),
      groups: Array.isArray(ns.groups) ? (ns.groups as string[]) : [],
      homedir: strOrNull(ns.homedir),
      shell: strOrNull(ns.shell),
      uid: intOrNull(ns.uid),
      gid: intOrNull(ns.gid),
      gecos: strOrNull(ns.gecos),
      lock: ns.lock === true,
      password: strOrNull(ns.password),
      isCrypted: ns.isCrypted === true,
    };
    if (ctx.ks.users.some((u) => u.name === user.name)) {
      ctx.warn(`A user with the name ${user.name} has already been defined.`);
    }
    ctx.ks.users.push(user);
  },
  toKickstart(ks: Kickstart) {
    return ks.users.map((u) => {
      const words = ["user", `--name=${ksQuote(u.name)}`];
      if (u.groups.length) words.push(`--groups=${ksQuote(u.groups.join(","))}`);
      if (u.homedir !== null) words.push(`--homedir=${ksQuote(u.homedir)}`);
      if (u.shell !== null) words.push(`--shell=${ksQuote(u.shell)}`);
      if (u.uid !== null) words.push(`--uid=${u.uid}`);
      if (u.gid !== null) words.push(`--gid=${u.gid}`);
      if (u.gecos !== null) words.push(`--gecos=${ksQuote(u.gecos)}`);
      if (u.lock) words.push("--lock");
      if (u.password !== null) words.push(`--password=${ksQuote(u.password)}`);
      words.push(u.isCrypted ? "--iscrypted" : "--plaintext");
      return words.join(" ");
    });
  },
};
