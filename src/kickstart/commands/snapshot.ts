// snapshot: an LVM thin snapshot before or after installing (pykickstart F26_Snapshot), kept under other.snapshot.snapshotList.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import { OptionTypeError, type OptionSpec } from "../options.js";
import { otherList, overlay } from "./shared.js";

function when(value: string): string {
  const v = value.toLowerCase();
  if (v !== "pre-install" && v !== "post-install") throw new OptionTypeError(`Invalid snapshot when parameter: ${value}`);
  return v;
}

const options: OptionSpec[] = [
  { names: ["--name"], dest: "name", required: true, description: "name of the new snapshot" },
  { names: ["--when"], dest: "when", required: true, type: when, typeName: "when", description: "pre-install or post-install" },
];

function handle(ctx: CommandContext): void {
  const { ns, extra } = ctx.parse(options, ctx.args, true);
  if (extra.length === 0) ctx.error("Snapshot origin must be specified!");
  if (extra.length > 1) ctx.error("Snapshot origin can be specified only once!");
  const d = overlay({ name: "", origin: "", when: null } as Record<string, unknown>, ns);
  Object.assign(d, { file: ctx.file, lineno: ctx.lineno, origin: extra[0] });
  const list = otherList(ctx.ks, "snapshot", "snapshotList");
  if (list.some((s) => s.name === d.name)) ctx.error(`Snapshot with the name ${String(d.name)} has been already defined!`);
  const groups = String(d.origin).split("/");
  if (groups.length !== 2 || !groups[0] || !groups[1]) ctx.error(`Snapshot origin ${String(d.origin)} must be specified by VG/LV!`);
  list.push(d);
}

/** The `snapshot` command: one LVM snapshot of a thin volume per line. */
export const snapshotCommand: CommandDef = {
  name: "snapshot",
  summary: "take an LVM thin snapshot before or after installation; no effect on an image",
  options,
  handle,
  toKickstart: (ks) =>
    ((ks.other.snapshot as { snapshotList?: Record<string, unknown>[] } | undefined)?.snapshotList ?? []).map(
      (d) => `snapshot ${ksQuote(String(d.origin))} --name=${ksQuote(String(d.name))} --when=${String(d.when)}`,
    ),
};
