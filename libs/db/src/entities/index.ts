import { ApiKeyEntity } from './api-key.entity.js';
import { JobRunEntity } from './job-run.entity.js';
import { ProjectEntity } from './project.entity.js';

export * from './api-key.entity.js';
export * from './job-run.entity.js';
export * from './project.entity.js';

export const ENTITIES = [ProjectEntity, ApiKeyEntity, JobRunEntity];
