// The specification must pass what a decider does and fail what it does not: each matcher is
// shown failing too, or it could not catch a broken decider.
import { DeciderSpecification, type SpecifiedDecider } from './decider-specification';

type RenewMode = 'automatic' | 'manual' | 'deleteAtExpiration';

type ServiceEvent =
  | { type: 'ServiceActivated'; data: { serviceId: string; renewMode: RenewMode } }
  | { type: 'ServiceRenewModeChanged'; data: { serviceId: string; renewMode: RenewMode } };

type ServiceCommand = { type: 'ChangeRenewMode'; data: { serviceId: string; renewMode: RenewMode } };

type ServiceState = { status: 'none' } | { status: 'active'; renewMode: RenewMode };

class ServiceNotActiveError extends Error {}

const renewModeDecider: SpecifiedDecider<ServiceCommand, ServiceEvent, ServiceState> = {
  initialState: () => ({ status: 'none' }),
  evolve: (_state, event) => ({ status: 'active', renewMode: event.data.renewMode }),
  decide: (command, state) => {
    if (state.status !== 'active') throw new ServiceNotActiveError(command.data.serviceId);
    if (state.renewMode === command.data.renewMode) return [];
    return { type: 'ServiceRenewModeChanged', data: command.data };
  },
};

const spec = DeciderSpecification.for(renewModeDecider);
const activated: ServiceEvent = { type: 'ServiceActivated', data: { serviceId: 'srv-1', renewMode: 'automatic' } };
const toManual: ServiceCommand = { type: 'ChangeRenewMode', data: { serviceId: 'srv-1', renewMode: 'manual' } };

describe('DeciderSpecification', () => {
  describe('given an active service', () => {
    it('passes when the command decides the expected events', () => {
      spec.given([activated]).when(toManual).then([{ type: 'ServiceRenewModeChanged', data: { serviceId: 'srv-1', renewMode: 'manual' } }]);
    });

    it('fails when the decided events differ from the expected ones', () => {
      expect(() =>
        spec.given([activated]).when(toManual).then([{ type: 'ServiceRenewModeChanged', data: { serviceId: 'srv-1', renewMode: 'deleteAtExpiration' } }]),
      ).toThrow();
    });

    it('passes thenNothingHappened when the command changes nothing, and fails it otherwise', () => {
      const unchanged: ServiceCommand = { type: 'ChangeRenewMode', data: { serviceId: 'srv-1', renewMode: 'automatic' } };
      spec.given([activated]).when(unchanged).thenNothingHappened();
      expect(() => spec.given([activated]).when(toManual).thenNothingHappened()).toThrow();
    });

    it('fails thenThrows when the command is accepted', () => {
      expect(() => spec.given([activated]).when(toManual).thenThrows(ServiceNotActiveError)).toThrow(/expected the command to be refused/);
    });

    it('folds the whole history before deciding', () => {
      const changed: ServiceEvent = { type: 'ServiceRenewModeChanged', data: { serviceId: 'srv-1', renewMode: 'manual' } };
      spec.given([activated, changed]).when(toManual).thenNothingHappened();
    });
  });

  describe('given no events', () => {
    it('passes thenThrows with the error class decide throws', () => {
      spec.given([]).when(toManual).thenThrows(ServiceNotActiveError);
    });

    it('passes thenThrows with a predicate that accepts the error, and fails with one that does not', () => {
      spec.given([]).when(toManual).thenThrows((error) => error instanceof ServiceNotActiveError && error.message === 'srv-1');
      expect(() => spec.given([]).when(toManual).thenThrows((error) => (error as Error).message === 'srv-2')).toThrow(/not as expected/);
    });

    it('fails thenThrows when decide throws another error class', () => {
      class OtherError extends Error {}
      expect(() => spec.given([]).when(toManual).thenThrows(OtherError)).toThrow();
    });
  });
});
