// A JSON document with positions: parse errors and JSON pointers map to line:col.
import { parseTree, findNodeAtLocation, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";

/** JsonSource: the parsed value plus a way to find where a pointer sits in the text. */
export interface JsonSource {
  value: unknown;
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

/** parseJsonSource: strict JSON (no comments, no trailing commas) or the syntax problems found. */
export function parseJsonSource(text: string): JsonSource | SyntaxProblem[] {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || tree === undefined) {
    if (errors.length === 0) return [{ message: "empty document", line: 1, col: 1 }];
    return errors.map((e) => ({ message: `JSON syntax error: ${printParseErrorCode(e.error)}`, ...lineCol(text, e.offset) }));
  }
  // JSON.parse is the reference reader; jsonc-parser only supplies positions.
  const value: unknown = JSON.parse(text);
  return {
    value,
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
