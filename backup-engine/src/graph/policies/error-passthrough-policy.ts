/**
 * The first policy of the chain. The SDK turns any error thrown inside the chain into a generic `GraphError`
 * (losing `ConfigurationError`, `AbortError`, …) unless it is a `GraphClientError`, which it rethrows untouched.
 * This policy wraps thrown errors in a `GraphClientError` whose `customError` is the original, and
 * `unwrapClientError` gives the original back to the gateway.
 */
import { Context, GraphClientError } from '@microsoft/microsoft-graph-client';
import { Policy } from './context';

export class ErrorPassthroughPolicy extends Policy {
  async execute(context: Context): Promise<void> {
    try {
      await this.next.execute(context);
    } catch (error) {
      const wrapper = new GraphClientError(error instanceof Error ? error.message : String(error));
      wrapper.customError = error;
      throw wrapper;
    }
  }
}

export function unwrapClientError(error: unknown): unknown {
  if (error instanceof GraphClientError && error.customError !== undefined) return error.customError;
  return error;
}
