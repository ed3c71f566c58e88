import { nextStep, notRenewedReason, planTerm, reminderWording, termEndAfter, type RenewalPolicy } from './renewal-plan';

const policy: RenewalPolicy = { invoiceLeadDays: 7, dunningRetryDays: [1, 3, 7], paymentDeadlineDays: 7, gracePeriodDays: 30 };
const automatic = { renewMode: 'automatic', legacy: false } as const;

describe('anchored terms', () => {
  it('counts every term end from the anchor: Jan 31 → Feb 28/29 → Mar 31 → Apr 30', () => {
    expect(termEndAfter('2027-01-31', 'P1M', '2027-01-31')).toBe('2027-02-28');
    expect(termEndAfter('2027-01-31', 'P1M', '2027-02-28')).toBe('2027-03-31');
    expect(termEndAfter('2027-01-31', 'P1M', '2027-03-31')).toBe('2027-04-30');
    expect(termEndAfter('2027-01-31', 'P1M', '2028-01-31')).toBe('2028-02-29');
    expect(termEndAfter('2027-01-31', 'P1M', '2028-02-29')).toBe('2028-03-31');
  });

  it('follows a change of period from the next term on, still on the anchor day', () => {
    expect(termEndAfter('2027-01-31', 'P3M', '2027-02-28')).toBe('2027-05-31');
    expect(termEndAfter('2025-03-14', 'P1Y', '2026-03-14')).toBe('2027-03-14');
  });

  it('takes a start off the anchor grid as its own anchor', () => {
    expect(termEndAfter('2027-01-31', 'P1M', '2027-02-15')).toBe('2027-03-15');
  });
});

describe('the plan of a term', () => {
  it('reminds 40 and 15 days before, and requests the invoice 7 days before without a renew day', () => {
    expect(planTerm({ expirationDate: '2027-06-30', scheduledOn: '2027-01-01' }, policy)).toEqual({
      reminder40On: '2027-05-21',
      reminder15On: '2027-06-15',
      invoiceOn: '2027-06-23',
      lapseOn: '2027-06-30',
      deadlineOn: '2027-07-07',
      terminationOn: '2027-07-30',
      expireOn: '2027-06-30',
    });
  });

  it('requests the invoice on the last renew day before expiration', () => {
    expect(planTerm({ expirationDate: '2027-06-30', scheduledOn: '2027-01-01', renewDay: 5 }, policy).invoiceOn).toBe('2027-06-05');
    expect(planTerm({ expirationDate: '2027-03-03', scheduledOn: '2027-01-01', renewDay: 30 }, policy).invoiceOn).toBe('2027-02-28');
  });

  it('skips reminders already past when scheduled, and bills now when the billing date has passed', () => {
    const plan = planTerm({ expirationDate: '2027-02-28', scheduledOn: '2027-02-25' }, policy);
    expect(plan.reminder40On).toBeUndefined();
    expect(plan.reminder15On).toBeUndefined();
    expect(plan.invoiceOn).toBe('2027-02-25');
  });

  it('gives a term billed on its expiration day that day to be paid before it lapses', () => {
    expect(planTerm({ expirationDate: '2027-06-05', scheduledOn: '2027-01-01', renewDay: 5 }, policy).lapseOn).toBe('2027-06-06');
  });

  it('plans neither reminders nor an invoice for a term that is not renewed', () => {
    const plan = planTerm({ expirationDate: '2027-06-30', scheduledOn: '2027-01-01', notRenewed: 'deleteAtExpiration' }, policy);
    expect(plan).toMatchObject({ expireOn: '2027-06-30' });
    expect(plan.reminder40On).toBeUndefined();
    expect(plan.invoiceOn).toBeUndefined();
  });
});

describe('which terms renew', () => {
  it('renews automatic and manual services', () => {
    expect(notRenewedReason(automatic, '2027-06-30')).toBeUndefined();
    expect(notRenewedReason({ renewMode: 'manual', legacy: false }, '2027-06-30')).toBeUndefined();
  });
  it('does not renew deleteAtExpiration, a pending termination, or a legacy contract not accepted', () => {
    expect(notRenewedReason({ renewMode: 'deleteAtExpiration', legacy: false }, '2027-06-30')).toBe('deleteAtExpiration');
    expect(notRenewedReason({ ...automatic, terminationDate: '2027-06-30' }, '2027-06-30')).toBe('terminationRequested');
    expect(notRenewedReason({ renewMode: 'manual', legacy: true }, '2027-06-30')).toBe('contractNotAccepted');
  });
  it('renews until a termination at the end of a longer engagement', () => {
    expect(notRenewedReason({ ...automatic, terminationDate: '2028-06-30' }, '2027-06-30')).toBeUndefined();
  });
});

describe('reminder wording', () => {
  it('says "we will charge" for automatic renewals and "please pay" for manual ones', () => {
    expect(reminderWording(automatic, false, 15)).toEqual({ renewMode: 'automatic', wordingKey: 'renewal.reminder.automatic' });
    expect(reminderWording({ renewMode: 'manual', legacy: false }, false, 40)).toEqual({ renewMode: 'manual', wordingKey: 'renewal.reminder.manual' });
  });
  it('announces a new price in the 40-day reminder', () => {
    expect(reminderWording(automatic, true, 40)).toEqual({ renewMode: 'automatic', wordingKey: 'renewal.reminder.priceChange' });
  });
});

describe('the next step', () => {
  const plan = planTerm({ expirationDate: '2027-06-30', scheduledOn: '2027-01-01' }, policy);
  it('goes reminder 40 → reminder 15 → invoice', () => {
    expect(nextStep(plan, { status: 'scheduled', remindersSent: [] }, undefined, '2027-05-01')).toEqual({ step: 'reminder40', dueOn: '2027-05-21' });
    expect(nextStep(plan, { status: 'reminded', remindersSent: [40] }, undefined, '2027-05-21')).toEqual({ step: 'reminder15', dueOn: '2027-06-15' });
    expect(nextStep(plan, { status: 'reminded', remindersSent: [40, 15] }, undefined, '2027-06-15')).toEqual({ step: 'invoice', dueOn: '2027-06-23' });
  });
  it('skips a 40-day reminder that is too late to be worth sending', () => {
    expect(nextStep(plan, { status: 'scheduled', remindersSent: [] }, undefined, '2027-06-20')).toEqual({ step: 'reminder15', dueOn: '2027-06-15' });
  });
  it('runs dunning: retry, lapse, deadline, grace period end', () => {
    expect(nextStep(plan, { status: 'invoiceRequested', remindersSent: [40, 15], nextRetry: { attempt: 2, retryOn: '2027-06-24' } }, undefined, '2027-06-23')).toEqual({
      step: 'paymentRetry',
      dueOn: '2027-06-24',
    });
    expect(nextStep(plan, { status: 'invoiceRequested', remindersSent: [40, 15] }, undefined, '2027-06-23')).toEqual({ step: 'lapse', dueOn: '2027-06-30' });
    expect(nextStep(plan, { status: 'lapsed', remindersSent: [] }, undefined, '2027-06-30')).toEqual({ step: 'paymentDeadline', dueOn: '2027-07-07' });
    expect(nextStep(plan, { status: 'suspended', remindersSent: [] }, undefined, '2027-07-07')).toEqual({ step: 'gracePeriodEnd', dueOn: '2027-07-30' });
    expect(nextStep(plan, { status: 'renewed', remindersSent: [] }, undefined, '2027-07-07')).toBeUndefined();
  });
  it('ends a term that is not renewed at its expiration', () => {
    const ending = planTerm({ expirationDate: '2027-06-30', scheduledOn: '2027-01-01', notRenewed: 'deleteAtExpiration' }, policy);
    expect(nextStep(ending, { status: 'scheduled', remindersSent: [] }, 'deleteAtExpiration', '2027-05-01')).toEqual({ step: 'expiration', dueOn: '2027-06-30' });
  });
  it('charges no more a term the customer chose not to renew after a failed attempt: it ends at its expiration', () => {
    const ending = planTerm({ expirationDate: '2027-06-30', scheduledOn: '2027-01-01', notRenewed: 'terminationRequested' }, policy);
    const dunned = { status: 'invoiceRequested', remindersSent: [40, 15], nextRetry: { attempt: 2, retryOn: '2027-06-24' } } as const;
    expect(nextStep(ending, dunned, 'terminationRequested', '2027-06-23')).toEqual({ step: 'expiration', dueOn: '2027-06-30' });
  });
});
