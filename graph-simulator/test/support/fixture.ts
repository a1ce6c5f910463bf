/**
 * Starts a simulator on a free loopback port and hands out two clients: the real Microsoft Graph SDK (what the
 * backup engine uses) and a raw HTTP helper for asserting exact status codes, headers and bodies.
 */
import { Client, Context, Middleware, MiddlewareFactory } from '@microsoft/microsoft-graph-client';
import { GraphSimulator, GraphSimulatorOptions, createGraphSimulator } from '../../src';

export interface RawResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface SimulatorFixture {
  simulator: GraphSimulator;
  url: string;
  graph: Client;
  /** One HTTP request to the simulator; `path` is absolute (`/v1.0/users`) or a full URL. */
  request<T = Record<string, unknown>>(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }): Promise<RawResponse<T>>;
  close(): Promise<void>;
}

export const GRAPH_ORIGIN = 'https://graph.microsoft.com';

/**
 * The SDK's last middleware, replaced: sends what the SDK addressed to `https://graph.microsoft.com` to the
 * simulator's loopback port instead, naming the public origin in `X-Forwarded-*` so the simulator's nextLinks and
 * deltaLinks come back as `https://graph.microsoft.com/...` and the SDK (PageIterator included) follows them as it
 * would on Graph. Everything above it — auth, RetryHandler, redirect, telemetry — is the SDK's default chain.
 */
class LoopbackTransport implements Middleware {
  constructor(private readonly simulatorUrl: string) {}

  async execute(context: Context): Promise<void> {
    const request = context.request;
    const target = typeof request === 'string' ? request : request.url;
    if (!target.startsWith(GRAPH_ORIGIN)) throw new Error(`the test transport only routes ${GRAPH_ORIGIN}, not ${target}`);
    const headers = new Headers(typeof request === 'string' ? context.options?.headers : request.headers);
    new Headers(context.options?.headers).forEach((value, key) => headers.set(key, value));
    headers.set('X-Forwarded-Proto', 'https');
    headers.set('X-Forwarded-Host', 'graph.microsoft.com');
    const body = typeof request === 'string' ? context.options?.body : await request.text().then((text: string) => text || undefined);
    context.response = await fetch(this.simulatorUrl + target.slice(GRAPH_ORIGIN.length), {
      method: context.options?.method ?? (typeof request === 'string' ? 'GET' : request.method),
      headers,
      body,
      redirect: 'manual',
    });
  }
}

export async function startSimulator(options: GraphSimulatorOptions = {}): Promise<SimulatorFixture> {
  const simulator = createGraphSimulator({ throttle: false, ...options });
  const url = await simulator.listen(0);
  const chain = MiddlewareFactory.getDefaultMiddlewareChain({ getAccessToken: async () => 'test-token' });
  chain[chain.length - 1] = new LoopbackTransport(url);
  for (let i = 0; i < chain.length - 1; i++) chain[i].setNext?.(chain[i + 1]);
  const graph = Client.initWithMiddleware({ middleware: chain[0], defaultVersion: 'v1.0' });
  const request = async <T,>(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<RawResponse<T>> => {
    const response = await fetch(path.startsWith('http') ? path : `${url}${path}`, {
      method,
      headers: { ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...init.headers },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await response.text();
    let body: unknown = text;
    if (text && (response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: body as T };
  };
  return { simulator, url, graph, request, close: () => simulator.close() };
}
