// Read and edit the text of /etc/passwd, /etc/group and /etc/shadow: pure functions, no file access.

/** One /etc/passwd entry. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

/** One /etc/group entry. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

// The colon-separated records of a passwd-style file (comments and blank lines skipped).
export function records(text: string): string[][] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => line.split(":"));
}

// Every entry of an /etc/passwd text.
export function passwdEntries(text: string): PasswdEntry[] {
  return records(text).map((f) => ({
    name: f[0] ?? "",
    uid: Number(f[2]),
    gid: Number(f[3]),
    gecos: f[4] ?? "",
    home: f[5] ?? "",
    shell: f[6] ?? "",
  }));
}

// Every entry of an /etc/group text.
export function groupEntries(text: string): GroupEntry[] {
  return records(text).map((f) => ({
    name: f[0] ?? "",
    gid: Number(f[2]),
    members: (f[3] ?? "").split(",").filter(Boolean),
  }));
}

// The lowest id >= MIN that no entry uses (useradd's UID_MIN/GID_MIN default is 1000).
export function nextFreeId(used: readonly number[], min = 1000, max = 60000): number {
  const taken = new Set(used);
  for (let id = min; id <= max; id += 1) if (!taken.has(id)) return id;
  throw new Error(`no free id between ${min} and ${max}`);
}

// TEXT with LINE appended (and a final newline ensured).
export function appendLine(text: string, line: string): string {
  const base = text === "" || text.endsWith("\n") ? text : `${text}\n`;
  return `${base}${line}\n`;
}

// TEXT with field INDEX of NAME's record set to VALUE; undefined when NAME has no record.
export function setField(text: string, name: string, index: number, value: string): string | undefined {
  let found = false;
  const lines = text.split("\n").map((line) => {
    const fields = line.split(":");
    if (line.startsWith("#") || fields[0] !== name) return line;
    found = true;
    while (fields.length <= index) fields.push("");
    fields[index] = value;
    return fields.join(":");
  });
  return found ? lines.join("\n") : undefined;
}

// The password field of NAME in a shadow (or passwd) text.
export function passwordField(text: string, name: string): string | undefined {
  return records(text).find((f) => f[0] === name)?.[1];
}

// A locked version of a password field: usermod -L's "!" prefix, kept once.
export function lockedPassword(field: string): string {
  return field.startsWith("!") ? field : `!${field}`;
}

// A group text with USER added to the member list of GROUP (unchanged if already a member or no such group).
export function addMember(text: string, group: string, user: string): string {
  const entry = groupEntries(text).find((g) => g.name === group);
  if (entry === undefined || entry.members.includes(user)) return text;
  return setField(text, group, 3, [...entry.members, user].join(",")) ?? text;
}

// The passwd line of a new account.
export function passwdLine(e: PasswdEntry): string {
  return [e.name, "x", e.uid, e.gid, e.gecos, e.home, e.shell].join(":");
}

// The shadow line of a new account: locked ("!") until a password is set, changed on DAYS (days since 1970).
export function shadowLine(name: string, days: number): string {
  return [name, "!", days, 0, 99999, 7, "", "", ""].join(":");
}

// Days since the epoch for shadow's "last changed" field, honouring SOURCE_DATE_EPOCH for reproducible images.
export function shadowDays(env: NodeJS.ProcessEnv = process.env, now = Date.now()): number {
  const epoch = env.SOURCE_DATE_EPOCH !== undefined && /^\d+$/.test(env.SOURCE_DATE_EPOCH) ? Number(env.SOURCE_DATE_EPOCH) : now / 1000;
  return Math.floor(epoch / 86400);
}

// Split a kickstart `user --groups` item: "wheel" or "name(5002)" with its GID.
export function parseGroupItem(item: string): { name: string; gid: number | null } {
  const m = /^(.+)\((\d+)\)$/.exec(item.trim());
  if (m === null) return { name: item.trim(), gid: null };
  return { name: (m[1] as string).trim(), gid: Number(m[2]) };
}
