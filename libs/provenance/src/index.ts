export { CanonicalizationError, canonicalBytes, canonicalize } from './canonical-json.js';
export { digestOf, sha256, sha256Hex } from './digest.js';
export { DIGEST_ALGORITHMS, digestProblem, parseArtifactDigest, type DigestSet } from './digest-set.js';
export { VerificationError, VerificationFailure } from './verification-error.js';
export { Ed25519Signer, ed25519PublicKeyPem, ed25519PublicKeyRaw, keyIdOf, type Signer } from './signer.js';
export {
  preAuthEncoding,
  signEnvelope,
  verifyEnvelope,
  type DsseEnvelope,
  type DsseSignature,
  type TrustedKey,
  type VerifiedPayload,
} from './dsse.js';
export {
  buildStatement,
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
  openStatement,
  PredicateType,
  signStatement,
  type OpenStatementOptions,
  type Statement,
  type StatementSubject,
  type TestResultPredicate,
} from './in-toto.js';
export { emptyRoot, HASH_SIZE, leafHash, merkleRoot, nodeHash } from './merkle/merkle-hash.js';
export {
  completedNodes,
  MemoryNodeStore,
  nodeStoreOf,
  type NodeId,
  type NodeLookup,
  type NodeStore,
  type StoredNode,
} from './merkle/node-store.js';
export {
  consistencyProof,
  consistencyProofPlan,
  inclusionProof,
  inclusionProofPlan,
  rootAt,
  rootPlan,
} from './merkle/merkle-proof.js';
export { verifyConsistency, verifyInclusion } from './merkle/merkle-verify.js';
export {
  noteKeyId,
  parseNote,
  parseVerifierKey,
  signNote,
  verifierKey,
  verifyNote,
  type NoteKey,
  type NoteSignature,
  type ParsedNote,
} from './signed-note.js';
export {
  encodeCheckpointBody,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
  type Checkpoint,
  type CheckpointKey,
  type ParsedCheckpoint,
} from './checkpoint.js';
