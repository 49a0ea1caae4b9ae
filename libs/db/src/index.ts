export * from './entities/index.js';
export * from './repositories/project.repository.js';
export * from './repositories/api-key.repository.js';
export * from './repositories/job-run.repository.js';
export * from './data-source.js';
export * from './db.module.js';
export * from './embedded-postgres.js';
