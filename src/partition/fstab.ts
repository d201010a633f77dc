// Write the planned /etc/fstab into the mounted root, from the handlebars template templates/fstab.hbs.
import { readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import Handlebars from "handlebars";
import { packageFile } from "../package-root.js";
import { getLogger, isDryRun } from "../run/index.js";
import type { LayoutPlan } from "./types.js";


let compiled: Handlebars.TemplateDelegate<{ name: string; lines: string[] }> | undefined;

// The text of /etc/fstab: a header naming the appliance, then the planned lines in order.
export function renderFstab(name: string, lines: readonly string[]): string {
  compiled ??= Handlebars.compile(readFileSync(packageFile("templates", "fstab.hbs"), "utf8"), { noEscape: true, strict: true });
  return compiled({ name, lines: [...lines] });
}

// Write ROOT/etc/fstab (replacing whatever the installed tree brought), atomically, mode 0644.
export async function writeFstab(layout: LayoutPlan, name: string, root: string): Promise<void> {
  const file = path.join(root, "etc", "fstab");
  getLogger().info({ file, lines: layout.fstab }, "write /etc/fstab");
  if (isDryRun()) return;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  const tmp = `${file}.ksimage-tmp`;
  await writeFile(tmp, renderFstab(name, layout.fstab), { mode: 0o644 });
  await rename(tmp, file);
}
