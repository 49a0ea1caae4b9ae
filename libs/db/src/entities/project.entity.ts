import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export interface SignalOrientation {
  higherIsBetter: boolean;
}

export interface TieringProjectSettings {
  /** How much worse a cheaper model may be on a quality signal and still count as non-inferior. */
  margin?: number;
  alpha?: number;
  /** Per quality signal name (`eval.<name>.score`): whether a higher value is better (the default). */
  signals?: Record<string, SignalOrientation>;
}

export interface ProjectSettings {
  autoRegisterModels?: boolean;
  tiering?: TieringProjectSettings;
  /** An alert is raised when one provider's share of the last 7 days' spend exceeds this (0–1). */
  maxProviderSpendShare?: number;
  /** Attribute keys naming a call's journey, in order of preference (default: DEFAULT_JOURNEY_ATTRIBUTES of @assay/otlp). */
  journeyAttributes?: string[];
  /** Distinct journey names kept per project; later ones count as '(other)' (default 500). */
  journeyLimit?: number;
}

@Entity({ name: 'projects' })
export class ProjectEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings!: ProjectSettings;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
