// Read a kickstart file (following %include) into the typed model, or one error with file and line.
//
// The state machine follows pykickstart's: commands outside sections, section bodies
// until %end, %include allowed anywhere (its lines join whatever is open). Unlike
// pykickstart, every position names the file it is in and the %include chain.
import { readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { KickstartError, type SourcePos } from "../errors.js";
import { makeContext } from "./command.js";
import { commands } from "./commands/index.js";
import { isBlankOrComment, LexError, shlexSplit, splitLines } from "./lexer.js";
import { emptyKickstart, type Kickstart, type KsWarning } from "./model.js";
import { sections, type SectionHandler } from "./sections.js";
import { linesOf, recordLine } from "./usage.js";
import { secretsOf } from "../faithful/secrets.js";
import { addSecrets } from "../run/secrets.js";

export interface ParseOptions {
  /** Turn removed commands (install, auth, ...) into warnings instead of errors. */
  lenient?: boolean;
  /** Skip %include files that do not exist (Anaconda's %pre pre-parse mode). */
  missingIncludeIsFatal?: boolean;
  /** Read a file; tests and `--` stdin use it. Defaults to the file system. */
  readFile?: (file: string) => string;
  /** How deep %include may nest before it is treated as runaway recursion. */
  maxIncludeDepth?: number;
}

/** One problem found in a kickstart. */
export interface Diagnostic {
  severity: "error" | "warning";
  message: string;
  file: string;
  line: number;
  includeStack: string[];
  command?: string;
  category?: string;
}

export interface ParseResult {
  /** The model; absent when the parse failed. */
  ks: Kickstart | undefined;
  /** The error (at most one: like pykickstart, the first error stops the parse) and the warnings. */
  diagnostics: Diagnostic[];
  error: KickstartError | undefined;
}

interface OpenSection {
  handler: SectionHandler;
  open: string;
}

class KickstartReader {
  readonly ks: Kickstart;
  private section: OpenSection | undefined;
  private readonly stack: { display: string; real: string }[] = [];

  constructor(
    entry: string,
    private readonly opts: Required<Pick<ParseOptions, "lenient" | "missingIncludeIsFatal" | "maxIncludeDepth">> & {
      readFile: (file: string) => string;
    },
  ) {
    this.ks = emptyKickstart(entry);
  }

  private pos(line: number): SourcePos {
    const stack = this.stack.map((s) => s.display);
    return { file: stack[stack.length - 1] ?? this.ks.file, line, includeStack: stack };
  }

  private fail(message: string, line: number, command?: string): never {
    throw new KickstartError(message, this.pos(line), command);
  }

  /** Resolve an %include argument: the including file's directory first, then the entry file's. */
  private resolveInclude(arg: string): string | undefined {
    if (path.isAbsolute(arg)) return arg;
    const including = this.stack[this.stack.length - 1];
    const entry = this.stack[0];
    for (const base of [including, entry]) {
      if (!base) continue;
      const candidate = path.join(path.dirname(base.real), arg);
      try {
        statSync(candidate);
        return candidate;
      } catch {
        // try the next base
      }
    }
    return undefined;
  }

  readEntry(file: string): void {
    this.readFile(file, file, 0);
    if (this.section) {
      // The entry file has been read (its stack frame is gone): the error is at its last line.
      const pos: SourcePos = { file, line: this.lastLineCount, includeStack: [file] };
      throw new KickstartError(`Section ${this.section.open} does not end with %end.`, pos);
    }
  }

  private lastLineCount = 0;

  /** Record a directive line (%include, %ksappend) for the option-state rule. */
  private directive(word: string, line: number): void {
    const pos = this.pos(line);
    recordLine(this.ks, { command: word, word, file: pos.file, line, includeStack: pos.includeStack });
  }

  private include(arg: string, line: number): void {
    this.directive("%include", line);
    this.ks.includes.push(arg);
    if (this.stack.length >= this.opts.maxIncludeDepth) {
      this.fail(`%include nested deeper than ${this.opts.maxIncludeDepth} levels (recursive %include of ${arg}?)`, line, "%include");
    }
    const resolved = this.resolveInclude(arg);
    if (resolved !== undefined) {
      let real = resolved;
      try {
        real = realpathSync(resolved);
      } catch {
        // keep the unresolved path; reading it will report the error
      }
      if (this.stack.some((s) => s.real === real)) {
        this.fail(`recursive %include: ${arg} is already being read (${this.stack.map((s) => s.display).join(" -> ")})`, line, "%include");
      }
    }
    const saved = this.lastLineCount;
    this.readFile(resolved ?? arg, arg, line);
    this.lastLineCount = saved;
  }

  private readFile(file: string, display: string, includedAt: number): void {
    let text: string;
    let real = file;
    this.stack.push({ display, real: file });
    try {
      text = this.opts.readFile(file);
      try {
        real = realpathSync(file);
      } catch {
        real = path.resolve(file);
      }
      this.stack[this.stack.length - 1] = { display, real };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      // Python's OSError wording, which pykickstart shows, for the usual causes.
      const py: Record<string, string> = { ENOENT: "[Errno 2] No such file or directory", EACCES: "[Errno 13] Permission denied", EISDIR: "[Errno 21] Is a directory" };
      const known = err.code === undefined ? undefined : py[err.code];
      const why = known ? `${known}: '${display}'` : err.message;
      if (includedAt > 0) {
        // A missing %include is reported at the %include line, in the including file.
        this.stack.pop();
        if (!this.opts.missingIncludeIsFatal) return;
        this.fail(`Unable to open input kickstart file: Error opening file: ${why}`, includedAt, "%include");
      }
      this.fail(`Unable to open input kickstart file: Error opening file: ${why}`, 0);
    }
    const lines = splitLines(text);
    this.lastLineCount = lines.length;
    lines.forEach((raw, i) => this.readLine(raw, i + 1));
    this.stack.pop();
  }

  private split(raw: string, lineno: number, comments: boolean): string[] {
    try {
      return shlexSplit(raw, { comments });
    } catch (e) {
      if (e instanceof LexError) this.fail(`${e.message} (check the quotes on this line)`, lineno);
      throw e;
    }
  }

  private readLine(raw: string, lineno: number): void {
    if (this.section) return this.readSectionLine(raw, lineno, this.section);
    if (isBlankOrComment(raw)) return;
    const args = this.split(raw, lineno, true);
    const word = args[0];
    if (word === undefined || word === "") this.fail(`cannot read this line: ${raw.trim()}`, lineno);
    if (word === "%include") {
      if (!args[1]) this.fail("%include needs a file name", lineno, "%include");
      return this.include(args[1], lineno);
    }
    if (word === "%ksappend") return this.directive("%ksappend", lineno);
    if (word.startsWith("%")) return this.openSection(word, args, raw, lineno);
    this.runCommand(word, args, raw, lineno);
  }

  private openSection(word: string, args: string[], raw: string, lineno: number): void {
    const def = sections.get(word);
    if (!def) this.fail(`Unknown kickstart section: ${word}`, lineno, word);
    const pos = this.pos(lineno);
    const usage = recordLine(this.ks, { command: word, word, file: pos.file, line: lineno, includeStack: pos.includeStack });
    // An addon's state depends on which addon it is: its name is recorded as a positional.
    if (word === "%addon" && args[1] !== undefined) usage.options.push(`<${args[1]}>`);
    const ctx = makeContext({ ks: this.ks, word, args: args.slice(1), line: raw, pos, lenient: this.opts.lenient, usage });
    this.section = { handler: def.start(ctx), open: word };
  }

  private readSectionLine(raw: string, lineno: number, open: OpenSection): void {
    if (isBlankOrComment(raw) && !open.handler.allLines) return;
    if (raw.trimStart().startsWith("%")) {
      const first = raw.trim().split(/\s+/)[0] ?? "";
      if (!sections.has(first) && first !== "%end" && first !== "%include") {
        open.handler.line(raw);
        return;
      }
      const args = this.split(raw, lineno, false);
      if (args[0] === "%end") {
        open.handler.finalize();
        this.section = undefined;
        return;
      }
      if (args[0] === "%include") {
        if (!args[1]) this.fail("%include needs a file name", lineno, "%include");
        return this.include(args[1], lineno);
      }
      if (args[0] === "%ksappend") return this.directive("%ksappend", lineno);
      if (args[0] !== undefined && sections.has(args[0])) {
        this.fail(`Section ${open.open} does not end with %end.`, lineno);
      }
    }
    open.handler.line(raw);
  }

  private runCommand(word: string, args: string[], raw: string, lineno: number): void {
    const def = commands.get(word);
    if (!def) this.fail(`Unknown command: ${word}`, lineno, word);
    const pos = this.pos(lineno);
    const usage = recordLine(this.ks, { command: def.name, word, file: pos.file, line: lineno, includeStack: pos.includeStack });
    const ctx = makeContext({ ks: this.ks, word, args: args.slice(1), line: raw, pos, lenient: this.opts.lenient, usage });
    if (def.removed) {
      if (!this.opts.lenient) ctx.error(`${word} has been removed.`);
      ctx.warn(`${word} has been removed; ignored because of --lenient.`, "KickstartDeprecationWarning");
      return;
    }
    if (!this.ks.commandsSeen.includes(word)) this.ks.commandsSeen.push(word);
    def.handle(ctx);
  }
}

function toDiagnostic(w: KsWarning, stack: string[]): Diagnostic {
  return { severity: "warning", message: w.message, file: w.file, line: w.line, includeStack: stack, category: w.category };
}

/** Parse a kickstart file. Never throws for bad input: problems come back as diagnostics. */
export function parseKickstart(file: string, options: ParseOptions = {}): ParseResult {
  const reader = new KickstartReader(file, {
    lenient: options.lenient ?? false,
    missingIncludeIsFatal: options.missingIncludeIsFatal ?? true,
    maxIncludeDepth: options.maxIncludeDepth ?? 32,
    readFile: options.readFile ?? ((f) => readFileSync(f, "utf8")),
  });
  try {
    reader.readEntry(file);
  } catch (e) {
    // The lines read before the error may hold secrets too: mask them in every message and log from now on.
    addSecrets(secretsOf(reader.ks));
    if (!(e instanceof KickstartError)) throw e;
    const diagnostics = reader.ks.warnings.map((w) => toDiagnostic(w, [file]));
    diagnostics.push({
      severity: "error",
      message: e.message,
      file: e.pos.file,
      line: e.pos.line,
      includeStack: e.pos.includeStack,
      ...(e.command ? { command: e.command } : {}),
    });
    return { ks: undefined, diagnostics, error: e };
  }
  reader.ks.commandsSeen.sort();
  // From here on every log line, error message and output of this process masks the kickstart's secrets.
  addSecrets(secretsOf(reader.ks));
  return { ks: reader.ks, diagnostics: reader.ks.warnings.map((w) => toDiagnostic(w, [file])), error: undefined };
}

/** Parse kickstart text given in memory (tests, stdin); %include paths resolve from `dir`. */
export function parseKickstartString(text: string, options: ParseOptions & { name?: string; dir?: string } = {}): ParseResult {
  const name = options.name ?? "ks.cfg";
  const entry = path.join(options.dir ?? process.cwd(), name);
  const readFile = options.readFile ?? ((f: string) => readFileSync(f, "utf8"));
  const result = parseKickstart(entry, { ...options, readFile: (f) => (f === entry ? text : readFile(f)) });
  // Report the in-memory entry by its short name.
  for (const d of result.diagnostics) {
    if (d.file === entry) d.file = name;
    d.includeStack = d.includeStack.map((s) => (s === entry ? name : s));
  }
  if (result.error && result.error.pos.file === entry) result.error.pos.file = name;
  if (result.ks) {
    result.ks.file = name;
    const ks = result.ks;
    for (const item of [...ks.partitions, ...ks.scripts, ...ks.users, ...ks.groups, ...ks.sshkeys, ...ks.network, ...ks.repos, ...ks.addons]) {
      if (item.file === entry) item.file = name;
    }
    for (const u of linesOf(ks)) {
      if (u.file === entry) u.file = name;
      u.includeStack = u.includeStack.map((s) => (s === entry ? name : s));
    }
  }
  return result;
}
