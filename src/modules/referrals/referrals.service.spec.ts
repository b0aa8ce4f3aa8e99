import { Urgency } from '../../common/enums.js';
import { DomainError, ErrorCode, forbidden } from '../../common/errors.js';
import { itemError, normaliseRequest, requestHash } from './referrals.service.js';

const SERVICE = '3f1c2b7a-9d4e-4c1a-8b2f-0a1b2c3d4e5f';

describe('support package item errors', () => {
  it('names the item by index and service, keeping the code and the rule details', () => {
    const wrapped = itemError(
      new DomainError(ErrorCode.NOT_ELIGIBLE, 'The service is not accepting referrals', {
        rule: 'NOT_ACCEPTING',
      }),
      2,
      SERVICE,
    ) as DomainError;
    expect(wrapped.code).toBe(ErrorCode.NOT_ELIGIBLE);
    expect(wrapped.message).toBe(`items[2] (service ${SERVICE}): The service is not accepting referrals`);
    expect(wrapped.details).toEqual({ rule: 'NOT_ACCEPTING', itemIndex: 2, serviceId: SERVICE });
  });

  it('does not repeat a service id that is not an id, and leaves access errors alone', () => {
    const wrapped = itemError(
      new DomainError(ErrorCode.BAD_USER_INPUT, 'bad'),
      0,
      'Robert Smith',
    ) as DomainError;
    expect(wrapped.message).not.toContain('Robert');
    expect(wrapped.details).toMatchObject({ serviceId: 'unknown' });
    const denied = forbidden();
    expect(itemError(denied, 1, SERVICE)).toBe(denied);
    const crash = new Error('boom');
    expect(itemError(crash, 1, SERVICE)).toBe(crash);
  });
});

describe('idempotency payload hash', () => {
  const base = { serviceId: SERVICE, childIds: ['b', 'a'], reason: ' Speech delay ' };

  it('ignores what normalisation removes: whitespace, child order and duplicates, the default urgency', () => {
    const a = normaliseRequest(base);
    const b = normaliseRequest({
      ...base,
      childIds: ['a', 'b', 'a'],
      reason: 'Speech delay',
      urgency: Urgency.ROUTINE,
    });
    expect(a).toEqual({
      serviceId: SERVICE,
      childIds: ['a', 'b'],
      reason: 'Speech delay',
      urgency: Urgency.ROUTINE,
      shareWithoutConsentReason: null,
    });
    expect(requestHash(a)).toBe(requestHash(b));
  });

  it('changes with anything that changes the request', () => {
    const h = requestHash(normaliseRequest(base));
    expect(requestHash(normaliseRequest({ ...base, urgency: Urgency.URGENT }))).not.toBe(h);
    expect(requestHash(normaliseRequest({ ...base, childIds: ['a'] }))).not.toBe(h);
    expect(requestHash(normaliseRequest({ ...base, shareWithoutConsentReason: 'risk' }))).not.toBe(h);
  });
});
