import { MAX_DELAY_MS } from '../clock.js';
import type { RetryOptionsWire } from './model.js';

/**
 * Delay before the next attempt after `failures` failed attempts, as .NET RetryOptions computes it:
 * firstRetryInterval × backoffCoefficient^(failures-1), capped at maxRetryInterval. The JS class leaves the
 * coefficient undefined unless set; that means 1. Never more than `MAX_DELAY_MS` (.NET's TimeSpan.MaxValue, the
 * default maxRetryInterval), so the retry timer's date stays valid however large the back-off grows.
 */
export function retryDelayMs(options: RetryOptionsWire, failures: number): number {
  const coefficient = options.backoffCoefficient ?? 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(coefficient, Math.max(0, failures - 1));
  const cap = options.maxRetryIntervalInMilliseconds;
  const capped = cap !== undefined && cap > 0 ? Math.min(delay, cap) : delay;
  return Number.isNaN(capped) ? 0 : Math.min(Math.max(0, capped), MAX_DELAY_MS);
}
