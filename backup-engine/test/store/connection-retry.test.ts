/** The Cosmos adapter repeats only operations whose connection failed before an answer; answers are never repeated. */
import { retryOnConnectionFailure } from '../../src/store/cosmos-store';

const failing = (errors: unknown[], result = 'ok') => {
  let calls = 0;
  const operation = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return result;
  };
  return { operation, calls: () => calls };
};

describe('when an operation loses its connection', () => {
  it('then it is repeated until it answers', async () => {
    const op = failing([Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), new Error('socket hang up')]);
    await expect(retryOnConnectionFailure(op.operation)).resolves.toBe('ok');
    expect(op.calls()).toBe(3);
  });

  it('then it gives up after the attempts and rethrows the last failure', async () => {
    const op = failing(Array.from({ length: 5 }, () => new Error('socket hang up')));
    await expect(retryOnConnectionFailure(op.operation, 3)).rejects.toThrow('socket hang up');
    expect(op.calls()).toBe(3);
  });
});

describe('when the service answered', () => {
  it('then a status (409, 412, 429…) or any other error is not repeated here', async () => {
    for (const error of [Object.assign(new Error('conflict'), { code: 409 }), Object.assign(new Error('ECONNRESET'), { statusCode: 503 }), new Error('bad request')]) {
      const op = failing([error]);
      await expect(retryOnConnectionFailure(op.operation)).rejects.toBe(error);
      expect(op.calls()).toBe(1);
    }
  });
});
