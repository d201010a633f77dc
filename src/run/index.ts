// The public API of src/run: the one command runner, its logger and dry-run record, and the Teardown stack.
export { createLogger, getLogFile, getLogger, setLogger, type Logger, type LoggerOptions } from "./logger.js";
export { run, type RunOptions, type RunResult } from "./runner.js";
export { shellQuote, redact, redactArgv, REDACTED } from "./shell-quote.js";
export { addSecrets, knownSecrets, clearSecrets } from "./secrets.js";
export { toolPackages, installHint, type ToolPackage } from "./tool-packages.js";
export { which } from "./which.js";
export {
  setDryRun,
  isDryRun,
  recordCommands,
  getRecordedCommands,
  clearRecordedCommands,
  type RecordedCommand,
} from "./dry-run.js";
export { killAllChildren, liveChildCount, liveChildNames, processTree, stopAllChildren } from "./children.js";
export { toolFailure, tailLines, STDERR_TAIL_LINES } from "./failure.js";
export { publishFile } from "./publish.js";
export { settleAll } from "./settle.js";
export { PhaseRecorder, setPhaseRecorder, recordPhase, biggestPhases, type PhaseTime } from "./phases.js";
export {
  Teardown,
  retryUntil,
  installSignalHandlers,
  type DeferHandle,
  type TeardownFailure,
  type TeardownReport,
  type RetryOptions,
  type SignalHandlerOptions,
} from "./teardown.js";
export {
  BuildJournal,
  setJournal,
  journal,
  readJournal,
  ownerIdentity,
  identityAlive,
  processStartTime,
  bootId,
  JOURNAL_FILE,
  OWNER_PID_ENV,
  OWNER_START_ENV,
  type JournalData,
  type ProcessIdentity,
} from "./journal.js";
