// SOURCE_DATE_EPOCH: the one clock of a reproducible build (reproducible-builds.org's convention).
import { UsageError } from "../errors.js";

// The epoch from --source-date-epoch or the environment, as a whole number of seconds; undefined when neither is set.
export function sourceDateEpoch(option: string | undefined, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = option ?? env.SOURCE_DATE_EPOCH;
  if (value === undefined || value === "") return undefined;
  const what = option !== undefined ? "--source-date-epoch" : "SOURCE_DATE_EPOCH";
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new UsageError(`${what} must be a whole number of seconds since 1970, got "${value}"`);
  return Number(value);
}
