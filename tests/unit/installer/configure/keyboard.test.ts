// Keyboard files: Debian's /etc/default/keyboard, vconsole.conf and the X11 snippet.
import { describe, expect, it } from "vitest";
import {
  debianKeyboardText,
  layoutFromKeymap,
  parseXLayout,
  vconsoleText,
  x11KeyboardText,
  xkbLayouts,
} from "../../../../src/installer/configure/keyboard.js";
import { parseOk } from "../../../helpers/ks.js";

describe("keyboard", () => {
  it.each([
    ["cz", { layout: "cz", variant: "" }],
    ["cz (qwerty)", { layout: "cz", variant: "qwerty" }],
    ["us(dvorak)", { layout: "us", variant: "dvorak" }],
  ])("parseXLayout(%s)", (item, layout) => expect(parseXLayout(item)).toEqual(layout));

  it("layouts from a console keymap", () => {
    expect(layoutFromKeymap("de-nodeadkeys")).toEqual({ layout: "de", variant: "nodeadkeys" });
    expect(layoutFromKeymap("us")).toEqual({ layout: "us", variant: "" });
  });

  it("--xlayouts win over the keymap", () => {
    expect(xkbLayouts(parseOk("keyboard --vckeymap=de --xlayouts='cz (qwerty),us'").keyboard)).toEqual([
      { layout: "cz", variant: "qwerty" },
      { layout: "us", variant: "" },
    ]);
    expect(xkbLayouts(parseOk("keyboard de-nodeadkeys").keyboard)).toEqual([{ layout: "de", variant: "nodeadkeys" }]);
  });

  it("Debian /etc/default/keyboard", () => {
    expect(debianKeyboardText([{ layout: "cz", variant: "qwerty" }, { layout: "us", variant: "" }], ["grp:alt_shift_toggle"])).toBe(
      [
        "# Written by ksimage from the kickstart's keyboard line; see keyboard(5).",
        'XKBMODEL="pc105"',
        'XKBLAYOUT="cz,us"',
        'XKBVARIANT="qwerty,"',
        'XKBOPTIONS="grp:alt_shift_toggle"',
        'BACKSPACE="guess"',
        "",
      ].join("\n"),
    );
  });

  it("vconsole.conf keeps FONT and replaces KEYMAP", () => {
    expect(vconsoleText("de", "KEYMAP=us\nFONT=eurlatgr\n")).toBe("KEYMAP=de\nFONT=eurlatgr\n");
    expect(vconsoleText("us")).toBe("KEYMAP=us\n");
  });

  it("X11 snippet", () => {
    expect(x11KeyboardText([{ layout: "us", variant: "" }], [])).toBe(
      [
        "# Written by ksimage from the kickstart's keyboard line.",
        'Section "InputClass"',
        '        Identifier "system-keyboard"',
        '        MatchIsKeyboard "on"',
        '        Option "XkbLayout" "us"',
        "EndSection",
        "",
      ].join("\n"),
    );
  });
});
