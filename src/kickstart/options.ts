// Parse command options exactly as pykickstart's KSOptionParser (Python 3.11 argparse) does.
//
// Faithfulness matters more than elegance here: prefix abbreviations, `--opt=value`,
// "expected one argument", ambiguous prefixes and argparse's positional matching all
// decide whether a real-world kickstart parses, so this is a port of argparse's
// algorithm (pattern strings of O/A/- and the nargs regexes), not a new design.

/** An option value converter; throws OptionTypeError (or any Error) on bad input. */
export type OptionConverter = (value: string) => unknown;

/** A value a converter rejects: argparse prints its message as is. */
export class OptionTypeError extends Error {}

export type Nargs = "?" | "*" | "+" | number | undefined;

/** One option or positional argument, in argparse's terms. */
export interface OptionSpec {
  /** Option strings (`--size`, `--ondisk`, `--ondrive`); empty for a positional. */
  names: string[];
  /** Attribute the value lands in. */
  dest: string;
  /** What the option does; store by default. */
  action?: "store" | "store_true" | "store_false" | "store_const" | "append" | "append_const" | "count" | "extend";
  /** Converter: "int" and "float" are argparse's, "ksboolean" is pykickstart's, or a function. */
  type?: "int" | "float" | "ksboolean" | OptionConverter;
  /** Name argparse prints for a converter function in "invalid X value". */
  typeName?: string;
  nargs?: Nargs;
  const?: unknown;
  default?: unknown;
  choices?: readonly string[];
  required?: boolean;
  /** pykickstart keeps deprecated options parseable but ignores them with a warning. */
  deprecated?: boolean;
  /** What the option means, for help and generated docs. */
  description: string;
}

/** The error argparse would raise, as pykickstart reports it. */
export class OptionError extends Error {}

/** A warning produced while parsing options (deprecated options). */
export interface OptionWarning {
  category: "KickstartDeprecationWarning" | "KickstartParseWarning";
  message: string;
}

export interface ParseResult {
  ns: Record<string, unknown>;
  extra: string[];
  /** Options given on the line, by dest, in order (for "was it written?" questions). */
  seen: Set<string>;
  /** The specs the line gave, options and positionals, in order (the option-state rule reads them). */
  given: OptionSpec[];
  warnings: OptionWarning[];
}

const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;

function nargsPattern(nargs: Nargs, isOptional: boolean, takesNone: boolean): string {
  let p: string;
  if (takesNone) p = "(-*-*)";
  else if (nargs === undefined) p = "(-*A-*)";
  else if (nargs === "?") p = "(-*A?-*)";
  else if (nargs === "*") p = "(-*[A-]*)";
  else if (nargs === "+") p = "(-*A[A-]*)";
  else p = "(-*" + Array(nargs).fill("A").join("-*") + "-*)";
  if (isOptional) p = p.replace(/-\*/g, "").replace(/-/g, "");
  return p;
}

function takesNoValue(o: OptionSpec): boolean {
  return ["store_true", "store_false", "store_const", "append_const", "count"].includes(o.action ?? "store");
}

function pyRepr(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function ksboolean(value: string): boolean {
  const v = value.toLowerCase();
  if (["on", "yes", "true", "1"].includes(v)) return true;
  if (["off", "no", "false", "0"].includes(v)) return false;
  throw new OptionTypeError(`invalid boolean value: ${pyRepr(value)}`);
}

function pyInt(value: string): number {
  const t = value.trim();
  // Python's int() takes single underscores between digits only ("1_000", not "1__0" or "_1").
  if (!/^[+-]?\d+(?:_\d+)*$/.test(t)) throw new Error("bad int");
  return Number.parseInt(t.replace(/_/g, ""), 10);
}

// Python's float() also takes single underscores between digits ("1_0.5").
const PY_FLOAT = /^[+-]?(\d+(?:_\d+)*\.?(?:\d+(?:_\d+)*)?|\.\d+(?:_\d+)*)(e[+-]?\d+(?:_\d+)*)?$/;

function pyFloat(value: string): number {
  const t = value.trim().toLowerCase();
  if (PY_FLOAT.test(t)) return Number.parseFloat(t.replace(/_/g, ""));
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return Number.NaN;
  throw new Error("bad float");
}

/** An argparse-compatible parser for one command's options. */
export class KsOptionParser {
  readonly prog: string;
  readonly specs: OptionSpec[];
  private readonly byString = new Map<string, OptionSpec>();
  /** The specs argparse keeps: an option whose every string a later spec took over is dropped. */
  private readonly live: OptionSpec[];

  constructor(prog: string, specs: OptionSpec[]) {
    this.prog = prog;
    this.specs = specs;
    // Later definitions win, like argparse's conflict_handler="resolve" (which also moves
    // the option string to the end of its table: that order shows in "ambiguous option").
    for (const s of specs) {
      for (const n of s.names) {
        this.byString.delete(n);
        this.byString.set(n, s);
      }
    }
    this.live = specs.filter((s) => s.names.length === 0 || this.optionStrings(s).length > 0);
  }

  /** The option strings a spec still owns after conflict resolution. */
  private optionStrings(spec: OptionSpec): string[] {
    return spec.names.filter((n) => this.byString.get(n) === spec);
  }

  /** argparse's _get_action_name: the option strings joined by "/", or the dest of a positional. */
  private label(spec: OptionSpec): string {
    return spec.names.length ? this.optionStrings(spec).join("/") : spec.dest;
  }

  private hasNegativeNumberOptions(): boolean {
    return [...this.byString.keys()].some((k) => NEGATIVE_NUMBER.test(k));
  }

  /** Classify one argument: an option match, an unknown option (spec null), or a positional (undefined). */
  private parseOptional(arg: string): { spec: OptionSpec | null; str: string; explicit: string | undefined } | undefined {
    if (!arg || arg[0] !== "-") return undefined;
    const exact = this.byString.get(arg);
    if (exact) return { spec: exact, str: arg, explicit: undefined };
    if (arg.length === 1) return undefined;
    if (arg.includes("=")) {
      const i = arg.indexOf("=");
      const s = this.byString.get(arg.slice(0, i));
      if (s) return { spec: s, str: arg.slice(0, i), explicit: arg.slice(i + 1) };
    }
    const tuples = this.optionTuples(arg);
    if (tuples.length > 1) {
      const matches = tuples.map((t) => t.str).join(", ");
      throw new OptionError(`ambiguous option: ${arg} could match ${matches}`);
    }
    if (tuples.length === 1) return tuples[0];
    if (NEGATIVE_NUMBER.test(arg) && !this.hasNegativeNumberOptions()) return undefined;
    if (arg.includes(" ")) return undefined;
    return { spec: null, str: arg, explicit: undefined };
  }

  private optionTuples(arg: string): { spec: OptionSpec; str: string; explicit: string | undefined }[] {
    const out: { spec: OptionSpec; str: string; explicit: string | undefined }[] = [];
    if (arg[1] === "-") {
      const i = arg.indexOf("=");
      const prefix = i >= 0 ? arg.slice(0, i) : arg;
      const explicit = i >= 0 ? arg.slice(i + 1) : undefined;
      for (const [str, spec] of this.byString) if (str.startsWith(prefix)) out.push({ spec, str, explicit });
    } else {
      const shortPrefix = arg.slice(0, 2);
      const shortExplicit = arg.slice(2);
      for (const [str, spec] of this.byString) {
        if (str === shortPrefix) out.push({ spec, str, explicit: shortExplicit });
        else if (str.startsWith(arg)) out.push({ spec, str, explicit: undefined });
      }
    }
    return out;
  }

  private convert(spec: OptionSpec, value: string): unknown {
    let v: unknown = value;
    if (spec.type) {
      const name = typeof spec.type === "string" ? spec.type : (spec.typeName ?? "value");
      try {
        if (spec.type === "int") v = pyInt(value);
        else if (spec.type === "float") v = pyFloat(value);
        else if (spec.type === "ksboolean") v = ksboolean(value);
        else v = spec.type(value);
      } catch (e) {
        const label = this.label(spec);
        if (e instanceof OptionTypeError) throw new OptionError(`argument ${label}: ${e.message}`);
        throw new OptionError(`argument ${label}: invalid ${name} value: ${pyRepr(value)}`);
      }
    }
    if (spec.choices && !spec.choices.includes(v as string)) {
      const label = this.label(spec);
      const choices = spec.choices.map(pyRepr).join(", ");
      throw new OptionError(`argument ${label}: invalid choice: ${pyRepr(String(v))} (choose from ${choices})`);
    }
    return v;
  }

  private values(spec: OptionSpec, strings: string[]): unknown {
    const nargs = spec.nargs;
    if (takesNoValue(spec)) return spec.const;
    if (strings.length === 0 && nargs === "?") {
      const v = spec.names.length ? spec.const : spec.default;
      return typeof v === "string" ? this.convert(spec, v) : v;
    }
    if (strings.length === 0 && nargs === "*" && !spec.names.length) {
      return spec.default ?? [];
    }
    if (nargs === undefined || nargs === "?") return this.convert(spec, strings[0] as string);
    return strings.map((s) => this.convert(spec, s));
  }

  private take(ns: Record<string, unknown>, spec: OptionSpec, strings: string[]): void {
    const value = this.values(spec, strings);
    switch (spec.action ?? "store") {
      case "store":
      case "store_const":
        ns[spec.dest] = value;
        break;
      case "store_true":
        ns[spec.dest] = true;
        break;
      case "store_false":
        ns[spec.dest] = false;
        break;
      case "append":
      case "append_const":
        ns[spec.dest] = [...((ns[spec.dest] as unknown[] | null | undefined) ?? []), value];
        break;
      case "extend":
        ns[spec.dest] = [...((ns[spec.dest] as unknown[] | null | undefined) ?? []), ...(value as unknown[])];
        break;
      case "count":
        ns[spec.dest] = ((ns[spec.dest] as number | null | undefined) ?? 0) + 1;
        break;
    }
  }

  /** argparse's parse_known_args: options and positionals parsed, unknown words returned in `extra`. */
  parseKnownArgs(args: string[]): ParseResult {
    const ns: Record<string, unknown> = {};
    const seen = new Set<string>();
    const given: OptionSpec[] = [];
    const warnings: OptionWarning[] = [];
    for (const s of this.live) {
      if (!(s.dest in ns)) {
        const d = s.default ?? (s.action === "store_true" ? false : s.action === "store_false" ? true : null);
        ns[s.dest] = Array.isArray(d) ? [...d] : d;
      }
    }
    const positionals = this.live.filter((s) => s.names.length === 0);
    const extras: string[] = [];

    // Classify every argument: O (option), A (argument) or - ("--").
    const optionAt = new Map<number, { spec: OptionSpec | null; str: string; explicit: string | undefined }>();
    let pattern = "";
    let afterDashDash = false;
    args.forEach((arg, i) => {
      if (afterDashDash) {
        pattern += "A";
        return;
      }
      if (arg === "--") {
        pattern += "-";
        afterDashDash = true;
        return;
      }
      const t = this.parseOptional(arg);
      if (t === undefined) pattern += "A";
      else {
        optionAt.set(i, t);
        pattern += "O";
      }
    });

    const matchArgument = (spec: OptionSpec, pat: string, label: string): number => {
      const re = new RegExp("^" + nargsPattern(spec.nargs, spec.names.length > 0, takesNoValue(spec)));
      const m = re.exec(pat);
      if (!m) {
        const n = spec.nargs;
        const msg =
          n === undefined ? "expected one argument" : n === "?" ? "expected at most one argument" : n === "+" ? "expected at least one argument" : `expected ${String(n)} arguments`;
        throw new OptionError(`argument ${label}: ${msg}`);
      }
      return (m[1] ?? "").length;
    };

    const stripDashDash = (strings: string[]): string[] => {
      const i = strings.indexOf("--");
      return i >= 0 ? [...strings.slice(0, i), ...strings.slice(i + 1)] : strings;
    };

    let posIndex = 0;
    const consumePositionals = (start: number): number => {
      const rest = pattern.slice(start);
      // Match as many positionals as possible (argparse's _match_arguments_partial).
      const remaining = positionals.slice(posIndex);
      for (let n = remaining.length; n > 0; n--) {
        const pats = remaining.slice(0, n).map((p) => nargsPattern(p.nargs, false, false));
        const m = new RegExp("^" + pats.join("")).exec(rest);
        if (!m) continue;
        let idx = start;
        for (let k = 0; k < n; k++) {
          const len = (m[k + 1] ?? "").length;
          const spec = remaining[k] as OptionSpec;
          const strings = stripDashDash(args.slice(idx, idx + len));
          this.take(ns, spec, strings);
          seen.add(spec.dest);
          if (strings.length > 0) given.push(spec);
          idx += len;
        }
        posIndex += n;
        return idx;
      }
      return start;
    };

    const optionIndices = [...optionAt.keys()];
    const maxOption = optionIndices.length ? Math.max(...optionIndices) : -1;
    let start = 0;
    while (start <= maxOption) {
      const next = Math.min(...optionIndices.filter((i) => i >= start));
      if (start !== next) {
        const end = consumePositionals(start);
        if (end > start) {
          start = end;
          continue;
        }
        start = end;
      }
      if (!optionAt.has(start)) {
        for (let i = start; i < next; i++) extras.push(args[i] as string);
        start = next;
      }
      const t = optionAt.get(start) as { spec: OptionSpec | null; str: string; explicit: string | undefined };
      if (t.spec === null) {
        extras.push(args[start] as string);
        start += 1;
        continue;
      }
      const spec = t.spec;
      let strings: string[];
      let stop: number;
      if (t.explicit !== undefined) {
        const count = matchArgument(spec, "A", this.label(spec));
        if (count !== 1) throw new OptionError(`argument ${this.label(spec)}: ignored explicit argument ${pyRepr(t.explicit)}`);
        strings = [t.explicit];
        stop = start + 1;
      } else {
        const count = matchArgument(spec, pattern.slice(start + 1), this.label(spec));
        strings = stripDashDash(args.slice(start + 1, start + 1 + count));
        stop = start + 1 + count;
      }
      this.take(ns, spec, strings);
      seen.add(spec.dest);
      given.push(spec);
      if (spec.deprecated) {
        warnings.push({
          category: "KickstartDeprecationWarning",
          // pykickstart 3.x names the option's first string, with single spaces between sentences.
          message: `Ignoring deprecated option on line %LINE%: The ${this.optionStrings(spec)[0] ?? t.str} option has been deprecated and no longer has any effect. It may be removed from future releases, which will result in a fatal error from kickstart. Please modify your kickstart file to remove this option.`,
        });
      }
      start = stop;
    }
    const end = consumePositionals(start);
    for (let i = end; i < args.length; i++) extras.push(args[i] as string);

    // One list in definition order, like argparse. A positional is required unless its nargs
    // is "?", or "*" with a default given.
    const isRequired = (s: OptionSpec): boolean =>
      s.names.length ? s.required === true : s.nargs !== "?" && !(s.nargs === "*" && s.default !== undefined);
    const missing = this.live.filter((s) => isRequired(s) && !seen.has(s.dest)).map((s) => this.label(s));
    if (missing.length) throw new OptionError(`the following arguments are required: ${missing.join(", ")}`);
    return { ns, extra: extras, seen, given, warnings };
  }

  /** argparse's parse_args: like parseKnownArgs, but any unknown word is an error. */
  parseArgs(args: string[]): ParseResult {
    const r = this.parseKnownArgs(args);
    if (r.extra.length) throw new OptionError(`unrecognized arguments: ${r.extra.join(" ")}`);
    return r;
  }
}
