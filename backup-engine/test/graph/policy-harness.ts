/** A scripted `next` for testing one policy alone (style practice 3): each call answers the next scripted step. */
import { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import { MiddlewareControl } from '@microsoft/microsoft-graph-client/lib/src/middleware/MiddlewareControl';

export type ScriptStep = { status: number; headers?: Record<string, string>; body?: unknown } | { networkError: string };

export class ScriptedNext implements Middleware {
  readonly contexts: Context[] = [];
  readonly authorizationHeaders: (string | null)[] = [];

  constructor(private readonly steps: ScriptStep[]) {}

  get calls(): number {
    return this.contexts.length;
  }

  async execute(context: Context): Promise<void> {
    this.contexts.push(context);
    this.authorizationHeaders.push(new Headers(context.options?.headers).get('authorization'));
    const step = this.steps[Math.min(this.contexts.length - 1, this.steps.length - 1)];
    if ('networkError' in step) throw new TypeError(step.networkError);
    context.response = new Response(step.body === undefined ? null : JSON.stringify(step.body), {
      status: step.status,
      headers: step.headers,
    });
  }
}

export function graphContext(
  method: string,
  url = 'https://graph.microsoft.com/v1.0/users?$top=999',
  options: { signal?: AbortSignal; middlewareOptions?: MiddlewareOptions[]; headers?: Record<string, string>; body?: string } = {},
): Context {
  return {
    request: url,
    options: { method, signal: options.signal, headers: options.headers, body: options.body },
    middlewareControl: new MiddlewareControl(options.middlewareOptions ?? []),
  };
}
