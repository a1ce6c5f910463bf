/** The Graph simulator's public surface: used by the local stack (`npm start`), tests and benchmarks. */
export { GraphSimulator, createGraphSimulator } from './simulator';
export type { GraphSimulatorOptions, SimulatorStats, EndpointStats } from './simulator';
export type { FaultRule } from './faults';
export { SimClock, DAY_IN_MS } from './model/clock';
export { Directory } from './model/directory';
export * from './seed';
