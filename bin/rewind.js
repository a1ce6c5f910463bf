#!/usr/bin/env node
'use strict';
// The `rewind` CLI (backup-engine/src/cli/main.ts), run from TypeScript through ts-node without type-checking:
// `npm run typecheck` checks the types, this only transpiles.
const path = require('node:path');

require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
require('../backup-engine/src/cli/main').runMain();
