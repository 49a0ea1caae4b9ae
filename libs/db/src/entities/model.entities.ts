import type { CustomSignalSpec } from '@assay/otlp';
import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type RiskTier = 'low' | 'medium' | 'high' | 'critical';
export const RISK_TIERS: readonly RiskTier[] = ['low', 'medium', 'high', 'critical'];

export type Lifecycle = 'candidate' | 'approved' | 'production' | 'retired';
/** In promotion order: a version only ever moves right. */
export const LIFECYCLES: readonly Lifecycle[] = ['candidate', 'approved', 'production', 'retired'];

/**
 * Which spans belong to a model. With no rule, a span matches when `gen_ai.request.model` or
 * `gen_ai.response.model` equals the model's name or one of `modelNames`; `serviceName` restricts
 * that to one service; `attributes` ({key: value}, span then resource attributes) replaces the
 * model-name test when given.
 */
export interface ModelMatch {
  modelNames?: string[];
  serviceName?: string;
  attributes?: Record<string, string | number | boolean>;
}

export interface SamplingConfig {
  /** Chance that a matched span is kept, 0..1. */
  probability: number;
  /** At most this many kept spans per model, version and minute (per ingest process); null: no cap. */
  maxPerMinute: number | null;
}

/** Estimates: `energy_wh` = total tokens / 1000 × whPerThousandTokens, `co2e_g` = energy_wh × gCo2ePerWh. */
export interface EnergyConfig {
  whPerThousandTokens: number;
  gCo2ePerWh: number;
}

const numericAsNumber = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

@Entity({ name: 'models' })
export class ModelEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', nullable: true }) owner!: string | null;
  @Column({ name: 'risk_tier', type: 'text' }) riskTier!: RiskTier;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ type: 'jsonb' }) match!: ModelMatch;
  @Column({ name: 'version_attribute', type: 'text' }) versionAttribute!: string;
  @Column({ type: 'jsonb' }) sampling!: SamplingConfig;
  @Column({ name: 'custom_signals', type: 'jsonb' }) customSignals!: CustomSignalSpec[];
  @Column({ type: 'jsonb', nullable: true }) energy!: EnergyConfig | null;
  @Column({ name: 'auto_registered', type: 'boolean' }) autoRegistered!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ name: 'model_versions' })
export class ModelVersionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'model_id', type: 'uuid' }) modelId!: string;
  @Column({ type: 'text' }) version!: string;
  @Column({ name: 'artifact_digest', type: 'text', nullable: true }) artifactDigest!: string | null;
  @Column({ type: 'text' }) lifecycle!: Lifecycle;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ name: 'price_catalog' })
export class PriceEntity {
  @PrimaryColumn({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @PrimaryColumn({ type: 'text' }) provider!: string;
  @PrimaryColumn({ type: 'text' }) model!: string;
  @Column({ name: 'input_per_million', type: 'numeric', transformer: numericAsNumber }) inputPerMillion!: number;
  @Column({ name: 'cached_input_per_million', type: 'numeric', nullable: true, transformer: numericAsNumber })
  cachedInputPerMillion!: number | null;
  @Column({ name: 'output_per_million', type: 'numeric', transformer: numericAsNumber }) outputPerMillion!: number;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
