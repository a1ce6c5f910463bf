/**
 * `npm start`: Rewind's local stack on the embedded defaults.
 *
 * Today this is the Graph simulator serving the seeded demo tenant on loopback. The backup engine, the local
 * Cosmos-compatible store and the Teams bot join this script as they land (see README "Status"); the script says
 * exactly what it started and nothing more.
 *
 * Settings (environment): SIMULATOR_PORT (default 4010), SIMULATOR_TENANT (demo|large|empty, default demo).
 */
import { createGraphSimulator } from '../graph-simulator/src';

async function main(): Promise<void> {
  const port = Number(process.env.SIMULATOR_PORT ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`SIMULATOR_PORT must be an integer 0–65535, got "${process.env.SIMULATOR_PORT}"`);
  }
  const tenant = process.env.SIMULATOR_TENANT ?? 'demo';
  if (tenant !== 'demo' && tenant !== 'large' && tenant !== 'empty') {
    throw new Error(`SIMULATOR_TENANT must be demo, large or empty, got "${tenant}"`);
  }
  const simulator = createGraphSimulator({ tenant });
  const url = await simulator.listen(port, '127.0.0.1');
  const d = simulator.directory;
  console.log(`rewind: Graph simulator (tenant "${tenant}", ${d.userCount} users, ${d.groupCount} groups) at ${url}/v1.0`);
  console.log(`rewind: simulator control surface at ${url}/_sim (see graph-simulator/README.md)`);
  console.log('rewind: running; Ctrl+C stops.');
  const stop = () => void simulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`rewind: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
