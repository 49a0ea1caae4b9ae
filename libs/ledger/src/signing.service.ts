import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { SigningKeyRepository, type SigningKeyEvent } from '@assay/db';
import { signStatement, type DsseEnvelope, type Signer, type Statement } from '@assay/provenance';
import { LedgerKind } from './ledger-record.js';
import { LedgerService } from './ledger.service.js';
import { loadConfiguredSigner, loadOrCreateDevelopmentSigner } from './signing-key-file.js';

export interface PublishedKey {
  keyId: string;
  algorithm: string;
  publicKeyPem: string;
  createdAt: Date;
  retiredAt: Date | null;
}

@Injectable()
export class SigningService implements OnModuleInit {
  private readonly logger = new Logger('Signing');
  private current: Signer | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: SigningKeyRepository,
    private readonly ledger: LedgerService,
  ) {}

  async onModuleInit(): Promise<void> {
    const loaded =
      this.config.signing.keyFile !== null
        ? loadConfiguredSigner(this.config.signing.keyFile)
        : loadOrCreateDevelopmentSigner(this.config.dataDir);
    this.current = loaded.signer;
    if (loaded.source === 'development-created') {
      this.logger.warn(`created a development signing key ${loaded.signer.keyId} in ${loaded.file} (set ASSAY_SIGNING_KEY_FILE in production)`);
    }
    const events = await this.keys.publish(loaded.signer, (manager, event) =>
      this.ledger.append(
        { kind: LedgerKind.SigningKey, projectId: null, subject: event.key.keyId, body: bodyOf(event) },
        manager,
      ),
    );
    for (const event of events) this.logger.log(`signing key ${event.key.keyId} ${event.event}`);
  }

  /** The configured signer. Only its public half and key id ever leave this process. */
  signer(): Signer {
    if (this.current === null) throw new Error('SigningService used before the module was initialised');
    return this.current;
  }

  async publicKeys(): Promise<PublishedKey[]> {
    return (await this.keys.list()).map((key) => ({
      keyId: key.keyId,
      algorithm: key.algorithm,
      publicKeyPem: key.publicKeyPem,
      createdAt: key.createdAt,
      retiredAt: key.retiredAt,
    }));
  }

  signStatement(statement: Statement<object>): Promise<DsseEnvelope> {
    return signStatement(statement, this.signer());
  }
}

function bodyOf(event: SigningKeyEvent): Record<string, unknown> {
  const key = { keyId: event.key.keyId, algorithm: event.key.algorithm, publicKeyPem: event.key.publicKeyPem };
  return event.event === 'published' ? { event: 'published', ...key } : { event: 'retired', ...key, supersededBy: event.supersededBy };
}
