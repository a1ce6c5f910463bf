/**
 * Gives every request a `client-request-id` (a UUID) unless it has one, so our log lines and Graph's error envelope
 * (`innerError.client-request-id`, contract §7) can be matched. Retries of one request keep the same id.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@microsoft/microsoft-graph-client';
import { Policy, getRequestHeader, setRequestHeader } from './context';

export class ClientRequestIdPolicy extends Policy {
  constructor(private readonly newId: () => string = randomUUID) {
    super();
  }

  async execute(context: Context): Promise<void> {
    if (!getRequestHeader(context, 'client-request-id')) setRequestHeader(context, 'client-request-id', this.newId());
    await this.next.execute(context);
  }
}
