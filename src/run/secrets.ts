// The secrets of the current run (passwords, passphrases, keys, hashes): every log line, error and output masks them.

const known = new Set<string>();

/** Shorter values would mask ordinary words ("a", "on"); kickstart secrets that short are not worth hiding text for. */
const MIN_LENGTH = 3;

/** Add secrets; each is also masked in its JSON-escaped spelling (the log is JSON lines). */
export function addSecrets(values: Iterable<string>): void {
  for (const v of values) {
    if (v.length < MIN_LENGTH) continue;
    known.add(v);
    const json = JSON.stringify(v).slice(1, -1);
    if (json !== v) known.add(json);
  }
}

/** The secrets registered so far. */
export function knownSecrets(): string[] {
  return [...known];
}

/** Forget every secret (tests). */
export function clearSecrets(): void {
  known.clear();
}
