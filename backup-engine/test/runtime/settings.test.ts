/** Engine settings are read once and refused with the setting's name and the fix. */
import { DEFAULT_DATA_FILE, readEngineSettings } from '../../src/runtime';

describe('when no settings are given', () => {
  it('then Graph is the local simulator without a token and Cosmos is the local server', () => {
    expect(readEngineSettings({})).toEqual({
      graphBaseUrl: 'http://127.0.0.1:4010', graphNeedsCredential: false,
      cosmos: { kind: 'local', port: 8081, dataFile: DEFAULT_DATA_FILE, databaseName: 'rewind' },
    });
  });
});

describe('when production settings are given', () => {
  it('then Graph gets a token and Cosmos is the account, with a key when one is set', () => {
    expect(readEngineSettings({ GRAPH_BASE_URL: 'https://graph.microsoft.com', COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/', COSMOS_DATABASE: 'prod' })).toEqual({
      graphBaseUrl: 'https://graph.microsoft.com', graphNeedsCredential: true,
      cosmos: { kind: 'azure', endpoint: 'https://acct.documents.azure.com:443/', key: undefined, databaseName: 'prod' },
    });
  });
});

describe('when a setting is malformed', () => {
  it.each([
    [{ GRAPH_BASE_URL: 'not a url' }, /GRAPH_BASE_URL "not a url" is not a URL/],
    [{ GRAPH_BASE_URL: 'http://graph.example.com' }, /must be https unless it is a loopback simulator/],
    [{ COSMOS_PORT: 'abc' }, /COSMOS_PORT "abc" must be a port number/],
    [{ COSMOS_PORT: '70000' }, /COSMOS_PORT "70000" must be a port number/],
  ])('then %j is refused naming the setting', (env, message) => {
    expect(() => readEngineSettings(env)).toThrow(message);
  });
});
