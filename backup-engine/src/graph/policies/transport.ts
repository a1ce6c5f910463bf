/**
 * The last link of the chain: sends the request with `fetch` and counts what Graph charged. Every HTTP request
 * counts once; a `$batch` counts one operation per item; resource units are the sum of `x-ms-resource-unit` over
 * responses, including the headers inside `$batch` item responses (contract §1.4, T3).
 *
 * Redirects are not followed (`redirect: 'manual'`): Graph's directory API does not redirect, and a redirect must
 * never carry our bearer token to another host (style practice 3).
 */
import { Context } from '@microsoft/microsoft-graph-client';
import { GraphTrafficStats } from '../traffic-stats';
import { Policy, requestUrl } from './context';

export type FetchFunction = (input: string | Request, init?: RequestInit) => Promise<Response>;

export class FetchTransport extends Policy {
  constructor(
    private readonly stats: GraphTrafficStats,
    private readonly fetchImpl: FetchFunction = (input, init) => fetch(input, init),
  ) {
    super();
  }

  override setNext(): void {
    throw new Error('the transport is the last policy of the chain');
  }

  async execute(context: Context): Promise<void> {
    this.stats.requests++;
    const response = await this.fetchImpl(context.request as string | Request, { ...context.options, redirect: 'manual' } as RequestInit);
    this.stats.resourceUnits += resourceUnitsOf(response.headers.get('x-ms-resource-unit'));
    if (isBatchUrl(requestUrl(context)) && response.ok) {
      const items = await batchItemsOf(response);
      this.stats.operations += items.length;
      for (const item of items) this.stats.resourceUnits += resourceUnitsOf(headerOf(item.headers, 'x-ms-resource-unit'));
    } else {
      this.stats.operations++;
    }
    context.response = response;
  }
}

function isBatchUrl(url: string): boolean {
  try {
    return /\/\$batch$/i.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

interface BatchItemHeaders {
  headers?: unknown;
}

async function batchItemsOf(response: Response): Promise<BatchItemHeaders[]> {
  try {
    const body = (await response.clone().json()) as { responses?: unknown };
    return Array.isArray(body.responses) ? (body.responses as BatchItemHeaders[]) : [];
  } catch {
    return [];
  }
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}

function resourceUnitsOf(value: string | null | undefined): number {
  const units = Number(value);
  return value && Number.isFinite(units) && units > 0 ? units : 0;
}
