// updates: where the installer finds an updates.img (pykickstart F34_Updates), recorded in ks.other.updates.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";

// Since F34 the URL is required (loading updates from a floppy is gone).
const options: OptionSpec[] = [{ names: [], dest: "url", description: "URL of the installer updates image" }];

function handle(ctx: CommandContext): void {
  const { ns } = ctx.parse(options);
  ctx.ks.other.updates = { url: ns.url as string };
}

/** The `updates` command: an installer updates image; accepted, no effect on an image build. */
export const updatesCommand: CommandDef = {
  name: "updates",
  summary: "use an installer updates image (no effect on an image build)",
  options,
  handle,
  toKickstart: (ks) => {
    const u = ks.other.updates as { url?: string } | undefined;
    return u?.url ? [`updates ${ksQuote(u.url)}`] : [];
  },
};
