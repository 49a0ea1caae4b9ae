import type { TieringQuery, TieringReport } from '@assay/tiering';

/** What computes a project's tiering report from its samples (libs/tiering's TieringService). */
export interface TieringSource {
  report(projectId: string, query: TieringQuery): Promise<TieringReport>;
}

export const TIERING_SOURCE = Symbol('TieringSource');
