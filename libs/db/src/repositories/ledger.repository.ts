import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { LedgerCheckpointEntity } from '../entities/ledger.entities.js';

export interface NewLedgerEntry {
  kind: string;
  projectId: string | null;
  subject: string;
  /** Canonical JSON text; its UTF-8 bytes are what `leafHash` hashes. */
  entry: string;
  leafHash: Uint8Array;
}

export interface AppendedLeaf {
  index: number;
  leafHash: Buffer;
}

export interface LedgerNodeRow {
  level: number;
  index: number;
  hash: Buffer;
}

export interface LedgerEntryRow {
  index: number;
  kind: string;
  projectId: string | null;
  subject: string;
  entry: string;
  leafHash: Buffer;
  createdAt: Date;
}

/** An entry with the level-0 node stored for it, as the tamper check reads them. */
export interface LedgerLeafRow {
  index: number;
  entry: string;
  leafHash: Buffer;
  nodeHash: Buffer | null;
}

export interface NewLedgerCheckpoint {
  treeSize: number;
  rootHash: Uint8Array;
  note: string;
  keyId: string;
}

type EntrySqlRow = {
  idx: string;
  kind: string;
  project_id: string | null;
  subject: string;
  entry: string;
  leaf_hash: Buffer;
  created_at: Date;
};

@Injectable()
export class LedgerRepository {
  constructor(private readonly dataSource: DataSource) {}

  // One round trip whatever the batch size: ledger_append_many takes the head lock, inserts the
  // entries and every node they complete. Inside `manager`'s transaction when one is given.
  async appendMany(entries: readonly NewLedgerEntry[], manager?: EntityManager): Promise<AppendedLeaf[]> {
    if (entries.length === 0) return [];
    const rows = (await (manager ?? this.dataSource.manager).query(
      `SELECT entry_index, entry_leaf_hash
         FROM ledger_append_many($1::text[], $2::uuid[], $3::text[], $4::text[], $5::bytea[])`,
      [
        entries.map((e) => e.kind),
        entries.map((e) => e.projectId),
        entries.map((e) => e.subject),
        entries.map((e) => e.entry),
        entries.map((e) => Buffer.from(e.leafHash.buffer, e.leafHash.byteOffset, e.leafHash.byteLength)),
      ],
    )) as Array<{ entry_index: string; entry_leaf_hash: Buffer }>;
    return rows.map((r) => ({ index: Number(r.entry_index), leafHash: r.entry_leaf_hash }));
  }

  /** The committed number of entries. */
  async size(): Promise<number> {
    const [row] = (await this.dataSource.query(`SELECT size FROM ledger_head WHERE id`)) as Array<{ size: string }>;
    return Number(row?.size ?? 0);
  }

  /** The named perfect-subtree nodes, in one query (a proof or root plan). */
  async findNodes(ids: ReadonlyArray<{ level: number; index: number }>): Promise<LedgerNodeRow[]> {
    if (ids.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT n.level, n.idx, n.hash
         FROM unnest($1::smallint[], $2::bigint[]) AS w(level, idx)
         JOIN ledger_nodes n ON n.level = w.level AND n.idx = w.idx`,
      [ids.map((id) => id.level), ids.map((id) => id.index)],
    )) as Array<{ level: number; idx: string; hash: Buffer }>;
    return rows.map((r) => ({ level: r.level, index: Number(r.idx), hash: r.hash }));
  }

  async findEntry(index: number): Promise<LedgerEntryRow | null> {
    const [row] = (await this.dataSource.query(
      `SELECT idx, kind, project_id, subject, entry, leaf_hash, created_at FROM ledger_entries WHERE idx = $1`,
      [index],
    )) as EntrySqlRow[];
    return row ? entryOf(row) : null;
  }

  /** Up to `limit` entries from `fromIndex` on, in index order, each with its stored level-0 node. */
  async findLeavesFrom(fromIndex: number, limit: number): Promise<LedgerLeafRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT e.idx, e.entry, e.leaf_hash, n.hash AS node_hash
         FROM ledger_entries e
         LEFT JOIN ledger_nodes n ON n.level = 0 AND n.idx = e.idx
        WHERE e.idx >= $1
        ORDER BY e.idx
        LIMIT $2`,
      [fromIndex, limit],
    )) as Array<{ idx: string; entry: string; leaf_hash: Buffer; node_hash: Buffer | null }>;
    return rows.map((r) => ({ index: Number(r.idx), entry: r.entry, leafHash: r.leaf_hash, nodeHash: r.node_hash }));
  }

  latestCheckpoint(): Promise<LedgerCheckpointEntity | null> {
    return this.dataSource.getRepository(LedgerCheckpointEntity).findOne({ where: {}, order: { treeSize: 'DESC' } });
  }

  findCheckpoint(treeSize: number): Promise<LedgerCheckpointEntity | null> {
    return this.dataSource.getRepository(LedgerCheckpointEntity).findOneBy({ treeSize });
  }

  listCheckpoints(): Promise<LedgerCheckpointEntity[]> {
    return this.dataSource.getRepository(LedgerCheckpointEntity).find({ order: { treeSize: 'ASC' } });
  }

  /** False when a checkpoint of that size was already stored (another worker signed it first). */
  async insertCheckpoint(checkpoint: NewLedgerCheckpoint): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `INSERT INTO ledger_checkpoints (tree_size, root_hash, note, key_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tree_size) DO NOTHING RETURNING tree_size`,
      [checkpoint.treeSize, Buffer.from(checkpoint.rootHash), checkpoint.note, checkpoint.keyId],
    )) as unknown[];
    return rows.length === 1;
  }
}

function entryOf(row: EntrySqlRow): LedgerEntryRow {
  return {
    index: Number(row.idx),
    kind: row.kind,
    projectId: row.project_id,
    subject: row.subject,
    entry: row.entry,
    leafHash: row.leaf_hash,
    createdAt: row.created_at,
  };
}
