/**
 * Import first in any test that loads @microsoft/app-manifest (directly or through scripts/package-app.ts).
 *
 * @microsoft/app-manifest `require`s strip-bom@5, which is an ES module. Node 20.19+ loads it (require(esm)), so
 * `npm run package` works, but Jest's module runtime cannot before Node 24.9. This registers a CommonJS module with the
 * same behaviour (drop a leading U+FEFF) at the path app-manifest resolves strip-bom to, for this test file only (`doMock`, which is not hoisted, so it runs where it is imported).
 */
import { dirname } from 'node:path';

jest.doMock(require.resolve('strip-bom', { paths: [dirname(require.resolve('@microsoft/app-manifest'))] }), () => ({
  __esModule: true,
  default: (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text),
}));
