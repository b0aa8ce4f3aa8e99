// Every migration, oldest first. Listed here (not globbed) so the same list works
// compiled, under Jest and in the CLI scripts.
import { InitialSchema1795370600977 } from '../../migrations/1795370600977-InitialSchema.js';
import { SearchSequencesAndAuditGuard1795370601977 } from '../../migrations/1795370601977-SearchSequencesAndAuditGuard.js';
import { FamilyMemberEntryOrder1795371244111 } from '../../migrations/1795371244111-FamilyMemberEntryOrder.js';
import { OpenWaitIndex1795373021815 } from '../../migrations/1795373021815-OpenWaitIndex.js';
import { ReferenceNumbers1795375303232 } from '../../migrations/1795375303232-ReferenceNumbers.js';
import { DirectoryChangeNotifications1795378360543 } from '../../migrations/1795378360543-DirectoryChangeNotifications.js';
import { DecidedIndexCoversStatus1795380025420 } from '../../migrations/1795380025420-DecidedIndexCoversStatus.js';
import { PreviousReceipts1795383431283 } from '../../migrations/1795383431283-PreviousReceipts.js';
import { ReferralsVacuumForIndexOnlyScans1795396000000 } from '../../migrations/1795396000000-ReferralsVacuumForIndexOnlyScans.js';
import { InboxOrderIndex1795416798276 } from '../../migrations/1795416798276-InboxOrderIndex.js';
import { AccessChangeNotifications1795433698833 } from '../../migrations/1795433698833-AccessChangeNotifications.js';
import { DropFamilyCreatedIndex1796545938000 } from '../../migrations/1796545938000-DropFamilyCreatedIndex.js';
import { PartialReferralIndexes1796554890320 } from '../../migrations/1796554890320-PartialReferralIndexes.js';

export const MIGRATIONS: Function[] = [
  InitialSchema1795370600977,
  SearchSequencesAndAuditGuard1795370601977,
  FamilyMemberEntryOrder1795371244111,
  OpenWaitIndex1795373021815,
  ReferenceNumbers1795375303232,
  DirectoryChangeNotifications1795378360543,
  DecidedIndexCoversStatus1795380025420,
  PreviousReceipts1795383431283,
  ReferralsVacuumForIndexOnlyScans1795396000000,
  InboxOrderIndex1795416798276,
  AccessChangeNotifications1795433698833,
  DropFamilyCreatedIndex1796545938000,
  PartialReferralIndexes1796554890320,
];
