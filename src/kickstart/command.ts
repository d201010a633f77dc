// The contract every kickstart command module fulfils, and the context it runs in.
import { KickstartError, type SourcePos } from "../errors.js";
import type { Kickstart } from "./model.js";
import { KsOptionParser, OptionError, type OptionSpec, type ParseResult } from "./options.js";
import { recordOptions, type LineUsage } from "./usage.js";

/** What a command handler sees: the line, its position, and the model to fill in. */
export interface CommandContext {
  ks: Kickstart;
  /** The command word as written (`part` or `partition`, `halt` or `reboot`). */
  word: string;
  /** The words after the command word. */
  args: string[];
  /** The physical line, unsplit (authselect and a few others keep it verbatim). */
  line: string;
  file: string;
  lineno: number;
  includeStack: string[];
  /** Parse `args` (or the given words) with an argparse-compatible parser of `options`. */
  parse(options: readonly OptionSpec[], args?: string[], known?: boolean): ParseResult;
  /** Stop parsing with an error at this line. */
  error(message: string): never;
  /** Record a warning at this line (pykickstart's warning categories). */
  warn(message: string, category?: "KickstartParseWarning" | "KickstartDeprecationWarning"): void;
  /** Parser switches: lenient turns removed commands into warnings. */
  lenient: boolean;
}

/** One kickstart command: its names, options (with descriptions) and handler. */
export interface CommandDef {
  /** pykickstart's name for the command; also its key under `other` when it has no field of its own. */
  name: string;
  /** Other words that run this command (`partition` for `part`, `poweroff` for `reboot`). */
  aliases?: readonly string[];
  /** The words that run it, when its name is not one of them (displaymode runs as text/graphical/cmdline). */
  words?: readonly string[];
  /** One line for the README's supported-commands table. */
  summary: string;
  /** Options, for parsing and for generated documentation. */
  options: readonly OptionSpec[];
  /** pykickstart's RemovedCommand: an error, or a warning with --lenient. What the build does with a command is in src/faithful/. */
  removed?: true;
  /** Apply one line of this command to the model. Throw through ctx.error for bad input. */
  handle(ctx: CommandContext): void;
  /** Render the model's part for this command back to kickstart lines (round trip). */
  toKickstart(ks: Kickstart): string[];
}

/** Build the context for one command line; the parser calls this. */
export function makeContext(init: {
  ks: Kickstart;
  word: string;
  args: string[];
  line: string;
  pos: SourcePos;
  lenient: boolean;
  /** Where the options this line gives are recorded (the option-state rule reads them). */
  usage?: LineUsage;
}): CommandContext {
  const { ks, word, args, line, pos, lenient, usage } = init;
  const error = (message: string): never => {
    throw new KickstartError(message, pos, word);
  };
  const warn = (message: string, category: "KickstartParseWarning" | "KickstartDeprecationWarning" = "KickstartParseWarning"): void => {
    ks.warnings.push({ category, message, file: pos.file, line: pos.line });
  };
  return {
    ks,
    word,
    args,
    line,
    file: pos.file,
    lineno: pos.line,
    includeStack: pos.includeStack,
    lenient,
    error,
    warn,
    parse(options, words = args, known = false) {
      const parser = new KsOptionParser(word, [...options]);
      try {
        const r = known ? parser.parseKnownArgs(words) : parser.parseArgs(words);
        if (usage) recordOptions(usage, r.given);
        for (const w of r.warnings) warn(w.message.replace("%LINE%", String(pos.line)), w.category);
        return r;
      } catch (e) {
        if (e instanceof OptionError) return error(e.message);
        throw e;
      }
    },
  };
}

/** Shared helper: quote a value for a kickstart line when it needs it. */
export function ksQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(value) ? value : `"${value.replace(/(["\\])/g, "\\$1")}"`;
}
