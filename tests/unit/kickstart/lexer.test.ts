// shlexSplit, splitLines and isBlankOrComment against Python 3.11 itself.
//
// Every expected value below was produced by the real Python (shlex.split(line, comments=...),
// str.splitlines(True), and pykickstart's _isBlankOrComment: line.isspace() or line == "" or
// line.lstrip()[0] == "#") and pasted here as data, so CI does not need Python.
import { describe, expect, it } from "vitest";
import { isBlankOrComment, LexError, shlexSplit, splitLines } from "../../../src/kickstart/lexer.js";

type Split = string[] | { error: string };

/** [line, shlex.split(line, comments=True), shlex.split(line, comments=False)] */
const SHLEX: [string, Split, Split][] = [
  ["", [], []],
  ["   ", [], []],
  ["\t", [], []],
  ["a b c", ["a", "b", "c"], ["a", "b", "c"]],
  ["  leading and trailing  ", ["leading", "and", "trailing"], ["leading", "and", "trailing"]],
  ["a\tb\t\tc", ["a", "b", "c"], ["a", "b", "c"]],
  ["part / --size=100", ["part", "/", "--size=100"], ["part", "/", "--size=100"]],
  ["lang en_US.UTF-8\n", ["lang", "en_US.UTF-8"], ["lang", "en_US.UTF-8"]],
  ["rootpw --plaintext secret\r\n", ["rootpw", "--plaintext", "secret"], ["rootpw", "--plaintext", "secret"]],
  ["a b\r", ["a", "b"], ["a", "b"]],
  ["a\rb", ["a", "b"], ["a", "b"]],
  ["a\nb", ["a", "b"], ["a", "b"]],
  ["\"double quoted\"", ["double quoted"], ["double quoted"]],
  ["'single quoted'", ["single quoted"], ["single quoted"]],
  ["mix\"ed\"word", ["mixedword"], ["mixedword"]],
  ["a'b c'd", ["ab cd"], ["ab cd"]],
  ["\"\"", [""], [""]],
  ["''", [""], [""]],
  ["a \"\" b", ["a", "", "b"], ["a", "", "b"]],
  ["a '' b", ["a", "", "b"], ["a", "", "b"]],
  ["\"\"\"\"", [""], [""]],
  ["x=''", ["x="], ["x="]],
  ["\"a\\\"b\"", ["a\"b"], ["a\"b"]],
  ["\"a\\\\b\"", ["a\\b"], ["a\\b"]],
  ["\"a\\nb\"", ["a\\nb"], ["a\\nb"]],
  ["\"a\\$b\"", ["a\\$b"], ["a\\$b"]],
  ["\"a\\'b\"", ["a\\'b"], ["a\\'b"]],
  ["'a\\b'", ["a\\b"], ["a\\b"]],
  ["'a\\'", ["a\\"], ["a\\"]],
  ["a\\ b", ["a b"], ["a b"]],
  ["a\\\\b", ["a\\b"], ["a\\b"]],
  ["\\#notcomment", ["#notcomment"], ["#notcomment"]],
  ["a\\\"b", ["a\"b"], ["a\"b"]],
  ["\\'x", ["'x"], ["'x"]],
  ["\"it's\"", ["it's"], ["it's"]],
  ["'say \"hi\"'", ["say \"hi\""], ["say \"hi\""]],
  ["\"#inside\" x", ["#inside", "x"], ["#inside", "x"]],
  ["'#inside' x", ["#inside", "x"], ["#inside", "x"]],
  ["# whole comment", [], ["#", "whole", "comment"]],
  ["a # trailing comment", ["a"], ["a", "#", "trailing", "comment"]],
  ["a#b", ["a"], ["a#b"]],
  ["--password=a#b c", ["--password=a"], ["--password=a#b", "c"]],
  ["a #b", ["a"], ["a", "#b"]],
  ["\"a\"#b", ["a"], ["a#b"]],
  ["a'#'b", ["a#b"], ["a#b"]],
  ["#", [], ["#"]],
  ["a#", ["a"], ["a#"]],
  ["  #x y z", [], ["#x", "y", "z"]],
  ["x \"\" y", ["x", "", "y"], ["x", "", "y"]],
  ["--name=\"\"", ["--name="], ["--name="]],
  ["--name=''", ["--name="], ["--name="]],
  ["--opt=\"a b\" --x", ["--opt=a b", "--x"], ["--opt=a b", "--x"]],
  ["--append=\"console=ttyS0 quiet\"", ["--append=console=ttyS0 quiet"], ["--append=console=ttyS0 quiet"]],
  ["\"unclosed", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["'unclosed", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["a \"b c", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["a 'b", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["\"a\\\"", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["trailing\\", {"error": "No escaped character"}, {"error": "No escaped character"}],
  ["a b \\", {"error": "No escaped character"}, {"error": "No escaped character"}],
  ["\"a\\", {"error": "No escaped character"}, {"error": "No escaped character"}],
  ["\\", {"error": "No escaped character"}, {"error": "No escaped character"}],
  ["\\\\", ["\\"], ["\\"]],
  ["a\\\tb", ["a\tb"], ["a\tb"]],
  ["a\\\nb", ["a\nb"], ["a\nb"]],
  ["tab\tsep\targs", ["tab", "sep", "args"], ["tab", "sep", "args"]],
  ["\u000bvt", ["\u000bvt"], ["\u000bvt"]],
  ["a\fb", ["a\fb"], ["a\fb"]],
  ["nul\u0000byte", ["nul\u0000byte"], ["nul\u0000byte"]],
  ["caf\u00e9 \u00fcber", ["caf\u00e9", "\u00fcber"], ["caf\u00e9", "\u00fcber"]],
  ["a\u00a0b", ["a\u00a0b"], ["a\u00a0b"]],
  ["%include /tmp/x.ks", ["%include", "/tmp/x.ks"], ["%include", "/tmp/x.ks"]],
  ["%packages --nocore # comment", ["%packages", "--nocore"], ["%packages", "--nocore", "#", "comment"]],
  ["@^server-product-environment", ["@^server-product-environment"], ["@^server-product-environment"]],
  ["-@group", ["-@group"], ["-@group"]],
];

/** Random mixes of quotes, escapes, comments and line ends (Python's random.seed(2024)), same columns. */
const SHLEX_RANDOM: [string, Split, Split][] = [
  [" -\r\"\t-\\%-%", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["\n\t=-#'\\", ["=-"], {"error": "No closing quotation"}],
  ["-\r\t\"\n-'\nb-%", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["-%-#-=", ["-%-"], ["-%-#-="]],
  ["\n\t\\a%", ["a%"], ["a%"]],
  ["=\\#b-- %", ["=#b--", "%"], ["=#b--", "%"]],
  ["\\''%\t'\\\\", ["'%\t\\"], ["'%\t\\"]],
  ["\r\t\\\t\ta-\t", ["\t", "a-"], ["\t", "a-"]],
  ["\"\n'", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["%-\\\rb'=\r%\t\t#", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  [" \t'#\r= \"", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["\r''--# =-", ["--"], ["--#", "=-"]],
  ["'\t\r=b", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  [" a #", ["a"], ["a", "#"]],
  ["'\tb\t%\"", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["-#\r\"#\n", ["-"], {"error": "No closing quotation"}],
  ["=\\\tb\"\"\" \r", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["\nb#\t\t%\\", ["b"], {"error": "No escaped character"}],
  ["\n\t''%", ["%"], ["%"]],
  ["\r=\n", ["="], ["="]],
  ["--=bb\ta\n ", ["--=bb", "a"], ["--=bb", "a"]],
  ["=\rb\n \t", ["=", "b"], ["=", "b"]],
  ["\r%-  b \rb%", ["%-", "b", "b%"], ["%-", "b", "b%"]],
  ["\n%\r=a\rb\n \n-'", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["b\"a", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["ab=\r=", ["ab=", "="], ["ab=", "="]],
  ["-\t\r\t=\t# #'\"-", ["-", "="], {"error": "No closing quotation"}],
  ["=#-%\t\\\r#\\\r", ["="], ["=#-%", "\r#\r"]],
  ["\t \"\\\t", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["'#=ab", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["=a%\t%\n\\=", ["=a%", "%", "="], ["=a%", "%", "="]],
  ["\t\r#", [], ["#"]],
  ["#\n%a\\'a\n'\n\"", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["\t\rb%\\", {"error": "No escaped character"}, {"error": "No escaped character"}],
  ["  a'", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["\"# '#\\#", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["' a%bb'\\= \n-", [" a%bb=", "-"], [" a%bb=", "-"]],
  ["a=\\a", ["a=a"], ["a=a"]],
  ["\tb'\n\r \t", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
  ["\rb\\b\r--\"\\\n %", {"error": "No closing quotation"}, {"error": "No closing quotation"}],
];

/** [text, text.splitlines(True)] */
const SPLITLINES: [string, string[]][] = [
  ["", []],
  ["a", ["a"]],
  ["a\n", ["a\n"]],
  ["a\nb", ["a\n", "b"]],
  ["a\nb\n", ["a\n", "b\n"]],
  ["\n", ["\n"]],
  ["\n\n", ["\n", "\n"]],
  ["a\r\nb\r\n", ["a\r\n", "b\r\n"]],
  ["a\rb\r", ["a\r", "b\r"]],
  ["a\r\r\nb", ["a\r", "\r\n", "b"]],
  ["a\n\rb", ["a\n", "\r", "b"]],
  ["\r\n\r\n", ["\r\n", "\r\n"]],
  ["a\u000bb", ["a\u000b", "b"]],
  ["a\fb", ["a\f", "b"]],
  ["a\u001cb\u001dc\u001ed", ["a\u001c", "b\u001d", "c\u001e", "d"]],
  ["a\u001fb", ["a\u001fb"]],
  ["a\u0085b", ["a\u0085", "b"]],
  ["a\u2028b\u2029c", ["a\u2028", "b\u2029", "c"]],
  ["a\u00a0b", ["a\u00a0b"]],
  ["x\r", ["x\r"]],
  ["line1\nline2 no newline", ["line1\n", "line2 no newline"]],
  ["%post\necho hi\r\n%end", ["%post\n", "echo hi\r\n", "%end"]],
];

/** [line, pykickstart's _isBlankOrComment(line)] */
const BLANK: [string, boolean][] = [
  ["", true],
  [" ", true],
  ["\t\t", true],
  ["\n", true],
  ["\r\n", true],
  ["  # comment", true],
  ["#", true],
  ["#x", true],
  ["a", false],
  [" a # c", false],
  ["\u000b", true],
  ["\f#c", true],
  ["\u001c", true],
  ["\u001f#c", true],
  ["\u0085", true],
  ["\u00a0#c", true],
  ["\u3000", true],
  ["\ufeff", false],
  ["\ufeff# bom comment", false],
  ["\u200b", false],
  ["lang en_US # c", false],
  ["%end", false],
  ["\"#\"", false],
  ["\\#", false],
];

function run(line: string, comments: boolean): Split {
  try {
    return shlexSplit(line, { comments });
  } catch (e) {
    if (e instanceof LexError) return { error: e.message };
    throw e;
  }
}

describe("shlexSplit agrees with Python's shlex.split (POSIX mode)", () => {
  it.each(SHLEX)("%j", (line, withComments, withoutComments) => {
    expect(run(line, true)).toEqual(withComments);
    expect(run(line, false)).toEqual(withoutComments);
  });

  it.each(SHLEX_RANDOM)("random %j", (line, withComments, withoutComments) => {
    expect(run(line, true)).toEqual(withComments);
    expect(run(line, false)).toEqual(withoutComments);
  });

  it("does not treat # as a comment unless asked to", () => {
    expect(shlexSplit("a#b # c")).toEqual(["a#b", "#", "c"]);
  });

  it("throws LexError (not a generic Error) for an unclosed quote and a trailing backslash", () => {
    expect(() => shlexSplit('rootpw "secret', { comments: true })).toThrow(LexError);
    expect(() => shlexSplit("rootpw secret\\", { comments: true })).toThrow("No escaped character");
  });

  it("handles a long line in linear time", () => {
    const line = Array.from({ length: 20_000 }, (_, i) => `"w${i}" 'q' \\x`).join(" ");
    const t0 = performance.now();
    const words = shlexSplit(line, { comments: true });
    expect(words.length).toBe(60_000);
    expect(words.slice(0, 3)).toEqual(["w0", "q", "x"]);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe("splitLines agrees with Python's str.splitlines(True)", () => {
  it.each(SPLITLINES)("%j", (text, lines) => {
    expect(splitLines(text)).toEqual(lines);
  });

  it("keeps every character: joining the lines gives the text back", () => {
    for (const [text] of SPLITLINES) expect(splitLines(text).join("")).toBe(text);
  });
});

describe("isBlankOrComment agrees with pykickstart's _isBlankOrComment", () => {
  it.each(BLANK)("%j", (line, blank) => {
    expect(isBlankOrComment(line)).toBe(blank);
  });
});
