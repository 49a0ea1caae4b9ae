import { Injectable } from '@nestjs/common';
import { compare, StatsInputError, type DriftResult, type SampleValue } from '@assay/stats';
import { badInput } from '@assay/common';
import type { DriftCompareDto } from './drift.dto.js';

function values(side: 'reference' | 'current', input: unknown[]): SampleValue[] {
  input.forEach((value, index) => {
    const type = typeof value;
    if (type !== 'number' && type !== 'string' && type !== 'boolean') {
      throw badInput(`${side}[${index}] must be a number, a string or a boolean (got ${value === null ? 'null' : type})`);
    }
  });
  return input as SampleValue[];
}

@Injectable()
export class DriftService {
  compare(body: DriftCompareDto): DriftResult {
    try {
      return compare(values('reference', body.reference), values('current', body.current), {
        method: body.method,
        threshold: body.threshold,
        alpha: body.alpha,
        kind: body.kind,
        bins: body.bins,
      });
    } catch (error) {
      if (error instanceof StatsInputError) throw badInput(error.message);
      throw error;
    }
  }
}
