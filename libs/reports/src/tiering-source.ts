import type { TieringQuery, TieringReport } from '@assay/tiering';

/** What computes a project's tiering report from its samples (libs/tiering's TieringService). */
export interface TieringSource {
  report(projectId: string, query: TieringQuery): Promise<TieringReport>;
}

export const TIERING_SOURCE = Symbol('TieringSource');

/** Stands in until the tiering computation is wired: a build fails with this reason, nothing is signed. */
export class UnwiredTieringSource implements TieringSource {
  report(): Promise<TieringReport> {
    return Promise.reject(new Error('no tiering computation is configured in this build'));
  }
}
