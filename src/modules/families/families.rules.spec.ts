import type { Actor } from '../../common/actor.js';
import { Role } from '../../common/enums.js';
import { consentActiveAt, familyAccess, leadsOrAdministers, mayUseFamilies } from './families.rules.js';

const actor = (roles: Role[], id = 'u1', agencyId: string | null = null): Actor => ({
  id,
  roles: new Set(roles),
  agencyId,
  requestId: 'r',
  tokenId: 't',
  tokenExpiresAt: new Date(),
});

describe('family access rules', () => {
  const family = { leadProfessionalId: 'lead' };

  it('gives admins and the current lead professional full access', () => {
    expect(familyAccess(actor([Role.ADMIN]), family, false)).toBe('FULL');
    expect(familyAccess(actor([Role.LEAD_PROFESSIONAL], 'lead'), family, false)).toBe('FULL');
    expect(leadsOrAdministers(actor([Role.LEAD_PROFESSIONAL], 'lead'), family)).toBe(true);
  });

  it('gives other lead professionals nothing, including a previous lead after handover', () => {
    expect(familyAccess(actor([Role.LEAD_PROFESSIONAL], 'previous'), family, false)).toBeNull();
    expect(leadsOrAdministers(actor([Role.LEAD_PROFESSIONAL], 'previous'), family)).toBe(false);
  });

  it('gives agency staff limited access only through a sent referral of their agency', () => {
    expect(familyAccess(actor([Role.AGENCY_STAFF], 's', 'agency'), family, false)).toBeNull();
    expect(familyAccess(actor([Role.AGENCY_STAFF], 's', 'agency'), family, true)).toBe('LIMITED');
    expect(familyAccess(actor([Role.AGENCY_STAFF], 's', null), family, true)).toBeNull();
  });

  it('keeps board members away from families', () => {
    expect(mayUseFamilies(actor([Role.BOARD_MEMBER]))).toBe(false);
    expect(familyAccess(actor([Role.BOARD_MEMBER]), family, true)).toBeNull();
    expect(mayUseFamilies(actor([Role.BOARD_MEMBER, Role.LEAD_PROFESSIONAL]))).toBe(true);
  });
});

describe('consent activity', () => {
  const at = new Date('2025-06-01T12:00:00Z');
  const given = new Date('2025-05-01T00:00:00Z');

  it('is active once given, until withdrawn or expired', () => {
    expect(consentActiveAt({ givenAt: given, expiresAt: null, withdrawnAt: null }, at)).toBe(true);
    expect(
      consentActiveAt({ givenAt: new Date('2025-06-02T00:00:00Z'), expiresAt: null, withdrawnAt: null }, at),
    ).toBe(false);
    expect(
      consentActiveAt({ givenAt: given, expiresAt: new Date('2025-06-01T12:00:00Z'), withdrawnAt: null }, at),
    ).toBe(false);
    expect(
      consentActiveAt({ givenAt: given, expiresAt: new Date('2025-06-01T12:00:01Z'), withdrawnAt: null }, at),
    ).toBe(true);
    expect(
      consentActiveAt({ givenAt: given, expiresAt: null, withdrawnAt: new Date('2025-05-31T00:00:00Z') }, at),
    ).toBe(false);
    expect(
      consentActiveAt({ givenAt: given, expiresAt: null, withdrawnAt: new Date('2025-06-02T00:00:00Z') }, at),
    ).toBe(true);
  });
});
