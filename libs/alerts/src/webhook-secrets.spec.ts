import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateDevelopmentKey } from '@assay/config';
import { SecretBox, SecretKeyError, parseSecretsKey } from './webhook-secrets.service.js';

const PROJECT = '6f1c1d54-8f0e-4a3e-9f53-3f1b0c9f2a11';
const OTHER = '0b7e4c1a-2d3f-4e5a-8b6c-7d8e9f0a1b2c';

describe(SecretBox.name, () => {
  const box = new SecretBox(randomBytes(32));

  it('seals with a fresh IV every time and opens only for the same project', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const [a, b] = [box.seal(secret, PROJECT), box.seal(secret, PROJECT)];
    assert.notEqual(a, b);
    assert.match(a, /^enc1:[A-Za-z0-9_-]+$/);
    // 12-byte IV, 16-byte tag, then the ciphertext, as long as the secret.
    assert.equal(Buffer.from(a.slice(5), 'base64url').length, 12 + 16 + secret.length);
    assert.equal(box.open(a, PROJECT), secret);
    assert.equal(box.open(b, PROJECT), secret);
    assert.throws(() => box.open(a, OTHER), SecretKeyError);
    assert.throws(() => new SecretBox(randomBytes(32)).open(a, PROJECT), SecretKeyError);
  });

  it('opens values sealed under a previous key and says so, but seals only under the current key', () => {
    const [previous, current] = [randomBytes(32), randomBytes(32)];
    const underPrevious = new SecretBox(previous).seal('whsec_old', PROJECT);
    const rotating = new SecretBox(current, [previous]);
    assert.deepEqual(rotating.openWithKey(underPrevious, PROJECT), { secret: 'whsec_old', current: false });
    const resealed = rotating.seal('whsec_old', PROJECT);
    assert.deepEqual(rotating.openWithKey(resealed, PROJECT), { secret: 'whsec_old', current: true });
    assert.equal(new SecretBox(current).open(resealed, PROJECT), 'whsec_old');
    assert.throws(() => new SecretBox(previous).open(resealed, PROJECT), SecretKeyError);
    assert.throws(() => new SecretBox(current).open(underPrevious, PROJECT), /does not open with the configured secrets key \(/);
    assert.throws(() => rotating.open(underPrevious, OTHER), /does not open with the configured secrets key or the previous ones/);
    assert.deepEqual(rotating.openWithKey('whsec_plain', PROJECT), { secret: 'whsec_plain', current: false });
    assert.throws(() => new SecretBox(current, [randomBytes(16)]), /must be 32 bytes/);
  });

  it('refuses a tampered or truncated value, and reads a value stored before encryption as it is', () => {
    const sealed = box.seal('whsec_abc', PROJECT);
    const packed = Buffer.from(sealed.slice(5), 'base64url');
    packed[packed.length - 1] ^= 1;
    assert.throws(() => box.open(`enc1:${packed.toString('base64url')}`, PROJECT), SecretKeyError);
    assert.throws(() => box.open('enc1:AAAA', PROJECT), /truncated/);
    assert.equal(box.open('whsec_plain', PROJECT), 'whsec_plain');
    assert.equal(SecretBox.isSealed('whsec_plain'), false);
  });
});

describe(parseSecretsKey.name, () => {
  it('takes 32 bytes of base64 with surrounding whitespace, and nothing else', () => {
    const key = randomBytes(32);
    assert.deepEqual(parseSecretsKey(`  ${key.toString('base64')}\n`, 'f'), key);
    assert.throws(() => parseSecretsKey(randomBytes(16).toString('base64'), 'the file'), /the file does not hold a base64 32-byte key/);
    assert.throws(() => parseSecretsKey('not base64 at all!', 'f'), SecretKeyError);
  });
});

describe(loadOrCreateDevelopmentKey.name, () => {
  it('creates the key once, private, and reads the same key afterwards', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'assay-key-')), 'data');
    try {
      const make = (): string => `${randomBytes(32).toString('base64')}\n`;
      const first = loadOrCreateDevelopmentKey(dir, 'k', make, (t) => parseSecretsKey(t, 'k'));
      const second = loadOrCreateDevelopmentKey(dir, 'k', make, (t) => parseSecretsKey(t, 'k'));
      assert.deepEqual([first.created, second.created], [true, false]);
      assert.deepEqual(second.value, first.value);
      assert.equal(fs.statSync(first.file).mode & 0o777, 0o600);
      assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
      assert.deepEqual(fs.readdirSync(dir), ['k']);
    } finally {
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});
