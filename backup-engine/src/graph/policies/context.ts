/**
 * Small readers and writers over the Graph SDK's middleware `Context` (request string or Request, fetch options,
 * per-request middleware options), shared by the policies so none of them re-implements header handling.
 */
import { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';

/** Marks a non-GET request as safe to repeat after a 504 or a dropped connection (style practice 4 and 5). */
export class IdempotentRequestOption implements MiddlewareOptions {
  readonly idempotent = true;
}

/** Base for the policies: holds the next middleware and refuses to run without one. */
export abstract class Policy implements Middleware {
  private nextMiddleware?: Middleware;

  setNext(next: Middleware): void {
    this.nextMiddleware = next;
  }

  abstract execute(context: Context): Promise<void>;

  protected get next(): Middleware {
    if (!this.nextMiddleware) throw new Error(`${this.constructor.name} has no next middleware`);
    return this.nextMiddleware;
  }
}

export function requestMethod(context: Context): string {
  const method = context.options?.method ?? (typeof context.request === 'string' ? 'GET' : context.request.method);
  return method.toUpperCase();
}

export function requestUrl(context: Context): string {
  return typeof context.request === 'string' ? context.request : context.request.url;
}

export function isIdempotentRequest(context: Context): boolean {
  const method = requestMethod(context);
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return true;
  const option = context.middlewareControl?.getMiddlewareOptions(IdempotentRequestOption) as IdempotentRequestOption | undefined;
  return option?.idempotent === true;
}

export function getRequestHeader(context: Context, name: string): string | undefined {
  const fromOptions = new Headers(context.options?.headers).get(name);
  if (fromOptions !== null) return fromOptions;
  if (typeof context.request !== 'string') return context.request.headers.get(name) ?? undefined;
  return undefined;
}

export function setRequestHeader(context: Context, name: string, value: string): void {
  context.options ??= {};
  const headers = new Headers(context.options.headers);
  headers.set(name, value);
  const plain: Record<string, string> = {};
  headers.forEach((v, k) => {
    plain[k] = v;
  });
  context.options.headers = plain;
}

export function requestSignal(context: Context): AbortSignal | undefined {
  return context.options?.signal ?? (typeof context.request === 'string' ? undefined : context.request.signal) ?? undefined;
}
