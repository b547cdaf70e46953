/**
 * Split a string into words the way a POSIX shell splits a simple command line, without any
 * expansion: single quotes keep everything literally, double quotes keep everything except that a
 * backslash escapes `"`, `\`, `$`, backquote and newline; outside quotes a backslash escapes any
 * character (backslash-newline is a line continuation). `$`, `*`, `~`, backquotes are plain text.
 * Pure; no I/O.
 */
export class ShellSplitError extends Error {
  readonly code = "SHELL_UNBALANCED_QUOTE";
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = "ShellSplitError";
  }
}

const BLANK = new Set([" ", "\t", "\n"]);
const DQ_ESCAPABLE = new Set(['"', "\\", "$", "`", "\n"]);

export function shellSplit(input: string): string[] {
  const words: string[] = [];
  let word = "";
  // A word exists once any character or quote pair is seen: '' is an empty word.
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (BLANK.has(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new ShellSplitError(`unbalanced single quote at character ${i + 1}`, i);
      word += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      const start = i;
      i++;
      for (;;) {
        if (i >= input.length) throw new ShellSplitError(`unbalanced double quote at character ${start + 1}`, start);
        const d = input[i]!;
        if (d === '"') break;
        if (d === "\\" && i + 1 < input.length && DQ_ESCAPABLE.has(input[i + 1]!)) {
          if (input[i + 1] !== "\n") word += input[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else if (c === "\\") {
      if (i + 1 >= input.length) throw new ShellSplitError(`trailing backslash at character ${i + 1}`, i);
      if (input[i + 1] !== "\n") {
        word += input[i + 1];
        inWord = true;
      }
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
