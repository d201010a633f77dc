// Show how ksimage and pykickstart differ on one corpus file: npx tsx scripts/conformance-diff.ts SOURCE/PATH [keys]
import { compareFile, manifestFiles } from "../tests/helpers/conformance.js";
const want = process.argv[2];
for (const f of manifestFiles()) {
  if (`${f.source}/${f.path}` !== want) continue;
  const c = compareFile(f);
  console.log(c.why);
  for (const k of (process.argv[3] ?? c.diffKeys.join(",")).split(",")) {
    console.log("== " + k + "\nours:     " + JSON.stringify(c.ours[k]) + "\nexpected: " + JSON.stringify(c.expected[k]));
  }
}
