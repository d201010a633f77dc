// shellQuote renders argv as a pasteable POSIX shell line; redact masks secrets.
import { describe, it, expect } from "vitest";
import { redact, redactArgv, shellQuote } from "../../../src/run/index.js";

describe("shellQuote", () => {
  const cases: Array<[string[], string]> = [
    [["mkfs.ext4", "-L", "root", "/dev/loop0p1"], "mkfs.ext4 -L root /dev/loop0p1"],
    [["parted", "-s", "/tmp/a.img", "mkpart", "primary", "ext4", "1MiB", "100%"], "parted -s /tmp/a.img mkpart primary ext4 1MiB 100%"],
    [["echo", ""], "echo ''"],
    [["echo", "hello world"], "echo 'hello world'"],
    [["sh", "-c", "echo err >&2; exit 3"], "sh -c 'echo err >&2; exit 3'"],
    [["echo", "it's"], "echo 'it'\\''s'"],
    [["echo", "$HOME"], "echo '$HOME'"],
    [["echo", "a*b"], "echo 'a*b'"],
    [["echo", "~root"], "echo '~root'"],
    [["echo", "line1\nline2"], "echo 'line1\nline2'"],
    [["mount", "-o", "loop,ro", "x=y"], "mount -o loop,ro x=y"],
    [["echo", "a\"b"], "echo 'a\"b'"],
    [[], ""],
  ];
  it.each(cases)("%j → %s", (argv, expected) => {
    expect(shellQuote(argv)).toBe(expected);
  });

  it("round-trips through a real shell", async () => {
    const { run } = await import("../../../src/run/index.js");
    const args = ["a b", "it's", "$HOME", "", "x;y", "\\n"];
    const { stdout } = await run(["sh", "-c", `printf '%s\\n' ${shellQuote(args)}`]);
    expect(stdout.split("\n")).toEqual(args);
  });
});

describe("redact", () => {
  it("masks every occurrence of each secret", () => {
    expect(redact("pw=hunter2 again hunter2", ["hunter2"])).toBe("pw=*** again ***");
  });
  it("masks the longer secret first when secrets overlap", () => {
    expect(redact("abcdef", ["abc", "abcdef"])).toBe("***");
  });
  it("ignores empty secrets instead of masking between every character", () => {
    expect(redact("plain", [""])).toBe("plain");
  });
  it("masks inside argv elements", () => {
    expect(redactArgv(["useradd", "-p", "s3cret", "--comment=s3cret!"], ["s3cret"])).toEqual([
      "useradd",
      "-p",
      "***",
      "--comment=***!",
    ]);
  });
});
