// Helpers for table-driven kickstart tests: parse text, expect success or an error at an exact line.
import { inspectDocument } from "../../src/kickstart/inspect.js";
import type { Kickstart } from "../../src/kickstart/model.js";
import { parseKickstartString, type ParseOptions, type ParseResult } from "../../src/kickstart/parser.js";

/** A kickstart that must parse; `check` asserts on the model. */
export type ValidCase = string | { ks: string; check?: (ks: Kickstart) => void; lenient?: boolean };

/** A kickstart that must fail at `line` of the entry file (ks.cfg) with a message matching `message`. */
export interface InvalidCase {
  ks: string;
  line: number;
  message: RegExp;
  lenient?: boolean;
}

/** The fixtures of one command: tests/unit/kickstart/fixtures/<command name>.ts exports one as default. */
export interface CommandFixtures {
  valid: ValidCase[];
  invalid: InvalidCase[];
  /** Kickstarts whose model survives toKickstart -> parse unchanged. */
  roundTrip: string[];
}

export function parse(text: string, opts: ParseOptions = {}): ParseResult {
  return parseKickstartString(text.endsWith("\n") ? text : text + "\n", { name: "ks.cfg", dir: "/nonexistent-ksimage-test", ...opts });
}

/** Parse and return the model, failing the test with the diagnostic if it does not parse. */
export function parseOk(text: string, opts: ParseOptions = {}): Kickstart {
  const r = parse(text, opts);
  if (!r.ks) {
    const e = r.diagnostics.find((d) => d.severity === "error");
    throw new Error(`expected to parse, got ${e?.file}:${e?.line}: ${e?.message}\n--- kickstart ---\n${text}`);
  }
  return r.ks;
}

/** The normalized document without positions, for round-trip comparisons. */
export function withoutPositions(ks: Kickstart): Record<string, unknown> {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "lineno" && k !== "file").map(([k, x]) => [k, strip(x)]));
    }
    return v;
  };
  const doc = inspectDocument(ks);
  delete doc.commandsSeen;
  delete doc.warnings;
  return strip(doc) as Record<string, unknown>;
}
