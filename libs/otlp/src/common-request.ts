import { badRequest, type OtlpError } from './otlp-error.js';
import type { Attributes } from './trace-request.js';

/** The resource every logs and metrics batch is grouped under. */
export interface OtlpResource {
  attributes: Attributes;
  droppedAttributesCount: number;
}

/**
 * Deepest nesting of arrays and kvlists kept in one log body or attribute value of a logs or
 * metrics request; deeper input is refused as bad_request instead of exhausting the stack.
 * (Protobuf input is also bounded by protobufjs's 100-message recursion limit.)
 */
export const MAX_ANY_VALUE_DEPTH = 32;

export function tooDeep(path: string): OtlpError {
  return badRequest(path, `arrays and kvlists nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
}
