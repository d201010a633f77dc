// The three states an option can be in: applied (a test proves it), warned (no effect on an image), refused.

/** Applied: the build gives the option its effect; `test` names the test file and title that show it. */
export interface Applied {
  state: "applied";
  test: { file: string; title: string };
}

/** Warned: the option has no effect on an image; `reason` is printed by plan and build when it is used. */
export interface Warned {
  state: "warned";
  reason: string;
}

/** Refused: the build cannot give the option its effect; `reason` says what is missing (plan stops with file:line). */
export interface Refused {
  state: "refused";
  reason: string;
}

export type OptionState = Applied | Warned | Refused;

/** The state of an option, with a different one where the package backend changes it (Debian's apt). */
export type Entry = OptionState & { backends?: Partial<Record<"apt" | "dnf", OptionState>> };

/** One command or section: the bare line's state, and each option's (keys: `--size`, `<mntpoint>`). */
export interface CommandStates {
  command: Entry;
  options: Record<string, Entry>;
}

/** Registry rows: command name (pykickstart's) or section tag → states. */
export type Registry = Record<string, CommandStates>;

/** An applied option and the test (file under tests/, title) that shows its effect. */
export const applied = (file: string, title: string): Applied => ({ state: "applied", test: { file, title } });
/** An option without effect on an image, and why. */
export const warned = (reason: string): Warned => ({ state: "warned", reason });
/** An option the build cannot honour, and what is missing. */
export const refused = (reason: string): Refused => ({ state: "refused", reason });
/** Different states per package backend. */
export const perBackend = (base: OptionState, backends: Partial<Record<"apt" | "dnf", OptionState>>): Entry => ({ ...base, backends });
