/** Thrown for input the statistics cannot be computed on; the message says what to fix. */
export class StatsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatsInputError';
  }
}
