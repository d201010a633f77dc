// %onerror: run on the build host when a build fails, before anything is torn down (%traceback, for installer crashes, is not run).
import { KsimageError } from "../errors.js";
import type { Kickstart } from "../kickstart/model.js";
import { getLogger, Teardown } from "../run/index.js";
import { runScripts, scriptsOfType } from "./scripts.js";

/** What a failing build tells its %onerror scripts. */
export interface OnErrorContext {
  /** The build log (--logfile), given to the scripts as KSIMAGE_LOG; absent when the build logs nowhere. */
  logFile?: string;
  /** The install root, given as INSTALL_ROOT and ANA_INSTALL_PATH once the filesystems are mounted there. */
  root?: string;
  /** The step that failed and the error's message, given as KSIMAGE_FAILED_STEP and KSIMAGE_ERROR. */
  step: string;
  error: unknown;
}

// The environment of a %onerror script (the host's environment plus these).
export function onErrorEnv(c: OnErrorContext): Record<string, string> {
  const message = c.error instanceof Error ? c.error.message : String(c.error);
  return {
    ...(c.logFile !== undefined ? { KSIMAGE_LOG: c.logFile } : {}),
    KSIMAGE_FAILED_STEP: c.step,
    KSIMAGE_ERROR: message.split("\n")[0] ?? "",
  };
}

// Run every %onerror script in order. The build has failed already: a script that fails too is
// logged and returned as a line, never thrown over the build's own error. Script files are removed before returning.
export async function runOnErrorScripts(ks: Kickstart, c: OnErrorContext): Promise<string[]> {
  const scripts = scriptsOfType(ks, "onerror");
  if (scripts.length === 0) return [];
  const teardown = new Teardown();
  const lines: string[] = [];
  for (const script of scripts) {
    try {
      lines.push(...(await runScripts([script], { teardown, env: onErrorEnv(c), ...(c.root !== undefined ? { root: c.root } : {}) })));
    } catch (error) {
      const message = error instanceof KsimageError ? error.message : String(error);
      getLogger().warn({ script: `%${script.type}`, line: script.lineno }, `%${script.type} failed too: ${message}`);
      lines.push(`%${script.type} (line ${script.lineno}) failed too: ${message}`);
    }
  }
  await teardown.unwind();
  return lines;
}
