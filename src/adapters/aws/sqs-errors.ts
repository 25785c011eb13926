import { PlatformError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/errors.js';

/** What the SDK puts on the errors it throws; network failures carry only `name` or `code`. */
interface SdkErrorShape {
  readonly name?: string;
  readonly code?: string;
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const THROTTLING = new Set([
  'RequestThrottled',
  'ThrottlingException',
  'Throttling',
  'KmsThrottled',
  'OverLimit',
]);
const MISSING_QUEUE = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'InvalidClientTokenId']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'TimeoutError']);

/** A receipt handle that no longer names a message in flight: the lease is already over. */
export function isStaleReceipt(error: unknown): boolean {
  const name = (error as SdkErrorShape | undefined)?.name;
  return name === 'ReceiptHandleIsInvalid' || name === 'MessageNotInflight';
}

/**
 * Turns an SQS SDK error into a PlatformError at the boundary: throttling and server or
 * network faults are retryable, a missing queue is a deployment problem, the rest is refused.
 */
export function toSqsError(error: unknown, attempt: string): PlatformError {
  if (error instanceof PlatformError) return error;

  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = shape.name ?? shape.code ?? 'Error';
  const status = shape.$metadata?.httpStatusCode;
  const code = errorCode(name, shape, status);
  const detail = error instanceof Error ? error.message : String(error);

  return new PlatformError(code, `${attempt}: SQS answered ${name} (${detail})`, {
    cause: error,
    details: { aws_error: name, http_status: status },
  });
}

function errorCode(name: string, shape: SdkErrorShape, status: number | undefined): ErrorCode {
  if (THROTTLING.has(name) || status === 429) return 'throttled';
  if (MISSING_QUEUE.has(name)) return 'invalid_config';
  if (DENIED.has(name) || status === 403) return 'unauthorized';
  if (shape.$fault === 'server' || (status !== undefined && status >= 500)) return 'unavailable';
  if (NETWORK.has(name) || (shape.code !== undefined && NETWORK.has(shape.code))) {
    return 'unavailable';
  }
  return 'rejected';
}
