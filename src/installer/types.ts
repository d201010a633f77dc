// The package source of a build as plain data: which backend, which repositories or mirrors, which package set.

/** The package managers ksimage drives. */
export type Backend = "dnf" | "apt";

/** The package set of %packages, in backend-neutral words. */
export interface PackageSelection {
  packages: string[];
  /** `-name` lines: never installed, not even as a dependency (dnf --exclude, apt pin -1). */
  excludes: string[];
  /** `@group` lines; include is default (mandatory+default), required (--nodefaults) or all (--optional). */
  groups: { name: string; include: "default" | "required" | "all" }[];
  /** `-@group` lines: not installed even though named elsewhere. */
  excludedGroups: string[];
  /** `@^environment`, or null. */
  environment: string | null;
  /** false with --nocore: dnf then adds no @core group. */
  core: boolean;
  excludeDocs: boolean;
  /** --instLangs, colon-separated as rpm's %_install_langs wants it, or null for all. */
  instLangs: string | null;
  excludeWeakdeps: boolean;
  ignoreMissing: boolean;
  multilib: boolean;
  timeout: number | null;
  retries: number | null;
}

/** One RPM repository as dnf will see it (from `url`, a `repo` line or the host's .repo files). */
export interface RpmRepo {
  id: string;
  /** Where it came from: "url", "repo" (kickstart lines) or the host .repo file. */
  origin: string;
  baseurl: string | null;
  mirrorlist: string | null;
  metalink: string | null;
  cost: number | null;
  excludepkgs: string[];
  includepkgs: string[];
  proxy: string | null;
  sslverify: boolean;
  sslcacert: string | null;
  sslclientcert: string | null;
  sslclientkey: string | null;
  /** GPG key URLs; an empty list means no signature check for this repository. */
  gpgkeys: string[];
  /** Also write the repository into the installed system (repo --install). */
  install: boolean;
}

/** The dnf source: repositories written into a private config, or the host's reposdir. */
export interface DnfSource {
  backend: "dnf";
  repos: RpmRepo[];
  /** The host's reposdir when the build uses the host's own repositories (no url/repo line), else null. */
  hostReposdir: string | null;
  /** $releasever, or null when it is to be read from the guest (or left to dnf). */
  releasever: string | null;
  basearch: string;
  /** Install on top of a liveimg tree instead of into an empty root. */
  onLiveimg: boolean;
  selection: PackageSelection;
  /** Why the backend was chosen, for `ksimage plan`. */
  reason: string;
}

/** One apt source as mmdebstrap gets it: a one-line "deb URI suite components" entry. */
export interface AptEntry {
  uri: string;
  suite: string;
  components: string[];
  /** repo/url --proxy of the kickstart line, for the build only (absent when none). */
  proxy?: string;
  /** repo/url --noverifyssl: the host's TLS certificate is not checked during the build (absent when checked). */
  noverifyssl?: true;
}

/** The apt source: mmdebstrap with a suite, a variant and mirror entries. */
export interface AptSource {
  backend: "apt";
  suite: string;
  /** mmdebstrap variant (minbase, important, ...). */
  variant: string;
  components: string[];
  entries: AptEntry[];
  selection: PackageSelection;
  reason: string;
}

/** What `installPackages` installs from; `ksimage plan` prints it. */
export type PackageSource = DnfSource | AptSource;

/** One installed package, as the backend's database lists it. */
export interface InstalledPackage {
  name: string;
  version: string;
  arch: string;
}

/** Progress of an installation, reported once per package. */
export interface InstallProgress {
  backend: Backend;
  /** What is happening: "install" while packages are unpacked/configured. */
  phase: string;
  package: string;
  done: number;
  /** Total number of packages, when the backend has said it. */
  total: number | null;
}
