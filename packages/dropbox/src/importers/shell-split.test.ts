import { ShellSplitError, shellSplit } from "./shell-split";

describe("shellSplit", () => {
  it("splits on blanks and drops empty runs", () => {
    expect(shellSplit("  --report   --email\tzak@example.com\n")).toEqual(["--report", "--email", "zak@example.com"]);
    expect(shellSplit("")).toEqual([]);
    expect(shellSplit("   ")).toEqual([]);
  });

  it("keeps the seed's regex transfer argument as two words", () => {
    expect(shellSplit('-T "regex:^.*/(?<Container1>.*?)"')).toEqual(["-T", "regex:^.*/(?<Container1>.*?)"]);
  });

  it("single quotes keep everything literally, backslashes included", () => {
    expect(shellSplit(`'a b' 'c\\d' 'it'"'"'s'`)).toEqual(["a b", "c\\d", "it's"]);
  });

  it('double quotes honour only \\" \\\\ \\$ and \\` escapes', () => {
    expect(shellSplit(`"a \\"b\\" \\\\ \\$x \\n"`)).toEqual(['a "b" \\ $x \\n']);
  });

  it("outside quotes a backslash escapes any character", () => {
    expect(shellSplit("a\\ b c\\'d \\$HOME")).toEqual(["a b", "c'd", "$HOME"]);
  });

  it("expands nothing: $vars, $(), globs, ~ stay text", () => {
    expect(shellSplit("$HOME $(rm -rf /) *.tif ~ `id`")).toEqual(["$HOME", "$(rm", "-rf", "/)", "*.tif", "~", "`id`"]);
  });

  it("adjacent quoted parts join into one word; '' is an empty word", () => {
    expect(shellSplit(`a"b c"'d' '' x`)).toEqual(["ab cd", "", "x"]);
  });

  it("backslash-newline continues the line", () => {
    expect(shellSplit("--a \\\n--b")).toEqual(["--a", "--b"]);
  });

  it("rejects unbalanced quotes and a trailing backslash with the position", () => {
    expect(() => shellSplit(`-T "regex:abc`)).toThrow(ShellSplitError);
    expect(() => shellSplit(`-T "regex:abc`)).toThrow("unbalanced double quote at character 4");
    expect(() => shellSplit(`it's`)).toThrow("unbalanced single quote at character 3");
    expect(() => shellSplit(`abc\\`)).toThrow("trailing backslash");
  });
});
