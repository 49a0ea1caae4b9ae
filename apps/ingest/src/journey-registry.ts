import { Injectable } from '@nestjs/common';
import { JourneyRepository } from '@assay/db';
import { NO_JOURNEY, OTHER_JOURNEY } from '@assay/otlp';

// Registered names are never taken back, so a process may remember them for good; it asks the
// database only about names it has not seen registered, and not at all once it knows the project full.
interface KnownJourneys {
  names: Set<string>;
  loaded: Promise<void>;
}

/** A project's journey names within its limit; names past the limit become OTHER_JOURNEY. */
@Injectable()
export class JourneyRegistry {
  private readonly projects = new Map<string, KnownJourneys>();

  constructor(private readonly journeys: JourneyRepository) {}

  /** What each of `names` is stored as. */
  async admit(projectId: string, names: Iterable<string>, limit: number): Promise<Map<string, string>> {
    const known = await this.known(projectId);
    const admitted = new Map<string, string>();
    const unknown: string[] = [];
    for (const name of names) {
      if (name === NO_JOURNEY || name === OTHER_JOURNEY || known.names.has(name)) admitted.set(name, name);
      else if (!admitted.has(name)) unknown.push(name);
    }
    if (unknown.length === 0) return admitted;
    const registered = known.names.size >= limit ? [] : await this.journeys.admitJourneys(projectId, unknown, limit);
    for (const name of registered) known.names.add(name);
    for (const name of unknown) admitted.set(name, known.names.has(name) ? name : OTHER_JOURNEY);
    return admitted;
  }

  private async known(projectId: string): Promise<KnownJourneys> {
    let known = this.projects.get(projectId);
    if (known === undefined) {
      const names = new Set<string>();
      const loaded = this.journeys.journeysOf(projectId).then((list) => {
        for (const name of list) names.add(name);
      });
      known = { names, loaded };
      this.projects.set(projectId, known);
      loaded.catch(() => this.projects.delete(projectId));
    }
    await known.loaded;
    return known;
  }
}
