import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { cipherFromEnv, DecryptionError, EncryptionConfigError, EncryptionKey, TokenCipher } from "../../src/store/crypto.js";

const TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx";
const raw = () => randomBytes(32);

/** Changes one character of part `index` of a sealed value (keeping it base64url). */
function flip(sealed: string, index: number): string {
  const parts = sealed.split(".");
  const part = parts[index] ?? "";
  const at = Math.floor(part.length / 2);
  parts[index] = part.slice(0, at) + (part[at] === "A" ? "B" : "A") + part.slice(at + 1);
  return parts.join(".");
}

describe("token encryption", () => {
  it("round-trips a token without the token appearing in the stored value, and never seals twice alike", () => {
    const cipher = new TokenCipher(new EncryptionKey(raw()));
    const sealed = cipher.encrypt(TOKEN, "team T1");
    assert.equal(cipher.decrypt(sealed, "team T1"), TOKEN);
    assert.ok(!sealed.includes(TOKEN) && !sealed.includes("xoxb"));
    assert.notEqual(cipher.encrypt(TOKEN, "team T1"), sealed, "a fresh IV each time");
    assert.equal(cipher.decrypt(cipher.encrypt("", "team T1"), "team T1"), "", "an empty value too");
  });

  it("reads the key as base64, base64url or hex, and names only the variable when it is malformed", () => {
    const bytes = raw();
    const ids = [bytes.toString("base64"), bytes.toString("base64url"), bytes.toString("hex"), ` ${bytes.toString("hex")}\n`].map(
      (text) => EncryptionKey.parse(text).id,
    );
    assert.equal(new Set(ids).size, 1);
    for (const bad of ["short", bytes.subarray(0, 31).toString("base64"), `${bytes.toString("hex")}00`, "x".repeat(44)]) {
      assert.throws(
        () => cipherFromEnv({ DRILLBOT_ENCRYPTION_KEY: bad }),
        (error: Error) =>
          error instanceof EncryptionConfigError &&
          /^DRILLBOT_ENCRYPTION_KEY must be 32 random bytes .*openssl rand -base64 32$/.test(error.message) &&
          !error.message.includes(bad),
      );
    }
    assert.throws(() => cipherFromEnv({}), /DRILLBOT_ENCRYPTION_KEY is required/);
    assert.throws(
      () =>
        cipherFromEnv({
          DRILLBOT_ENCRYPTION_KEY: bytes.toString("hex"),
          DRILLBOT_ENCRYPTION_KEY_PREVIOUS: `${raw().toString("hex")},oops`,
        }),
      /: DRILLBOT_ENCRYPTION_KEY_PREVIOUS \(key 2\) must be/,
    );
  });

  it("keeps opening values sealed with a previous key after a new one is introduced, and tells which are not current", () => {
    const old = raw();
    const next = raw();
    const before = cipherFromEnv({ DRILLBOT_ENCRYPTION_KEY: old.toString("base64") });
    const sealed = before.encrypt(TOKEN, "team T1");

    const during = cipherFromEnv({
      DRILLBOT_ENCRYPTION_KEY: next.toString("base64"),
      DRILLBOT_ENCRYPTION_KEY_PREVIOUS: `${raw().toString("hex")}, ${old.toString("base64")}`,
    });
    assert.equal(during.decrypt(sealed, "team T1"), TOKEN);
    assert.equal(during.isCurrent(sealed), false);
    const resealed = during.encrypt(during.decrypt(sealed, "team T1"), "team T1");
    assert.equal(during.isCurrent(resealed), true);

    const after = cipherFromEnv({ DRILLBOT_ENCRYPTION_KEY: next.toString("base64") });
    assert.equal(after.decrypt(resealed, "team T1"), TOKEN, "once re-sealed, the old key can go");
    assert.throws(
      () => after.decrypt(sealed, "team T1"),
      (error: Error) =>
        error instanceof DecryptionError &&
        error.message ===
          `sealed with key ${EncryptionKey.parse(old.toString("hex")).id}, which is neither DRILLBOT_ENCRYPTION_KEY (key ${after.current.id}) nor listed in DRILLBOT_ENCRYPTION_KEY_PREVIOUS`,
    );
  });

  it("detects tampering: a changed IV, ciphertext or tag, a swapped key id, a truncation, or a value moved to another row", () => {
    const a = new TokenCipher(new EncryptionKey(raw()));
    const sealed = a.encrypt(TOKEN, "team T1");
    const tampered = [
      flip(sealed, 2),
      flip(sealed, 3),
      flip(sealed, 4),
      sealed.slice(0, -2),
      sealed.split(".").slice(0, 4).join("."),
      `v2${sealed.slice(2)}`,
    ];
    for (const value of tampered) assert.throws(() => a.decrypt(value, "team T1"), DecryptionError, value);
    assert.throws(() => a.decrypt(sealed, "team T2"), /failed its integrity check: it was changed, or copied from another row/);

    const b = new TokenCipher(new EncryptionKey(raw()), [a.current]);
    const relabelled = [sealed.split(".")[0], b.current.id, ...sealed.split(".").slice(2)].join(".");
    assert.throws(() => b.decrypt(relabelled, "team T1"), DecryptionError, "claiming another key's id does not help");
  });

  it("never shows a key: not in JSON, inspect, string conversion or error messages", () => {
    const bytes = raw();
    const key = new EncryptionKey(bytes);
    const cipher = new TokenCipher(key);
    const shown = [JSON.stringify({ key, cipher }), inspect(key), inspect(cipher, { showHidden: true, depth: 5 }), String(key), `${key}`];
    for (const text of shown) {
      for (const form of [bytes.toString("base64"), bytes.toString("hex"), bytes.toString("base64url")]) {
        assert.ok(!text.includes(form), `key material in: ${text}`);
      }
    }
    assert.match(inspect(key), /^EncryptionKey\([\w-]{8}\)$/);
  });
});
