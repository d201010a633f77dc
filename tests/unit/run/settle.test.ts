// settleAll: every task ends before the first failure is reported; results keep the tasks' order.
import { describe, expect, it } from "vitest";
import { settleAll } from "../../../src/run/index.js";

const after = <T>(ms: number, value: T, fail = false): Promise<T> => new Promise((resolve, reject) => setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms));

describe("settleAll", () => {
  it("returns the results in the tasks' order", async () => {
    expect(await settleAll([after(20, "a"), after(5, "b")])).toEqual(["a", "b"]);
  });
  it("waits for a slower task before throwing the first failure", async () => {
    let slowDone = false;
    const slow = after(30, "slow").then((v) => ((slowDone = true), v));
    await expect(settleAll([after(5, "first", true), slow, after(10, "second", true)])).rejects.toThrow("first");
    expect(slowDone).toBe(true);
  });
});
