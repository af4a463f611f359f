import type { Logger } from 'pino';
import type { Orchestrator } from '@innominatus/core';
import { EventHub } from '../event-hub';
import { bridgeOrchestratorEvents } from './event-bridge';
import { logHostEvents } from './host-log';
import type { StartUp } from './start-up';

/** The host's event hub, fed by the orchestrator's events (detached on close), with orchestrator errors and every host event logged. */
export function hostEvents(orchestrator: Orchestrator, logger: Logger, start: StartUp): EventHub {
  const hub = new EventHub();
  const detach = bridgeOrchestratorEvents(orchestrator.events, hub);
  start.onClose(async () => detach());
  orchestrator.events.on('orchestrator:error', (e) => logger.error({ code: e.code }, `orchestrator: ${e.message}`));
  logHostEvents(hub, logger);
  return hub;
}
