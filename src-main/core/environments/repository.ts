import type { Db } from '../store/database';

/** What the environments table holds: no passwords, ever. */
export interface EnvironmentRecord {
  id: string;
  name: string;
  colour: string;
  readOnly: boolean;
  production: boolean;
  redisUrl: string | null;
  kafka: StoredKafkaConfig | null;
  postgresUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface StoredKafkaConfig {
  brokers: string[];
  clientId: string;
  ssl: boolean;
  sslRejectUnauthorized: boolean;
  sasl: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string } | null;
}

interface EnvironmentRow {
  id: string;
  name: string;
  colour: string;
  read_only: number;
  production: number;
  redis_url: string | null;
  kafka_json: string | null;
  postgres_url: string | null;
  created_at: string;
  updated_at: string;
}

function fromRow(row: EnvironmentRow): EnvironmentRecord {
  return {
    id: row.id,
    name: row.name,
    colour: row.colour,
    readOnly: row.read_only === 1,
    production: row.production === 1,
    redisUrl: row.redis_url,
    kafka: row.kafka_json === null ? null : (JSON.parse(row.kafka_json) as StoredKafkaConfig),
    postgresUrl: row.postgres_url,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class EnvironmentRepository {
  constructor(private readonly db: Db) {}

  list(): EnvironmentRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM environments ORDER BY name COLLATE NOCASE')
      .all() as EnvironmentRow[];
    return rows.map(fromRow);
  }

  get(id: string): EnvironmentRecord | null {
    const row = this.db.prepare('SELECT * FROM environments WHERE id = ?').get(id) as
      EnvironmentRow | undefined;
    return row ? fromRow(row) : null;
  }

  findByName(name: string): EnvironmentRecord | null {
    const row = this.db
      .prepare('SELECT * FROM environments WHERE name = ? COLLATE NOCASE')
      .get(name) as EnvironmentRow | undefined;
    return row ? fromRow(row) : null;
  }

  upsert(record: EnvironmentRecord): void {
    this.db
      .prepare(
        `INSERT INTO environments (id, name, colour, read_only, production, redis_url, kafka_json,
           postgres_url, created_at, updated_at)
         VALUES (@id, @name, @colour, @read_only, @production, @redis_url, @kafka_json,
           @postgres_url, @created_at, @updated_at)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, colour = excluded.colour,
           read_only = excluded.read_only, production = excluded.production,
           redis_url = excluded.redis_url, kafka_json = excluded.kafka_json,
           postgres_url = excluded.postgres_url, updated_at = excluded.updated_at`,
      )
      .run({
        id: record.id,
        name: record.name,
        colour: record.colour,
        read_only: record.readOnly ? 1 : 0,
        production: record.production ? 1 : 0,
        redis_url: record.redisUrl,
        kafka_json: record.kafka === null ? null : JSON.stringify(record.kafka),
        postgres_url: record.postgresUrl,
        created_at: record.createdAt,
        updated_at: record.updatedAt,
      });
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM environments WHERE id = ?').run(id).changes > 0;
  }
}
