import { LoggingPolicy, REDACTED, redactUrl, GraphLogEntry } from '../../src/graph/policies/logging-policy';
import { BearerTokenPolicy } from '../../src/graph/policies/bearer-token-policy';
import { ScriptedNext, graphContext } from './policy-harness';

describe('redactUrl', () => {
  it('when a query has $top, $select, $filter and a skip token, then only $top and $select values remain', () => {
    const url = "https://graph.microsoft.com/v1.0/users?$top=999&$select=id,mail&$filter=mail eq 'bob@contoso.com'&$skiptoken=abc";

    expect(redactUrl(url)).toBe(`/v1.0/users?$top=999&$select=id,mail&$filter=${REDACTED}&$skiptoken=${REDACTED}`);
  });

  it('when a path segment is a UPN, then it is redacted', () => {
    expect(redactUrl('https://graph.microsoft.com/v1.0/users/bob%40contoso.com/manager')).toBe(`/v1.0/users/${REDACTED}/manager`);
  });
});

describe('LoggingPolicy', () => {
  it('when a request carries a bearer token, then the log line has ids, status and Retry-After but not the token', async () => {
    const entries: GraphLogEntry[] = [];
    const auth = new BearerTokenPolicy('https://graph.microsoft.com', { getToken: async () => ({ token: 'top-secret-token', expiresOnTimestamp: 0 }) }, ['https://graph.microsoft.com/.default']);
    const logging = new LoggingPolicy((entry) => entries.push(entry), () => 0);
    const next = new ScriptedNext([{ status: 429, headers: { 'Retry-After': '3', 'request-id': 'rid-1', 'client-request-id': 'cid-1' }, body: { error: { code: 'TooManyRequests', message: 'mail bob@contoso.com' } } }]);
    auth.setNext(logging);
    logging.setNext(next);

    await auth.execute(graphContext('GET', "https://graph.microsoft.com/v1.0/users?$filter=mail eq 'bob@contoso.com'"));

    expect(next.authorizationHeaders).toEqual(['Bearer top-secret-token']);
    expect(entries).toEqual([
      { method: 'GET', url: `/v1.0/users?$filter=${REDACTED}`, status: 429, requestId: 'rid-1', clientRequestId: 'cid-1', retryAfter: '3', durationInMs: 0 },
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/top-secret-token|bob@contoso|Bearer/);
  });

  it('when the request fails without a response, then the error name is logged, never its message', async () => {
    const entries: GraphLogEntry[] = [];
    const logging = new LoggingPolicy((entry) => entries.push(entry), () => 0);
    logging.setNext(new ScriptedNext([{ networkError: 'connect to bob@contoso.com failed' }]));

    await expect(logging.execute(graphContext('GET'))).rejects.toThrow(TypeError);

    expect(entries).toEqual([expect.objectContaining({ status: 0, error: 'TypeError' })]);
    expect(JSON.stringify(entries)).not.toContain('bob@contoso.com');
  });
});

describe('BearerTokenPolicy', () => {
  it('when a request targets another origin, then it is refused before the token is fetched', async () => {
    const getToken = jest.fn(async () => ({ token: 't', expiresOnTimestamp: 0 }));
    const auth = new BearerTokenPolicy('https://graph.microsoft.com', { getToken }, ['https://graph.microsoft.com/.default']);
    const next = new ScriptedNext([{ status: 200 }]);
    auth.setNext(next);

    await expect(auth.execute(graphContext('GET', 'https://evil.example/v1.0/users'))).rejects.toMatchObject({ name: 'ConfigurationError' });

    expect(getToken).not.toHaveBeenCalled();
    expect(next.calls).toBe(0);
  });
});
