// Package sources for backend tests: a selection with nothing selected, an RPM repository and a dnf source, all overridable.
import type { DnfSource, PackageSelection, RpmRepo } from "../../src/installer/types.js";

/** An empty PackageSelection with OVER applied. */
export const selection = (over: Partial<PackageSelection> = {}): PackageSelection => ({
  packages: [],
  excludes: [],
  groups: [],
  excludedGroups: [],
  environment: null,
  core: true,
  excludeDocs: false,
  instLangs: null,
  excludeWeakdeps: false,
  ignoreMissing: false,
  multilib: false,
  timeout: null,
  retries: null,
  ...over,
});

/** A plain RPM repository (file:///srv/repo, no options, no gpg keys) with OVER applied. */
export const rpmRepo = (over: Partial<RpmRepo> = {}): RpmRepo => ({
  id: "local",
  origin: "repo",
  baseurl: "file:///srv/repo",
  mirrorlist: null,
  metalink: null,
  cost: null,
  excludepkgs: [],
  includepkgs: [],
  proxy: null,
  sslverify: true,
  sslcacert: null,
  sslclientcert: null,
  sslclientkey: null,
  gpgkeys: [],
  install: false,
  ...over,
});

/** A dnf source with one rpmRepo(), $releasever 41 on x86_64 and an empty selection, with OVER applied. */
export const dnfSource = (over: Partial<DnfSource> = {}): DnfSource => ({
  backend: "dnf",
  repos: [rpmRepo()],
  hostReposdir: null,
  releasever: "41",
  basearch: "x86_64",
  onLiveimg: false,
  selection: selection(),
  reason: "test",
  ...over,
});
