// A small decider from the subscription context — a service's renew mode — to drive the
// command handler in tests.
import type { Decider } from '../src';
import type { ServiceEvent } from './sample-events';

export type RenewMode = 'automatic' | 'manual' | 'deleteAtExpiration';

export type ServiceCommand =
  | { type: 'ActivateService'; data: { serviceId: string; planCode: string; expirationDate: string } }
  | { type: 'ChangeRenewMode'; data: { serviceId: string; renewMode: 'automatic' | 'manual' } };

export type ServiceState = { status: 'notActivated' } | { status: 'active'; renewMode: RenewMode; renewModeChanges: number };

export class ServiceNotActiveError extends Error {
  override readonly name = 'ServiceNotActiveError';
}

export const renewModeDecider: Decider<ServiceCommand, ServiceEvent, ServiceState> = {
  initialState: () => ({ status: 'notActivated' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'ServiceActivated':
        return { status: 'active', renewMode: 'automatic', renewModeChanges: 0 };
      case 'ServiceRenewModeChanged':
        return state.status === 'active' ? { ...state, renewMode: event.data.renewMode, renewModeChanges: state.renewModeChanges + 1 } : state;
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'ActivateService':
        return state.status === 'active' ? [] : { type: 'ServiceActivated', data: command.data };
      case 'ChangeRenewMode':
        if (state.status !== 'active') throw new ServiceNotActiveError(`service ${command.data.serviceId} is not active`);
        return state.renewMode === command.data.renewMode ? [] : { type: 'ServiceRenewModeChanged', data: command.data };
    }
  },
};
