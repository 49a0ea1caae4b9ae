import { ApiProperty } from '@nestjs/swagger';
import type { PublishedKey } from '@assay/ledger';

export class SigningKeyDto {
  @ApiProperty({ description: 'first 16 hex characters of SHA-256 over the DER public key' }) keyId!: string;
  @ApiProperty({ example: 'ed25519' }) algorithm!: string;
  @ApiProperty() publicKeyPem!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'set once a newer key took over; still valid for what it signed' })
  retiredAt!: string | null;

  static from(key: PublishedKey): SigningKeyDto {
    return {
      keyId: key.keyId,
      algorithm: key.algorithm,
      publicKeyPem: key.publicKeyPem,
      createdAt: key.createdAt.toISOString(),
      retiredAt: key.retiredAt?.toISOString() ?? null,
    };
  }
}

export class SigningKeyListDto {
  @ApiProperty({ type: [SigningKeyDto] }) keys!: SigningKeyDto[];
}
