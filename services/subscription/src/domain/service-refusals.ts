// Why the subscription service refuses a request. Plain errors with a `reason` code and a
// `kind`; the platform's error filter turns the kind into the HTTP status at the edge.
export type ServiceRefusalKind = 'invalidRequest' | 'notFound' | 'conflict' | 'notSellable' | 'rejected';

export abstract class ServiceRefusal extends Error {
  abstract readonly reason: string;
  abstract readonly kind: ServiceRefusalKind;
  details?: Record<string, unknown>;
}

/** Unknown service, or someone else's: never reveal that it exists. */
export class ServiceNotFound extends ServiceRefusal {
  readonly reason = 'SERVICE_NOT_FOUND';
  readonly kind = 'notFound';
  override readonly name = 'ServiceNotFound';

  constructor(serviceId: string) {
    super(`service ${serviceId} not found`);
  }
}

/** `terminated` is final: nothing changes a terminated service any more. */
export class ServiceTerminatedRefusal extends ServiceRefusal {
  readonly reason = 'SERVICE_TERMINATED';
  readonly kind = 'conflict';
  override readonly name = 'ServiceTerminatedRefusal';

  constructor(serviceId: string) {
    super(`service ${serviceId} is terminated`);
  }
}

export class PeriodNotAllowed extends ServiceRefusal {
  readonly reason = 'PERIOD_NOT_ALLOWED';
  readonly kind = 'rejected';
  override readonly name = 'PeriodNotAllowed';

  constructor(planCode: string, period: string, allowed: readonly string[]) {
    super(`plan ${planCode} does not allow ${period} (allowed: ${allowed.join(', ')})`);
  }
}

/** A legacy service renews automatically only once its customer accepted the new contract. */
export class ContractNotAccepted extends ServiceRefusal {
  readonly reason = 'CONTRACT_NOT_ACCEPTED';
  readonly kind = 'rejected';
  override readonly name = 'ContractNotAccepted';

  constructor(serviceId: string) {
    super(`service ${serviceId} runs under its legacy contract: accept the new contract to renew it automatically`);
  }
}

export class NoContractToAccept extends ServiceRefusal {
  readonly reason = 'NO_CONTRACT_TO_ACCEPT';
  readonly kind = 'conflict';
  override readonly name = 'NoContractToAccept';

  constructor(serviceId: string) {
    super(`service ${serviceId} is not a legacy service: it runs under the current contract already`);
  }
}

/** Wrong, used, superseded or expired: the answer never says which. */
export class InvalidTerminationToken extends ServiceRefusal {
  readonly reason = 'INVALID_TERMINATION_TOKEN';
  readonly kind = 'rejected';
  override readonly name = 'InvalidTerminationToken';

  constructor() {
    super('the termination token is not valid (wrong, already used or expired): ask for a new one');
  }
}

export class EngagementNotOver extends ServiceRefusal {
  readonly reason = 'ENGAGEMENT_NOT_OVER';
  readonly kind = 'rejected';
  override readonly name = 'EngagementNotOver';

  constructor(engagedUpTo: string) {
    super(`the service is engaged up to ${engagedUpTo}: ask for terminateAtEngagementDate to terminate it then`);
    this.details = { engagedUpTo };
  }
}

export class TerminationAlreadyScheduled extends ServiceRefusal {
  readonly reason = 'TERMINATION_ALREADY_SCHEDULED';
  readonly kind = 'conflict';
  override readonly name = 'TerminationAlreadyScheduled';

  constructor(serviceId: string) {
    super(`a termination of service ${serviceId} is already scheduled: cancel it first to change it`);
  }
}

export class NoPendingTermination extends ServiceRefusal {
  readonly reason = 'NO_PENDING_TERMINATION';
  readonly kind = 'conflict';
  override readonly name = 'NoPendingTermination';

  constructor(serviceId: string) {
    super(`service ${serviceId} has no pending termination`);
  }
}

/** Terminations go through the confirmation token (POST /terminate), not through PUT. */
export class TerminationNeedsConfirmation extends ServiceRefusal {
  readonly reason = 'TERMINATION_NEEDS_CONFIRMATION';
  readonly kind = 'rejected';
  override readonly name = 'TerminationNeedsConfirmation';

  constructor() {
    super('a termination is scheduled with POST /services/{serviceId}/terminate and its confirmation token');
  }
}

export class ServiceNotActive extends ServiceRefusal {
  readonly reason = 'SERVICE_NOT_ACTIVE';
  readonly kind = 'conflict';
  override readonly name = 'ServiceNotActive';

  constructor(serviceId: string, status: string) {
    super(`service ${serviceId} is ${status}: its plan changes once its renewal is paid`);
  }
}

/** A plan change mid-term is an upgrade within the same product (a downgrade waits for the renewal). */
export class PlanChangeNotAllowed extends ServiceRefusal {
  readonly reason = 'PLAN_CHANGE_NOT_ALLOWED';
  readonly kind = 'rejected';
  override readonly name = 'PlanChangeNotAllowed';

  constructor(message: string) {
    super(message);
  }
}
