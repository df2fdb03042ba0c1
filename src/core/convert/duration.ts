// Durations as `convert` writes them. Pure.
import { durationNanos } from '../kinds/istio-service.ts';

const SECOND = 1000000000n;

/**
 * A duration as read from 0.x input (jsonpb's "1.500s") written in the shortest seconds form today's
 * Istio reads ("1.5s", "3s", "0.1s").
 */
export function compactDuration(jsonpb: string): string {
  return formatSeconds(durationNanos(jsonpb));
}

export function formatSeconds(nanos: bigint): string {
  const neg = nanos < 0n;
  const n = neg ? -nanos : nanos;
  const whole = n / SECOND;
  const frac = (n % SECOND).toString().padStart(9, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}s`;
}

export function nanosOf(jsonpb: string): bigint {
  return durationNanos(jsonpb);
}

export { SECOND };
