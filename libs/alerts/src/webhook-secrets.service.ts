import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, loadOrCreateDevelopmentKey, type AppConfig } from '@assay/config';

export const SEALED_PREFIX = 'enc1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
export const DEV_SECRETS_KEY_FILE = 'webhook-secrets.key';

export class SecretKeyError extends Error {}

/** A 32-byte key from the text of a key file: base64, surrounding whitespace ignored. */
export function parseSecretsKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  // The message names the file only: the text could be key material.
  if (key.length !== KEY_BYTES || key.toString('base64') !== text.trim()) throw new SecretKeyError(`${source} does not hold a base64 ${KEY_BYTES}-byte key`);
  return key;
}

export interface OpenedSecret {
  secret: string;
  /** False when the value is stored in plain text or sealed under a previous key: it should be sealed again. */
  current: boolean;
}

/**
 * Webhook signing secrets at rest: AES-256-GCM with a random IV, bound to the subscription's project
 * (additional data), stored as `enc1:` + base64url(iv || tag || ciphertext). Values without the
 * prefix were stored before encryption and are read as they are. Values sealed under a previous key
 * (a rotation in progress) open with it; only the current key seals.
 */
export class SecretBox {
  constructor(
    private readonly key: Buffer,
    private readonly previousKeys: readonly Buffer[] = [],
  ) {
    for (const k of [key, ...previousKeys]) if (k.length !== KEY_BYTES) throw new SecretKeyError(`the secrets key must be ${KEY_BYTES} bytes`);
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(SEALED_PREFIX);
  }

  seal(secret: string, projectId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(projectId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
  }

  open(stored: string, projectId: string): string {
    return this.openWithKey(stored, projectId).secret;
  }

  openWithKey(stored: string, projectId: string): OpenedSecret {
    if (!SecretBox.isSealed(stored)) return { secret: stored, current: false };
    const packed = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64url');
    if (packed.length < IV_BYTES + TAG_BYTES) throw new SecretKeyError('a sealed webhook secret is truncated');
    const keys = [this.key, ...this.previousKeys];
    for (let i = 0; i < keys.length; i++) {
      const secret = openPacked(packed, keys[i], projectId);
      if (secret !== null) return { secret, current: i === 0 };
    }
    throw new SecretKeyError(
      `a webhook secret does not open with the configured secrets key${this.previousKeys.length > 0 ? ' or the previous ones' : ''} (another key, or another project)`,
    );
  }
}

function openPacked(packed: Buffer, key: Buffer, projectId: string): string | null {
  const decipher = createDecipheriv('aes-256-gcm', key, packed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(projectId, 'utf8'));
  decipher.setAuthTag(packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(packed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** The process's SecretBox, keyed from ASSAY_SECRETS_KEY_FILE or a development key in the data directory. */
@Injectable()
export class WebhookSecrets implements OnModuleInit {
  private readonly logger = new Logger('WebhookSecrets');
  private box: SecretBox | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  // A key that cannot be read stops the app at start, not at its first delivery.
  onModuleInit(): void {
    this.secretBox();
  }

  seal(secret: string, projectId: string): string {
    return this.secretBox().seal(secret, projectId);
  }

  open(stored: string, projectId: string): string {
    return this.secretBox().open(stored, projectId);
  }

  openWithKey(stored: string, projectId: string): OpenedSecret {
    return this.secretBox().openWithKey(stored, projectId);
  }

  private secretBox(): SecretBox {
    this.box ??= new SecretBox(
      this.loadKey(),
      this.config.secrets.previousKeyFiles.map((file) => readKeyFile(file, 'ASSAY_SECRETS_PREVIOUS_KEY_FILES')),
    );
    return this.box;
  }

  private loadKey(): Buffer {
    const configured = this.config.secrets.keyFile;
    if (configured !== null) return readKeyFile(configured, 'ASSAY_SECRETS_KEY_FILE');
    const key = loadOrCreateDevelopmentKey(
      this.config.dataDir,
      DEV_SECRETS_KEY_FILE,
      () => `${randomBytes(KEY_BYTES).toString('base64')}\n`,
      (text) => parseSecretsKey(text, `development secrets key ${this.config.dataDir}/${DEV_SECRETS_KEY_FILE}`),
    );
    if (key.created) this.logger.warn(`created a development key for webhook secrets in ${key.file} (set ASSAY_SECRETS_KEY_FILE in production)`);
    return key.value;
  }
}

function readKeyFile(file: string, variable: string): Buffer {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SecretKeyError(`${variable} ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseSecretsKey(text, `${variable} ${file}`);
}
