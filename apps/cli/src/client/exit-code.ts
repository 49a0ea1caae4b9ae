/** What `assay gate` and every `assay verify` exit with, so that CI can tell a verdict from a failure to get one. */
export const ExitCode = {
  /** gate: pass; verify: valid (and, for a gate decision, a pass). */
  Ok: 0,
  /** gate: fail; verify: invalid, or a valid gate decision that failed. */
  Failed: 1,
  /** gate: insufficient evidence; verify: a valid decision of insufficient evidence, or an entry no checkpoint covers yet. */
  Insufficient: 2,
  /** Usage, network, authentication, server or file errors: nothing was decided. */
  Error: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
