// Build a real, offline RPM repository for tests: noarch packages from generated spec files, a comps.xml, createrepo_c -g.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { run } from "../../src/run/index.js";

/** One noarch package: its files (absolute paths), docs (marked %doc), language files and dependencies. */
export interface RpmPackageSpec {
  name: string;
  version?: string;
  requires?: string[];
  recommends?: string[];
  /** Plain files: absolute path -> content. */
  files?: Record<string, string>;
  /** Files marked %doc (rpm skips them with tsflags=nodocs). */
  docs?: Record<string, string>;
  /** Files marked %lang(LANG) (rpm skips them when LANG is not in %_install_langs). */
  langFiles?: { lang: string; path: string; content: string }[];
}

/** One comps.xml group and the packages it names, each with its type. */
export interface CompsGroup {
  id: string;
  name?: string;
  packages: { name: string; type: "mandatory" | "default" | "optional" }[];
}

/** One comps.xml environment and the groups it pulls in. */
export interface CompsEnvironment {
  id: string;
  groups: string[];
}

/** What buildRpmRepo made: the repository directory (with repodata/) and its file:// URL. */
export interface RpmRepo {
  dir: string;
  url: string;
  packages: string[];
}

function heredoc(target: string, content: string): string {
  const marker = "KSIMAGE_EOF";
  if (content.includes(marker)) throw new Error(`rpm-repo helper: content of ${target} contains ${marker}`);
  return `mkdir -p "%{buildroot}${path.dirname(target)}"\ncat > "%{buildroot}${target}" <<'${marker}'\n${content}\n${marker}`;
}

/** The spec file text of one package. */
export function specText(p: RpmPackageSpec): string {
  const files = Object.entries(p.files ?? {});
  const docs = Object.entries(p.docs ?? {});
  const langs = p.langFiles ?? [];
  const install = [
    ...files.map(([f, c]) => heredoc(f, c)),
    ...docs.map(([f, c]) => heredoc(f, c)),
    ...langs.map((l) => heredoc(l.path, l.content)),
  ];
  const fileList = [...files.map(([f]) => f), ...docs.map(([f]) => `%doc ${f}`), ...langs.map((l) => `%lang(${l.lang}) ${l.path}`)];
  return [
    `Name: ${p.name}`,
    `Version: ${p.version ?? "1.0"}`,
    "Release: 1",
    `Summary: ksimage test package ${p.name}`,
    "License: MIT",
    "BuildArch: noarch",
    ...(p.requires ?? []).map((r) => `Requires: ${r}`),
    ...(p.recommends ?? []).map((r) => `Recommends: ${r}`),
    "",
    "%description",
    `Test package ${p.name} for ksimage.`,
    "",
    "%install",
    ...install,
    "",
    "%files",
    ...fileList,
    "",
  ].join("\n");
}

/** The comps.xml text for GROUPS and ENVIRONMENTS. */
export function compsXml(groups: CompsGroup[], environments: CompsEnvironment[] = []): string {
  const group = (g: CompsGroup): string =>
    [
      "  <group>",
      `    <id>${g.id}</id>`,
      `    <name>${g.name ?? g.id}</name>`,
      `    <description>${g.id}</description>`,
      "    <default>false</default>",
      "    <uservisible>true</uservisible>",
      "    <packagelist>",
      ...g.packages.map((p) => `      <packagereq type="${p.type}">${p.name}</packagereq>`),
      "    </packagelist>",
      "  </group>",
    ].join("\n");
  const env = (e: CompsEnvironment): string =>
    [
      "  <environment>",
      `    <id>${e.id}</id>`,
      `    <name>${e.id}</name>`,
      `    <description>${e.id}</description>`,
      "    <grouplist>",
      ...e.groups.map((g) => `      <groupid>${g}</groupid>`),
      "    </grouplist>",
      "  </environment>",
    ].join("\n");
  return ['<?xml version="1.0" encoding="UTF-8"?>', "<comps>", ...groups.map(group), ...environments.map(env), "</comps>", ""].join("\n");
}

/** Build every package with rpmbuild -bb under WORKDIR/rpmbuild and index REPO_DIR with createrepo_c (-g when groups are given). */
export async function buildRpmRepo(
  workdir: string,
  packages: RpmPackageSpec[],
  groups: CompsGroup[] = [],
  environments: CompsEnvironment[] = [],
): Promise<RpmRepo> {
  const topdir = path.join(workdir, "rpmbuild");
  const repoDir = path.join(workdir, "repo");
  await mkdir(path.join(topdir, "SPECS"), { recursive: true });
  await mkdir(repoDir, { recursive: true });
  for (const p of packages) {
    const spec = path.join(topdir, "SPECS", `${p.name}.spec`);
    await writeFile(spec, specText(p));
    await run(["rpmbuild", "--quiet", "--define", `_topdir ${topdir}`, "--define", `_rpmdir ${repoDir}`, "-bb", spec], {
      reason: `build the test package ${p.name}`,
    });
  }
  const createrepo = ["createrepo_c", "--quiet"];
  if (groups.length > 0 || environments.length > 0) {
    const comps = path.join(workdir, "comps.xml");
    await writeFile(comps, compsXml(groups, environments));
    createrepo.push("-g", comps);
  }
  await run([...createrepo, repoDir], { reason: "index the test repository" });
  return { dir: repoDir, url: `file://${repoDir}`, packages: packages.map((p) => p.name) };
}

/**
 * The standard test repository: dependencies (ks-app -> ks-lib -> ks-base), a weak dependency (ks-app recommends
 * ks-weak), docs (ks-app), language files (ks-lang: de and fr), a group ks-tools (mandatory/default/optional
 * members), a core group (ks-core-member), an environment ks-env (pulls ks-envgroup), and a package to exclude.
 */
export const STANDARD_PACKAGES: RpmPackageSpec[] = [
  { name: "ks-base", files: { "/usr/share/ks-base/base.txt": "base" } },
  { name: "ks-lib", requires: ["ks-base"], files: { "/usr/share/ks-lib/lib.txt": "lib" } },
  {
    name: "ks-app",
    requires: ["ks-lib"],
    recommends: ["ks-weak"],
    files: { "/usr/bin/ks-app": "#!/bin/sh\necho ks-app" },
    docs: { "/usr/share/doc/ks-app/README": "the ks-app manual" },
  },
  { name: "ks-weak", files: { "/usr/share/ks-weak/weak.txt": "weak" } },
  { name: "ks-excluded", files: { "/usr/share/ks-excluded/x.txt": "must not be installed" } },
  {
    name: "ks-lang",
    files: { "/usr/share/ks-lang/always.txt": "always" },
    langFiles: [
      { lang: "de", path: "/usr/share/locale/de/LC_MESSAGES/ks-lang.txt", content: "Hallo" },
      { lang: "fr", path: "/usr/share/locale/fr/LC_MESSAGES/ks-lang.txt", content: "Bonjour" },
    ],
  },
  { name: "ks-mandatory", files: { "/usr/share/ks-mandatory/m.txt": "m" } },
  { name: "ks-default", files: { "/usr/share/ks-default/d.txt": "d" } },
  { name: "ks-optional", files: { "/usr/share/ks-optional/o.txt": "o" } },
  { name: "ks-core-member", files: { "/usr/share/ks-core-member/c.txt": "c" } },
  { name: "ks-envmember", files: { "/usr/share/ks-envmember/e.txt": "e" } },
];

export const STANDARD_GROUPS: CompsGroup[] = [
  {
    id: "ks-tools",
    packages: [
      { name: "ks-mandatory", type: "mandatory" },
      { name: "ks-default", type: "default" },
      { name: "ks-optional", type: "optional" },
    ],
  },
  { id: "core", name: "Core", packages: [{ name: "ks-core-member", type: "mandatory" }] },
  { id: "ks-envgroup", packages: [{ name: "ks-envmember", type: "mandatory" }] },
];

export const STANDARD_ENVIRONMENTS: CompsEnvironment[] = [{ id: "ks-env", groups: ["ks-envgroup"] }];

/** Build the standard test repository under WORKDIR. */
export function buildStandardRepo(workdir: string): Promise<RpmRepo> {
  return buildRpmRepo(workdir, STANDARD_PACKAGES, STANDARD_GROUPS, STANDARD_ENVIRONMENTS);
}
