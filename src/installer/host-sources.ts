// Read the build host's own package configuration: its apt sources (deb822 and one-line), its yum repos, its os-release.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/** One apt source entry of the host: binary ("deb") entries only. */
export interface HostAptEntry {
  uris: string[];
  suites: string[];
  components: string[];
  /** The file it was read from, for messages. */
  file: string;
}

/** One repository of the host's yum/dnf configuration, for display (dnf reads the files itself). */
export interface HostYumRepo {
  id: string;
  urls: string[];
  enabled: boolean;
  file: string;
}

/** The fields of /etc/os-release ksimage uses. */
export interface OsRelease {
  id: string | null;
  idLike: string[];
  versionId: string | null;
  versionCodename: string | null;
}

/** What the host offers as package sources. */
export interface HostConfig {
  os: OsRelease;
  apt: HostAptEntry[];
  yumReposdir: string | null;
  yum: HostYumRepo[];
}

// Parse deb822 .sources text: paragraphs of "Field: value" with indented continuation lines; Enabled: no is skipped.
export function parseDeb822Sources(text: string, file = "<deb822>"): HostAptEntry[] {
  const entries: HostAptEntry[] = [];
  for (const paragraph of text.split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    let key: string | undefined;
    for (const line of paragraph.split("\n")) {
      if (line.startsWith("#") || line.trim() === "") continue;
      if (/^[ \t]/.test(line) && key !== undefined) {
        fields.set(key, `${fields.get(key) ?? ""}\n${line.trim()}`);
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m === null) continue;
      key = m[1]!.toLowerCase();
      fields.set(key, m[2]!.trim());
    }
    const words = (k: string): string[] => (fields.get(k) ?? "").split(/\s+/).filter(Boolean);
    if (!words("types").includes("deb")) continue;
    if (/^(no|false|0)$/i.test(fields.get("enabled") ?? "yes")) continue;
    entries.push({ uris: words("uris"), suites: words("suites"), components: words("components"), file });
  }
  return entries.filter((e) => e.uris.length > 0 && e.suites.length > 0);
}

// Parse one-line sources.list text: "deb [options] uri suite [component...]"; deb-src and comments are skipped.
export function parseOneLineSources(text: string, file = "<sources.list>"): HostAptEntry[] {
  const entries: HostAptEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (m === null) continue;
    entries.push({ uris: [m[1]!], suites: [m[2]!], components: m[3]!.split(/\s+/).filter(Boolean), file });
  }
  return entries;
}

// Parse a yum/dnf .repo file: [id] sections with baseurl (several lines allowed), mirrorlist, metalink, enabled.
export function parseYumRepoFile(text: string, file = "<repo>"): HostYumRepo[] {
  const repos: HostYumRepo[] = [];
  let current: HostYumRepo | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split("\n")) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === "") continue;
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (section !== null) {
      current = { id: section[1]!.trim(), urls: [], enabled: true, file };
      repos.push(current);
      lastKey = undefined;
      continue;
    }
    if (current === undefined) continue;
    if (/^\s/.test(raw) && lastKey === "baseurl") {
      current.urls.push(...raw.trim().split(/[\s,]+/).filter(Boolean));
      continue;
    }
    const kv = /^\s*([A-Za-z_]+)\s*=\s*(.*)$/.exec(raw);
    if (kv === null) continue;
    lastKey = kv[1]!.toLowerCase();
    const value = kv[2]!.trim();
    if (["baseurl", "mirrorlist", "metalink"].includes(lastKey)) current.urls.push(...value.split(/[\s,]+/).filter(Boolean));
    if (lastKey === "enabled") current.enabled = !/^(0|no|false)$/i.test(value);
  }
  return repos;
}

// Parse os-release text (KEY=value, values optionally quoted).
export function parseOsRelease(text: string): OsRelease {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) values.set(m[1]!, m[2]!.replace(/^["']|["']$/g, ""));
  }
  return {
    id: values.get("ID") ?? null,
    idLike: (values.get("ID_LIKE") ?? "").split(/\s+/).filter(Boolean),
    versionId: values.get("VERSION_ID") ?? null,
    versionCodename: values.get("VERSION_CODENAME") ?? null,
  };
}

/** Whether an os-release describes a Debian-family system. */
export function isDebianFamily(os: OsRelease): boolean {
  return os.id === "debian" || os.idLike.includes("debian");
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch {
    return null;
  }
}

async function filesIn(dir: string, suffix: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir))
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => path.join(dir, f));
}

// Read /etc/os-release (or /usr/lib/os-release) under ROOT.
export async function readOsRelease(root = "/"): Promise<OsRelease> {
  const text = (await readIfExists(path.join(root, "etc/os-release"))) ?? (await readIfExists(path.join(root, "usr/lib/os-release"))) ?? "";
  return parseOsRelease(text);
}

// Read the package configuration of the host whose root is HOSTROOT ("/" except in tests).
export async function readHostConfig(hostRoot = "/"): Promise<HostConfig> {
  const aptDir = path.join(hostRoot, "etc/apt");
  const apt: HostAptEntry[] = [];
  const list = path.join(aptDir, "sources.list");
  const listText = await readIfExists(list);
  if (listText !== null) apt.push(...parseOneLineSources(listText, list));
  for (const f of await filesIn(path.join(aptDir, "sources.list.d"), ".list")) apt.push(...parseOneLineSources((await readIfExists(f)) ?? "", f));
  for (const f of await filesIn(path.join(aptDir, "sources.list.d"), ".sources")) apt.push(...parseDeb822Sources((await readIfExists(f)) ?? "", f));
  const reposdir = path.join(hostRoot, "etc/yum.repos.d");
  const yum: HostYumRepo[] = [];
  for (const f of await filesIn(reposdir, ".repo")) yum.push(...parseYumRepoFile((await readIfExists(f)) ?? "", f));
  return { os: await readOsRelease(hostRoot), apt, yumReposdir: yum.length > 0 ? reposdir : null, yum };
}
