// A package selection for backend tests: nothing selected, every option at its default, overridable.
import type { PackageSelection } from "../../src/installer/types.js";

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
