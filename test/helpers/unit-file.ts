// A small reader of systemd unit files, following systemd.syntax(7) and systemd.service(5): settings by section and
// key, and ExecStart's argv as the program receives it; flagsOf reads the `--flag=value` arguments into a map.
export interface Unit {
  /** "Section.Key" -> values, ExecStart excluded. */
  settings: Record<string, string[]>;
  /** ExecStart's argv as the program receives it (specifiers and `$$` resolved). */
  argv: string[];
}

/** logicalLines: the logical lines: a trailing `\` joins the next line with a space; comments dropped. */
export function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending = "";
  for (const line of text.split("\n")) {
    if (pending === "" && /^\s*[#;]/.test(line)) continue;
    if (line.endsWith("\\")) pending += `${line.slice(0, -1)} `;
    else {
      out.push(pending + line);
      pending = "";
    }
  }
  return out.filter((l) => l.trim() !== "");
}

/** splitWords: systemd's word splitting: quotes open anywhere in a word and are removed; `\x` -> x. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\") {
      const next = line[++i];
      if (next === undefined || !`\\"' `.includes(next)) throw new Error(`unexpected escape \\${next} in ${line}`);
      word = (word ?? "") + next;
    } else if (quote !== null) {
      if (c === quote) quote = null;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= "";
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? "") + c;
  }
  if (quote !== null) throw new Error(`unbalanced quoting in ${line}`);
  if (word !== null) words.push(word);
  return words;
}

/** specifiers: `%%` -> `%`; any other specifier is a failure (nothing of ours may expand). */
export const specifiers = (s: string) => s.replace(/%(.?)/g, (_, c: string) => {
  if (c !== "%") throw new Error(`specifier %${c} in ${s}`);
  return "%";
});

/** environment: systemd's start-time `$$` -> `$`; any `$NAME`/`${NAME}` is a failure (it would expand). */
export const environment = (s: string) => s.replace(/\$(.?)/g, (_, c: string) => {
  if (c !== "$") throw new Error(`environment expansion $${c} in ${s}`);
  return "$";
});

export function parseUnit(text: string): Unit {
  const settings: Record<string, string[]> = {};
  let section = "";
  let argv: string[] = [];
  for (const line of logicalLines(text)) {
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = head[1]!;
      continue;
    }
    const eq = line.indexOf("=");
    const key = `${section}.${line.slice(0, eq)}`;
    const value = line.slice(eq + 1);
    if (key === "Service.ExecStart") argv = splitWords(specifiers(value)).map(environment);
    else (settings[key] ??= []).push(value);
  }
  return { settings, argv };
}

/** normalised: the `--flag[=value]` arguments, sorted, with bare booleans read `=true`. */
export const normalised = (argv: string[]) => argv.slice(1).map((a) => (a.includes("=") ? a : `${a}=true`)).sort();

/** flagsOf: ExecStart's `--flag=value` arguments as flag -> value (a bare `--flag` reads "true"); a flag given twice fails. */
export function flagsOf(text: string): Map<string, string> {
  const flags = new Map<string, string>();
  for (const a of parseUnit(text).argv.slice(1)) {
    if (!a.startsWith("--")) throw new Error(`${a}: not a --flag argument`);
    const eq = a.indexOf("=");
    const [name, value] = eq < 0 ? [a.slice(2), "true"] : [a.slice(2, eq), a.slice(eq + 1)];
    if (flags.has(name)) throw new Error(`--${name} given twice`);
    flags.set(name, value);
  }
  return flags;
}
