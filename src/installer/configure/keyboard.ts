// keyboard: KEYMAP in /etc/vconsole.conf (+ X11 layouts) on Fedora, /etc/default/keyboard (console-setup) on Debian.
import type { Kickstart } from "../../kickstart/model.js";
import { note, osFamily, readGuestFile, writeGuestFile, type ConfigureContext } from "./guest.js";

type KeyboardLine = Kickstart["keyboard"];

/** One XKB layout with its variant ("" for the default variant). */
export interface XkbLayout {
  layout: string;
  variant: string;
}

// An --xlayouts item: "cz" or "cz (qwerty)".
export function parseXLayout(item: string): XkbLayout {
  const m = /^\s*([^\s(]+)\s*(?:\(([^)]*)\))?\s*$/.exec(item);
  return { layout: m?.[1] ?? item.trim(), variant: m?.[2]?.trim() ?? "" };
}

// The XKB layout a console keymap name suggests: "de-nodeadkeys" → de/nodeadkeys, "us" → us.
export function layoutFromKeymap(keymap: string): XkbLayout {
  const [layout = keymap, ...rest] = keymap.split("-");
  return { layout, variant: rest.join("-") };
}

// The X layouts of a keyboard line: --xlayouts, else derived from the console keymap.
export function xkbLayouts(k: KeyboardLine): XkbLayout[] {
  if (k.xLayouts.length > 0) return k.xLayouts.map(parseXLayout);
  const keymap = k.vcKeymap ?? k.keyboard;
  return keymap === null ? [] : [layoutFromKeymap(keymap)];
}

// Debian's /etc/default/keyboard, read by console-setup and by X.
export function debianKeyboardText(layouts: readonly XkbLayout[], options: readonly string[], model = "pc105"): string {
  return [
    "# Written by ksimage from the kickstart's keyboard line; see keyboard(5).",
    `XKBMODEL="${model}"`,
    `XKBLAYOUT="${layouts.map((l) => l.layout).join(",")}"`,
    `XKBVARIANT="${layouts.map((l) => l.variant).join(",")}"`,
    `XKBOPTIONS="${options.join(",")}"`,
    'BACKSPACE="guess"',
    "",
  ].join("\n");
}

// /etc/vconsole.conf with KEYMAP set; the other settings of an existing file (FONT=...) are kept.
export function vconsoleText(keymap: string, existing = ""): string {
  const lines = existing.split("\n").filter((l) => l !== "" && !/^KEYMAP=/.test(l));
  return `${[`KEYMAP=${keymap}`, ...lines].join("\n")}\n`;
}

// The X11 keyboard snippet systemd-localed writes (/etc/X11/xorg.conf.d/00-keyboard.conf).
export function x11KeyboardText(layouts: readonly XkbLayout[], options: readonly string[]): string {
  const lines = [
    "# Written by ksimage from the kickstart's keyboard line.",
    'Section "InputClass"',
    '        Identifier "system-keyboard"',
    '        MatchIsKeyboard "on"',
    `        Option "XkbLayout" "${layouts.map((l) => l.layout).join(",")}"`,
  ];
  if (layouts.some((l) => l.variant !== "")) lines.push(`        Option "XkbVariant" "${layouts.map((l) => l.variant).join(",")}"`);
  if (options.length > 0) lines.push(`        Option "XkbOptions" "${options.join(",")}"`);
  return `${[...lines, "EndSection"].join("\n")}\n`;
}

// keyboard: the console keymap and X layouts, in the files the guest's family reads.
export async function configureKeyboard(ctx: ConfigureContext): Promise<string[]> {
  const k = ctx.ks.keyboard;
  if (!k.seen) return [];
  const layouts = xkbLayouts(k);
  if ((await osFamily(ctx.root)) === "debian") {
    const old = (await readGuestFile(ctx.root, "/etc/default/keyboard")) ?? "";
    const model = /^XKBMODEL="?([^"\n]*)"?$/m.exec(old)?.[1] || "pc105";
    await writeGuestFile(ctx.root, "/etc/default/keyboard", debianKeyboardText(layouts, k.switchOptions, model));
    note(ctx, `keyboard ${layouts.map((l) => l.layout).join(",")} (/etc/default/keyboard)`);
    return [];
  }
  const keymap = k.vcKeymap ?? k.keyboard;
  if (keymap !== null) {
    const old = await readGuestFile(ctx.root, "/etc/vconsole.conf");
    await writeGuestFile(ctx.root, "/etc/vconsole.conf", vconsoleText(keymap, old));
    note(ctx, `console keymap ${keymap} (/etc/vconsole.conf)`);
  }
  if (k.xLayouts.length > 0) {
    await writeGuestFile(ctx.root, "/etc/X11/xorg.conf.d/00-keyboard.conf", x11KeyboardText(layouts, k.switchOptions));
  }
  return [];
}
