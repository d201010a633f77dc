// Every live kickstart of the corpus plans as an ISO (-f iso), or is refused with a sentence naming the missing feature.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PlanError } from "../../../src/errors.js";
import { describeLive, planLive } from "../../../src/live/plan.js";
import { parseKickstart } from "../../../src/kickstart/parser.js";
import { buildPlan, defaultName } from "../../../src/plan.js";
import { corpusDir, haveCorpus, manifestFiles } from "../../helpers/conformance.js";

// Live media: the livemedia collections, livecd-tools' own examples and every Fedora/Rocky live or livedvd kickstart.
const liveFiles = haveCorpus ? manifestFiles().filter((f) => f.role === "entry" && f.result === "pass" && /live/i.test(`${f.source}/${f.path}`)) : [];

/** Refusals expected for the corpus, by file: none today (each would name the missing feature). */
const REFUSED: Record<string, RegExp> = {};

describe.skipIf(!haveCorpus)("corpus: live kickstarts plan with -f iso", () => {
  it("finds the live kickstarts (livemedia, livecd-tools, Fedora and Rocky live spins)", () => {
    expect(liveFiles.length).toBeGreaterThanOrEqual(60);
  });

  it.each(liveFiles.map((f) => [`${f.source}/${f.path}`, f] as const))("%s", (id, f) => {
    const file = path.join(corpusDir, f.source, f.path);
    const r = parseKickstart(file);
    expect(r.error, `${id} parses (the reference parser accepts it)`).toBeUndefined();
    const name = defaultName(file).replace(/[^A-Za-z0-9._+-]/g, "_");
    const plan = (): string[] => {
      const p = buildPlan(r.ks!, { name, outdir: "/out", live: {} });
      // These are RPM distributions: the plan with their backend is dmsquash-live.
      const live = planLive(r.ks!, p.name, p.applianceDir, "dnf", {});
      return describeLive(live);
    };
    const refused = REFUSED[id];
    if (refused) {
      expect(plan).toThrow(PlanError);
      expect(plan).toThrow(refused);
      return;
    }
    const lines = plan().join("\n");
    expect(lines).toMatch(/root=live:CDLABEL=\S+ rd\.live\.image/);
    expect(lines).toContain("/LiveOS/squashfs.img");
  });
});
