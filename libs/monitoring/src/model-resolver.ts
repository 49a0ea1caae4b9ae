import { Injectable } from '@nestjs/common';
import { notFound } from '@assay/common';
import { ModelRepository } from '@assay/db';

export interface ResolvedModel {
  id: string;
  projectId: string;
  name: string;
}

@Injectable()
export class ModelResolver {
  constructor(private readonly models: ModelRepository) {}

  async resolve(projectId: string, name: string): Promise<ResolvedModel> {
    const model = await this.models.findByName(projectId, name);
    if (!model) throw notFound(`model ${name}`);
    return { id: model.id, projectId: model.projectId, name: model.name };
  }

  async byId(id: string): Promise<ResolvedModel | null> {
    const model = await this.models.findById(id);
    return model ? { id: model.id, projectId: model.projectId, name: model.name } : null;
  }

  async requireVersion(model: ResolvedModel, version: string): Promise<void> {
    if (!(await this.models.findVersion(model.id, version))) throw notFound(`version ${version} of model ${model.name}`);
  }
}
