// PEM text: base64 at 64 columns between BEGIN/END lines (RFC 7468), and back.

/** PemBlock: one labelled block of a PEM text, with its decoded bytes. */
export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** toPem: `der` as a PEM block labelled `label`, base64 wrapped at 64 columns, ending in a newline. */
export function toPem(label: string, der: Uint8Array | ArrayBuffer): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** pemBlocks: every block of `text` in order; blocks with headers (e.g. Proc-Type) keep only their base64 body. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const body = m[2]!.split(/\r?\n/).filter((l) => l !== "" && !l.includes(":")).join("");
    out.push({ label: m[1]!, der: new Uint8Array(Buffer.from(body, "base64")) });
  }
  return out;
}

/** certificateDers: the DER of every CERTIFICATE block of `text`, in order. */
export function certificateDers(text: string): Uint8Array[] {
  return pemBlocks(text)
    .filter((b) => b.label === "CERTIFICATE")
    .map((b) => b.der);
}
