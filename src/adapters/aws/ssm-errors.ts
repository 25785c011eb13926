import { PlatformError, type ErrorCode } from '../../core/errors.js';
import { ec2ErrorCode } from './ec2-errors.js';

const CODES: Readonly<Record<string, ErrorCode>> = {
  ParameterNotFound: 'not_found',
  ParameterAlreadyExists: 'conflict',
  ThrottlingException: 'throttled',
  TooManyUpdates: 'throttled',
  AccessDeniedException: 'unauthorized',
  ValidationException: 'invalid_input',
  HierarchyLevelLimitExceededException: 'invalid_input',
  UnsupportedParameterType: 'invalid_input',
};

/** The SSM error code of whatever an SDK call threw, or undefined for errors without one. */
export function ssmErrorCode(error: unknown): string | undefined {
  // The SDK names SSM's exceptions after their code, as it does EC2's.
  return ec2ErrorCode(error);
}

/**
 * Translates what a Parameter Store call threw. SSM's own message is left out, and so is the
 * SDK error as `cause`: a validation message may quote the request, and a PutParameter
 * request holds the JIT config. The code and request id are enough to find the call.
 */
export function toSsmPlatformError(error: unknown, attempted: string): PlatformError {
  if (error instanceof PlatformError) return error;

  const code = ssmErrorCode(error);
  const metadata = (error as { $metadata?: { requestId?: string; httpStatusCode?: number } })
    ?.$metadata;
  const seen =
    code === undefined
      ? `the request failed (${error instanceof Error ? error.name : typeof error})`
      : `SSM answered ${code}`;

  return new PlatformError(toErrorCode(code), `${attempted}: ${seen}`, {
    details: {
      aws_code: code,
      request_id: metadata?.requestId,
      status: metadata?.httpStatusCode,
    },
  });
}

function toErrorCode(code: string | undefined): ErrorCode {
  if (code === undefined) return 'unavailable';
  return CODES[code] ?? 'unavailable';
}
