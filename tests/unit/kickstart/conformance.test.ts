// Conformance: ksimage's parser agrees with pykickstart on the real-world corpus (issue: >= 99% of entry files).
import { describe, expect, it } from "vitest";
import { compareFile, haveCorpus, manifestFiles, sharedDir } from "../../helpers/conformance.js";

// Disagreements we chose on purpose; each says why. (Keep this list short and honest.)
const DELIBERATE: Record<string, string> = {};

describe.skipIf(!haveCorpus)(`kickstart conformance with pykickstart (corpus in ${sharedDir})`, () => {
  it("agrees on at least 99% of the entry files", () => {
    const entries = manifestFiles().filter((f) => f.role === "entry");
    const results = entries.map((f) => compareFile(f));
    const disagree = results.filter((r) => !r.agree);
    const rate = (results.length - disagree.length) / results.length;
    const report = disagree.map((r) => `  ${r.file}: ${r.why}${DELIBERATE[r.file] ? ` (deliberate: ${DELIBERATE[r.file]})` : ""}`).join("\n");
    console.log(`conformance: ${results.length - disagree.length}/${results.length} entry files agree (${(rate * 100).toFixed(1)}%)\n${report}`);
    expect(results.length).toBe(289);
    expect(rate).toBeGreaterThanOrEqual(0.99);
  });

  it("agrees in lenient mode (missing %include skipped) where the reference has a lenient result", () => {
    const withLenient = manifestFiles().filter((f) => f.role === "entry" && (f as { lenientResult?: string }).lenientResult);
    const results = withLenient.map((f) => compareFile(f, { lenient: true }));
    const disagree = results.filter((r) => !r.agree);
    console.log(`lenient conformance: ${results.length - disagree.length}/${results.length}\n${disagree.map((r) => `  ${r.file}: ${r.why}`).join("\n")}`);
    expect(results.length).toBeGreaterThan(30);
    expect(disagree.length / results.length).toBeLessThanOrEqual(0.05);
  });
});
