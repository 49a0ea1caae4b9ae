import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type SignalKindColumn = 'numeric' | 'categorical';
export type MonitorKind = 'drift' | 'policy';
export type Severity = 'info' | 'warning' | 'critical';
export type Verdict = 'ok' | 'drift' | 'breach' | 'insufficient_data';
export type Correction = 'none' | 'bonferroni' | 'bh';
/** Whose traffic a monitor judges: the production version's, every version's, or the listed ones'. */
export type VersionScope = 'production' | 'all' | 'list';

const numeric = { type: 'double precision' as const, nullable: true };
const bigintAsNumber = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

@Entity({ name: 'baselines' })
export class BaselineEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ name: 'model_id', type: 'uuid' }) modelId!: string;
  @Column({ type: 'text' }) version!: string;
  @Column({ type: 'text' }) source!: 'window' | 'upload';
  @Column({ name: 'window_from', type: 'timestamptz', nullable: true }) windowFrom!: Date | null;
  @Column({ name: 'window_to', type: 'timestamptz', nullable: true }) windowTo!: Date | null;
  @Column({ name: 'sample_count', type: 'bigint', transformer: bigintAsNumber }) sampleCount!: number;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ type: 'text' }) digest!: string;
  @Column({ name: 'ledger_index', type: 'bigint', nullable: true, transformer: bigintAsNumber }) ledgerIndex!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity({ name: 'baseline_signals' })
export class BaselineSignalEntity {
  @PrimaryColumn({ name: 'baseline_id', type: 'uuid' }) baselineId!: string;
  @PrimaryColumn({ type: 'text' }) signal!: string;
  @Column({ type: 'text' }) kind!: SignalKindColumn;
  @Column({ type: 'bigint', transformer: bigintAsNumber }) count!: number;
  @Column({ type: 'jsonb' }) profile!: Record<string, unknown>;
  @Column({ type: 'text' }) digest!: string;
  /** Simulated nulls of the signal's distance methods (ReferenceNulls), read only by checks: up to 50 KB a numeric signal. */
  @Column({ type: 'jsonb', nullable: true, select: false }) nulls?: Record<string, unknown> | null;
}

@Entity({ name: 'model_monitoring' })
export class ModelMonitoringEntity {
  @PrimaryColumn({ name: 'model_id', type: 'uuid' }) modelId!: string;
  @Column({ type: 'text' }) correction!: Correction;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ name: 'monitors' })
export class MonitorEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ name: 'model_id', type: 'uuid' }) modelId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) kind!: MonitorKind;
  @Column({ type: 'text', nullable: true }) signal!: string | null;
  @Column({ type: 'text', nullable: true }) method!: string | null;
  @Column(numeric) threshold!: number | null;
  /** Significance level of a drift monitor, set or the default at creation; null for policies. */
  @Column(numeric) alpha!: number | null;
  /** What the monitor resolves to against its baseline: null while there is no baseline to resolve auto with. */
  @Column({ name: 'effective_method', type: 'text', nullable: true }) effectiveMethod!: string | null;
  @Column({ name: 'effective_threshold', ...numeric }) effectiveThreshold!: number | null;
  @Column({ name: 'effective_reason', type: 'text', nullable: true }) effectiveReason!: string | null;
  @Column({ type: 'text', nullable: true }) rule!: string | null;
  @Column({ name: 'window_type', type: 'text' }) windowType!: 'time' | 'count';
  @Column({ name: 'window_size', type: 'bigint', transformer: bigintAsNumber }) windowSize!: number;
  @Column({ name: 'min_samples', type: 'integer' }) minSamples!: number;
  @Column({ type: 'text' }) severity!: Severity;
  @Column({ name: 'alert_after', type: 'integer' }) alertAfter!: number;
  @Column({ name: 'schedule_seconds', type: 'integer' }) scheduleSeconds!: number;
  @Column({ name: 'version_scope', type: 'text' }) versionScope!: VersionScope;
  /** The versions of a 'list' scope; null otherwise. */
  @Column({ type: 'text', array: true, nullable: true }) versions!: string[] | null;
  @Column({ name: 'baseline_id', type: 'uuid', nullable: true }) baselineId!: string | null;
  @Column({ type: 'boolean' }) enabled!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ name: 'check_runs' })
export class CheckRunEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ name: 'model_id', type: 'uuid' }) modelId!: string;
  @Column({ name: 'monitor_id', type: 'uuid' }) monitorId!: string;
  @Column({ type: 'text' }) kind!: MonitorKind;
  @Column({ type: 'text' }) trigger!: 'schedule' | 'manual';
  @Column({ type: 'text', nullable: true }) signal!: string | null;
  /** The one version whose traffic was judged, or null when it was several or all. */
  @Column({ type: 'text', nullable: true }) version!: string | null;
  @Column({ name: 'version_scope', type: 'text', nullable: true }) versionScope!: VersionScope | null;
  /** The versions whose traffic was judged; null for all traffic. */
  @Column({ type: 'text', array: true, nullable: true }) versions!: string[] | null;
  @Column({ name: 'window_from', type: 'timestamptz', nullable: true }) windowFrom!: Date | null;
  @Column({ name: 'window_to', type: 'timestamptz' }) windowTo!: Date;
  @Column({ type: 'text', nullable: true }) method!: string | null;
  @Column(numeric) statistic!: number | null;
  @Column({ name: 'p_value', ...numeric }) pValue!: number | null;
  @Column({ name: 'adjusted_p_value', ...numeric }) adjustedPValue!: number | null;
  @Column({ type: 'text' }) correction!: Correction;
  @Column(numeric) threshold!: number | null;
  @Column(numeric) alpha!: number | null;
  /** The statistic's upper alpha quantile under no change at this run's sizes. */
  @Column({ name: 'noise_floor', ...numeric }) noiseFloor!: number | null;
  @Column({ name: 'effect_size', ...numeric }) effectSize!: number | null;
  @Column({ name: 'n_reference', type: 'bigint', transformer: bigintAsNumber }) nReference!: number;
  @Column({ name: 'n_current', type: 'bigint', transformer: bigintAsNumber }) nCurrent!: number;
  @Column({ type: 'boolean' }) exact!: boolean;
  @Column({ name: 'error_bound', ...numeric }) errorBound!: number | null;
  @Column({ type: 'text' }) verdict!: Verdict;
  @Column({ type: 'text' }) reason!: string;
  @Column({ type: 'text' }) severity!: Severity;
  @Column({ name: 'baseline_id', type: 'uuid', nullable: true }) baselineId!: string | null;
  @Column({ name: 'reference_digest', type: 'text', nullable: true }) referenceDigest!: string | null;
  @Column({ name: 'current_digest', type: 'text', nullable: true }) currentDigest!: string | null;
  @Column({ type: 'jsonb' }) details!: Record<string, unknown>;
  /** A CheckExplanation (libs/monitoring); null on runs stored before explanations existed. */
  @Column({ type: 'jsonb', nullable: true }) explanation!: Record<string, unknown> | null;
  @Column({ name: 'ledger_index', type: 'bigint', nullable: true, transformer: bigintAsNumber }) ledgerIndex!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
