// The image cache key: a hash of everything that decides a disk up to %post, with the plan's random UUIDs left out.
import { createHash } from "node:crypto";
import { configure } from "safe-stable-stringify";
import type { Kickstart } from "../kickstart/model.js";
import type { BuildPlan } from "../plan.js";
import { replaceSecrets } from "../faithful/secrets.js";
import { keyedSecret } from "./salt.js";

/**
 * The version of the recipe that turns a tree into a configured disk (fstab, configuration, boot loader, identity
 * removal). Bump it whenever ksimage changes what those steps write: every older entry then misses.
 */
export const IMAGE_RECIPE = 2;

/** Script sections that run after the snapshot: a change to them still hits the same entry. */
const AFTER_SNAPSHOT = new Set(["post", "onerror", "traceback"]);

/** Where a line came from, which file included which: not what the image is made of. */
const PROVENANCE = new Set(["file", "lineno", "line", "includes", "warnings"]);

/** A UUID, or a FAT volume ID as the plan writes it (XXXX-XXXX, not part of a longer run of hex digits and hyphens). */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<![0-9a-f-])[0-9a-f]{4}-[0-9a-f]{4}(?![0-9a-f-])/gi;

const stringify = configure({ deterministic: true });

/** Everything that decides a disk up to %post. */
export interface ImageKeyInputs {
  recipe: number;
  treeKey: string;
  name: string;
  /** The layout and the boot loader plan without provenance, each UUID replaced by its placeholder ("uuid:0", ...). */
  layout: unknown;
  bootloader: unknown;
  /** The kickstart without provenance and without the scripts that run after the snapshot; each secret as its HMAC under the cache's salt. */
  ks: unknown;
}

// Every UUID in VALUE's JSON, once each, in the order they first appear (the same plan shape gives the same order).
export function uuidsOf(value: unknown): string[] {
  return [...new Set(JSON.stringify(value).match(UUID) ?? [])];
}

// VALUE with each FROM[i] replaced by TO[i] everywhere in it (a deep copy; VALUE is untouched).
export function replaceUuids<T>(value: T, from: readonly string[], to: readonly string[]): T {
  const map = new Map(from.map((u, i) => [u, to[i] ?? u]));
  return JSON.parse(JSON.stringify(value).replace(UUID, (u) => map.get(u) ?? u)) as T;
}

function withoutProvenance(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutProvenance);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !PROVENANCE.has(k)).map(([k, v]) => [k, withoutProvenance(v)]));
}

// The kickstart as far as it decides the disk before %post: no %post, %onerror, %traceback, and no file names or lines.
export function kickstartBeforePost(ks: Kickstart): unknown {
  return withoutProvenance({ ...ks, scripts: ks.scripts.filter((s) => !AFTER_SNAPSHOT.has(s.type)) });
}

/** The plan's UUIDs (layout then boot loader), in placeholder order. */
export function planUuids(plan: Pick<BuildPlan, "layout" | "bootloader">): string[] {
  return uuidsOf({ layout: plan.layout, bootloader: plan.bootloader });
}

// The key inputs of PLAN, whose tree has the root-tree cache key TREEKEY, in the cache whose secret salt is SALT.
export function imageKeyInputs(plan: Pick<BuildPlan, "name" | "layout" | "bootloader" | "ks">, treeKey: string, salt: string): ImageKeyInputs {
  const uuids = planUuids(plan);
  const placeholders = uuids.map((_, i) => `uuid:${i}`);
  return {
    recipe: IMAGE_RECIPE,
    treeKey,
    name: plan.name,
    layout: withoutProvenance(replaceUuids(plan.layout, uuids, placeholders)),
    bootloader: withoutProvenance(replaceUuids(plan.bootloader, uuids, placeholders)),
    ks: replaceSecrets(kickstartBeforePost(plan.ks), (secret) => keyedSecret(salt, secret)),
  };
}

// The key: sha256 of the inputs as canonical JSON.
export function imageKey(inputs: ImageKeyInputs): string {
  return createHash("sha256").update(stringify(inputs) ?? "").digest("hex");
}
