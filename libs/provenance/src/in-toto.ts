// in-toto Statement v1 (in-toto/attestation spec/v1/statement.md) carried in DSSE.
import { canonicalBytes } from './canonical-json.js';
import { digestProblem, type DigestSet } from './digest-set.js';
import { signEnvelope, verifyEnvelope, type DsseEnvelope, type TrustedKey } from './dsse.js';
import type { Signer } from './signer.js';
import { VerificationError, VerificationFailure } from './verification-error.js';

export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** Predicate types Assay signs. Renaming one breaks every verifier of older attestations. */
export const PredicateType = {
  TestResult: 'https://in-toto.io/attestation/test-result/v0.1',
  DriftCheck: 'https://assay.dev/attestation/drift-check/v1',
  GateDecision: 'https://assay.dev/attestation/gate-decision/v1',
  AuditReport: 'https://assay.dev/attestation/audit-report/v1',
  /** libs/tiering's TIERING_PREDICATE_TYPE, here so that the CLI verifies it without the server's code. */
  TieringReport: 'https://assay.dev/tiering-report/v1',
  LedgerEntry: 'https://assay.dev/attestation/ledger-entry/v1',
} as const;
export type PredicateType = (typeof PredicateType)[keyof typeof PredicateType];

export interface StatementSubject {
  name: string;
  digest: DigestSet;
}

export interface Statement<P = Record<string, unknown>> {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: StatementSubject[];
  predicateType: string;
  predicate: P;
}

/** in-toto's test-result predicate (v0.1), the natural shape of a gate decision. */
export interface TestResultPredicate {
  result: 'PASSED' | 'WARNED' | 'FAILED';
  configuration: Array<{ name?: string; uri?: string; digest?: Record<string, string> }>;
  url?: string;
  passedTests?: string[];
  warnedTests?: string[];
  failedTests?: string[];
}

export function buildStatement<P extends object>(
  subjects: readonly StatementSubject[],
  predicateType: string,
  predicate: P,
): Statement<P> {
  if (subjects.length === 0) throw new TypeError('a statement needs at least one subject');
  subjects.forEach((subject, i) => {
    if (typeof subject.name !== 'string') throw new TypeError(`subject[${i}].name is not a string`);
    const entries = Object.entries(subject.digest ?? {});
    if (entries.length === 0) throw new TypeError(`subject[${i}].digest is empty`);
    for (const [algorithm, value] of entries) {
      const problem = digestProblem(algorithm, value);
      if (problem) throw new TypeError(`subject[${i}].digest.${algorithm}: ${problem}`);
    }
  });
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(predicateType)) throw new TypeError(`predicateType ${predicateType} is not a URI`);
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: subjects.map((subject) => ({ name: subject.name, digest: { ...subject.digest } })),
    predicateType,
    predicate,
  };
}

/** Signs the statement's RFC 8785 canonical bytes, so equal statements give equal payloads. */
export function signStatement(statement: Statement<object>, signer: Signer): Promise<DsseEnvelope> {
  return signEnvelope(canonicalBytes(statement), IN_TOTO_PAYLOAD_TYPE, signer);
}

export interface OpenStatementOptions {
  /** Reject statements of any other predicate type. */
  predicateType?: string;
}

/**
 * Verifies the envelope, then parses exactly the verified bytes as an in-toto Statement v1.
 * Unknown fields are kept (consumers ignore them); the predicate is returned unvalidated.
 */
export function openStatement(
  envelope: unknown,
  keys: readonly TrustedKey[],
  options: OpenStatementOptions = {},
): Statement<unknown> {
  const verified = verifyEnvelope(envelope, keys);
  if (verified.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw unexpected(`payloadType is ${verified.payloadType}, expected ${IN_TOTO_PAYLOAD_TYPE}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(verified.payload).toString('utf8'));
  } catch {
    throw new VerificationError(VerificationFailure.Malformed, 'signed payload is not JSON');
  }
  const statement = readStatement(parsed);
  if (options.predicateType !== undefined && statement.predicateType !== options.predicateType) {
    throw unexpected(`predicateType is ${statement.predicateType}, expected ${options.predicateType}`);
  }
  return statement;
}

function readStatement(value: unknown): Statement<unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed('not an object');
  const candidate = value as Partial<Record<keyof Statement, unknown>>;
  if (candidate._type !== IN_TOTO_STATEMENT_TYPE) throw malformed(`_type is not ${IN_TOTO_STATEMENT_TYPE}`);
  if (!Array.isArray(candidate.subject) || candidate.subject.length === 0) throw malformed('subject is not a non-empty array');
  for (const subject of candidate.subject as unknown[]) {
    const { name, digest } = (subject ?? {}) as { name?: unknown; digest?: unknown };
    if (typeof name !== 'string' || typeof digest !== 'object' || digest === null) {
      throw malformed('a subject lacks a name or a digest');
    }
  }
  if (typeof candidate.predicateType !== 'string') throw malformed('predicateType is not a string');
  return value as Statement<unknown>;
}

function malformed(reason: string): VerificationError {
  return new VerificationError(VerificationFailure.Malformed, `signed payload is not an in-toto Statement v1: ${reason}`);
}

function unexpected(reason: string): VerificationError {
  return new VerificationError(VerificationFailure.UnexpectedContent, reason);
}
