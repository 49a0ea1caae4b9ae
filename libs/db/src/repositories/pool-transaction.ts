import type { Pool, PoolClient } from 'pg';

/** Runs `work` in one transaction on a connection of `pool`, opened by `begin`. */
export async function inPoolTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  let released = false;
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      // A broken connection must not go back to the pool.
      client.release(error as Error);
      released = true;
    });
    throw error;
  } finally {
    if (!released) client.release();
  }
}
