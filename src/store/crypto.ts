import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { inspect } from "node:util";

// Secrets at rest (Slack bot and user tokens): AES-256-GCM with a 32-byte key from the
// environment. Each ciphertext names the key that sealed it, so a new key can be introduced
// while the previous one still opens older rows, and a rotation re-seals them. Each is bound to
// where it is stored (its context, e.g. the workspace it belongs to), so a ciphertext that was
// altered, or copied into another row, fails to open instead of handing one workspace's token
// to another. Keys never appear in messages, logs or JSON.

export const ENCRYPTION_KEY_ENV = "DRILLBOT_ENCRYPTION_KEY";
export const PREVIOUS_KEYS_ENV = "DRILLBOT_ENCRYPTION_KEY_PREVIOUS";

const VERSION = "v1";
const IV_BYTES = 12; // GCM's standard nonce; random per seal (2^32 seals per key stay far below the collision risk)
const TAG_BYTES = 16;
const KEY_FORMAT =
  "must be 32 random bytes written as base64 (44 characters) or hex (64 characters); generate one with: openssl rand -base64 32";

export class EncryptionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EncryptionConfigError";
  }
}

/** A sealed value that cannot be opened: tampered with, moved, truncated, or sealed by a key we lack. */
export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecryptionError";
  }
}

// The key bytes, out of reach of anything that prints or serialises a key object.
const keyBytes = new WeakMap<EncryptionKey, Buffer>();

function bytesOf(key: EncryptionKey): Buffer {
  const bytes = keyBytes.get(key);
  if (!bytes) throw new Error("not an EncryptionKey");
  return bytes;
}

/** A 256-bit key and its public id (derived from the key, so nobody has to name keys). */
export class EncryptionKey {
  readonly id: string;

  constructor(bytes: Buffer) {
    if (bytes.length !== 32) throw new EncryptionConfigError(`an encryption key must be 32 bytes, not ${bytes.length}`);
    keyBytes.set(this, Buffer.from(bytes));
    // An HMAC of a fixed label: says which key this is without saying anything about the key.
    this.id = createHmac("sha256", bytes).update("drillbot encryption key id").digest().subarray(0, 6).toString("base64url");
  }

  /** Reads a key written as base64, base64url or hex; `source` names where it came from in errors. */
  static parse(text: string, source = "the key"): EncryptionKey {
    const value = text.trim();
    if (/^[0-9a-fA-F]{64}$/.test(value)) return new EncryptionKey(Buffer.from(value, "hex"));
    if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
      const bytes = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
      if (bytes.length === 32) return new EncryptionKey(bytes);
    }
    throw new EncryptionConfigError(`${source} ${KEY_FORMAT}`);
  }

  static generate(): EncryptionKey {
    return new EncryptionKey(randomBytes(32));
  }

  toJSON(): string {
    return `EncryptionKey(${this.id})`;
  }

  toString(): string {
    return `EncryptionKey(${this.id})`;
  }

  [inspect.custom](): string {
    return `EncryptionKey(${this.id})`;
  }
}

function aad(keyId: string, context: string): Buffer {
  return Buffer.from(`drillbot ${VERSION} ${keyId} ${context}`, "utf8");
}

/** Seals with the current key; opens with the current key or any previous one. */
export class TokenCipher {
  readonly #keys: Map<string, EncryptionKey>;

  constructor(
    readonly current: EncryptionKey,
    previous: readonly EncryptionKey[] = [],
  ) {
    this.#keys = new Map([...previous, current].map((k) => [k.id, k]));
  }

  /** `v1.<key id>.<iv>.<ciphertext>.<tag>`, base64url; `context` must be given again to open it. */
  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", bytesOf(this.current), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(this.current.id, context));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, this.current.id, iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(
      ".",
    );
  }

  decrypt(sealed: string, context: string): string {
    const parts = sealed.split(".");
    const [version, keyId, ivText, bodyText, tagText] = parts;
    if (parts.length !== 5 || version !== VERSION || !keyId || ivText === undefined || bodyText === undefined || tagText === undefined) {
      throw new DecryptionError("not a value drillbot encrypted (unknown format)");
    }
    const key = this.#keys.get(keyId);
    if (!key) {
      throw new DecryptionError(
        `sealed with key ${keyId}, which is neither ${ENCRYPTION_KEY_ENV} (key ${this.current.id}) nor listed in ${PREVIOUS_KEYS_ENV}`,
      );
    }
    const iv = Buffer.from(ivText, "base64url");
    const tag = Buffer.from(tagText, "base64url");
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError("failed its integrity check (truncated)");
    try {
      const decipher = createDecipheriv("aes-256-gcm", bytesOf(key), iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(keyId, context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(bodyText, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new DecryptionError("failed its integrity check: it was changed, or copied from another row");
    }
  }

  /** The id of the key that sealed a value (public: it is part of the value). */
  keyIdOf(sealed: string): string | undefined {
    return sealed.split(".")[1];
  }

  /** Whether a value is sealed with the current key (else a rotation re-seals it). */
  isCurrent(sealed: string): boolean {
    return this.keyIdOf(sealed) === this.current.id;
  }
}

/** The cipher configured by DRILLBOT_ENCRYPTION_KEY (and DRILLBOT_ENCRYPTION_KEY_PREVIOUS: one or
 * more older keys, separated by commas or spaces). Errors name the variable, never its value. */
export function cipherFromEnv(env: NodeJS.ProcessEnv): TokenCipher {
  const current = env[ENCRYPTION_KEY_ENV]?.trim();
  if (!current)
    throw new EncryptionConfigError(`${ENCRYPTION_KEY_ENV} is required to keep Slack tokens encrypted in the database; it ${KEY_FORMAT}`);
  const key = EncryptionKey.parse(current, ENCRYPTION_KEY_ENV);
  const previous = (env[PREVIOUS_KEYS_ENV] ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((text, i, all) => EncryptionKey.parse(text, all.length > 1 ? `${PREVIOUS_KEYS_ENV} (key ${i + 1})` : PREVIOUS_KEYS_ENV));
  return new TokenCipher(key, previous);
}
