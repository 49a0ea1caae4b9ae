import { Injectable } from '@nestjs/common';
import { AlertRepository, SilenceRepository, type SilenceEntity, type SilenceMatcher } from '@assay/db';
import { badInput, notFound } from '@assay/common';
import { NotificationScheduler } from './notification-scheduler.service.js';

export interface SilenceInput {
  matchers: SilenceMatcher[];
  comment: string;
  startsAt?: Date;
  endsAt: Date;
}

@Injectable()
export class SilencesService {
  constructor(
    private readonly silences: SilenceRepository,
    private readonly alerts: AlertRepository,
    private readonly scheduler: NotificationScheduler,
  ) {}

  create(projectId: string, createdBy: string, input: SilenceInput): Promise<SilenceEntity> {
    const startsAt = input.startsAt ?? new Date();
    if (input.endsAt <= startsAt) throw badInput('endsAt must be after startsAt (or after now)');
    if (input.endsAt.getTime() <= Date.now()) throw badInput('endsAt is in the past: the silence would never apply');
    if (!input.matchers.some((m) => m.op === '=')) throw badInput('a silence needs at least one "=" matcher, so that it cannot mute everything');
    return this.silences.create({ projectId, matchers: input.matchers, comment: input.comment, createdBy, startsAt, endsAt: input.endsAt });
  }

  list(projectId: string, includeExpired: boolean): Promise<SilenceEntity[]> {
    return this.silences.list(projectId, includeExpired);
  }

  async expire(projectId: string, id: string): Promise<SilenceEntity> {
    const silence = await this.silences.expire(projectId, id);
    if (!silence) throw notFound(`silence ${id}`);
    // What it muted is due to be heard now, not at the next change.
    await this.scheduler.alertsChanged(await this.alerts.openForProject(projectId), false);
    return silence;
  }
}
