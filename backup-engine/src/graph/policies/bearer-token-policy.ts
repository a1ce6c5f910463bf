/**
 * Adds `Authorization: Bearer <token>` from an Azure `TokenCredential`, and only for the configured Graph origin:
 * a request to any other origin is refused before it leaves, so a token is never sent to a foreign host.
 * Without a credential (the local simulator) requests go out without `Authorization`, still origin-checked.
 */
import type { TokenCredential } from '@azure/identity';
import { Context } from '@microsoft/microsoft-graph-client';
import { ConfigurationError } from '../../errors';
import { Policy, requestSignal, requestUrl, setRequestHeader } from './context';

export class BearerTokenPolicy extends Policy {
  constructor(
    private readonly allowedOrigin: string,
    private readonly credential: TokenCredential | undefined,
    private readonly scopes: string[],
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const origin = originOf(requestUrl(context));
    if (origin !== this.allowedOrigin) {
      throw new ConfigurationError(
        `Refusing to send a request to ${origin ?? 'an invalid URL'}: only the configured Graph base URL ${this.allowedOrigin} is allowed (GRAPH_BASE_URL).`,
      );
    }
    if (this.credential) {
      const token = await this.credential.getToken(this.scopes, { abortSignal: requestSignal(context) });
      if (!token) {
        throw new ConfigurationError(`The credential returned no access token for ${this.scopes.join(' ')}; check the app registration and its Graph permissions.`);
      }
      setRequestHeader(context, 'Authorization', `Bearer ${token.token}`);
    }
    await this.next.execute(context);
  }
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
