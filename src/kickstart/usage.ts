// Which commands, sections and options each kickstart line used, with its file:line (read by the option-state rule).
import type { Kickstart } from "./model.js";
import type { OptionSpec } from "./options.js";

/** One command or section line as written: its registry name, the options it gave, and where it is. */
export interface LineUsage {
  /** The command's registry name (`part` for `partition`), a section's opening tag, or `%include`/`%ksappend`. */
  command: string;
  /** The word as written. */
  word: string;
  /** Registry keys of the options and positionals given (`--size`, `<mntpoint>`), in order, without repeats. */
  options: string[];
  file: string;
  line: number;
  includeStack: string[];
}

// Kept beside the model, not in it: the model is what `inspect --json` prints and compares with pykickstart.
const usages = new WeakMap<Kickstart, LineUsage[]>();

/** The registry key of one option spec: its first option string, or `<dest>` for a positional. */
export function optionKey(spec: Pick<OptionSpec, "names" | "dest">): string {
  return spec.names[0] ?? `<${spec.dest}>`;
}

/** Record a line; returns the record so the option parser can add what the line gave. */
export function recordLine(ks: Kickstart, u: Omit<LineUsage, "options">): LineUsage {
  const rec: LineUsage = { ...u, options: [] };
  const list = usages.get(ks) ?? [];
  list.push(rec);
  usages.set(ks, list);
  return rec;
}

/** Add the options a parse of this line gave. */
export function recordOptions(rec: LineUsage, specs: readonly Pick<OptionSpec, "names" | "dest">[]): void {
  for (const s of specs) {
    const key = optionKey(s);
    if (!rec.options.includes(key)) rec.options.push(key);
  }
}

/** Every line the parse recorded, in reading order (empty for a model not made by the parser). */
export function linesOf(ks: Kickstart): LineUsage[] {
  return usages.get(ks) ?? [];
}
