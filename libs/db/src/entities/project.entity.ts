import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export interface ProjectSettings {
  autoRegisterModels?: boolean;
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
