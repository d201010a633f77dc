// Option states of the sections (%packages, the scripts, %addon, %certificate), directives and removed commands.
import { applied, perBackend, refused, warned, type OptionState, type Registry } from "../types.js";

const SCRIPTS = "tests/integration/installer/scripts.test.ts";
const DNF_UNIT = "tests/unit/installer/dnf.test.ts";
const DNF = "tests/integration/installer/dnf.test.ts";
const APT = "tests/unit/installer/apt.test.ts";
const FAITH = "tests/unit/faithful/applied.test.ts";
const FEATURES = "tests/integration/build/kickstart-features.test.ts";
const PRE_INSTALL = "%pre-install sees the mounted, empty root; certificate, firstboot --reconfig, graphical target; vfat /data holds the files of %post";
const ONERROR = "a failing %post --erroronfail runs %onerror on the host, with the log and the mounted tree, and leaves nothing behind";

const scriptOptions = (state: OptionState) => ({ "--erroronfail": state, "--interpreter": state, "--log": state });
const APT_NO = (what: string) => refused(`${what} is not applied by the Debian path (apt): there is no such setting for mmdebstrap`);

export const sectionStates: Registry = {
  "%pre": {
    command: applied(SCRIPTS, "runs on the build host, before there is any root"),
    options: {
      "--erroronfail": applied(SCRIPTS, "fails with a ScriptError, stops the scripts and leaves no script file"),
      "--interpreter": applied(SCRIPTS, "--interpreter, in kickstart order, --log inside the guest and on the host"),
      "--log": applied(SCRIPTS, "--interpreter, in kickstart order, --log inside the guest and on the host"),
    },
  },
  "%pre-install": {
    command: applied(FEATURES, PRE_INSTALL),
    // The same script runner as %pre: what its tests show holds here.
    options: {
      "--erroronfail": applied(SCRIPTS, "fails with a ScriptError, stops the scripts and leaves no script file"),
      "--interpreter": applied(SCRIPTS, "--interpreter, in kickstart order, --log inside the guest and on the host"),
      "--log": applied(SCRIPTS, "--interpreter, in kickstart order, --log inside the guest and on the host"),
    },
  },
  "%post": {
    command: applied(SCRIPTS, "runs in the guest through chroot"),
    options: {
      "--erroronfail": applied(SCRIPTS, "fails with a ScriptError, stops the scripts and leaves no script file"),
      "--interpreter": applied(SCRIPTS, "--interpreter, in kickstart order, --log inside the guest and on the host"),
      "--log": applied(SCRIPTS, "--interpreter, in kickstart order, --log inside the guest and on the host"),
      "--nochroot": applied(SCRIPTS, "--nochroot runs on the host with INSTALL_ROOT and ANA_INSTALL_PATH, outside the root"),
    },
  },
  "%onerror": {
    command: applied(FEATURES, ONERROR),
    options: {
      "--erroronfail": warned("%onerror runs once the build has already failed: a failing %onerror script is logged, and the build's own error is reported"),
      "--interpreter": applied(SCRIPTS, "--interpreter, in kickstart order, --log inside the guest and on the host"),
      "--log": applied(SCRIPTS, "--interpreter, in kickstart order, --log inside the guest and on the host"),
    },
  },
  "%traceback": {
    command: warned("%traceback runs when the installer crashes; an image build has no installer (a failed build runs %onerror)"),
    options: scriptOptions(warned("%traceback runs when the installer crashes; an image build has no installer (a failed build runs %onerror)")),
  },
  "%packages": {
    command: applied(DNF, "groups, environment, @core, excludes, --excludedocs, --instLangs, --excludeWeakdeps, repo --install"),
    options: {
      "--excludedocs": applied(DNF, "groups, environment, @core, excludes, --excludedocs, --instLangs, --excludeWeakdeps, repo --install"),
      "--ignoremissing": perBackend(applied(DNF, "--ignoremissing skips an unknown package instead of failing"), { apt: APT_NO("%packages --ignoremissing") }),
      "--default": refused("%packages --default asks for the installer's default package set (its product configuration), which an image build has no equivalent of: list the packages or @groups (on Debian, choose a variant with %addon org_ksimage_debian)"),
      "--instLangs": applied(DNF, "groups, environment, @core, excludes, --excludedocs, --instLangs, --excludeWeakdeps, repo --install"),
      "--multilib": perBackend(applied(DNF_UNIT, "every %packages option, excludes as --exclude, keys -> signatures checked, cache kept"), { apt: APT_NO("%packages --multilib") }),
      "--nocore": perBackend(applied(DNF, "defaults: docs, all languages and weak deps installed; --nocore; --nodefaults and --optional groups"), {
        apt: warned("Debian has no @core group: --nocore changes nothing there"),
      }),
      "--timeout": applied(APT, "build-time apt.conf: host settings, timeout, retries; nothing to say, no file"),
      "--retries": applied(APT, "build-time apt.conf: host settings, timeout, retries; nothing to say, no file"),
      "--excludeWeakdeps": perBackend(applied(DNF, "groups, environment, @core, excludes, --excludedocs, --instLangs, --excludeWeakdeps, repo --install"), {
        apt: APT_NO("%packages --exclude-weakdeps"),
      }),
      "--ignorebroken": perBackend(applied(FAITH, "%packages --ignorebroken makes dnf non-strict"), { apt: APT_NO("%packages --ignorebroken") }),
      // Options of @group lines inside the section.
      "--nodefaults": applied(DNF_UNIT, "--nodefaults and --optional groups get their own transactions; excluded groups are dropped"),
      "--optional": applied(DNF_UNIT, "--nodefaults and --optional groups get their own transactions; excluded groups are dropped"),
    },
  },
  "%addon": {
    command: applied("tests/unit/installer/source.test.ts", "the addon's suite re-aims the host's entries"),
    // Keyed by the addon's name; any other addon is warned (it is Anaconda's).
    options: { "<org_ksimage_debian>": applied("tests/unit/installer/source.test.ts", "the addon's suite re-aims the host's entries") },
  },
  "%anaconda": { command: warned("%anaconda configures the installer's own interface; an image build has no installer"), options: {} },
  "%certificate": {
    command: applied(FEATURES, PRE_INSTALL),
    options: { "--filename": applied(FEATURES, PRE_INSTALL), "--dir": applied(FEATURES, PRE_INSTALL) },
  },
  "%include": { command: applied("tests/unit/kickstart/parser.test.ts", "follows nested includes relative to the including file, in commands, %packages and %post bodies"), options: {} },
  "%ksappend": { command: refused("%ksappend is not followed by ksimage: flatten the kickstart first (ksflatten)"), options: {} },
};

/** The commands pykickstart removed: refused by the parser (or dropped with a warning under --lenient). */
export function removedStates(names: readonly string[]): Registry {
  return Object.fromEntries(names.map((n) => [n, { command: refused(`${n} has been removed from kickstart`), options: {} }]));
}
