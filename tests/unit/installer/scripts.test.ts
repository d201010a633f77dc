// Script selection, labels and argv: chrooted %post and host-side %pre / --nochroot.
import { describe, expect, it } from "vitest";
import { guestScriptArgs, hostScriptArgs, nochrootEnv, ScriptError, SCRIPT_TAIL_LINES, onErrorScripts, postScripts, preScripts, scriptLabel } from "../../../src/installer/scripts.js";
import { reportError } from "../../../src/cli/errors.js";
import { tailLines } from "../../../src/run/index.js";
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
    expect(guestScriptArgs("/usr/bin/python3", "/tmp/ks-script-2")).toEqual(["/usr/bin/python3", "/tmp/ks-script-2"]);
    expect(nochrootEnv("/w/root")).toEqual({ INSTALL_ROOT: "/w/root", ANA_INSTALL_PATH: "/w/root" });
    expect(hostScriptArgs("/bin/sh", "/tmp/ksimage-scripts-x/ks-script-1")).toEqual(["/bin/sh", "/tmp/ksimage-scripts-x/ks-script-1"]);
  });

  it("a failed --erroronfail script: the error shows the last 20 lines of its own output and where the whole output is", () => {
    const script = postScripts(ks)[1]!;
    const output = Array.from({ length: 25 }, (_, i) => `line ${i + 1}`).join("\n");
    const e = new ScriptError("%post (ks.cfg:10) failed with exit code 1", script, { argv: ["/usr/bin/python3", "/tmp/ks-script-2"], exitCode: 1, stderrTail: tailLines(output, SCRIPT_TAIL_LINES) }, "/out/app/app-build.log");
    let text = "";
    expect(reportError(e, { write: (s) => (text += s) })).toBe(1);
    expect(text.split("\n")).toEqual([
      "ksimage: %post (ks.cfg:10) failed with exit code 1",
      "  command: /usr/bin/python3 /tmp/ks-script-2",
      ...Array.from({ length: 20 }, (_, i) => `  | line ${i + 6}`),
      "  hint: the script has --erroronfail; above are the last 20 lines it printed; its whole output is in the build log /out/app/app-build.log",
      "",
    ]);
    const silent = new ScriptError("%post (ks.cfg:10) failed with exit code 1", { ...script, logfile: "/root/ks.log" }, { argv: [], exitCode: 1, stderrTail: [] });
    expect(silent.hint).toBe("the script has --erroronfail; it printed nothing; its whole output is in the build log and in /root/ks.log");
  });
});
