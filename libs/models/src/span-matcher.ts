import { attributeLookup, modelNameCandidates, type AttrValue, type InferenceRecord } from '@assay/otlp';
import type { ModelMatch } from '@assay/db';

export interface MatchableModel {
  id: string;
  name: string;
  match: ModelMatch;
  versionAttribute: string;
}

export const UNKNOWN_VERSION = 'unknown';

/** What matching reads: an inference span, or a GenAI client metric point (its attributes as the span's). */
export type MatchInput = Pick<InferenceRecord, 'requestModel' | 'responseModel' | 'serviceName' | 'serviceVersion' | 'spanAttributes' | 'resourceAttributes'>;

function sameValue(actual: AttrValue | undefined, expected: string | number | boolean): boolean {
  if (actual === undefined || actual === null) return false;
  if (typeof actual === typeof expected) return actual === expected;
  return typeof actual !== 'object' && String(actual) === String(expected);
}

/**
 * Span → model by the project's rules (DESIGN.md "Span matching"). Name rules are a map lookup, so
 * matching costs the same with one model or hundreds; attribute rules are tried first, in name
 * order, because they are the owner's explicit choice.
 */
export class SpanMatcher<M extends MatchableModel> {
  private readonly byName = new Map<string, M[]>();
  private readonly byAttributes: M[] = [];

  constructor(models: readonly M[]) {
    for (const model of [...models].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (model.match.attributes && Object.keys(model.match.attributes).length > 0) {
        this.byAttributes.push(model);
        continue;
      }
      for (const name of new Set([model.name, ...(model.match.modelNames ?? [])])) {
        const list = this.byName.get(name) ?? [];
        list.push(model);
        this.byName.set(name, list);
      }
    }
  }

  match(record: MatchInput): M | null {
    for (const model of this.byAttributes) if (this.serviceAllows(model, record) && this.attributesMatch(model, record)) return model;
    if (record.requestModel !== null) {
      const exact = this.matchName(record.requestModel, record);
      if (exact) return exact;
    }
    if (record.responseModel !== null && record.responseModel !== record.requestModel) {
      const answered = this.matchName(record.responseModel, record);
      if (answered) return answered;
    }
    for (const name of modelNameCandidates(record.requestModel, record.responseModel)) {
      const base = this.matchName(name, record);
      if (base) return base;
    }
    return null;
  }

  private matchName(name: string, record: MatchInput): M | null {
    const candidates = this.byName.get(name);
    if (candidates) for (const model of candidates) if (this.serviceAllows(model, record)) return model;
    return null;
  }

  /** The configured attribute (span, then resource), else the resource's `service.version`. */
  static versionOf(model: MatchableModel, record: MatchInput): string {
    const value = attributeLookup(record, model.versionAttribute);
    if (value !== undefined && value !== null && typeof value !== 'object') return String(value).slice(0, 200) || UNKNOWN_VERSION;
    return record.serviceVersion?.slice(0, 200) || UNKNOWN_VERSION;
  }

  private serviceAllows(model: M, record: MatchInput): boolean {
    return model.match.serviceName === undefined || model.match.serviceName === record.serviceName;
  }

  private attributesMatch(model: M, record: MatchInput): boolean {
    for (const [key, expected] of Object.entries(model.match.attributes!)) {
      if (!sameValue(attributeLookup(record, key), expected)) return false;
    }
    return true;
  }
}
