// The names of the secrets of out/pki that are not certificates (src/pki/secrets.ts makes them), apart so that the
// no-change fast path can read out/pki without loading the crypto modules.

/** SECRET_FILES: the secrets' file names in out/pki (kubeadm's names for the service-account pair). */
export const SECRET_FILES = { encryptionKey: "encryption.key", saKey: "sa.key", saPub: "sa.pub" } as const;
/** SECRET_FILE_NAMES: what readPkiDir must read besides the `*.pem` files. */
export const SECRET_FILE_NAMES: readonly string[] = Object.values(SECRET_FILES);
/** SECRET_KEY_FILES: those that hold a secret (0600 in out/pki, ignored by Git); sa.pub is public. */
export const SECRET_KEY_FILES: readonly string[] = [SECRET_FILES.encryptionKey, SECRET_FILES.saKey];

/** SECRET_IDS: the ids of the secrets in the manifest's record and in events. */
export const SECRET_IDS = { encryptionKey: "encryption-key", serviceAccount: "service-account-key" } as const;
