import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface StoredProfile {
  version: string;
  minute: Date;
  count: number;
  /** `SignalProfile.toJSON()` of @assay/stats; several rows of one minute are merged by the reader. */
  profile: Record<string, unknown>;
}

@Injectable()
export class SignalProfileRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Profile rows of one signal whose minute lies in [from, to), oldest first. */
  async listWindow(modelId: string, version: string | null, signal: string, from: Date, to: Date): Promise<StoredProfile[]> {
    const rows = await this.dataSource.query<Array<{ version: string; minute: Date; count: string; profile: Record<string, unknown> }>>(
      `SELECT version, minute, count, profile FROM signal_profiles
        WHERE model_id = $1 AND ($2::text IS NULL OR version = $2) AND signal = $3
          AND minute >= date_trunc('minute', $4::timestamptz) AND minute < $5
        ORDER BY minute, id`,
      [modelId, version, signal, from, to],
    );
    return rows.map((r) => ({ version: r.version, minute: r.minute, count: Number(r.count), profile: r.profile }));
  }
}
