// Table-driven tests for every registered command: valid, invalid (exact line), and round trip.
// Walks the registry, so a command without fixtures fails here.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { commandList } from "../../../src/kickstart/commands/index.js";
import { parse, parseOk, withoutPositions, type CommandFixtures } from "../../helpers/ks.js";

const here = path.dirname(fileURLToPath(import.meta.url));

for (const def of commandList) {
  const fixtureFile = path.join(here, "fixtures", `${def.name}.ts`);
  describe(`command ${def.name}`, () => {
    if (def.removed) {
      it("is an error naming the line, and a warning with --lenient", () => {
        const r = parse(`lang en_US\n${def.name} --whatever\n`);
        expect(r.error?.message).toBe(`${def.name} has been removed.`);
        expect(r.error?.pos).toMatchObject({ file: "ks.cfg", line: 2 });
        const lenient = parse(`lang en_US\n${def.name} --whatever\n`, { lenient: true });
        expect(lenient.ks).toBeDefined();
        expect(lenient.diagnostics.some((d) => d.severity === "warning" && d.line === 2)).toBe(true);
      });
      return;
    }
    it("has fixtures with valid and invalid cases", () => {
      expect(existsSync(fixtureFile), `missing ${fixtureFile}`).toBe(true);
    });
    if (!existsSync(fixtureFile)) return;
    it("accepts the valid cases", async () => {
      const fx = ((await import(fixtureFile)) as { default: CommandFixtures }).default;
      expect(fx.valid.length).toBeGreaterThan(0);
      for (const c of fx.valid) {
        const ks = typeof c === "string" ? c : c.ks;
        const model = parseOk(ks, { lenient: typeof c === "string" ? false : (c.lenient ?? false) });
        if (typeof c !== "string") c.check?.(model);
      }
    });
    it("rejects the invalid cases at the exact file and line", async () => {
      const fx = ((await import(fixtureFile)) as { default: CommandFixtures }).default;
      expect(fx.invalid.length).toBeGreaterThan(0);
      for (const c of fx.invalid) {
        const r = parse(c.ks, { lenient: c.lenient ?? false });
        expect(r.ks, `should fail: ${c.ks}`).toBeUndefined();
        expect(r.error?.pos.file).toBe("ks.cfg");
        expect(r.error?.pos.line, c.ks).toBe(c.line);
        expect(r.error?.message).toMatch(c.message);
      }
    });
    it("round-trips through toKickstart", async () => {
      const fx = ((await import(fixtureFile)) as { default: CommandFixtures }).default;
      for (const text of fx.roundTrip) {
        const first = parseOk(text);
        const written = def.toKickstart(first).join("\n");
        expect(written.length, `toKickstart wrote nothing for: ${text}`).toBeGreaterThan(0);
        const second = parseOk(written);
        expect(withoutPositions(second), written).toEqual(withoutPositions(first));
      }
    });
  });
}
