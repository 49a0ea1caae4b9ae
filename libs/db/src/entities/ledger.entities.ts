import { Column, Entity, PrimaryColumn } from 'typeorm';

// Raw SQL does the ledger's appends and proof reads (see LedgerRepository); these entities describe
// the tables for TypeORM and for readers that want typed rows.
const bigintAsNumber = { to: (value: number): number => value, from: (value: string): number => Number(value) };

@Entity({ name: 'ledger_entries' })
export class LedgerEntryEntity {
  @PrimaryColumn({ name: 'idx', type: 'bigint', transformer: bigintAsNumber })
  index!: number;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'project_id', type: 'uuid', nullable: true })
  projectId!: string | null;

  @Column({ type: 'text' })
  subject!: string;

  /** Canonical JSON (RFC 8785) of {kind, projectId, subject, recordedAt, body}: the exact hashed bytes. */
  @Column({ type: 'text' })
  entry!: string;

  @Column({ name: 'leaf_hash', type: 'bytea' })
  leafHash!: Buffer;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity({ name: 'ledger_checkpoints' })
export class LedgerCheckpointEntity {
  @PrimaryColumn({ name: 'tree_size', type: 'bigint', transformer: bigintAsNumber })
  treeSize!: number;

  @Column({ name: 'root_hash', type: 'bytea' })
  rootHash!: Buffer;

  /** The signed C2SP checkpoint note. */
  @Column({ type: 'text' })
  note!: string;

  @Column({ name: 'key_id', type: 'text' })
  keyId!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity({ name: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn({ name: 'key_id', type: 'text' })
  keyId!: string;

  @Column({ type: 'text' })
  algorithm!: string;

  @Column({ name: 'public_key_pem', type: 'text' })
  publicKeyPem!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;
}
