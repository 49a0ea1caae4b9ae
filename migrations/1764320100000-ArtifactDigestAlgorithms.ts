import type { MigrationInterface, QueryRunner } from 'typeorm';

// Artifact digests of any in-toto DigestSet algorithm (`sha512:…`, `gitCommit:…`): the service
// checks the algorithm and its length; the table keeps the shape, so no other text gets in.
export class ArtifactDigestAlgorithms1764320100000 implements MigrationInterface {
  name = 'ArtifactDigestAlgorithms1764320100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE model_versions
        DROP CONSTRAINT model_versions_artifact_digest_check,
        ADD CONSTRAINT model_versions_artifact_digest_check CHECK (artifact_digest ~ '^[A-Za-z][A-Za-z0-9_]{0,31}:[0-9a-f]{32,}$' AND octet_length(artifact_digest) <= 300)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE model_versions
        DROP CONSTRAINT model_versions_artifact_digest_check,
        ADD CONSTRAINT model_versions_artifact_digest_check CHECK (artifact_digest ~ '^sha256:[0-9a-f]{64}$')`);
  }
}
