import { SetMetadata } from '@nestjs/common';
import type { JobName } from './queue-names.js';

export const JOB_HANDLER = Symbol('assay:job-handler');

export const OnJob = (name: JobName): MethodDecorator => SetMetadata(JOB_HANDLER, name);
