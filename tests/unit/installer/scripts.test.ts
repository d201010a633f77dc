// Script selection, labels and argv: chrooted %post and host-side %pre / --nochroot.
import { describe, expect, it } from "vitest";
import { chrootScriptArgs, hostScriptArgs, onErrorScripts, postScripts, preScripts, scriptLabel } from "../../../src/installer/scripts.js";
import { parseOk } from "../../helpers/ks.js";

const KS = `%pre
echo pre
%end
%post --nochroot
echo one
%end
%onerror
echo failed
%end
%post --interpreter=/usr/bin/python3 --erroronfail
print("two")
%end
`;

describe("scripts", () => {
  const ks = parseOk(KS);

  it("selected by type, in kickstart order", () => {
    expect(preScripts(ks).map((s) => s.body)).toEqual(["echo pre\n"]);
    expect(postScripts(ks).map((s) => s.body)).toEqual(["echo one\n", 'print("two")\n']);
    expect(onErrorScripts(ks).map((s) => s.body)).toEqual(["echo failed\n"]);
  });

  it("labels name the section, --nochroot and the line", () => {
    expect(postScripts(ks).map(scriptLabel)).toEqual(["%post --nochroot (ks.cfg:4)", "%post (ks.cfg:10)"]);
    expect(scriptLabel(preScripts(ks)[0]!)).toBe("%pre (ks.cfg:1)");
  });

  it("argv", () => {
    expect(chrootScriptArgs("/w/root", "/usr/bin/python3", "/tmp/ks-script-2")).toEqual(["chroot", "/w/root", "/usr/bin/python3", "/tmp/ks-script-2"]);
    expect(hostScriptArgs("/bin/sh", "/tmp/ksimage-scripts-x/ks-script-1")).toEqual(["/bin/sh", "/tmp/ksimage-scripts-x/ks-script-1"]);
  });
});
