// The kickstart sections (%packages, scripts, %addon, %certificate): header options and bodies.
import type { CommandContext } from "./command.js";
import type { Kickstart, Script } from "./model.js";
import type { OptionSpec } from "./options.js";
import { addPackageLines } from "./packages.js";

/** One open section: receives its header, then its lines, then is finalized at %end. */
export interface SectionHandler {
  /** Whether blank and comment lines belong to the body (scripts) or are skipped (%packages). */
  allLines: boolean;
  line(text: string): void;
  finalize(): void;
}

/** A section type: its opening tag and how to start one. */
export interface SectionDef {
  open: string;
  summary: string;
  options: readonly OptionSpec[];
  start(ctx: CommandContext): SectionHandler;
}

const scriptOptions: OptionSpec[] = [
  { names: ["--erroronfail"], dest: "errorOnFail", action: "store_true", description: "fail the build when the script fails" },
  { names: ["--interpreter"], dest: "interpreter", default: "/bin/sh", description: "interpreter that runs the script" },
  { names: ["--log", "--logfile"], dest: "log", description: "file the script's output is also written to" },
];

const postOptions: OptionSpec[] = [
  ...scriptOptions,
  { names: ["--nochroot"], dest: "nochroot", action: "store_true", description: "run on the build host, with INSTALL_ROOT set, not in the chroot" },
];

function scriptSection(open: string, type: Script["type"], options: OptionSpec[], summary: string): SectionDef {
  return {
    open,
    summary,
    options,
    start(ctx) {
      const { ns } = ctx.parse(options);
      const body: string[] = [];
      return {
        allLines: true,
        line: (text) => body.push(text),
        finalize() {
          // pykickstart drops scripts whose body is only whitespace.
          if (body.join(" ").trim() === "") return;
          ctx.ks.scripts.push({
            file: ctx.file,
            lineno: ctx.lineno,
            type,
            interp: ns.interpreter as string,
            inChroot: type === "post" ? !(ns.nochroot as boolean) : false,
            errorOnFail: ns.errorOnFail as boolean,
            logfile: (ns.log as string | null) ?? null,
            body: body.join(""),
          });
        },
      };
    },
  };
}

const packagesOptions: OptionSpec[] = [
  { names: ["--excludedocs"], dest: "excludedocs", action: "store_true", description: "install no documentation (/usr/share/doc)" },
  { names: ["--ignoremissing"], dest: "ignoremissing", action: "store_true", description: "skip packages and groups that no repository has" },
  { names: ["--default"], dest: "defaultPackages", action: "store_true", description: "install the default package set" },
  { names: ["--instLangs", "--inst-langs"], dest: "instLangs", default: null, description: "languages whose translations are installed" },
  { names: ["--multilib"], dest: "multiLib", action: "store_true", description: "install all architectures of multilib packages" },
  { names: ["--nocore"], dest: "nocore", action: "store_true", description: "do not add the @core group" },
  { names: ["--timeout"], dest: "timeout", type: "int", default: null, description: "package manager connection timeout in seconds" },
  { names: ["--retries"], dest: "retries", type: "int", default: null, description: "package manager download retries" },
  { names: ["--excludeWeakdeps", "--exclude-weakdeps"], dest: "excludeWeakdeps", action: "store_true", description: "do not install weak dependencies (Recommends)" },
  { names: ["--ignorebroken"], dest: "ignorebroken", action: "store_true", description: "skip packages with conflicting files" },
];

const packagesSection: SectionDef = {
  open: "%packages",
  summary: "packages, @groups, @^environment and -excludes to install",
  options: packagesOptions,
  start(ctx) {
    const { ns } = ctx.parse(packagesOptions);
    const p = ctx.ks.packages;
    if (ns.defaultPackages && ns.nocore) ctx.error("--default and --nocore cannot be used together");
    p.seen = true;
    p.excludeDocs = ns.excludedocs as boolean;
    p.ignoreMissing = ns.ignoremissing as boolean;
    if (ns.defaultPackages) p.default = true;
    if (ns.instLangs !== null) p.instLangs = ns.instLangs as string;
    p.multiLib = ns.multiLib as boolean;
    p.nocore = ns.nocore as boolean;
    p.timeout = ns.timeout as number | null;
    p.retries = ns.retries as number | null;
    p.excludeWeakdeps = ns.excludeWeakdeps as boolean;
    p.ignoreBroken = ns.ignorebroken as boolean;
    for (const [old, preferred] of [
      ["--instLangs", "--inst-langs"],
      ["--excludeWeakdeps", "--exclude-weakdeps"],
    ] as const) {
      if (ctx.args.includes(old)) {
        ctx.warn(
          `The ${old} option on line ${ctx.lineno} will be deprecated in future releases. Please modify your kickstart file to replace this option with its preferred alias ${preferred}.`,
          "KickstartDeprecationWarning",
        );
      }
    }
    // pykickstart's PackageSection.handleLine calls Packages.add([line]) for each line as it
    // comes: a package both listed and excluded in one section ends up where its last line puts it.
    return {
      allLines: false,
      line: (text) => addPackageLines(ctx, [text.split("#")[0]!.trimEnd()]),
      finalize: () => undefined,
    };
  },
};

/** %addon and %anaconda: kept verbatim for the tools that read them (org_ksimage_debian is ours). */
function verbatimSection(open: string, summary: string): SectionDef {
  return {
    open,
    summary,
    options: [],
    start(ctx) {
      const body: string[] = [];
      return {
        allLines: true,
        line: (text) => body.push(text),
        finalize() {
          ctx.ks.addons.push({ file: ctx.file, lineno: ctx.lineno, section: open, args: ctx.args, body: body.join("") });
        },
      };
    },
  };
}

const certificateOptions: OptionSpec[] = [
  { names: ["--filename"], dest: "filename", required: true, description: "file name of the certificate" },
  { names: ["--dir"], dest: "dir", description: "directory the certificate is written to" },
];

const certificateSection: SectionDef = {
  open: "%certificate",
  summary: "a certificate to install into the image",
  options: certificateOptions,
  start(ctx) {
    const { ns } = ctx.parse(certificateOptions);
    const body: string[] = [];
    return {
      allLines: true,
      line: (text) => body.push(text),
      finalize() {
        ctx.ks.certificates.push({ file: ctx.file, lineno: ctx.lineno, filename: ns.filename, dir: ns.dir ?? null, cert: body.join("") });
      },
    };
  },
};

/** Every section the parser recognizes, by opening tag. */
export const sections: ReadonlyMap<string, SectionDef> = new Map(
  [
    scriptSection("%pre", "pre", scriptOptions, "script run on the build host before the disks are made"),
    scriptSection("%pre-install", "pre-install", scriptOptions, "script run after the disks are mounted, before packages"),
    scriptSection("%post", "post", postOptions, "script run in the installed system (or on the host with --nochroot)"),
    scriptSection("%onerror", "onerror", scriptOptions, "script run when the build fails"),
    scriptSection("%traceback", "traceback", scriptOptions, "script run when the installer crashes (accepted, not run)"),
    packagesSection,
    verbatimSection("%addon", "distribution knobs kickstart has no command for (org_ksimage_debian)"),
    verbatimSection("%anaconda", "Anaconda settings (accepted, no effect)"),
    certificateSection,
  ].map((s) => [s.open, s] as const),
);

export type { Kickstart };
