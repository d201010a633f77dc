// The registry of option states: every command, section and option is applied, warned or refused.
import { commandList } from "../kickstart/commands/index.js";
import { sectionStates, removedStates } from "./registry/sections.js";
import { sourceStates } from "./registry/sources.js";
import { storageStates } from "./registry/storage.js";
import { systemStates } from "./registry/system.js";
import type { Entry, OptionState, Registry } from "./types.js";

export type { Applied, CommandStates, Entry, OptionState, Refused, Registry, Warned } from "./types.js";

/** Every command and section, by registry name (pykickstart's command name, or the section's tag). */
export const registry: Registry = {
  ...storageStates,
  ...systemStates,
  ...sourceStates,
  ...sectionStates,
  ...removedStates(commandList.filter((c) => c.removed).map((c) => c.name)),
};

/** The package backend a state is asked for (null: not known, the general state). */
export type BackendName = "apt" | "dnf" | null;

/** The state of an entry for a backend. */
export function stateFor(entry: Entry, backend: BackendName): OptionState {
  const { backends, ...base } = entry;
  return (backend !== null ? backends?.[backend] : undefined) ?? base;
}

/** The registry entry of a command's option (`<mntpoint>`, `--size`), or of the command itself (key undefined). */
export function lookup(command: string, key?: string): Entry | undefined {
  const row = registry[command];
  if (row === undefined) return undefined;
  return key === undefined ? row.command : row.options[key];
}

/** Counts by state (commands and options together; per-backend states counted once, by their general state). */
export function countStates(reg: Registry = registry): Record<OptionState["state"], number> {
  const counts = { applied: 0, warned: 0, refused: 0 };
  for (const row of Object.values(reg)) for (const e of [row.command, ...Object.values(row.options)]) counts[e.state] += 1;
  return counts;
}
