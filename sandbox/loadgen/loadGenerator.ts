import { Agent, request } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from '@shared/log/logger';
import { silentLogger } from '@shared/log/logger';
import { createRedis, execChecked } from '../common/clients';
import type { RedisConnection } from '../common/clients';
import { errorMessage } from '../common/errors';
import { queueKeys } from '../common/names';
import type { QueueKeys } from '../common/names';
import { DEFAULT_MIX, apiBody, pickKind, rawEntry } from './payloads';
import type { FailureMix, WriteKind } from './payloads';

export interface LoadGeneratorOptions {
  writerUrl: string;
  redis: RedisConnection;
  queue?: string;
  /** Writes per second. */
  rate: number;
  mix?: Partial<FailureMix>;
  /** Valid writes go to keys doc-0 .. doc-(keySpace-1), so documents are updated as well as created. */
  keySpace?: number;
  /** Requests in flight at most; beyond that the generator counts the write as behind. */
  maxInFlight?: number;
  logger?: Logger;
}

export interface LoadStats {
  rate: number;
  bursting: boolean;
  sent: Record<WriteKind, number>;
  /** 202 from the API. */
  accepted: number;
  /** 4xx from the API. */
  rejected: number;
  /** Network errors, timeouts and 5xx. */
  errors: number;
  /** Entries pushed straight onto the queue. */
  pushedRaw: number;
  /** Writes not sent because maxInFlight requests were outstanding. */
  behind: number;
  /** Requests sent again after a kept-alive socket turned out closed by the server. */
  resent: number;
  /** Completed writes per second over the last 10 s. */
  achievedRate: number;
  lastError: string | null;
}

const TICK_MS = 20;
const REQUEST_TIMEOUT_MS = 5000;

/**
 * Sends writes at a steady rate, with bursts and a mix of failures, through
 * the writer API (and straight onto the queue for entries the API would never
 * let through).
 */
export class LoadGenerator {
  private readonly agent: Agent;
  private readonly redis: Redis;
  private readonly keys: QueueKeys;
  private readonly mix: FailureMix;
  private readonly keySpace: number;
  private readonly maxInFlight: number;
  private readonly logger: Logger;
  private readonly writeUrl: URL;
  private baseRate: number;
  private multiplier = 1;
  private burstTimer: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastTick = 0;
  private due = 0;
  private seq = 0;
  private inFlight = 0;
  private idle: (() => void) | null = null;
  /** Completed writes per whole second (epoch seconds), for the achieved rate. */
  private readonly completions = new Map<number, number>();
  private readonly counters: Omit<LoadStats, 'rate' | 'bursting' | 'achievedRate'> = {
    sent: { valid: 0, invalidJson: 0, schemaViolation: 0, poison: 0, oversized: 0, nonUtf8: 0 },
    accepted: 0,
    rejected: 0,
    errors: 0,
    pushedRaw: 0,
    behind: 0,
    resent: 0,
    lastError: null,
  };

  constructor(options: LoadGeneratorOptions) {
    this.writeUrl = new URL('/write', options.writerUrl);
    this.keys = queueKeys(options.queue);
    this.redis = createRedis(options.redis, 'sandbox-loadgen');
    this.mix = { ...DEFAULT_MIX, ...options.mix };
    this.keySpace = options.keySpace ?? 10_000;
    this.maxInFlight = options.maxInFlight ?? 200;
    this.agent = new Agent({ keepAlive: true, maxSockets: this.maxInFlight });
    this.logger = options.logger ?? silentLogger;
    this.baseRate = Math.max(0, options.rate);
  }

  get running(): boolean {
    return this.timer !== null;
  }

  async start(): Promise<void> {
    if (this.timer) return;
    if (this.redis.status === 'wait') await this.redis.connect();
    this.lastTick = Date.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Stops sending and waits for the writes in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.endBurst();
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }

  async close(): Promise<void> {
    await this.stop();
    this.agent.destroy();
    this.redis.disconnect();
  }

  setRate(rate: number): void {
    if (!Number.isFinite(rate) || rate < 0) throw new RangeError('rate must be a number >= 0');
    this.baseRate = rate;
  }

  /** `multiplier` times the rate for `seconds`; a new burst replaces the one running. */
  burst(seconds: number, multiplier = 10): void {
    if (!(seconds > 0) || !(multiplier > 0))
      throw new RangeError('seconds and multiplier must be > 0');
    this.endBurst();
    this.multiplier = multiplier;
    this.burstTimer = setTimeout(() => this.endBurst(), seconds * 1000);
  }

  stats(): LoadStats {
    // The last ten whole seconds; the current, partial second is left out.
    const current = Math.floor(Date.now() / 1000);
    let completed = 0;
    for (const [second, count] of this.completions) {
      if (second < current - 10) this.completions.delete(second);
      else if (second < current) completed += count;
    }
    return {
      ...this.counters,
      sent: { ...this.counters.sent },
      rate: this.baseRate,
      bursting: this.multiplier !== 1,
      achievedRate: completed / 10,
    };
  }

  private pruneCompletions(current: number): void {
    for (const second of this.completions.keys()) {
      if (second < current - 10) this.completions.delete(second);
    }
  }

  private endBurst(): void {
    if (this.burstTimer) clearTimeout(this.burstTimer);
    this.burstTimer = null;
    this.multiplier = 1;
  }

  private tick(): void {
    const now = Date.now();
    this.due += ((now - this.lastTick) * this.baseRate * this.multiplier) / 1000;
    this.lastTick = now;
    const count = Math.floor(this.due);
    this.due -= count;
    for (let i = 0; i < count; i += 1) {
      if (this.inFlight >= this.maxInFlight) {
        this.counters.behind += count - i;
        return;
      }
      this.sendOne();
    }
  }

  private sendOne(): void {
    const seq = this.seq++;
    const kind = pickKind(this.mix, Math.random());
    const key = `doc-${Math.floor(Math.random() * this.keySpace)}`;
    this.counters.sent[kind] += 1;
    this.inFlight += 1;
    const work =
      kind === 'invalidJson' || kind === 'nonUtf8'
        ? this.pushRaw(rawEntry(kind, seq, key))
        : this.post(apiBody(kind, seq, key));
    void work.finally(() => {
      this.inFlight -= 1;
      const second = Math.floor(Date.now() / 1000);
      this.completions.set(second, (this.completions.get(second) ?? 0) + 1);
      if (this.completions.size > 30) this.pruneCompletions(second);
      if (this.inFlight === 0 && this.idle) {
        this.idle();
        this.idle = null;
      }
    });
  }

  private async pushRaw(entry: Buffer): Promise<void> {
    try {
      await execChecked(
        this.redis.multi().lpush(this.keys.queue, entry).hincrby(this.keys.stats, 'queued', 1),
      );
      this.counters.pushedRaw += 1;
    } catch (error) {
      this.fail(error);
    }
  }

  private post(body: string, retried = false): Promise<void> {
    return new Promise((resolve) => {
      let answered = false;
      const req = request(
        this.writeUrl,
        {
          method: 'POST',
          agent: this.agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          answered = true;
          res.resume();
          res.once('end', () => {
            const status = res.statusCode ?? 0;
            if (status === 202) this.counters.accepted += 1;
            else if (status >= 400 && status < 500) this.counters.rejected += 1;
            else this.fail(new Error(`writer answered ${status}`));
            resolve();
          });
          res.once('error', (error) => {
            this.fail(error);
            resolve();
          });
        },
      );
      req.once('timeout', () =>
        req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)),
      );
      req.once('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed as idle just as it was reused: the
        // request never reached the server, so sending it again cannot duplicate it.
        if (!answered && !retried && req.reusedSocket && error.code === 'ECONNRESET') {
          this.counters.resent += 1;
          void this.post(body, true).then(resolve);
          return;
        }
        this.fail(error);
        resolve();
      });
      req.end(body);
    });
  }

  private fail(error: unknown): void {
    this.counters.errors += 1;
    const message = errorMessage(error);
    if (this.counters.lastError !== message)
      this.logger.warn('load generator write failed', { error: message });
    this.counters.lastError = message;
  }
}
