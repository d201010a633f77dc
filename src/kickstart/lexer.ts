// Split kickstart lines into words exactly as pykickstart does (Python's shlex in POSIX mode).

/** A line that cannot be split: an unclosed quote or a trailing backslash. */
export class LexError extends Error {}

const WHITESPACE = new Set([" ", "\t", "\r", "\n"]);

/**
 * Split one line the way `shlex.split(line, comments=True)` does: POSIX quoting,
 * backslash escapes, and `#` starting a comment wherever it begins outside quotes,
 * even in the middle of a word (`--password=a#b` yields `--password=a`).
 * pykickstart has no backslash continuation: each physical line stands alone.
 */
export function shlexSplit(line: string, opts: { comments?: boolean } = {}): string[] {
  const comments = opts.comments ?? false;
  const words: string[] = [];
  let token = "";
  let inWord = false; // a token is under way, possibly empty ("" is a word)
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    if (WHITESPACE.has(ch)) {
      if (inWord) {
        words.push(token);
        token = "";
        inWord = false;
      }
      i++;
    } else if (comments && ch === "#") {
      // The rest of the line is a comment: shlex reads to the end of line.
      const nl = line.indexOf("\n", i);
      if (nl === -1) break;
      i = nl;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new LexError("No closing quotation");
      token += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const c = line[i] as string;
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === "\\") {
          const next = line[i + 1];
          // shlex reports a backslash at the end of the input as such, even inside quotes.
          if (next === undefined) throw new LexError("No escaped character");
          // Inside double quotes a backslash escapes only a quote or a backslash.
          if (next === '"' || next === "\\") {
            token += next;
          } else {
            token += c + next;
          }
          i += 2;
          continue;
        }
        token += c;
        i++;
      }
      if (!closed) throw new LexError("No closing quotation");
      inWord = true;
    } else if (ch === "\\") {
      const next = line[i + 1];
      if (next === undefined) throw new LexError("No escaped character");
      token += next;
      inWord = true;
      i += 2;
    } else {
      token += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(token);
  return words;
}

/**
 * Python's str.isspace()/lstrip() whitespace, which differs from JS's \s: it has
 * \x1c-\x1f and \x85, and not \ufeff (a byte order mark is not blank to pykickstart).
 */
// eslint-disable-next-line no-control-regex -- Python's whitespace includes these control characters
const PY_LEADING_SPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** pykickstart's test for lines it skips: empty, whitespace only, or a comment. */
export function isBlankOrComment(line: string): boolean {
  const stripped = line.replace(PY_LEADING_SPACE, "");
  return stripped === "" || stripped[0] === "#";
}

/**
 * Split a file into physical lines the way Python's `str.splitlines(True)` does
 * (every line boundary Python knows, \r\n as one), keeping the ends.
 */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  // eslint-disable-next-line no-control-regex -- Python's line boundaries include \x1c-\x1e
  const re = /[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[0] === "") break;
    lines.push(m[0]);
  }
  return lines;
}
