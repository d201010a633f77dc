// Fold the lines of a %packages section into the package selection, as pykickstart does.
import type { CommandContext } from "./command.js";
import type { Packages } from "./model.js";

type GroupSel = Packages["groupList"][number];

const pySorted = (items: Iterable<string>): string[] =>
  [...items].sort((a, b) => {
    // Python sorts by code point; JS's default sort compares UTF-16 units, which agrees for the BMP.
    return a < b ? -1 : a > b ? 1 : 0;
  });

function parseGroupLine(ctx: CommandContext, line: string): GroupSel | undefined {
  // Group lines take --nodefaults/--optional; the rest of the words are the name.
  const words = line.split(/\s+/).filter(Boolean);
  const { ns, extra } = ctx.parse(
    [
      { names: ["--nodefaults"], dest: "nodefaults", action: "store_true", description: "mandatory packages only" },
      { names: ["--optional"], dest: "optional", action: "store_true", description: "optional packages too" },
    ],
    words,
    true,
  );
  if (ns.nodefaults && ns.optional) ctx.error("Group cannot specify both --nodefaults and --optional");
  const name = extra.join(" ");
  if (ctx.ks.packages.groupList.some((g) => g.name === name)) return undefined;
  return { name, include: ns.nodefaults ? "required" : ns.optional ? "all" : "default" };
}

/** Apply the lines of one %packages section (comments already cut) to ks.packages. */
export function addPackageLines(ctx: CommandContext, lines: string[]): void {
  const p = ctx.ks.packages;
  const existingExcluded = new Set(p.excludedPackageList);
  let existingPackages = new Set(p.packageList);
  const newExcluded = new Set<string>();
  const newPackages = new Set<string>();
  const excludedGroups: GroupSel[] = [];

  for (const raw of lines) {
    const s = raw.trim();
    if (s === "") continue;
    if (s.startsWith("@^")) {
      p.environment = s.slice(2);
    } else if (s.startsWith("@")) {
      const g = parseGroupLine(ctx, s.slice(1));
      if (g) p.groupList.push(g);
    } else if (s.startsWith("-")) {
      if (s.slice(1, 3) === "@^" && p.environment === s.slice(3)) p.environment = null;
      else if (s[1] === "@") excludedGroups.push({ name: s.slice(2), include: "default" });
      else newExcluded.add(s.slice(1));
    } else {
      newPackages.add(s);
    }
  }

  const excludedNames = new Set(excludedGroups.map((g) => g.name));
  p.groupList = p.groupList.filter((g) => !excludedNames.has(g.name));
  p.excludedGroupList.push(...excludedGroups);

  existingPackages = new Set([...existingPackages].filter((x) => !newExcluded.has(x)));
  for (const x of newPackages) existingPackages.add(x);
  const excluded = new Set([...existingExcluded].filter((x) => !existingPackages.has(x)));
  for (const x of newExcluded) excluded.add(x);

  p.packageList = pySorted(existingPackages);
  p.excludedPackageList = pySorted(excluded);
}
