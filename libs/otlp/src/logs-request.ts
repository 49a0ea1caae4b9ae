import type { OtlpResource } from './common-request.js';
import type { Attributes, AttrValue, InstrumentationScope } from './trace-request.js';

/** Ids are lowercase hex; times are exact nanoseconds since the Unix epoch as bigint (0n when unset). */
export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  /** SeverityNumber: 0 unspecified, 1–4 TRACE … 21–24 FATAL (other integers kept as sent). */
  severityNumber: number;
  severityText: string;
  /**
   * The LogRecord `event_name` field (12) when set, else a string `event.name` attribute (where
   * older SDKs put it), else null. The attribute stays in `attributes` either way.
   */
  eventName: string | null;
  /** The body as an attribute value (kvlist → object, array → array); null when unset. */
  body: AttrValue;
  attributes: Attributes;
  droppedAttributesCount: number;
  /** W3C trace flags in the low byte. */
  flags: number;
  /** null when absent, empty or all zeroes. */
  traceId: string | null;
  spanId: string | null;
}

export interface ScopeLogs {
  scope: InstrumentationScope;
  schemaUrl: string;
  logRecords: LogRecord[];
}

export interface ResourceLogs {
  resource: OtlpResource;
  schemaUrl: string;
  scopeLogs: ScopeLogs[];
}

export interface LogsRequest {
  resourceLogs: ResourceLogs[];
  logRecordCount: number;
  /** How many string or bytes values (bodies included) were cut to `maxAttributeValueLength`. */
  truncatedValues: number;
}

/** SeverityNumber names as the JSON mapping spells them, indexed by number. */
export const SEVERITY_NUMBER_NAMES: readonly string[] = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) =>
    ['', '2', '3', '4'].map((suffix) => `SEVERITY_NUMBER_${level}${suffix}`),
  ),
];

/** The attribute older SDKs carry an event's name in. */
export const EVENT_NAME_ATTRIBUTE = 'event.name';

export function eventNameOf(field: string, attributes: Attributes): string | null {
  if (field !== '') return field;
  const attribute = Object.hasOwn(attributes, EVENT_NAME_ATTRIBUTE) ? attributes[EVENT_NAME_ATTRIBUTE] : undefined;
  return typeof attribute === 'string' && attribute !== '' ? attribute : null;
}
