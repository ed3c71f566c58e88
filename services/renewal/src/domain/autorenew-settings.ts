// The account's renewal settings (`/me/autorenew`): whether automatic renewals are grouped on a
// renew day, and which day of the month (1–30). One stream per customer; the decider keeps
// repeats of the same settings from publishing anything.
import { isRenewDay } from '@billing/billing-kernel';
import type { AutorenewSettingsChanged } from '@billing/contracts';
import type { Decider } from '@billing/eventsourcing';

export type AutorenewSettingsChangedEvent = Readonly<{ type: 'AutorenewSettingsChanged'; data: AutorenewSettingsChanged }>;

export type AutorenewSettingsState =
  | Readonly<{ status: 'default' }>
  | Readonly<{ status: 'set'; active: boolean; renewDay: number }>;

export type ChangeAutorenewSettings = Readonly<{
  type: 'ChangeAutorenewSettings';
  data: Readonly<{ customerId: string; active: boolean; renewDay: number; changedAt: string }>;
}>;

export class InvalidRenewDay extends Error {
  readonly reason = 'INVALID_RENEW_DAY';
  readonly kind = 'invalidRequest';
  override readonly name = 'InvalidRenewDay';

  constructor(renewDay: number) {
    super(`a renew day is a day of the month from 1 to 30, not ${renewDay}`);
  }
}

export function autorenewSettingsStreamId(customerId: string): string {
  return `autorenew-${customerId}`;
}

export const autorenewSettingsDecider: Decider<ChangeAutorenewSettings, AutorenewSettingsChangedEvent, AutorenewSettingsState> = {
  initialState: () => ({ status: 'default' }),
  evolve: (_state, event) => ({ status: 'set', active: event.data.active, renewDay: event.data.renewDay }),
  decide: (command, state) => {
    if (!isRenewDay(command.data.renewDay)) throw new InvalidRenewDay(command.data.renewDay);
    if (state.status === 'set' && state.active === command.data.active && state.renewDay === command.data.renewDay) return [];
    return [{ type: 'AutorenewSettingsChanged', data: command.data }];
  },
};
