// Render argv as one line a human can paste into a POSIX shell, with secrets masked.
import { knownSecrets } from "./secrets.js";

const SAFE = /^[A-Za-z0-9_\-.,:/@%+=]+$/;

// Quote argv for a POSIX shell, using single quotes only where an argument needs them.
export function shellQuote(argv: readonly string[]): string {
  return argv.map(quoteOne).join(" ");
}

function quoteOne(arg: string): string {
  if (arg === "") return "''";
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** What a masked secret looks like in logs, recorded commands and errors. */
export const REDACTED = "***";

// Replace every occurrence of each non-empty secret (these and the run's registered ones) in text by ***, longest first.
export function redact(text: string, secrets: readonly string[] = []): string {
  const ordered = [...secrets, ...knownSecrets()].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of ordered) out = out.split(secret).join(REDACTED);
  return out;
}

// Mask secrets in each argument of argv.
export function redactArgv(argv: readonly string[], secrets: readonly string[] = []): string[] {
  return argv.map((arg) => redact(arg, secrets));
}
