/**
 * What the server assembles, collected with `@multiInject` from the contribution points (Theia's
 * contribution-provider pattern): the API's route groups, what starts and drains with the server, and
 * the checks of `/healthz`, as bound by core, the webhooks package, the server itself and each plugin.
 * (`/metrics` collects `CORE.MetricsSource` the same way, in `Metrics`; the CLI `CORE.CommandGroup`, in `commandGroups`.)
 */
import { injectable, multiInject, optional } from 'inversify';
import { CORE, type HealthCheck, type Lifecycle, type RouteGroup } from '@tessera/core';

@injectable()
export class ServerContributions {
  constructor(
    @multiInject(CORE.RouteGroup) @optional() readonly routeGroups: RouteGroup[] = [],
    @multiInject(CORE.Lifecycle) @optional() readonly lifecycles: Lifecycle[] = [],
    @multiInject(CORE.HealthCheck) @optional() readonly healthChecks: HealthCheck[] = [],
  ) {}
}
