import type { Actor } from '../../common/actor.js';
import { ConsentScope, MemberRole, ReferralStatus, Role } from '../../common/enums.js';
import {
  canTransition,
  childrenProblem,
  consentCovers,
  eligibilityProblem,
  latestStamp,
  mayAct,
  maySeeReferral,
  nextStatuses,
  type ReferralAction,
  stampInOrder,
  TRANSITIONS,
  visibleThroughFamily,
  waitingDays,
} from './referrals.rules.js';

const S = ReferralStatus;
const actor = (id: string, roles: Role[], agencyId: string | null = null): Actor => ({
  id,
  roles: new Set(roles),
  agencyId,
  requestId: 'r',
  tokenId: 't',
  tokenExpiresAt: new Date(),
});

describe('referral state machine', () => {
  const table: [ReferralAction, ReferralStatus[], ReferralStatus][] = [
    ['send', [S.DRAFT], S.SENT],
    ['accept', [S.SENT], S.ACCEPTED],
    ['decline', [S.SENT], S.DECLINED],
    ['start', [S.ACCEPTED], S.STARTED],
    ['complete', [S.STARTED], S.COMPLETED],
    ['withdraw', [S.DRAFT, S.SENT, S.ACCEPTED], S.WITHDRAWN],
  ];

  it.each(table)('%s goes from %j to %s and from nowhere else', (action, from, to) => {
    expect(TRANSITIONS[action].to).toBe(to);
    for (const status of Object.values(S)) {
      expect(canTransition(status, action)).toBe(from.includes(status));
    }
  });

  it('has no way out of the end states', () => {
    for (const end of [S.DECLINED, S.COMPLETED, S.WITHDRAWN]) expect(nextStatuses(end)).toEqual([]);
    expect(nextStatuses(S.SENT).sort()).toEqual([S.ACCEPTED, S.DECLINED, S.WITHDRAWN].sort());
    expect(nextStatuses(S.STARTED)).toEqual([S.COMPLETED]);
  });

  it('assigns agency decisions to the agency side and send/withdraw to the referring side', () => {
    expect(
      ['accept', 'decline', 'start', 'complete'].map((a) => TRANSITIONS[a as ReferralAction].side),
    ).toEqual(['AGENCY', 'AGENCY', 'AGENCY', 'AGENCY']);
    expect(TRANSITIONS.send.side).toBe('LEAD');
    expect(TRANSITIONS.withdraw.side).toBe('LEAD');
  });

  it('stamps the clock columns in order', () => {
    expect(TRANSITIONS.send.stamp).toBe('received_at');
    expect(TRANSITIONS.accept.stamp).toBe('decided_at');
    expect(TRANSITIONS.decline.stamp).toBe('decided_at');
    expect(TRANSITIONS.start.stamp).toBe('started_at');
    expect(TRANSITIONS.complete.stamp).toBe('closed_at');
    expect(TRANSITIONS.withdraw.stamp).toBe('closed_at');
    expect(TRANSITIONS.decline.note).toBe('decline_reason');
    expect(TRANSITIONS.complete.note).toBe('outcome');
    expect(TRANSITIONS.withdraw.note).toBe('withdraw_reason');
  });
});

describe('stamp order', () => {
  const t = (iso: string) => new Date(iso);
  const none = { receivedAt: null, decidedAt: null, startedAt: null, closedAt: null };

  it('lets a send be dated at any past time', () => {
    expect(latestStamp(none)).toBeNull();
    expect(stampInOrder(none, t('2000-01-01T00:00:00Z'))).toBe(true);
  });

  it('refuses a stamp before the latest one and allows an equal one', () => {
    const clock = { ...none, receivedAt: t('2025-04-01T09:00:00Z'), decidedAt: t('2025-04-02T09:00:00Z') };
    expect(latestStamp(clock)).toEqual({ column: 'decided_at', at: t('2025-04-02T09:00:00Z') });
    expect(stampInOrder(clock, t('2025-04-02T08:59:59.999Z'))).toBe(false);
    expect(stampInOrder(clock, t('2025-04-02T09:00:00Z'))).toBe(true);
  });
});

describe('who sees and who acts', () => {
  const family = { leadProfessionalId: 'lead' };
  const sent = { agencyId: 'ag1', referredById: 'ref', status: S.SENT };
  const draft = { ...sent, status: S.DRAFT };

  it('shows a referral to the lead, the referrer, admins and the receiving agency once sent', () => {
    expect(maySeeReferral(actor('lead', [Role.LEAD_PROFESSIONAL]), draft, family)).toBe(true);
    expect(maySeeReferral(actor('ref', [Role.LEAD_PROFESSIONAL]), draft, family)).toBe(true);
    expect(maySeeReferral(actor('adm', [Role.ADMIN]), draft, family)).toBe(true);
    expect(maySeeReferral(actor('st', [Role.AGENCY_STAFF], 'ag1'), sent, family)).toBe(true);
    expect(maySeeReferral(actor('st', [Role.AGENCY_STAFF], 'ag1'), draft, family)).toBe(false);
    expect(maySeeReferral(actor('st', [Role.AGENCY_STAFF], 'ag2'), sent, family)).toBe(false);
    expect(maySeeReferral(actor('other', [Role.LEAD_PROFESSIONAL]), sent, family)).toBe(false);
    expect(maySeeReferral(actor('board', [Role.BOARD_MEMBER]), sent, family)).toBe(false);
  });

  it('gives agency decisions to the receiving agency and send/withdraw to the lead or referrer', () => {
    const staff = actor('st', [Role.AGENCY_STAFF], 'ag1');
    const lead = actor('lead', [Role.LEAD_PROFESSIONAL]);
    const referrer = actor('ref', [Role.LEAD_PROFESSIONAL]);
    const admin = actor('adm', [Role.ADMIN]);
    expect(mayAct(staff, 'AGENCY', sent, family)).toBe(true);
    expect(mayAct(actor('st2', [Role.AGENCY_STAFF], 'ag2'), 'AGENCY', sent, family)).toBe(false);
    expect(mayAct(lead, 'AGENCY', sent, family)).toBe(false);
    expect(mayAct(admin, 'AGENCY', sent, family)).toBe(true);
    expect(mayAct(lead, 'LEAD', sent, family)).toBe(true);
    expect(mayAct(referrer, 'LEAD', sent, family)).toBe(true);
    expect(mayAct(staff, 'LEAD', sent, family)).toBe(false);
    expect(mayAct(admin, 'LEAD', sent, family)).toBe(true);
  });

  it('filters referrals seen through a family by access level', () => {
    const staff = actor('st', [Role.AGENCY_STAFF], 'ag1');
    expect(visibleThroughFamily(staff, 'LIMITED', sent)).toBe(true);
    expect(visibleThroughFamily(staff, 'LIMITED', draft)).toBe(false);
    expect(visibleThroughFamily(staff, 'LIMITED', { ...sent, agencyId: 'ag2' })).toBe(false);
    expect(visibleThroughFamily(actor('ref', [Role.LEAD_PROFESSIONAL]), 'LIMITED', draft)).toBe(true);
    expect(visibleThroughFamily(actor('x', [Role.LEAD_PROFESSIONAL]), 'LIMITED', sent)).toBe(false);
    expect(visibleThroughFamily(actor('x', [Role.ADMIN]), 'FULL', draft)).toBe(true);
  });
});

describe('eligibility', () => {
  const service = { acceptingReferrals: true, minAgeYears: 2, maxAgeYears: 5, areaIds: [] as string[] };

  it('requires named CHILD members of this family', () => {
    const members = [
      { id: 'c1', familyId: 'f1', role: MemberRole.CHILD, dateOfBirth: null },
      { id: 'p1', familyId: 'f1', role: MemberRole.PARENT_CARER, dateOfBirth: null },
      { id: 'c2', familyId: 'f2', role: MemberRole.CHILD, dateOfBirth: null },
    ];
    expect(childrenProblem('f1', ['c1'], members)).toBeNull();
    expect(childrenProblem('f1', [], members)).toBe('NONE_NAMED');
    expect(childrenProblem('f1', ['c1', 'p1'], members)).toBe('NOT_A_CHILD_OF_FAMILY');
    expect(childrenProblem('f1', ['c2'], members)).toBe('NOT_A_CHILD_OF_FAMILY');
    expect(childrenProblem('f1', ['missing'], members)).toBe('NOT_A_CHILD_OF_FAMILY');
  });

  it('refuses a service that is not accepting referrals', () => {
    expect(eligibilityProblem({ ...service, acceptingReferrals: false }, 'a1', [], '2025-04-01')).toEqual({
      rule: 'NOT_ACCEPTING',
    });
  });

  it("requires the family's area among the service's areas unless offered everywhere", () => {
    expect(eligibilityProblem({ ...service, areaIds: ['a2'] }, 'a1', [], '2025-04-01')).toEqual({
      rule: 'AREA',
    });
    expect(eligibilityProblem({ ...service, areaIds: ['a2', 'a1'] }, 'a1', [], '2025-04-01')).toBeNull();
    expect(eligibilityProblem(service, 'a1', [], '2025-04-01')).toBeNull();
  });

  it('checks age in whole years on the given date, at both ends of the range', () => {
    const child = (dateOfBirth: string | null) => [{ dateOfBirth }];
    // Turns 2 on 2025-04-01.
    expect(eligibilityProblem(service, 'a1', child('2023-04-01'), '2025-03-31')).toEqual({
      rule: 'AGE',
      childIndex: 0,
    });
    expect(eligibilityProblem(service, 'a1', child('2023-04-01'), '2025-04-01')).toBeNull();
    // Turns 6 on 2025-04-01: 5 the day before, too old on the day.
    expect(eligibilityProblem(service, 'a1', child('2019-04-01'), '2025-03-31')).toBeNull();
    expect(eligibilityProblem(service, 'a1', child('2019-04-01'), '2025-04-01')).toEqual({
      rule: 'AGE',
      childIndex: 0,
    });
    expect(eligibilityProblem(service, 'a1', child(null), '2025-04-01')).toBeNull();
    expect(
      eligibilityProblem(
        service,
        'a1',
        [{ dateOfBirth: '2022-01-01' }, { dateOfBirth: '2010-01-01' }],
        '2025-04-01',
      ),
    ).toEqual({ rule: 'AGE', childIndex: 1 });
    expect(
      eligibilityProblem(
        { ...service, minAgeYears: null, maxAgeYears: null },
        'a1',
        child('2010-01-01'),
        '2025-04-01',
      ),
    ).toBeNull();
  });
});

describe('consent coverage', () => {
  const at = new Date('2025-04-10T12:00:00Z');
  const base = {
    givenAt: new Date('2025-04-01T00:00:00Z'),
    expiresAt: null,
    withdrawnAt: null,
    scope: ConsentScope.ALL_PARTNERS,
    agencyIds: [] as string[],
  };

  it('accepts an active all-partners consent or one naming the agency', () => {
    expect(consentCovers([base], 'ag1', at)).toBe(true);
    expect(
      consentCovers([{ ...base, scope: ConsentScope.SPECIFIC_AGENCIES, agencyIds: ['ag1'] }], 'ag1', at),
    ).toBe(true);
  });

  it('refuses none, another agency, expired, withdrawn before, or given after the send time', () => {
    expect(consentCovers([], 'ag1', at)).toBe(false);
    expect(
      consentCovers([{ ...base, scope: ConsentScope.SPECIFIC_AGENCIES, agencyIds: ['ag2'] }], 'ag1', at),
    ).toBe(false);
    expect(consentCovers([{ ...base, expiresAt: new Date('2025-04-10T11:59:59Z') }], 'ag1', at)).toBe(false);
    expect(consentCovers([{ ...base, withdrawnAt: new Date('2025-04-09T00:00:00Z') }], 'ag1', at)).toBe(
      false,
    );
    expect(consentCovers([{ ...base, givenAt: new Date('2025-04-11T00:00:00Z') }], 'ag1', at)).toBe(false);
    // Withdrawn after the (back-dated) send: it still covered the send.
    expect(consentCovers([{ ...base, withdrawnAt: new Date('2025-04-11T00:00:00Z') }], 'ag1', at)).toBe(true);
  });
});

describe('waiting days', () => {
  const tz = 'Europe/London';
  const now = new Date('2025-04-20T10:00:00Z');

  it('counts calendar days in the reporting zone from receipt to start', () => {
    const r = {
      status: S.STARTED,
      receivedAt: new Date('2025-03-30T23:30:00Z'), // 31 March 00:30 in London (BST)
      startedAt: new Date('2025-04-02T08:00:00Z'),
    };
    expect(waitingDays(r, now, tz)).toBe(2);
    expect(waitingDays({ ...r, status: S.COMPLETED }, now, tz)).toBe(2);
  });

  it('counts to today while waiting and is null for drafts and ends without a start', () => {
    const received = new Date('2025-04-10T09:00:00Z');
    expect(waitingDays({ status: S.SENT, receivedAt: received, startedAt: null }, now, tz)).toBe(10);
    expect(waitingDays({ status: S.ACCEPTED, receivedAt: received, startedAt: null }, now, tz)).toBe(10);
    expect(waitingDays({ status: S.DRAFT, receivedAt: null, startedAt: null }, now, tz)).toBeNull();
    expect(waitingDays({ status: S.DECLINED, receivedAt: received, startedAt: null }, now, tz)).toBeNull();
    expect(waitingDays({ status: S.WITHDRAWN, receivedAt: received, startedAt: null }, now, tz)).toBeNull();
    expect(waitingDays({ status: S.WITHDRAWN, receivedAt: null, startedAt: null }, now, tz)).toBeNull();
  });
});
