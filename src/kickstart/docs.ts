// Render the supported kickstart commands and sections as a Markdown table, from the registry.
import { commandList } from "./commands/index.js";
import { sections } from "./sections.js";

const SUPPORT: Record<string, string> = {
  used: "used by the build",
  accepted: "parsed, no effect on the image",
  removed: "removed from kickstart (error; warning with --lenient)",
};

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The Markdown table of every command and section ksimage reads. */
export function commandsTable(): string {
  const rows = ["| command | aliases | ksimage | what it does | options |", "| --- | --- | --- | --- | --- |"];
  const sorted = [...commandList].sort((a, b) => a.name.localeCompare(b.name));
  for (const c of sorted) {
    const words = c.words ?? [c.name, ...(c.aliases ?? [])];
    const name = c.words ? c.words.join(", ") : c.name;
    const aliases = c.words ? "" : words.slice(1).join(", ");
    const opts = c.options.flatMap((o) => o.names.slice(0, 1)).join(" ");
    rows.push(`| \`${cell(name)}\` | ${cell(aliases)} | ${SUPPORT[c.support]} | ${cell(c.summary)} | ${cell(opts)} |`);
  }
  for (const s of sections.values()) {
    const opts = s.options.flatMap((o) => o.names.slice(0, 1)).join(" ");
    rows.push(`| \`${s.open}\` … \`%end\` | | section | ${cell(s.summary)} | ${cell(opts)} |`);
  }
  return rows.join("\n");
}
