// A JSON document with positions: parse errors and JSON pointers map to line:col.
import { pointerToken } from "../errors.js";
import { parseTree, findNodeAtLocation, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";

/** JsonSource: the parsed value plus a way to find where a pointer sits in the text. */
export interface JsonSource {
  value: unknown;
  /** JSON pointers of keys given twice in one object (JSON.parse keeps the last silently). */
  duplicateKeys: string[];
  /** locate: line and column (1-based) of the value at `pointer`, or of its nearest parent. */
  locate(pointer: string): { line: number; col: number } | undefined;
}

/** SyntaxProblem: a JSON syntax error with its 1-based position. */
export interface SyntaxProblem {
  message: string;
  line: number;
  col: number;
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}

function decodePointer(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/** WORDS: jsonc-parser's error codes in plain words. */
const WORDS: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "malformed number",
  PropertyNameExpected: "expected a quoted property name (trailing comma?)",
  ValueExpected: "expected a value (trailing comma or empty document?)",
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "unexpected text after the document",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfComment: "comments are not allowed in JSON",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "malformed number",
  InvalidUnicode: "invalid unicode escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "invalid character in string",
};

function pointerOf(node: Node): string {
  const toks: string[] = [];
  for (let n: Node | undefined = node; n?.parent; n = n.parent) {
    if (n.parent.type === "property") continue;
    if (n.type === "property") toks.unshift(pointerToken(String(n.children?.[0]?.value)));
    else if (n.parent.type === "array") toks.unshift(String(n.parent.children?.indexOf(n)));
  }
  return toks.map((t) => `/${t}`).join("");
}

function duplicateKeys(node: Node, out: string[]): string[] {
  if (node.type === "object") {
    const seen = new Set<unknown>();
    for (const prop of node.children ?? []) {
      const key = prop.children?.[0]?.value;
      if (seen.has(key)) out.push(pointerOf(prop));
      seen.add(key);
    }
  }
  for (const child of node.children ?? []) duplicateKeys(child, out);
  return out;
}

/** MAX_DEPTH: deeper nesting than any spec needs; refused before parsing so no reader can overflow its stack. */
export const MAX_DEPTH = 64;

/** tooDeep: the offset where nesting first exceeds MAX_DEPTH (strings skipped), or -1. */
function tooDeep(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return -1;
}

/** parseJsonSource: strict JSON (no comments, no trailing commas) or the syntax problems found. */
export function parseJsonSource(text: string): JsonSource | SyntaxProblem[] {
  const deep = tooDeep(text);
  if (deep >= 0) return [{ message: `nested deeper than ${MAX_DEPTH} levels`, ...lineCol(text, deep) }];
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || tree === undefined) {
    if (errors.length === 0) return [{ message: "empty document", line: 1, col: 1 }];
    const first = errors[0]!; // later errors follow from the first
    const code = printParseErrorCode(first.error);
    return [{ message: `JSON syntax error: ${WORDS[code] ?? code}`, ...lineCol(text, first.offset) }];
  }
  // JSON.parse is the reference reader; jsonc-parser only supplies positions.
  const value: unknown = JSON.parse(text);
  return {
    value,
    duplicateKeys: duplicateKeys(tree, []),
    locate(pointer) {
      const path = decodePointer(pointer);
      for (let n = path.length; n >= 0; n--) {
        const node: Node | undefined = findNodeAtLocation(tree, path.slice(0, n));
        if (node) return lineCol(text, node.offset);
      }
      return undefined;
    },
  };
}
