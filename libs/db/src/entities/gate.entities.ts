import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type GateOutcome = 'pass' | 'fail' | 'insufficient';

const bigintAsNumber = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

@Entity({ name: 'gate_policies' })
export class GatePolicyEntity {
  @PrimaryColumn({ name: 'model_id', type: 'uuid' }) modelId!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ type: 'jsonb' }) policy!: Record<string, unknown>;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ name: 'gate_decisions' })
export class GateDecisionEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ name: 'model_id', type: 'uuid' }) modelId!: string;
  @Column({ type: 'text' }) candidate!: string;
  @Column({ name: 'baseline_id', type: 'uuid', nullable: true }) baselineId!: string | null;
  @Column({ type: 'text' }) decision!: GateOutcome;
  @Column({ type: 'jsonb' }) reasons!: Array<Record<string, unknown>>;
  @Column({ type: 'jsonb' }) envelope!: Record<string, unknown>;
  @Column({ name: 'request_digest', type: 'text' }) requestDigest!: string;
  @Column({ name: 'idempotency_key', type: 'text', nullable: true }) idempotencyKey!: string | null;
  @Column({ type: 'boolean' }) promoted!: boolean;
  @Column({ name: 'ledger_index', type: 'bigint', nullable: true, transformer: bigintAsNumber }) ledgerIndex!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
