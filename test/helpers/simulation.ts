/** The seed's deployment (src-main/simulator) set up the way most tests want it. */
import {
  startSimulation,
  type Simulation,
  type SimulationOptions,
} from '../../src-main/simulator/index.js';

/**
 * The Claude Code API and the LLM gateway on ephemeral loopback ports, without the dev-containers
 * exporter and the control server, and without traffic ticks: time moves only by `sim.advance()`,
 * so what a test reads does not depend on machine load. Pass options to bring back any of them.
 */
export function startQuietSimulation(options: SimulationOptions = {}): Promise<Simulation> {
  return startSimulation({
    apiPort: 0,
    gatewayPort: 0,
    containersPort: null,
    controlPort: null,
    tickMs: 0,
    ...options,
  });
}
