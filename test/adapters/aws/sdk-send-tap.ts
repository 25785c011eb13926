/**
 * A tap on an AWS SDK client's `send`: records every request it is given, and lets a test
 * answer chosen requests itself (an injected error, a made-up answer) or tamper with the
 * emulator's answer. Injected errors are thrown above the SDK's own retry layer, so what the
 * adapter sees is exactly what was injected.
 */

export interface SentRequest {
  /** The command's name without `Command`: `CreateFleet`, `PutParameter`, ... */
  readonly name: string;
  /** A deep copy of the command's input as it was sent. */
  readonly input: Record<string, unknown>;
}

export type Interception =
  /** Throw this instead of sending. */
  | { readonly fail: unknown }
  /** Answer this instead of sending. */
  | { readonly answer: unknown }
  /** Send, then throw this instead of returning the answer (an answer lost on the way). */
  | { readonly loseAnswer: unknown };

/** Returns how to treat one request, or undefined to send it untouched. */
export type Interceptor = (request: SentRequest) => Interception | undefined;

export interface SendTap {
  readonly sent: SentRequest[];
  /** Requests of one command, in order. */
  of(name: string): SentRequest[];
  intercept(interceptor: Interceptor): void;
  /** Forgets the recorded requests and the interceptors. */
  reset(): void;
}

interface Command {
  readonly input: unknown;
  readonly constructor: { readonly name: string };
}

type Send = (command: Command, ...rest: unknown[]) => Promise<unknown>;

export function tapSend(client: object): SendTap {
  const target = client as { send: Send };
  const realSend = target.send.bind(target);
  const sent: SentRequest[] = [];
  const interceptors: Interceptor[] = [];

  target.send = async (command: Command, ...rest: unknown[]) => {
    const request: SentRequest = {
      name: command.constructor.name.replace(/Command$/, ''),
      input: structuredClone(command.input) as Record<string, unknown>,
    };
    sent.push(request);

    const interception = interceptors
      .map((interceptor) => interceptor(request))
      .find((found) => found !== undefined);
    if (interception !== undefined && 'fail' in interception) throw interception.fail;
    if (interception !== undefined && 'answer' in interception) return interception.answer;

    const answer = await realSend(command, ...rest);
    if (interception !== undefined && 'loseAnswer' in interception) throw interception.loseAnswer;
    return answer;
  };

  return {
    sent,
    of: (name) => sent.filter((request) => request.name === name),
    intercept: (interceptor) => interceptors.push(interceptor),
    reset() {
      sent.length = 0;
      interceptors.length = 0;
    },
  };
}
