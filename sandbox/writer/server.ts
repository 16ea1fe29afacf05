import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Logger } from '@shared/log/logger';
import { silentLogger } from '@shared/log/logger';
import { createPgPool, createRedis, execChecked } from '../common/clients';
import type { RedisConnection } from '../common/clients';
import { errorMessage } from '../common/errors';
import { closeServer, listen, readBody, refuse, sendJson } from '../common/http';
import { queueKeys } from '../common/names';
import type { QueueKeys } from '../common/names';
import { withTimeout } from '../common/time';
import { describeJsonError } from '../schema/document';
import { firstInvalidUtf8Byte } from '../schema/utf8';
import { ProcessingRate } from './processingRate';

export interface WriterOptions {
  redis: RedisConnection;
  postgresUrl: string;
  port?: number;
  queue?: string;
  /** Larger bodies get 400. */
  maxBodyBytes?: number;
  logger?: Logger;
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

export interface WriterStats {
  queue_depth: number;
  processing_depth: number;
  dead_depth: number;
  writes_queued: number;
  writes_processed: number;
  writes_failed: number;
  /** Writes processed per second over the last 10 s. */
  processing_rate: number;
}

type Parsed = { ok: true; key: string; value: unknown } | { ok: false; reason: string };

/** Checks what the API promises to check; the document schema is the worker's business. */
function parseWriteBody(bytes: Buffer): Parsed {
  const bad = firstInvalidUtf8Byte(bytes);
  if (bad >= 0) return { ok: false, reason: `body is not valid UTF-8 (byte offset ${bad})` };
  const text = bytes.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, reason: `body is not valid JSON: ${describeJsonError(text)}` };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: 'body must be a JSON object {key, value}' };
  }
  const { key, value } = body as { key?: unknown; value?: unknown };
  if (key === undefined || key === null || key === '') return { ok: false, reason: 'missing key' };
  if (typeof key !== 'string') return { ok: false, reason: 'key must be a string' };
  if (value === undefined) return { ok: false, reason: 'missing value' };
  return { ok: true, key, value };
}

/**
 * The write API: POST /write queues a write on the Redis list, GET /read/:key
 * reads the stored document, GET /stats and GET /health report. Loopback only.
 */
export class WriterServer {
  private readonly server: Server;
  private readonly redis: Redis;
  private readonly pool: pg.Pool;
  private readonly keys: QueueKeys;
  private readonly rate: ProcessingRate;
  private readonly maxBodyBytes: number;
  private readonly logger: Logger;
  private baseUrl: string | null = null;

  constructor(private readonly options: WriterOptions) {
    this.keys = queueKeys(options.queue);
    this.redis = createRedis(options.redis, 'sandbox-writer');
    this.pool = createPgPool(options.postgresUrl, { max: 4, applicationName: 'sandbox-writer' });
    this.rate = new ProcessingRate(this.redis, this.keys.stats);
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.logger = options.logger ?? silentLogger;
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        this.logger.error('writer request failed', { error: errorMessage(error) });
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    });
    this.server.requestTimeout = 15_000;
    this.server.keepAliveTimeout = 5000;
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('writer is not started');
    return this.baseUrl;
  }

  async start(): Promise<string> {
    await this.redis.connect();
    this.rate.start();
    this.baseUrl = await listen(this.server, this.options.port ?? 0);
    this.logger.info('writer listening', { url: this.baseUrl });
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    this.rate.stop();
    await closeServer(this.server);
    this.redis.disconnect();
    await this.pool.end();
  }

  async stats(): Promise<WriterStats> {
    const [depths, counters] = await Promise.all([
      this.redis
        .multi()
        .llen(this.keys.queue)
        .llen(this.keys.processing)
        .llen(this.keys.dead)
        .exec(),
      this.redis.hgetall(this.keys.stats),
    ]);
    const depth = (index: number): number => Number(depths?.[index]?.[1] ?? 0);
    return {
      queue_depth: depth(0),
      processing_depth: depth(1),
      dead_depth: depth(2),
      writes_queued: Number(counters.queued ?? 0),
      writes_processed: Number(counters.processed ?? 0),
      writes_failed: Number(counters.failed ?? 0),
      processing_rate: Math.round(this.rate.rate() * 10) / 10,
    };
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/write') {
      if (req.method !== 'POST') return refuse(res, 405, 'use POST /write');
      return this.write(req, res);
    }
    if (req.method !== 'GET') return refuse(res, 405, `use GET ${path}`);
    if (path.startsWith('/read/')) return this.read(path.slice('/read/'.length), res);
    if (path === '/stats') return sendJson(res, 200, await this.stats());
    if (path === '/health') return this.health(res);
    return sendJson(res, 404, { error: `no route ${path}` });
  }

  private async write(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, this.maxBodyBytes);
    if (!body.ok) return refuse(res, body.status, body.reason);
    const parsed = parseWriteBody(body.bytes);
    if (!parsed.ok) return sendJson(res, 400, { error: parsed.reason });
    const id = randomUUID();
    const entry = JSON.stringify({
      id,
      key: parsed.key,
      value: parsed.value,
      queued_at: new Date().toISOString(),
    });
    let depth: number;
    try {
      const [pushed] = await execChecked(
        this.redis.multi().lpush(this.keys.queue, entry).hincrby(this.keys.stats, 'queued', 1),
      );
      depth = Number(pushed);
    } catch (error) {
      return sendJson(res, 503, { error: `queue unavailable: ${errorMessage(error)}` });
    }
    sendJson(res, 202, { queued: true, id, queue_depth: depth });
  }

  private async read(encodedKey: string, res: ServerResponse): Promise<void> {
    let key: string;
    try {
      key = decodeURIComponent(encodedKey);
    } catch {
      return sendJson(res, 400, { error: 'key is not valid percent-encoding' });
    }
    if (!key) return sendJson(res, 400, { error: 'missing key' });
    const result = await this.pool.query<{
      body: unknown;
      version: number;
      created_at: Date;
      updated_at: Date;
      es_synced_at: Date | null;
      indexed: boolean;
    }>(
      'SELECT body, version, created_at, updated_at, es_synced_at, indexed FROM documents WHERE id = $1',
      [key],
    );
    const row = result.rows[0];
    if (!row) return sendJson(res, 404, { error: `no document with key ${key}` });
    sendJson(res, 200, {
      key,
      value: row.body,
      version: row.version,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
      es_synced_at: row.es_synced_at?.toISOString() ?? null,
      indexed: row.indexed,
    });
  }

  private async health(res: ServerResponse): Promise<void> {
    const check = async (run: () => Promise<unknown>, what: string): Promise<string> => {
      try {
        await withTimeout(run(), 2000, what);
        return 'ok';
      } catch (error) {
        return errorMessage(error);
      }
    };
    const [redis, postgres] = await Promise.all([
      check(() => this.redis.ping(), 'redis ping'),
      check(() => this.pool.query('SELECT 1'), 'postgres query'),
    ]);
    const healthy = redis === 'ok' && postgres === 'ok';
    sendJson(res, healthy ? 200 : 503, { status: healthy ? 'ok' : 'degraded', redis, postgres });
  }
}
