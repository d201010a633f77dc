// Every command's --help ends with examples (issue 7: "Every command has --help with examples"), walked from the program itself.
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { applianceCreatorMain } from "../../../src/cli/appliance-creator.js";
import { buildProgram } from "../../../src/cli/main.js";

// The full help text of CMD, including what addHelpText("after") adds.
function helpOf(cmd: Command): string {
  let text = "";
  cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}

// Commands that run something (groups like `cache` only list their subcommands).
function leaves(cmd: Command, prefix = ""): [string, Command][] {
  return cmd.commands.flatMap((c) => (c.commands.length > 0 ? leaves(c, `${prefix}${c.name()} `) : [[`${prefix}${c.name()}`, c] as [string, Command]]));
}

describe("--help", () => {
  const commands = leaves(buildProgram());
  it("covers the commands of the issue", () => {
    expect(commands.map(([name]) => name)).toEqual(expect.arrayContaining(["validate", "inspect", "plan", "build", "doctor", "boot", "convert", "cache list", "cache prune"]));
  });
  it.each(commands)("ksimage %s shows examples", (name, cmd) => {
    const examples = helpOf(cmd).split("\nExamples:\n")[1] ?? "";
    expect(examples.split("\n").filter((l) => l.startsWith("  ") && l.includes(`ksimage ${name} `))).not.toEqual([]);
  });
  it("appliance-creator shows examples and its exit codes", async () => {
    const saved = process.stdout.write.bind(process.stdout);
    let out = "";
    process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
    try {
      expect(await applianceCreatorMain(["--help"])).toBe(0);
    } finally {
      process.stdout.write = saved;
    }
    expect(out).toMatch(/\nExamples \(as root; from another account, through sudo\):\n {2}appliance-creator -c examples\/appliance-creator-style\.ks -n app -f qcow2 -o out --checksum\n/);
    expect(out).toContain("Exit status: 0 done, 1 the build failed, 2 a usage error.");
  });
});
