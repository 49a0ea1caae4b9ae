import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type Repository } from 'typeorm';
import { ModelMonitoringEntity, MonitorEntity, type Correction, type MonitorKind } from '../entities/monitoring.entities.js';

type ResolvedSettings = 'alpha' | 'effectiveMethod' | 'effectiveThreshold' | 'effectiveReason';

export type NewMonitor = Omit<MonitorEntity, 'id' | 'createdAt' | 'updatedAt' | 'enabled' | ResolvedSettings> & { enabled?: boolean } & Partial<
  Pick<MonitorEntity, ResolvedSettings>
>;

@Injectable()
export class MonitorRepository {
  private readonly monitors: Repository<MonitorEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.monitors = dataSource.getRepository(MonitorEntity);
  }

  create(monitor: NewMonitor): Promise<MonitorEntity> {
    return this.monitors.save(this.monitors.create({ enabled: true, ...monitor, updatedAt: new Date() }));
  }

  async update(id: string, patch: Partial<NewMonitor>): Promise<MonitorEntity> {
    await this.monitors.update({ id }, { ...patch, updatedAt: new Date() });
    return (await this.monitors.findOneBy({ id }))!;
  }

  /** Drift monitors with no resolved method: from before calibration, or `auto` still without a baseline of its signal. */
  listUnresolvedDrift(): Promise<MonitorEntity[]> {
    return this.monitors.find({ where: { kind: 'drift', effectiveMethod: IsNull() }, order: { createdAt: 'ASC' } });
  }

  /**
   * Stores settings resolved from a monitor as read at `readAt`, unless it has been changed since (its update
   * resolved its own). Not an edit by anyone: `updated_at` stays.
   */
  async storeResolvedSettings(id: string, readAt: Date, settings: Pick<MonitorEntity, ResolvedSettings>): Promise<boolean> {
    // node-postgres reads timestamps to the millisecond; rows written by migrations carry microseconds.
    const [, affected] = (await this.dataSource.query(
      `UPDATE monitors SET alpha = $2, effective_method = $3, effective_threshold = $4, effective_reason = $5
        WHERE id = $1 AND date_trunc('milliseconds', updated_at) = $6`,
      [id, settings.alpha, settings.effectiveMethod, settings.effectiveThreshold, settings.effectiveReason, readAt],
    )) as [unknown, number];
    return affected > 0;
  }

  findById(id: string): Promise<MonitorEntity | null> {
    return this.monitors.findOneBy({ id });
  }

  findForProject(projectId: string, id: string, kind?: MonitorKind): Promise<MonitorEntity | null> {
    return this.monitors.findOneBy(kind ? { projectId, id, kind } : { projectId, id });
  }

  listByModel(modelId: string, kind?: MonitorKind): Promise<MonitorEntity[]> {
    return this.monitors.find({ where: kind ? { modelId, kind } : { modelId }, order: { createdAt: 'ASC' } });
  }

  listScheduled(modelId: string, scheduleSeconds: number): Promise<MonitorEntity[]> {
    return this.monitors.find({ where: { modelId, scheduleSeconds, enabled: true }, order: { createdAt: 'ASC' } });
  }

  async scheduleGroups(): Promise<Array<{ modelId: string; scheduleSeconds: number }>> {
    const rows = await this.dataSource.query<Array<{ model_id: string; schedule_seconds: number }>>(
      `SELECT DISTINCT model_id, schedule_seconds FROM monitors WHERE enabled`,
    );
    return rows.map((r) => ({ modelId: r.model_id, scheduleSeconds: r.schedule_seconds }));
  }

  async remove(id: string): Promise<void> {
    await this.monitors.delete({ id });
  }

  async correctionFor(modelId: string): Promise<Correction> {
    const row = await this.dataSource.getRepository(ModelMonitoringEntity).findOneBy({ modelId });
    return row?.correction ?? 'bh';
  }

  async setCorrection(modelId: string, correction: Correction): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO model_monitoring (model_id, correction, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (model_id) DO UPDATE SET correction = excluded.correction, updated_at = now()`,
      [modelId, correction],
    );
  }
}
