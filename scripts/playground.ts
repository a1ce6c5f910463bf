/**
 * `npm run playground`: the Microsoft 365 Agents Playground (a local Teams-like client) against the bot that
 * `npm start` runs, with `.m365agentsplayground.yml`: demo-tenant users by Entra object id (the current user is a
 * Helpdesk member; two others are Security Leads). Opens on http://127.0.0.1:56150 (PLAYGROUND_PORT).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const port = process.env.PLAYGROUND_PORT ?? '56150';
const botEndpoint = process.env.BOT_ENDPOINT ?? `http://127.0.0.1:${process.env.PORT ?? '3978'}/api/messages`;
console.log(`rewind: Agents Playground on http://127.0.0.1:${port}, talking to ${botEndpoint} (start the bot with \`npm start\` first)`);
const child = spawn(process.execPath, [path.join(root, 'node_modules/@microsoft/m365agentsplayground/cli.js'), 'start', '--disable-telemetry', '-c', 'msteams', '-p', port], {
  stdio: 'inherit',
  env: { ...process.env, BOT_ENDPOINT: botEndpoint, M365_AGENTS_PLAYGROUND_CONFIG_PATH: path.join(root, '.m365agentsplayground.yml'), TEAMSAPPTESTER_BROWSER: process.env.TEAMSAPPTESTER_BROWSER ?? 'none' },
});
child.on('exit', (code) => process.exit(code ?? 0));
