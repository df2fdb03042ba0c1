// Fault injection for the project's own tests (only with --fault-injection): the next N requests
// matching a method and a path regex fail as asked; and a log of the requests received.
import { errors } from './status.ts';

export type FaultAction = '429' | '500' | '502' | '503' | '504' | 'reset-before' | 'reset-after' | 'stall';
const ACTIONS: FaultAction[] = ['429', '500', '502', '503', '504', 'reset-before', 'reset-after', 'stall'];

export interface Fault {
  method?: string;
  path: RegExp;
  count: number;
  action: FaultAction;
  retryAfter?: number;
  stallMs: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  /** `h2` or `http/1.1` (listed with ?connections=1). */
  protocol?: string;
  /** Which connection carried it: a number per connection, from 1. */
  connection?: number;
}

const MAX_LOG = 100_000;

export class Faults {
  private faults: Fault[] = [];
  private log: LoggedRequest[] = [];

  add(spec: unknown): Fault {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw errors.badRequest('a fault is a JSON object: {"method","path","count","action","retryAfter","stallMs"}');
    const s = spec as Record<string, unknown>;
    if (!ACTIONS.includes(s.action as FaultAction)) throw errors.badRequest(`fault action must be one of ${ACTIONS.join(', ')}; got ${JSON.stringify(s.action)}`);
    let path: RegExp;
    try {
      path = new RegExp(typeof s.path === 'string' ? s.path : '');
    } catch (e) {
      throw errors.badRequest(`fault path is not a valid regular expression: ${(e as Error).message}`);
    }
    const count = s.count === undefined ? 1 : Number(s.count);
    if (!Number.isInteger(count) || count < 1) throw errors.badRequest(`fault count must be a positive integer; got ${JSON.stringify(s.count)}`);
    const retryAfter = s.retryAfter === undefined ? undefined : Number(s.retryAfter);
    if (retryAfter !== undefined && !(Number.isInteger(retryAfter) && retryAfter >= 0)) throw errors.badRequest('fault retryAfter must be a whole number of seconds');
    const stallMs = s.stallMs === undefined ? 60_000 : Number(s.stallMs);
    if (!(Number.isFinite(stallMs) && stallMs >= 0)) throw errors.badRequest('fault stallMs must be a number of milliseconds');
    const f: Fault = { method: typeof s.method === 'string' && s.method ? s.method.toUpperCase() : undefined, path, count, action: s.action as FaultAction, retryAfter, stallMs };
    this.faults.push(f);
    return f;
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault for this request, if any (consuming one of its count). */
  take(method: string, path: string): Fault | undefined {
    const i = this.faults.findIndex((f) => (!f.method || f.method === method) && f.path.test(path));
    if (i < 0) return undefined;
    const f = this.faults[i];
    if (--f.count <= 0) this.faults.splice(i, 1);
    return f;
  }

  record(r: LoggedRequest): void {
    if (this.log.length < MAX_LOG) this.log.push(r);
  }

  requests(): LoggedRequest[] {
    return this.log;
  }

  clearRequests(): void {
    this.log = [];
  }
}
