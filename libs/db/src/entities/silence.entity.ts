import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export interface SilenceMatcher {
  label: string;
  value: string;
  /** `=` matches an equal label value, `!=` a different one (a missing label counts as ""). */
  op: '=' | '!=';
}

@Entity({ name: 'silences' })
export class SilenceEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ type: 'jsonb' }) matchers!: SilenceMatcher[];
  @Column({ type: 'text' }) comment!: string;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @Column({ name: 'starts_at', type: 'timestamptz' }) startsAt!: Date;
  @Column({ name: 'ends_at', type: 'timestamptz' }) endsAt!: Date;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
