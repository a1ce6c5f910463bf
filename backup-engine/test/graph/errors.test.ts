import {
  ConfigurationError,
  DeltaTokenExpiredError,
  GraphRequestError,
  isConfigurationError,
  isDeltaTokenExpiredError,
  isGraphRequestError,
  isPermanentError,
} from '../../src/errors';

const graphError = (statusCode: number) => new GraphRequestError({ statusCode, code: 'X', message: 'm' });

describe('GraphRequestError.fromEnvelope', () => {
  it("when Graph's envelope is given, then code, message and ids come from it", () => {
    const body = { error: { code: 'Request_ResourceNotFound', message: 'Resource x does not exist', innerError: { date: '2025-02-13T10:17:06', 'request-id': 'rid', 'client-request-id': 'cid' } } };

    const error = GraphRequestError.fromEnvelope(404, body, { retryAfterInMs: 1000 });

    expect(error).toMatchObject({ name: 'GraphRequestError', statusCode: 404, code: 'Request_ResourceNotFound', message: 'Resource x does not exist', requestId: 'rid', clientRequestId: 'cid', retryAfterInMs: 1000 });
    expect(error.cause).toBe(body);
  });

  it('when the body is not an envelope, then the code names the status', () => {
    expect(GraphRequestError.fromEnvelope(502, 'Bad gateway')).toMatchObject({ code: 'Http502', statusCode: 502 });
  });
});

describe('isPermanentError', () => {
  it.each([
    [400, true], [401, true], [403, true], [404, true], [408, false], [429, false], [500, false], [503, false], [0, false],
  ])('when Graph answered %i, then permanent is %s', (status, permanent) => {
    expect(isPermanentError(graphError(status))).toBe(permanent);
  });

  it('when the operation was cancelled, then it is permanent', () => {
    expect(isPermanentError(new DOMException('aborted', 'AbortError'))).toBe(true);
  });

  it('when configuration is wrong or a delta token expired, then it is permanent', () => {
    expect(isPermanentError(new ConfigurationError('x'))).toBe(true);
    expect(isPermanentError(new DeltaTokenExpiredError('x'))).toBe(true);
  });
});

describe('guards', () => {
  it('when an error carries the name, then its guard accepts it and the others refuse it', () => {
    const errors = [graphError(400), new DeltaTokenExpiredError('x'), new ConfigurationError('x')];

    expect(errors.map(isGraphRequestError)).toEqual([true, false, false]);
    expect(errors.map(isDeltaTokenExpiredError)).toEqual([false, true, false]);
    expect(errors.map(isConfigurationError)).toEqual([false, false, true]);
  });
});
