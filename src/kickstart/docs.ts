// Render the kickstart commands and sections as a Markdown table of option states, from the registry.
import { registry } from "../faithful/index.js";
import type { CommandStates, Entry } from "../faithful/types.js";
import { commandList } from "./commands/index.js";
import { sections } from "./sections.js";

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A state, with the Debian (apt) exception when there is one. */
function stateText(e: Entry): string {
  const apt = e.backends?.apt;
  return apt && apt.state !== e.state ? `${e.state} (${apt.state} with apt)` : e.state;
}

/** Options grouped by their state, each list in declaration order. */
function byState(row: CommandStates): Record<"applied" | "warned" | "refused", string> {
  const out = { applied: [] as string[], warned: [] as string[], refused: [] as string[] };
  for (const [key, e] of Object.entries(row.options)) {
    const apt = e.backends?.apt;
    out[e.state].push(apt && apt.state !== e.state ? `${key} (${apt.state} with apt)` : key);
  }
  return { applied: out.applied.join(" "), warned: out.warned.join(" "), refused: out.refused.join(" ") };
}

function row(name: string, aliases: string, summary: string, states: CommandStates | undefined): string {
  if (!states) throw new Error(`no option states for ${name}`);
  const s = byState(states);
  return `| \`${cell(name)}\` | ${cell(aliases)} | ${cell(summary)} | ${stateText(states.command)} | ${cell(s.applied)} | ${cell(s.warned)} | ${cell(s.refused)} |`;
}

/** The Markdown table of every command and section ksimage reads, its state and its options by state. */
export function commandsTable(): string {
  const rows = ["| command | aliases | what it does | line | applied options | warned options | refused options |", "| --- | --- | --- | --- | --- | --- | --- |"];
  const sorted = [...commandList].sort((a, b) => a.name.localeCompare(b.name));
  for (const c of sorted) {
    const words = c.words ?? [c.name, ...(c.aliases ?? [])];
    const name = c.words ? c.words.join(", ") : c.name;
    const aliases = c.words ? "" : words.slice(1).join(", ");
    rows.push(row(name, aliases, c.summary, registry[c.name]));
  }
  for (const s of sections.values()) rows.push(row(`${s.open} … %end`, "", s.summary, registry[s.open]));
  rows.push(row("%include FILE", "", "read another kickstart file here", registry["%include"]));
  rows.push(row("%ksappend URL", "", "append a kickstart file (pykickstart's preprocessor)", registry["%ksappend"]));
  return rows.join("\n");
}
