import { ApiKeyEntity } from './api-key.entity.js';
import { JobRunEntity } from './job-run.entity.js';
import { ProjectEntity } from './project.entity.js';
import {
  BaselineEntity,
  BaselineSignalEntity,
  CheckRunEntity,
  ModelMonitoringEntity,
  MonitorEntity,
} from './monitoring.entities.js';

export * from './api-key.entity.js';
export * from './job-run.entity.js';
export * from './project.entity.js';
export * from './monitoring.entities.js';

export const ENTITIES = [
  ProjectEntity,
  ApiKeyEntity,
  JobRunEntity,
  BaselineEntity,
  BaselineSignalEntity,
  ModelMonitoringEntity,
  MonitorEntity,
  CheckRunEntity,
];
