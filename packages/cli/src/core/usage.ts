/**
 * Usage errors in our words (issue 21): what was typed wrong, what is allowed, and the help page of
 * a command that exists. The parser (yargs) only tells us that something failed and where it was
 * (the command words it understood); this module reads the typed words again against what that
 * command accepts. Pure: the CLI collects the facts and prints the result (exit 2).
 */

/** What the command where parsing stopped accepts. */
export interface UsageContext {
  /** Command words understood so far ([] at the top, ["imports", "list"]). */
  path: string[];
  /** Its subcommands (empty for a leaf command). */
  subcommands: string[];
  /** Its options: long and short names (without dashes) -> whether the option takes a value. */
  options: Map<string, boolean>;
  /** Its positional arguments, in order. */
  positionals: { name: string; required: boolean }[];
  /** Options with a fixed list of values (positionals too, by name). */
  choices: Map<string, string[]>;
}

/** The words of argv that are not options, and the options that are not known here. */
export interface ArgvSplit {
  words: string[];
  unknown: string[];
}

/** Edit distance with adjacent transpositions counted as one edit ("lgos" is 1 from "logs"). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/** The closest of `names` to `typed` (a typo, a prefix, a plural), or null when none is close. */
export function closest(typed: string, names: string[]): string | null {
  const t = typed.toLowerCase();
  let best: string | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const n of names) {
    const l = n.toLowerCase();
    const d = l.startsWith(t) && t.length >= 2 ? 0.5 : editDistance(t, l);
    if (d < bestD && d <= Math.max(1, Math.floor(l.length / 3))) {
      best = n;
      bestD = d;
    }
  }
  return best;
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Is this option name (without dashes, without a value) known here? `--no-x` is known when `x` is. */
function knownOption(name: string, options: Map<string, boolean>): boolean {
  if (options.has(name) || options.has(camel(name))) return true;
  return name.startsWith("no-") && options.has(name.slice(3));
}

/** Split argv into plain words and unknown options, skipping the values of known options. */
export function splitArgv(argv: string[], options: Map<string, boolean>): ArgvSplit {
  const words: string[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const [name, value] = [a.slice(2).split("=")[0]!, a.includes("=")];
      if (!knownOption(name, options)) unknown.push(`--${name}`);
      else if (options.get(name) ?? options.get(camel(name))) {
        if (!value) i++;
      }
      continue;
    }
    if (a.startsWith("-") && a.length > 1 && !/^-\d/.test(a)) {
      // -f, -n 5, -n5, -fn 5: each letter is a short option; the last may take the next word.
      const letters = a.slice(1);
      for (let k = 0; k < letters.length; k++) {
        const l = letters[k]!;
        if (!options.has(l)) {
          unknown.push(`-${l}`);
          break;
        }
        if (options.get(l)) {
          if (k === letters.length - 1) i++;
          break;
        }
      }
      continue;
    }
    words.push(a);
  }
  return { words, unknown };
}

const list = (xs: string[]) => xs.join(", ");
const shown = (p: { name: string; required: boolean }) => (p.required ? `<${p.name}>` : `[${p.name}]`);

/** "omero-fs imports list" */
export function commandName(path: string[]): string {
  return ["omero-fs", ...path].join(" ");
}

/** Long options of a command, as `--json, --user` (short aliases and help/version left out). */
function optionList(ctx: UsageContext): string {
  const names = [...ctx.options.keys()].filter(
    (n) => n.length > 1 && !/[A-Z]/.test(n) && n !== "help" && n !== "version" && n !== "home",
  );
  return names.length ? list(names.map((n) => `--${n}`)) : "none but --home";
}

/**
 * The message for a usage error, given the parser's own message (only used to tell which kind of
 * problem it found), the typed arguments and the context where parsing stopped. First line: the
 * problem; last line: the help page to read.
 */
export function usageMessage(parserMessage: string | null, argv: string[], ctx: UsageContext): string {
  const here = commandName(ctx.path);
  const help = `(see ${here} --help)`;
  const { words, unknown } = splitArgv(argv, ctx.options);
  const rest = words.slice(ctx.path.length);
  const lines: string[] = [];
  const msg = parserMessage ?? "";

  if (ctx.subcommands.length > 0 && rest.length > 0 && !ctx.subcommands.includes(rest[0]!)) {
    const near = closest(rest[0]!, ctx.subcommands);
    const what = ctx.path.length ? `${here} has no subcommand` : "unknown command";
    lines.push(
      `${what} "${rest[0]}"${near ? `; did you mean "${[...ctx.path, near].join(" ")}"?` : ""} (${ctx.path.length ? "its subcommands" : "commands"}: ${list(ctx.subcommands)})`,
    );
  } else if (unknown.length > 0) {
    const u = unknown[0]!;
    const near = closest(
      u.replace(/^-+/, ""),
      [...ctx.options.keys()].filter((n) => n.length > 1),
    );
    lines.push(
      `${here}: unknown option ${u}${near ? `; did you mean --${near}?` : ""} (its options: ${optionList(ctx)})`,
    );
  } else if (/^Invalid values?:/.test(msg)) {
    const m = /Argument: (\S+), Given: (.+?), Choices: (.+)$/m.exec(msg);
    lines.push(
      m
        ? `${here}: ${m[2]} is not a valid ${m[1]}; use one of ${m[3]!.replace(/"/g, "")}`
        : `${here}: ${msg.replace(/\s+/g, " ")}`,
    );
  } else if (/^Not enough non-option arguments|^Missing required argument/.test(msg)) {
    const missing = ctx.positionals.filter((p) => p.required).slice(Math.max(0, rest.length));
    lines.push(
      missing.length
        ? `${here} needs ${list(missing.map((p) => `<${p.name}>`))}`
        : ctx.subcommands.length
          ? `${here} needs a subcommand: ${list(ctx.subcommands)}`
          : `${here}: ${msg}`,
    );
  } else if (/^Too many non-option arguments|^Unknown arguments?:/.test(msg) && rest.length > ctx.positionals.length) {
    const extra = rest.slice(ctx.positionals.length);
    lines.push(
      `${here}: unexpected argument${extra.length > 1 ? "s" : ""} ${list(extra.map((w) => `"${w}"`))}${
        ctx.positionals.length ? ` (it takes ${list(ctx.positionals.map(shown))})` : " (it takes none)"
      }`,
    );
  } else if (ctx.subcommands.length > 0 && rest.length === 0) {
    // Our own demandCommand messages ("Give an admin subcommand: ...") are already in our words.
    lines.push(msg && !/^Not enough|^Unknown/.test(msg) ? msg : `${here} needs a subcommand: ${list(ctx.subcommands)}`);
  } else {
    lines.push(msg || `${here}: cannot read the arguments`);
  }
  lines.push(help);
  return lines.join("\n");
}
