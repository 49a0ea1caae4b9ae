import { ApiProperty } from '@nestjs/swagger';
import type { PublishedKey } from '@assay/ledger';
import { ed25519PublicKeyRaw, noteKeyId, verifierKey } from '@assay/provenance';

export class SigningKeyDto {
  @ApiProperty({ description: 'first 16 hex characters of SHA-256 over the DER public key' }) keyId!: string;
  @ApiProperty({ example: 'ed25519' }) algorithm!: string;
  @ApiProperty() publicKeyPem!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'set once a newer key took over; still valid for what it signed' })
  retiredAt!: string | null;

  @ApiProperty({
    example: 'assay.example/ledger+1a2b3c4d+AQ...',
    description: "the key as a signed-note verifier key (`<name>+<key hash>+<base64(0x01 || key)>`), named after the ledger's origin, for C2SP checkpoint verifiers",
  })
  noteVerifierKey!: string;

  @ApiProperty({ description: 'the signed-note key hash (8 hex characters) that starts each checkpoint signature by this key' })
  noteKeyHash!: string;

  static from(key: PublishedKey, noteName: string): SigningKeyDto {
    const raw = ed25519PublicKeyRaw(key.publicKeyPem);
    return {
      keyId: key.keyId,
      algorithm: key.algorithm,
      publicKeyPem: key.publicKeyPem,
      createdAt: key.createdAt.toISOString(),
      retiredAt: key.retiredAt?.toISOString() ?? null,
      noteVerifierKey: verifierKey(noteName, raw),
      noteKeyHash: Buffer.from(noteKeyId(noteName, raw)).toString('hex'),
    };
  }
}

export class SigningKeyListDto {
  @ApiProperty({ type: [SigningKeyDto] }) keys!: SigningKeyDto[];
}
