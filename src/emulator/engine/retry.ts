import type { RetryOptionsWire } from './model.js';

/**
 * Delay before the next attempt after `failures` failed attempts, as .NET RetryOptions computes it:
 * firstRetryInterval × backoffCoefficient^(failures-1), capped at maxRetryInterval. The JS class leaves the
 * coefficient undefined unless set; that means 1.
 */
export function retryDelayMs(options: RetryOptionsWire, failures: number): number {
  const coefficient = options.backoffCoefficient ?? 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(coefficient, Math.max(0, failures - 1));
  const cap = options.maxRetryIntervalInMilliseconds;
  return Math.max(0, cap !== undefined && cap > 0 ? Math.min(delay, cap) : delay);
}
