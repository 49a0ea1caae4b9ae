import { Foundation1764320000000 } from './1764320000000-Foundation.js';

// Order matters: TypeORM runs pending migrations in timestamp order, and this list is what it knows.
export const MIGRATIONS = [Foundation1764320000000];
