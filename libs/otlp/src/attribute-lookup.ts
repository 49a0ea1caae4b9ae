import { ownAttribute } from './attribute-readers.js';
import type { InferenceRecord } from './inference-record.js';
import type { AttrValue } from './trace-request.js';

/** Span attribute first, then resource attribute: for model match rules and the version attribute. */
export function attributeLookup(
  record: Pick<InferenceRecord, 'spanAttributes' | 'resourceAttributes'>,
  key: string,
): AttrValue | undefined {
  return ownAttribute(record.spanAttributes, key) ?? ownAttribute(record.resourceAttributes, key);
}
