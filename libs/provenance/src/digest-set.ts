// in-toto DigestSet (in-toto/attestation spec/v1/digest_set.md): algorithm name → lowercase hex.

/** Hex lengths of each predefined algorithm; null where the output length is chosen by the user. */
const HEX_LENGTHS: Readonly<Record<string, readonly number[] | null>> = {
  sha256: [64], sha224: [56], sha384: [96], sha512: [128], sha512_224: [56], sha512_256: [64],
  sha3_224: [56], sha3_256: [64], sha3_384: [96], sha3_512: [128], shake128: null, shake256: null,
  blake2b: null, blake2s: null, ripemd160: [40], sm3: [64], gost: [64, 128], sha1: [40],
  dirHash: [64], gitCommit: [40, 64], gitTree: [40, 64], gitBlob: [40, 64], gitTag: [40, 64],
};
// Consumers must ignore algorithms they do not trust; a gate subject nobody accepts protects nothing.
const REFUSED: Readonly<Record<string, string>> = { md5: 'md5 is not collision resistant' };

export const DIGEST_ALGORITHMS: readonly string[] = Object.keys(HEX_LENGTHS);

export type DigestSet = Record<string, string>;

/** Why `value` is not a digest of `algorithm` fit for an in-toto subject, or null. */
export function digestProblem(algorithm: string, value: string): string | null {
  if (Object.hasOwn(REFUSED, algorithm)) return `${REFUSED[algorithm]}; use sha256 or another algorithm of ${DIGEST_ALGORITHMS.join(', ')}`;
  if (!Object.hasOwn(HEX_LENGTHS, algorithm)) return `unknown digest algorithm "${algorithm}"; use one of ${DIGEST_ALGORITHMS.join(', ')}`;
  if (!/^[0-9a-f]+$/.test(value)) return `a ${algorithm} digest is lowercase hex`;
  const lengths = HEX_LENGTHS[algorithm];
  if (lengths === null) return value.length % 2 === 0 && value.length >= 32 && value.length <= 256 ? null : `a ${algorithm} digest is 16 to 128 bytes of hex`;
  return lengths.includes(value.length) ? null : `a ${algorithm} digest is ${lengths.join(' or ')} hex characters, got ${value.length}`;
}

/** `<algorithm>:<hex>` as an artifact digest is written (`sha256:…`, `gitCommit:…`), or the reason it is not one. */
export function parseArtifactDigest(text: string): { algorithm: string; value: string } | { problem: string } {
  const colon = text.indexOf(':');
  if (colon <= 0) return { problem: 'an artifact digest is <algorithm>:<lowercase hex>, such as sha256:…' };
  const algorithm = text.slice(0, colon);
  const value = text.slice(colon + 1);
  const problem = digestProblem(algorithm, value);
  return problem === null ? { algorithm, value } : { problem };
}
