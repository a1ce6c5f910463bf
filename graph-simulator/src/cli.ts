/**
 * `npm run simulator -- [--port 4010] [--host 127.0.0.1] [--tenant demo|large|empty] [--users N]
 *                        [--throttle on|off] [--latency-ms N] [--require-auth]`
 *
 * Serves the seeded tenant's Graph v1.0 surface under `/v1.0` and the control surface under `/_sim` until
 * interrupted. Prints the base URL on its own line, then a one-line tenant summary.
 */
import { parseArgs } from 'node:util';
import { createGraphSimulator } from './simulator';
import { TenantName } from './seed';

export interface SimulatorCliOptions {
  port: number;
  host: string;
  tenant: TenantName;
  users?: number;
  throttle: boolean;
  latencyMs: number;
  requireAuth: boolean;
}

/** Parses the command line; throws an Error whose message names the bad option and what it accepts. */
export function parseSimulatorArgs(argv: string[]): SimulatorCliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      tenant: { type: 'string', default: 'demo' },
      users: { type: 'string' },
      throttle: { type: 'string', default: 'on' },
      'latency-ms': { type: 'string', default: '0' },
      'require-auth': { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0–65535, got "${values.port}"`);
  const tenant = values.tenant;
  if (tenant !== 'demo' && tenant !== 'large' && tenant !== 'empty') throw new Error(`--tenant must be demo, large or empty, got "${tenant}"`);
  let users: number | undefined;
  if (values.users !== undefined) {
    users = Number(values.users);
    if (!Number.isInteger(users) || users < 0) throw new Error(`--users must be a non-negative integer, got "${values.users}"`);
  }
  if (values.throttle !== 'on' && values.throttle !== 'off') throw new Error(`--throttle must be on or off, got "${values.throttle}"`);
  const latencyMs = Number(values['latency-ms']);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error(`--latency-ms must be a non-negative number, got "${values['latency-ms']}"`);
  return { port, host: values.host ?? '127.0.0.1', tenant, users, throttle: values.throttle === 'on', latencyMs, requireAuth: values['require-auth'] ?? false };
}

async function main(): Promise<void> {
  let options: SimulatorCliOptions;
  try {
    options = parseSimulatorArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`graph-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
    return;
  }
  const simulator = createGraphSimulator({
    tenant: options.tenant,
    users: options.users,
    throttle: options.throttle,
    latencyMs: options.latencyMs,
    requireAuth: options.requireAuth,
  });
  const url = await simulator.listen(options.port, options.host);
  const d = simulator.directory;
  process.stdout.write(`${url}\n`);
  process.stdout.write(
    `graph-simulator: tenant ${options.tenant} (${d.tenantId}): ${d.userCount} users, ${d.groupCount} groups; ` +
      `throttling ${options.throttle ? 'on' : 'off'}; Graph at ${url}/v1.0, control at ${url}/_sim\n`,
  );
  const stop = () => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  void main();
}
