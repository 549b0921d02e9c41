export const ORCHESTRATOR_LOGGER = Symbol('ORCHESTRATOR_LOGGER');

/** Who the orchestrator is on job timelines. */
export const ACTOR = 'system:import-orchestrator';
