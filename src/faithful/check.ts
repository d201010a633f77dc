// The plan-time rule: walk the lines the kickstart used and raise the registry's refusals and warnings.
import { PlanError } from "../errors.js";
import type { Kickstart } from "../kickstart/model.js";
import { linesOf, type LineUsage } from "../kickstart/usage.js";
import { lookup, stateFor, type BackendName } from "./index.js";
import type { OptionState } from "./types.js";

/** One refusal or warning, at the line that asked for it. */
export interface Finding {
  state: "warned" | "refused";
  file: string;
  line: number;
  includeStack: string[];
  /** What was used: `part --encrypted`, `%pre-install`. */
  what: string;
  reason: string;
}

function stateOf(u: LineUsage, key: string | undefined, backend: BackendName): OptionState {
  const entry = lookup(u.command, key);
  if (entry !== undefined) return stateFor(entry, backend);
  if (u.command === "%addon" && key !== undefined) {
    return { state: "warned", reason: `the ${key.slice(1, -1)} addon is read by Anaconda only; ksimage reads org_ksimage_debian` };
  }
  // The registry meta-test keeps every command and option declared; reaching this is a bug in ksimage.
  throw new Error(`no option state is declared for ${u.command}${key === undefined ? "" : ` ${key}`}`);
}

/** Every refusal and warning the kickstart's lines raise, in reading order (one per line and option). */
export function findings(ks: Kickstart, backend: BackendName = null): Finding[] {
  const out: Finding[] = [];
  for (const u of linesOf(ks)) {
    const where = { file: u.file, line: u.line, includeStack: u.includeStack };
    const command = stateOf(u, undefined, backend);
    if (command.state !== "applied") {
      out.push({ ...where, state: command.state, what: u.word, reason: command.reason });
      if (command.state === "refused") continue;
    }
    for (const key of u.options) {
      const s = stateOf(u, key, backend);
      if (s.state === "applied") continue;
      // A warned command's options say the same thing; repeat them only when they say something else.
      if (command.state === "warned" && s.state === "warned" && s.reason === command.reason) continue;
      out.push({ ...where, state: s.state, what: `${u.word} ${key}`, reason: s.reason });
    }
  }
  return out;
}

/** A finding as one line: `ks.cfg:3: part --encrypted: LUKS ...`. */
export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}: ${f.what}: ${f.reason}`;
}

/**
 * Stop the plan on the first refusal (the others are listed in the message), and return the warnings
 * that plan and build print. Runs before anything is touched.
 */
export function checkOptionStates(ks: Kickstart, backend: BackendName = null): string[] {
  const all = findings(ks, backend);
  const refusals = all.filter((f) => f.state === "refused");
  const first = refusals[0];
  if (first !== undefined) {
    const more = refusals.slice(1).map((f) => `\n  also ${formatFinding(f)}`).join("");
    throw new PlanError(`${first.what}: ${first.reason}${more}`, { file: first.file, line: first.line, includeStack: first.includeStack });
  }
  return all.filter((f) => f.state === "warned").map(formatFinding);
}
