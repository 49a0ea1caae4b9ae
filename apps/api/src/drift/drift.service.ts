import { Injectable } from '@nestjs/common';
import { compare, SignalProfile, StatsInputError, type DriftResult, type SampleValue, type SignalKind } from '@assay/stats';
import { explainDrift, type CheckExplanation } from '@assay/monitoring';
import { badInput } from '@assay/common';
import type { DriftCompareDto } from './drift.dto.js';

export const DEFAULT_COMPARE_SIGNAL = 'values';

function values(side: 'reference' | 'current', input: unknown[]): SampleValue[] {
  input.forEach((value, index) => {
    const type = typeof value;
    if (type !== 'number' && type !== 'string' && type !== 'boolean') {
      throw badInput(`${side}[${index}] must be a number, a string or a boolean (got ${value === null ? 'null' : type})`);
    }
  });
  return input as SampleValue[];
}

// Every value is kept (the reservoir holds the whole side), so the summaries are exact, as the comparison is.
function profileOf(kind: SignalKind, sample: SampleValue[]): SignalProfile {
  return new SignalProfile(kind, { reservoirSize: sample.length }).addMany(sample);
}

export interface ExplainedDriftResult extends DriftResult {
  summary: string;
  explanation: CheckExplanation;
}

@Injectable()
export class DriftService {
  compare(body: DriftCompareDto): ExplainedDriftResult {
    const reference = values('reference', body.reference);
    const current = values('current', body.current);
    let result: DriftResult;
    try {
      result = compare(reference, current, { method: body.method, threshold: body.threshold, alpha: body.alpha, kind: body.kind, bins: body.bins });
    } catch (error) {
      if (error instanceof StatsInputError) throw badInput(error.message);
      throw error;
    }
    const kind = body.kind ?? ([...reference, ...current].every((v) => typeof v === 'number') ? 'numeric' : 'categorical');
    const explanation = explainDrift({
      signal: body.signal ?? DEFAULT_COMPARE_SIGNAL,
      requestedMethod: body.method ?? 'auto',
      methodSetBy: 'set in the request',
      verdict: result.drifted ? 'drift' : 'ok',
      reason: result.reason,
      reference: profileOf(kind, reference),
      current: profileOf(kind, current),
      result,
    });
    return { ...result, summary: explanation.sentence, explanation };
  }
}
