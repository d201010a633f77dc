// The parser's state machine: sections, their headers and bodies, errors at exact lines, %include.
//
// Commands are being rewritten elsewhere, so these tests use only `lang` (and removed commands)
// and never look at a command's attributes: they are about structure.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseKickstart, parseKickstartString, type ParseOptions, type ParseResult } from "../../../src/kickstart/parser.js";
import { parse, parseOk } from "../../helpers/ks.js";

/** The error of a failed parse, with the position fields only. */
function errorOf(r: ParseResult): { message: string; file: string; line: number; includeStack: string[] } {
  expect(r.ks).toBeUndefined();
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  expect(errors).toHaveLength(1);
  const e = errors[0]!;
  return { message: e.message, file: e.file, line: e.line, includeStack: e.includeStack };
}

describe("%packages", () => {
  it("reads groups, environments, excludes and comments, and accumulates over sections (pykickstart's Packages.add)", () => {
    const ks = parseOk(
      [
        "lang en_US",
        "%packages --excludedocs",
        "@core --nodefaults",
        "@^server-env",
        "-@dial-up",
        "vim # the editor",
        "# a comment line",
        "",
        "-nano",
        "@opt --optional",
        "Zeta",
        "alpha",
        "@core",
        "%end",
        "%packages",
        "emacs",
        "-vim",
        "@^minimal-env",
        "-@^minimal-env",
        "%end",
      ].join("\n"),
    );
    const p = ks.packages;
    expect(p.seen).toBe(true);
    expect(p.excludeDocs).toBe(false); // the second header resets it, as pykickstart's handleHeader does
    expect(p.environment).toBeNull();
    expect(p.groupList).toEqual([
      { name: "core", include: "required" },
      { name: "opt", include: "all" },
    ]);
    expect(p.excludedGroupList).toEqual([{ name: "dial-up", include: "default" }]);
    expect(p.packageList).toEqual(["Zeta", "alpha", "emacs"]); // sorted by code point
    expect(p.excludedPackageList).toEqual(["nano", "vim"]);
  });

  it("keeps the environment of the last @^ line and its header options", () => {
    const p = parseOk("%packages --excludedocs --ignoremissing\n@^a-env\n@^b-env\n%end\n").packages;
    expect(p).toMatchObject({ environment: "b-env", excludeDocs: true, ignoreMissing: true, packageList: [] });
  });

  it("applies each line in turn, so a name listed and excluded in one section lands where its last line puts it", () => {
    const p = parseOk("%packages\nvim\n-vim\n-emacs\nemacs\nnano\n%end\n").packages;
    expect(p.packageList).toEqual(["emacs", "nano"]);
    expect(p.excludedPackageList).toEqual(["vim"]);
  });

  it("excludes groups line by line too (-@g then @g keeps both; @h then -@h drops h)", () => {
    const p = parseOk("%packages\n-@g\n@g\n@h\n-@h\n%end\n").packages;
    expect(p.groupList).toEqual([{ name: "g", include: "default" }]);
    expect(p.excludedGroupList).toEqual([
      { name: "g", include: "default" },
      { name: "h", include: "default" },
    ]);
  });

  it("rejects a group with both --nodefaults and --optional", () => {
    const e = errorOf(parse("lang en_US\n%packages\n@core --nodefaults --optional\n%end\n"));
    expect(e.message).toBe("Group cannot specify both --nodefaults and --optional");
    expect(e.file).toBe("ks.cfg");
  });

  it("rejects an unknown header option at the header line", () => {
    const e = errorOf(parse("lang en_US\n\n%packages --bogus\nvim\n%end\n"));
    expect(e).toMatchObject({ message: "unrecognized arguments: --bogus", line: 3 });
  });
});

describe("scripts", () => {
  const ks = [
    "lang en_US",
    "%pre --interpreter=/usr/bin/python3 --erroronfail --log=/tmp/pre.log",
    "print('hi')",
    "",
    "# kept: comments belong to the body",
    "  %notasection and 100%",
    "%end",
    "%post --nochroot --logfile /mnt/sysimage/root/post.log",
    'echo "$INSTALL_ROOT"\r',
    "%end # trailing words after %end are fine",
    "%post",
    "",
    "   \t",
    "%end",
    "%post --interp /bin/bash",
    "exit 0",
    "  %end",
    "%onerror",
    "echo failed",
    "%end",
  ].join("\n");

  it("keeps header options and the exact body, and drops scripts whose body is only whitespace", () => {
    expect(parseOk(ks).scripts).toEqual([
      {
        file: "ks.cfg",
        lineno: 2,
        type: "pre",
        interp: "/usr/bin/python3",
        inChroot: false,
        errorOnFail: true,
        logfile: "/tmp/pre.log",
        body: "print('hi')\n\n# kept: comments belong to the body\n  %notasection and 100%\n",
      },
      {
        file: "ks.cfg",
        lineno: 8,
        type: "post",
        interp: "/bin/sh",
        inChroot: false,
        errorOnFail: false,
        logfile: "/mnt/sysimage/root/post.log",
        body: 'echo "$INSTALL_ROOT"\r\n',
      },
      { file: "ks.cfg", lineno: 15, type: "post", interp: "/bin/bash", inChroot: true, errorOnFail: false, logfile: null, body: "exit 0\n" },
      { file: "ks.cfg", lineno: 18, type: "onerror", interp: "/bin/sh", inChroot: false, errorOnFail: false, logfile: null, body: "echo failed\n" },
    ]);
  });

  it("accepts --nochroot only on %post", () => {
    const e = errorOf(parse("lang en_US\n%pre --nochroot\necho\n%end\n"));
    expect(e).toMatchObject({ message: "unrecognized arguments: --nochroot", file: "ks.cfg", line: 2 });
  });

  it.each(["%pre-install", "%traceback"])("reads %s with its type", (open) => {
    const [s] = parseOk(`${open}\ntrue\n%end\n`).scripts;
    expect(s).toMatchObject({ type: open.slice(1), lineno: 1, body: "true\n", inChroot: false });
  });
});

describe("%addon and %anaconda", () => {
  it("keeps the header words and the body verbatim", () => {
    const ks = parseOk(
      'lang en_US\n%addon org_ksimage_debian --suite=bookworm "--mirror=http://x y"\nmirror http://deb\n\n# kept\n%end\n%anaconda\npwpolicy root --minlen=6\n%end\n',
    );
    expect(ks.addons).toEqual([
      { file: "ks.cfg", lineno: 2, section: "%addon", args: ["org_ksimage_debian", "--suite=bookworm", "--mirror=http://x y"], body: "mirror http://deb\n\n# kept\n" },
      { file: "ks.cfg", lineno: 7, section: "%anaconda", args: [], body: "pwpolicy root --minlen=6\n" },
    ]);
  });
});

describe("errors name the file and the exact line", () => {
  it.each([
    ["an unknown section", "lang en_US\n\n%foo --bar\n%end\n", 3, "Unknown kickstart section: %foo"],
    ["%end in command context", "lang en_US\n%end\n", 2, "Unknown kickstart section: %end"],
    ["an unknown command", "lang en_US\n# comment\n\nfrobnicate --x\n", 4, "Unknown command: frobnicate"],
    ["an unclosed quote", 'lang en_US\nlang "en_GB\n', 2, "No closing quotation (check the quotes on this line)"],
    ["%include without a file", "lang en_US\n\n%include\n", 3, "%include needs a file name"],
    ["a section header inside %post", "%post\necho\n\n%packages\nvim\n%end\n", 4, "Section %post does not end with %end."],
    ["a section header inside %packages", "%packages\nvim\n%pre\n%end\n", 3, "Section %packages does not end with %end."],
    ["a removed command", "lang en_US\ninstall\n", 2, "install has been removed."],
  ])("%s", (_what, text, line, message) => {
    expect(errorOf(parse(text))).toEqual({ message, file: "ks.cfg", line, includeStack: ["ks.cfg"] });
  });

  it.each([
    ["after the last body line", "lang en_US\n%post\necho hi\n", 3],
    ["with no final newline", "lang en_US\n%post\necho hi", 3],
    ["counting trailing blank lines", "lang en_US\n%post\necho hi\n\n\n", 5],
    ["for %packages", "%packages\nvim\n# comment\n", 3],
    ["for a header on the last line", "lang en_US\n%post", 2],
  ])("reports an unterminated section at end of file on the file's last line (%s)", (_what, text, line) => {
    // Not through parse(): it would add the missing final newline.
    const r = parseKickstartString(text, { name: "ks.cfg", dir: "/nonexistent-ksimage-test" });
    expect(errorOf(r)).toEqual({ message: expect.stringMatching(/^Section %(post|packages) does not end with %end\.$/), file: "ks.cfg", line, includeStack: ["ks.cfg"] });
  });

  it("treats a backslash before the newline as an escaped newline, and one at the very end of the file as an error", () => {
    expect(parseOk("%post --interpreter /bin/sh\\\necho\n%end\n").scripts[0]?.interp).toBe("/bin/sh\n");
    const r = parseKickstartString("lang en_US\n\nlang en_GB\\", { name: "ks.cfg", dir: "/nonexistent-ksimage-test" });
    expect(errorOf(r)).toEqual({ message: "No escaped character (check the quotes on this line)", file: "ks.cfg", line: 3, includeStack: ["ks.cfg"] });
  });

  it("makes removed commands warnings with lenient, at their line", () => {
    const r = parse("lang en_US\ninstall\nauth --useshadow\n", { lenient: true });
    expect(r.ks).toBeDefined();
    expect(r.diagnostics.map((d) => [d.severity, d.line, d.category])).toEqual([
      ["warning", 2, "KickstartDeprecationWarning"],
      ["warning", 3, "KickstartDeprecationWarning"],
    ]);
    expect(r.ks?.commandsSeen).not.toContain("install");
  });
});

describe("%include", () => {
  let dir = "";
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = "";
  });

  /** Write files under a fresh temp dir and parse its ks.cfg from the file system. */
  function parseFiles(files: Record<string, string>, opts: ParseOptions = {}): ParseResult {
    dir = mkdtempSync(path.join(os.tmpdir(), "ksimage-parser-"));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return parseKickstart(path.join(dir, "ks.cfg"), opts);
  }
  const entry = (): string => path.join(dir, "ks.cfg");

  const tree = {
    "ks.cfg": "lang en_US\n%include sub/one.ks\n%packages\n%include sub/pkgs.ks\nvim\n%end\n%post\necho a\n%include sub/body.sh\necho c\n%end\n%include sub/three.ks\n",
    "sub/one.ks": "# one: its own %include is relative to sub/\n%include two.ks\n",
    "sub/two.ks": "lang en_GB\n",
    "sub/pkgs.ks": "@core\n-nano\n",
    "sub/body.sh": "echo b\n",
    "sub/three.ks": "lang de_DE\n",
    "two.ks": "this file must not be read: includes resolve from the including file's directory\n",
  };

  it("follows nested includes relative to the including file, in commands, %packages and %post bodies", () => {
    const r = parseFiles(tree);
    expect(r.diagnostics).toEqual([]);
    const ks = r.ks!;
    expect(ks.includes).toEqual(["sub/one.ks", "two.ks", "sub/pkgs.ks", "sub/body.sh", "sub/three.ks"]);
    expect(ks.packages.groupList).toEqual([{ name: "core", include: "default" }]);
    expect(ks.packages.packageList).toEqual(["vim"]);
    expect(ks.packages.excludedPackageList).toEqual(["nano"]);
    expect(ks.scripts).toHaveLength(1);
    expect(ks.scripts[0]).toMatchObject({ file: entry(), lineno: 7, body: "echo a\necho b\necho c\n" });
  });

  it("names the included file, its line and the include chain for an error inside it", () => {
    const r = parseFiles({ ...tree, "sub/two.ks": "lang en_GB\n\nfrobnicate\n" });
    expect(errorOf(r)).toEqual({ message: "Unknown command: frobnicate", file: "two.ks", line: 3, includeStack: [entry(), "sub/one.ks", "two.ks"] });
  });

  it("reports a missing include at the %include line (pykickstart says line 0)", () => {
    const r = parse("lang en_US\n%include ksimage-test-no-such-file.ks\n");
    expect(errorOf(r)).toEqual({
      message: "Unable to open input kickstart file: Error opening file: [Errno 2] No such file or directory: 'ksimage-test-no-such-file.ks'",
      file: "ks.cfg",
      line: 2,
      includeStack: ["ks.cfg"],
    });
  });

  it("skips a missing include when missingIncludeIsFatal is false, still listing it", () => {
    const r = parse("lang en_US\n%include ksimage-test-no-such-file.ks\nlang en_GB\n", { missingIncludeIsFatal: false });
    expect(r.diagnostics).toEqual([]);
    expect(r.ks?.includes).toEqual(["ksimage-test-no-such-file.ks"]);
  });

  it("reports a file that cannot be read as Python would (a directory)", () => {
    const r = parseFiles({ "ks.cfg": "%include sub\n", "sub/x": "" });
    expect(errorOf(r)).toMatchObject({ message: "Unable to open input kickstart file: Error opening file: [Errno 21] Is a directory: 'sub'", line: 1 });
  });

  it("stops a self-recursive include with an error at its line, not a stack overflow", () => {
    const r = parseFiles({ "ks.cfg": "lang en_US\n\n%include ks.cfg\n" });
    const e = errorOf(r);
    expect(e).toMatchObject({ file: entry(), line: 3, includeStack: [entry()] });
    expect(e.message).toMatch(/^recursive %include: ks\.cfg is already being read/);
  });

  it("stops mutually recursive includes at the include that closes the loop", () => {
    const r = parseFiles({ "ks.cfg": "%include a.ks\n", "a.ks": "lang en_US\n%include b.ks\n", "b.ks": "# b\n\n%include a.ks\n" });
    const e = errorOf(r);
    expect(e).toMatchObject({ file: "b.ks", line: 3, includeStack: [entry(), "a.ks", "b.ks"] });
    expect(e.message).toMatch(/^recursive %include: a\.ks is already being read/);
  });

  it("stops a recursive include inside a %post body too", () => {
    const r = parseFiles({ "ks.cfg": "%post\n%include body.sh\n%end\n", "body.sh": "echo\n%include body.sh\n" });
    expect(errorOf(r)).toMatchObject({ file: "body.sh", line: 2, message: expect.stringMatching(/^recursive %include/) });
  });

  it("limits the include depth (a chain of distinct files), and accepts a chain within the limit", () => {
    const chain = (n: number): Record<string, string> => {
      const files: Record<string, string> = { "ks.cfg": "%include d1.ks\n" };
      for (let i = 1; i < n; i++) files[`d${i}.ks`] = `%include d${i + 1}.ks\n`;
      files[`d${n}.ks`] = "lang en_US\n";
      return files;
    };
    const ok = parseFiles(chain(10));
    expect(ok.ks?.includes).toHaveLength(10);
    rmSync(dir, { recursive: true, force: true });
    const deep = parseFiles(chain(40), { maxIncludeDepth: 32 });
    const e = errorOf(deep);
    expect(e.message).toMatch(/nested deeper than 32 levels/);
    expect(e.includeStack).toHaveLength(32);
    expect(e.line).toBe(1);
  });

  it("reports the end of the entry file for a section an included file left open", () => {
    const r = parseFiles({ "ks.cfg": "lang en_US\n%include post.ks\n", "post.ks": "%post\necho inner\n" });
    expect(errorOf(r)).toEqual({ message: "Section %post does not end with %end.", file: entry(), line: 2, includeStack: [entry()] });
  });

  // A deliberate difference: pykickstart silently ignores every line of the including file after
  // such an include (its state machine stays in the section with no file to read it from); we let
  // the section continue into the including file, which is what its author meant.
  it("lets a section opened in an included file continue in the including file", () => {
    const r = parseFiles({ "ks.cfg": "%include post.ks\necho outer\n%end\nlang en_US\n", "post.ks": "%post\necho inner\n" });
    expect(r.ks?.scripts).toEqual([expect.objectContaining({ file: "post.ks", lineno: 1, body: "echo inner\necho outer\n" })]);
  });
});
