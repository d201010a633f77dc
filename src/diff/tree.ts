// One file system's tree as a flat list, and the comparison of two such lists (pure).

/** The kind of a directory entry, from the type bits of its mode. */
export type EntryType = "file" | "dir" | "symlink" | "char" | "block" | "fifo" | "socket" | "other";

/** One path of a file system, as `ksimage diff` compares it. */
export interface TreeEntry {
  /** Absolute path inside the file system ("/etc/hostname"). */
  path: string;
  type: EntryType;
  /** Permission bits with setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of a regular file or symlink; null for the others. */
  size: number | null;
  /** sha256 of a regular file's content; null for the others (or when not read). */
  sha256: string | null;
  /** A symlink's target; null for the others. */
  target: string | null;
}

/** One way the two trees differ at one path. */
export interface EntryDifference {
  path: string;
  what: string;
}

// The type of a full st_mode value (the S_IFMT bits).
export function entryType(mode: number): EntryType {
  switch (mode & 0o170000) {
    case 0o100000:
      return "file";
    case 0o040000:
      return "dir";
    case 0o120000:
      return "symlink";
    case 0o020000:
      return "char";
    case 0o060000:
      return "block";
    case 0o010000:
      return "fifo";
    case 0o140000:
      return "socket";
    default:
      return "other";
  }
}

const octal = (mode: number): string => mode.toString(8).padStart(4, "0");
const short = (hash: string | null): string => (hash === null ? "-" : hash.slice(0, 12));

// Every difference between the entries A and B at the same path, in a fixed order of fields.
function entryDifferences(a: TreeEntry, b: TreeEntry): string[] {
  const out: string[] = [];
  if (a.type !== b.type) return [`type ${a.type} -> ${b.type}`];
  if (a.mode !== b.mode) out.push(`mode ${octal(a.mode)} -> ${octal(b.mode)}`);
  if (a.uid !== b.uid || a.gid !== b.gid) out.push(`owner ${a.uid}:${a.gid} -> ${b.uid}:${b.gid}`);
  if (a.size !== b.size) out.push(`size ${a.size} -> ${b.size}`);
  if (a.target !== b.target) out.push(`target ${a.target} -> ${b.target}`);
  if (a.sha256 !== b.sha256) out.push(`content sha256 ${short(a.sha256)} -> ${short(b.sha256)}`);
  return out;
}

// Compare two trees path by path, in path order: "only in A", "only in B", or the fields that differ.
export function compareTrees(a: readonly TreeEntry[], b: readonly TreeEntry[]): EntryDifference[] {
  const left = new Map(a.map((e) => [e.path, e]));
  const right = new Map(b.map((e) => [e.path, e]));
  const paths = [...new Set([...left.keys(), ...right.keys()])].sort();
  const out: EntryDifference[] = [];
  for (const p of paths) {
    const x = left.get(p);
    const y = right.get(p);
    if (x === undefined) out.push({ path: p, what: `only in B (${y!.type})` });
    else if (y === undefined) out.push({ path: p, what: `only in A (${x.type})` });
    else for (const what of entryDifferences(x, y)) out.push({ path: p, what });
  }
  return out;
}
