// The secrets of out/pki that are not certificates (design.md "Trust"): the encryption-at-rest key and the service-account
// key pair. Made once and reused on every run, like the CAs; never replaced silently: a missing encryption key of a
// cluster that had one is an InputError (its Secrets would be unreadable), a changed service-account key a warning (every
// existing token stops verifying). Pure over the out/pki state (readPkiDir with SECRET_FILE_NAMES) and what the last
// run's manifest recorded; writes nothing.
import { createHash, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from "node:crypto";
import path from "node:path";
import { InputError } from "../errors.js";
import { ENCRYPTION_KEY_BYTES, isEncryptionProvider, type EncryptionProvider } from "../components/kube-apiserver/config.js";
import { keyTypeName, keyTypeOf, newKeyObject, sameKeyType, type KeyType } from "./keys.js";
import type { PkiEvent } from "./reconcile.js";
import { pkiPath, type PkiFiles } from "./state.js";

import { SECRET_FILES, SECRET_IDS } from "./secret-files.js";
export { SECRET_FILES, SECRET_FILE_NAMES, SECRET_IDS } from "./secret-files.js";


/** RecordedSecret: a secret the last run's manifest lists (read defensively: the manifest may have been edited by hand):
 *  its id and a fingerprint (sha256 hex: of the key file for the encryption key, of the public key's SPKI DER for the
 *  service-account key). */
export interface RecordedSecret {
  id?: unknown;
  file?: unknown;
  sha256?: unknown;
  /** For the encryption key: the providers the configurations held, newest first. */
  providers?: unknown;
}

/** SecretRecord: what the manifest keeps of a secret: no secret, only its id, file and fingerprint. */
export interface SecretRecord {
  id: string;
  file: string;
  sha256: string;
  /** For the encryption key: the providers its configuration holds, the one that encrypts first. */
  providers?: EncryptionProvider[];
}

/** SecretsInput: what the secrets depend on. `caKeyPem` is the cluster CA's key, the service-account key with `single`. */
export interface SecretsInput {
  /** "separate": the dedicated pair sa.key/sa.pub signs tokens; "single": the cluster CA's key (dedicatedServiceAccount in
   *  src/components/shared-files.ts decides from `pki.trust` and the components). */
  trust: "separate" | "single";
  keyType: KeyType;
  caKeyPem: string;
  /** False when kube-apiserver is not generated: no encryption key is needed (an existing one is still kept). */
  encryption: boolean;
  /** apiServer.encryption.provider: the provider that encrypts. */
  provider: EncryptionProvider;
  /** False when no generated component signs or verifies service-account tokens: no pair is made (a stored one is kept). */
  serviceAccount: boolean;
}

/** SecretsDeps: where randomness and new keys come from (tests pass fixed ones). */
export interface SecretsDeps {
  randomBytes(n: number): Buffer;
  newKey(type: KeyType): Promise<KeyObject>;
}

/** SecretsResult: the secrets' files for out/pki (previous bytes kept when reused), the values the nodes get, one event per
 *  secret, the warnings to print, and the records for the manifest. */
export interface SecretsResult {
  files: PkiFiles;
  /** base64 of the 32-byte key (what encryption-config.yaml holds); null when none is needed or kept. */
  encryptionKey: string | null;
  /** The providers earlier runs encrypted with (newest first, not the current one), kept in the configuration for reading. */
  previousProviders: EncryptionProvider[];
  serviceAccount: { keyPem: string; pubPem: string; fingerprint: string };
  events: PkiEvent[];
  warnings: string[];
  records: SecretRecord[];
}

const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** spkiFingerprint: sha256 of a public key's SPKI DER. */
export function spkiFingerprint(key: KeyObject): string {
  return sha256((key.type === "public" ? key : createPublicKey(key)).export({ type: "spki", format: "der" }));
}

/** readEncryptionKey: the base64 text of a stored key file (one line, 32 bytes); InputError naming the file otherwise. */
function readEncryptionKey(text: string, file: string): string {
  const line = text.replace(/\r?\n$/, "");
  const bytes = Buffer.from(line, "base64");
  if (!/^[A-Za-z0-9+/]+=*$/.test(line) || bytes.toString("base64") !== line || bytes.length !== ENCRYPTION_KEY_BYTES) {
    throw new InputError(
      "pki-state-damaged",
      `${file}: not an encryption key (one line of base64 holding ${ENCRYPTION_KEY_BYTES} bytes); restore it from the backup of out/pki. ` +
        `Writing another key would make every Secret the cluster stored unreadable`,
    );
  }
  return line;
}

/** lostEncryptionKey: the refusal for a key the last run made and out/pki no longer holds. */
function lostEncryptionKey(previous: PkiFiles): InputError {
  const file = pkiPath(previous, SECRET_FILES.encryptionKey);
  const pki = path.dirname(file);
  const out = path.dirname(pki);
  return new InputError(
    "pki-state-lost",
    `${file}: missing, but ${path.join(out, "manifest.json")} says the last run made the cluster's encryption-at-rest key there. ` +
      `kubebundle never makes a new one silently: the cluster's Secrets are encrypted with it, and with another key they would be unreadable. ` +
      `Restore ${file} from the backup of ${pki} (or copy the key1 secret of /etc/kubernetes/encryption-config.yaml on a control-plane node into it, base64 on one line); ` +
      `to start a new cluster on purpose, remove ${out} or generate into another --out`,
  );
}

/** changedEncryptionKey: the refusal for a key file whose bytes are not the key the last run wrote. */
function changedEncryptionKey(previous: PkiFiles): InputError {
  const file = pkiPath(previous, SECRET_FILES.encryptionKey);
  const out = path.dirname(path.dirname(file));
  return new InputError(
    "pki-state-changed",
    `${file}: not the encryption key the last run wrote (its sha256 differs from the one ${path.join(out, "manifest.json")} records). ` +
      `Every node would get it as the only key, and the Secrets the cluster stored with the old one would be unreadable. ` +
      `Restore the key from the backup of out/pki; if this key is the one the cluster's Secrets are encrypted with, remove the encryption-key entry of "secrets" in manifest.json`,
  );
}

/** resolveEncryptionKey: the stored key (kept byte for byte; refused when it is not the one the last run recorded), else a
 *  new one unless the last run recorded one; the providers earlier runs recorded are kept for reading. */
function resolveEncryptionKey(previous: PkiFiles, input: SecretsInput, recorded: readonly RecordedSecret[], deps: SecretsDeps, out: SecretsResult): void {
  const name = SECRET_FILES.encryptionKey;
  const stored = previous.get(name);
  const id = SECRET_IDS.encryptionKey;
  const before = recorded.find((r) => r?.id === id);
  if (stored !== undefined) {
    const key = readEncryptionKey(stored, pkiPath(previous, name));
    const digest = sha256(stored);
    if (typeof before?.sha256 === "string" && before.sha256 !== digest) throw changedEncryptionKey(previous);
    // Providers of earlier runs stay in the configuration, for reading the Secrets they encrypted.
    const history = Array.isArray(before?.providers) ? before.providers.filter(isEncryptionProvider) : [];
    out.previousProviders = [...new Set(history)].filter((p) => p !== input.provider);
    out.files.set(name, stored);
    out.encryptionKey = key;
    const kept = out.previousProviders.length ? `; Secrets written with ${out.previousProviders.join(", ")} stay readable (kept for decryption)` : "";
    out.events.push({ id, action: "reused", detail: `${name}: ${ENCRYPTION_KEY_BYTES}-byte key, ${input.provider}${kept}` });
    out.records.push({ id, file: name, sha256: digest, providers: [input.provider, ...out.previousProviders] });
    return;
  }
  if (recorded.some((r) => r?.id === id)) throw lostEncryptionKey(previous);
  if (!input.encryption) return;
  const key = deps.randomBytes(ENCRYPTION_KEY_BYTES).toString("base64");
  const text = `${key}\n`;
  out.files.set(name, text);
  out.encryptionKey = key;
  out.events.push({ id, action: "created", reason: "missing", detail: `new ${ENCRYPTION_KEY_BYTES}-byte key in ${name}: back up out/pki, the cluster's Secrets cannot be read without it` });
  out.records.push({ id, file: name, sha256: sha256(text), providers: [input.provider] });
}

/** readPrivate, readPublic: a stored key file as a node key; InputError naming the file otherwise. */
function readPrivate(text: string, file: string): KeyObject {
  try {
    return createPrivateKey({ key: text, format: "pem", passphrase: "" });
  } catch {
    throw new InputError("pki-state-damaged", `${file}: not an unencrypted PEM private key; restore it from the backup of out/pki, or remove it and sa.pub to make a new service-account key pair (every existing token stops verifying)`);
  }
}

function readPublic(text: string, file: string): KeyObject {
  try {
    return createPublicKey({ key: text, format: "pem" });
  } catch {
    throw new InputError("pki-state-damaged", `${file}: not a PEM public key; remove it: kubebundle writes it again from sa.key`);
  }
}

const pkcs8 = (k: KeyObject) => k.export({ type: "pkcs8", format: "pem" }).toString();
const spkiPem = (k: KeyObject) => createPublicKey(k).export({ type: "spki", format: "pem" }).toString();

/** resolveServiceAccount: with `separate` trust sa.key/sa.pub (reused; sa.pub written again from sa.key when missing or not
 *  its pair; a new pair of `pki.key`'s algorithm when sa.key is missing); with `single` the CA key (a stored pair is kept
 *  in out/pki, unused, so that going back to `separate` finds it). A verifying key other than the one the last run recorded
 *  is a warning. */
async function resolveServiceAccount(previous: PkiFiles, input: SecretsInput, recorded: readonly RecordedSecret[], deps: SecretsDeps, out: SecretsResult): Promise<void> {
  const id = SECRET_IDS.serviceAccount;
  const keyText = previous.get(SECRET_FILES.saKey);
  const pubText = previous.get(SECRET_FILES.saPub);
  if (!input.serviceAccount) {
    // Kept byte for byte for the run that generates its users again; nothing reads it now.
    if (keyText !== undefined) out.files.set(SECRET_FILES.saKey, keyText);
    if (pubText !== undefined) out.files.set(SECRET_FILES.saPub, pubText);
    const before = recorded.find((r) => r?.id === id);
    if (before && typeof before.sha256 === "string") out.records.push({ id, file: typeof before.file === "string" ? before.file : SECRET_FILES.saKey, sha256: before.sha256 });
    return;
  }
  let key: KeyObject;
  let detail: string;
  let action: PkiEvent["action"] = "reused";
  if (input.trust === "single") {
    key = readPrivate(input.caKeyPem, "the cluster CA key");
    detail = "the cluster CA key signs service-account tokens";
    if (keyText !== undefined) {
      out.files.set(SECRET_FILES.saKey, keyText);
      if (pubText !== undefined) out.files.set(SECRET_FILES.saPub, pubText);
      detail += `; ${SECRET_FILES.saKey} kept in out/pki, unused`;
    }
  } else if (keyText !== undefined) {
    key = readPrivate(keyText, pkiPath(previous, SECRET_FILES.saKey));
    const type = keyTypeOf(key);
    if (!type) throw new InputError("pki-state-damaged", `${pkiPath(previous, SECRET_FILES.saKey)}: a ${key.asymmetricKeyType} key cannot sign service-account tokens here; use rsa or ecdsa P-256/P-384`);
    out.files.set(SECRET_FILES.saKey, keyText);
    const pubMatches = pubText !== undefined && spkiFingerprint(readPublic(pubText, pkiPath(previous, SECRET_FILES.saPub))) === spkiFingerprint(key);
    out.files.set(SECRET_FILES.saPub, pubMatches ? pubText! : spkiPem(key));
    detail = `${SECRET_FILES.saKey} (${keyTypeName(type)})`;
    if (!pubMatches) detail += `; ${SECRET_FILES.saPub} written again from it`;
    if (!sameKeyType(type, input.keyType)) detail += `; its key is ${keyTypeName(type)} while the spec asks for ${keyTypeName(input.keyType)}: kept (remove sa.key and sa.pub to make a new pair: every existing token stops verifying)`;
  } else {
    key = await deps.newKey(input.keyType);
    out.files.set(SECRET_FILES.saKey, pkcs8(key));
    out.files.set(SECRET_FILES.saPub, spkiPem(key));
    action = "created";
    detail = `new ${keyTypeName(input.keyType)} pair ${SECRET_FILES.saKey}, ${SECRET_FILES.saPub}`;
  }
  const fingerprint = spkiFingerprint(key);
  const before = recorded.find((r) => r?.id === id)?.sha256;
  if (typeof before === "string" && before !== fingerprint) {
    out.warnings.push(
      `the service-account signing key changed (${input.trust === "single" ? "now the cluster CA key" : `now ${SECRET_FILES.saKey}`}, public key sha256 ${fingerprint.slice(0, 16)}..., was ${before.slice(0, 16)}...): ` +
        `every existing service-account token stops verifying once the apiservers run with it; pods get new tokens when they restart, ` +
        `and tokens stored in Secrets must be recreated. Restore the previous key (out/pki backup), or set pki.trust and components back (the dedicated sa.key signs only with separate trust and kube-apiserver generated), to keep them`,
    );
  }
  out.events.push({ id, action, ...(action === "created" ? { reason: "missing" as const } : {}), detail });
  out.records.push({ id, file: input.trust === "single" ? "ca-key.pem" : SECRET_FILES.saKey, sha256: fingerprint });
  out.serviceAccount = { keyPem: input.trust === "single" ? input.caKeyPem : out.files.get(SECRET_FILES.saKey)!, pubPem: spkiPem(key), fingerprint };
}

/** resolveSecrets: the encryption key and the service-account key pair for this run, from out/pki (`previous`, read with
 *  SECRET_FILE_NAMES) and the secrets the last run's manifest recorded. Throws InputError for a lost encryption key or a
 *  damaged secret file; nothing is written. */
export async function resolveSecrets(previous: PkiFiles, input: SecretsInput, recorded: readonly RecordedSecret[] = [], deps: SecretsDeps = realSecretsDeps()): Promise<SecretsResult> {
  const out: SecretsResult = { files: new Map(), encryptionKey: null, previousProviders: [], serviceAccount: { keyPem: "", pubPem: "", fingerprint: "" }, events: [], warnings: [], records: [] };
  resolveEncryptionKey(previous, input, recorded, deps, out);
  await resolveServiceAccount(previous, input, recorded, deps, out);
  return out;
}

/** recordedSecrets: the `secrets` list of the last run's manifest, read defensively ([] when absent or not a list). */
export function recordedSecrets(manifest: unknown): RecordedSecret[] {
  const list = typeof manifest === "object" && manifest !== null ? (manifest as { secrets?: unknown }).secrets : undefined;
  return Array.isArray(list) ? list.filter((r): r is RecordedSecret => typeof r === "object" && r !== null) : [];
}

/** realSecretsDeps: node:crypto's randomBytes and OpenSSL keys. */
export function realSecretsDeps(): SecretsDeps {
  return {
    randomBytes,
    newKey: newKeyObject,
  };
}
