/** One AWS API call a client made, as the SDK's middleware saw it. */
export interface AwsCall {
  /** `SQS`, `DynamoDB`, `EC2`, `SSM`. */
  readonly service: string;
  /** `SendMessage`, `GetItem`, ... */
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

interface MiddlewareContext {
  readonly clientName?: string;
  readonly commandName?: string;
}

/** The part of an SDK v3 client this needs; every client has it. */
export interface ClientWithMiddleware {
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object }) => Promise<unknown>,
        context: MiddlewareContext,
      ) => (args: { input: object }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/**
 * Records every call `client` makes into `calls`: one entry per API call, before the SDK's own
 * retries, so a count says what the code asked for.
 */
export function recordAwsCalls(client: ClientWithMiddleware, calls: AwsCall[]): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push({
        service: (context.clientName ?? 'Unknown').replace(/Client$/, ''),
        operation: (context.commandName ?? 'Unknown').replace(/Command$/, ''),
        input: args.input as Record<string, unknown>,
      });
      return next(args);
    },
    { step: 'initialize', name: 'recordAwsCalls' },
  );
}

/** `Service.Operation` of each call, in order. */
export function operationsOf(calls: readonly AwsCall[]): string[] {
  return calls.map((call) => `${call.service}.${call.operation}`);
}
