// The typed errors of the library. Only src/cli maps them to messages and exit codes.

/** Where in a kickstart something happened: the file, the line, and the %include chain that led there. */
export interface SourcePos {
  file: string;
  line: number;
  /** Files being read, outermost first, ending with `file`. */
  includeStack: string[];
}

/** Base class: every ksimage error has a human sentence and an optional hint. */
export class KsimageError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** A kickstart that cannot be read: names the file, the line and the command. */
export class KickstartError extends KsimageError {
  readonly pos: SourcePos;
  readonly command: string | undefined;
  constructor(message: string, pos: SourcePos, command?: string, hint?: string) {
    super(message, hint);
    this.pos = pos;
    this.command = command;
  }
}

/** A kickstart that parses but describes something that cannot be built. */
export class PlanError extends KsimageError {
  readonly pos: SourcePos | undefined;
  constructor(message: string, pos?: SourcePos, hint?: string) {
    super(message, hint);
    this.pos = pos;
  }
}

/** An external tool that failed: carries its argv, exit code or signal and the tail of its stderr. */
export class ToolError extends KsimageError {
  readonly argv: string[];
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stderrTail: string[];
  constructor(
    message: string,
    info: { argv: string[]; exitCode?: number; signal?: string; stderrTail?: string[] },
    hint?: string,
  ) {
    super(message, hint);
    this.argv = info.argv;
    this.exitCode = info.exitCode;
    this.signal = info.signal;
    this.stderrTail = info.stderrTail ?? [];
  }
}

/** Bad command-line usage: exit code 2. */
export class UsageError extends KsimageError {}

/** A bug in ksimage: the CLI asks for a report. */
export class InternalError extends KsimageError {}
