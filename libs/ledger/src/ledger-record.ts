import { canonicalize, leafHash } from '@assay/provenance';

export enum LedgerKind {
  Project = 'project',
  Model = 'model',
  ModelVersion = 'model_version',
  KeyEvent = 'key_event',
  Baseline = 'baseline',
  CheckRun = 'check_run',
  PolicyEvaluation = 'policy_evaluation',
  AlertTransition = 'alert_transition',
  GateDecision = 'gate_decision',
  Report = 'report',
  SigningKey = 'signing_key',
}

export interface LedgerRecord {
  kind: LedgerKind;
  projectId: string | null;
  subject: string;
  body: Record<string, unknown>;
}

export interface EncodedLedgerEntry {
  /** RFC 8785 canonical JSON of {kind, projectId, subject, recordedAt, body}: the stored, hashed text. */
  text: string;
  leafHash: Uint8Array;
}

/** The exact bytes a ledger leaf hashes. Throws CanonicalizationError for a body JSON cannot carry. */
export function encodeLedgerEntry(record: LedgerRecord, recordedAt: Date): EncodedLedgerEntry {
  const text = canonicalize({
    kind: record.kind,
    projectId: record.projectId,
    subject: record.subject,
    recordedAt: recordedAt.toISOString(),
    body: record.body,
  });
  return { text, leafHash: leafHash(Buffer.from(text, 'utf8')) };
}
