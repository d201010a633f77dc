// Print the option-state registry as a table (command, option, state[, apt state]) and the counts by state.
// `npx tsx scripts/option-states.ts` — the closing note of issue 11 quotes this output.
import { countStates, registry } from "../src/faithful/index.js";

const rows: string[] = ["| command | option | state | reason or proof |", "| --- | --- | --- | --- |"];
for (const [command, row] of Object.entries(registry)) {
  for (const [key, e] of [["(line)", row.command] as const, ...Object.entries(row.options)]) {
    const apt = e.backends?.apt;
    const state = apt && apt.state !== e.state ? `${e.state} (apt: ${apt.state})` : e.state;
    const why = e.state === "applied" ? `${e.test.file}: ${e.test.title}` : e.reason;
    rows.push(`| ${command} | ${key} | ${state} | ${why.replace(/\|/g, "\\|")} |`);
  }
}
const c = countStates();
console.log(rows.join("\n"));
console.log(`\ncounts: applied ${c.applied}, warned ${c.warned}, refused ${c.refused}, total ${c.applied + c.warned + c.refused}`);
