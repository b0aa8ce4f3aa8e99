import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795370600977 implements MigrationInterface {
  name = 'InitialSchema1795370600977';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "idempotency_keys" ("user_id" uuid NOT NULL, "operation" text NOT NULL, "key" text NOT NULL, "request_hash" text NOT NULL, "result_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6c0bc2304276fa86c9c82d41569" PRIMARY KEY ("user_id", "operation", "key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "audit_events" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_id" uuid, "action" text NOT NULL, "entity_type" text NOT NULL, "entity_id" text, "request_id" text, "details" jsonb, CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "audit_events_actor_idx" ON "audit_events"  ("actor_id", "id") `);
    await queryRunner.query(`CREATE INDEX "audit_events_entity_idx" ON "audit_events"  ("entity_id", "id") `);
    await queryRunner.query(
      `CREATE TABLE "login_failures" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "account_key" text NOT NULL, "client_address" text NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8211e8ec810fd7f976b98ce97a0" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "login_failures_address_idx" ON "login_failures"  ("client_address", "at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "login_failures_account_idx" ON "login_failures"  ("account_key", "at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "revoked_tokens" ("jti" uuid NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_b18aa48269f87cafba8c6310624" PRIMARY KEY ("jti"))`,
    );
    await queryRunner.query(`CREATE INDEX "revoked_tokens_expires_idx" ON "revoked_tokens"  ("expires_at") `);
    await queryRunner.query(
      `CREATE TYPE "public"."agency_kind" AS ENUM('HEALTH', 'SOCIAL_CARE', 'EDUCATION', 'EARLY_YEARS', 'POLICE', 'HOUSING', 'VOLUNTARY', 'LOCAL_AUTHORITY', 'OTHER')`,
    );
    await queryRunner.query(
      `CREATE TABLE "agencies" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "kind" "public"."agency_kind" NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8ab1f1f53f56c8255b0d7e68b28" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "areas" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" text NOT NULL, "name" text NOT NULL, "child_population" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_1ce4e4f7cd8d820081bc74aa16c" UNIQUE ("code"), CONSTRAINT "PK_5110493f6342f34c978c084d0d6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "services" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "agency_id" uuid NOT NULL, "name" text NOT NULL, "description" text, "category" text NOT NULL, "min_age_years" integer, "max_age_years" integer, "waiting_time_target_days" integer NOT NULL, "accepting_referrals" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ba2d347a3168a296416c6c5ccb2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "services_agency_idx" ON "services"  ("agency_id") `);
    await queryRunner.query(
      `CREATE TYPE "public"."user_role" AS ENUM('ADMIN', 'LEAD_PROFESSIONAL', 'AGENCY_STAFF', 'BOARD_MEMBER')`,
    );
    await queryRunner.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "name" text NOT NULL, "password_hash" text NOT NULL, "roles" "public"."user_role" array NOT NULL, "agency_id" uuid, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "users_email_key" ON "users"  ("email") `);
    await queryRunner.query(
      `CREATE TABLE "families" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference" text NOT NULL, "name" text NOT NULL, "area_id" uuid NOT NULL, "lead_professional_id" uuid, "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_70414ac0c8f45664cf71324b9bb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "families_reference_key" ON "families"  ("reference") `);
    await queryRunner.query(`CREATE INDEX "families_area_idx" ON "families"  ("area_id") `);
    await queryRunner.query(
      `CREATE INDEX "families_lead_professional_idx" ON "families"  ("lead_professional_id") `,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."member_role" AS ENUM('CHILD', 'PARENT_CARER', 'OTHER_ADULT')`,
    );
    await queryRunner.query(
      `CREATE TABLE "family_members" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "family_id" uuid NOT NULL, "given_name" text NOT NULL, "family_name" text NOT NULL, "date_of_birth" date, "role" "public"."member_role" NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_186da7c7fcbf23775fdd888a747" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "family_members_family_idx" ON "family_members"  ("family_id") `);
    await queryRunner.query(
      `CREATE TYPE "public"."consent_scope" AS ENUM('ALL_PARTNERS', 'SPECIFIC_AGENCIES')`,
    );
    await queryRunner.query(
      `CREATE TABLE "consents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "family_id" uuid NOT NULL, "given_by_member_id" uuid NOT NULL, "scope" "public"."consent_scope" NOT NULL, "purpose" text NOT NULL, "given_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE, "withdrawn_at" TIMESTAMP WITH TIME ZONE, "recorded_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9efc68eb6aba7d638fb6ea034dd" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "consents_family_idx" ON "consents"  ("family_id") `);
    await queryRunner.query(
      `CREATE TABLE "lead_professional_assignments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "family_id" uuid NOT NULL, "user_id" uuid NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, "reason" text, "assigned_by_id" uuid NOT NULL, CONSTRAINT "PK_495dd3096b808d308f86f74941e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "lead_professional_assignments_user_idx" ON "lead_professional_assignments"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "lead_professional_assignments_family_idx" ON "lead_professional_assignments"  ("family_id", "started_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "lead_professional_assignments_one_open_key" ON "lead_professional_assignments"  ("family_id") WHERE "ended_at" IS NULL`,
    );
    await queryRunner.query(`CREATE TYPE "public"."package_status" AS ENUM('ACTIVE', 'CLOSED')`);
    await queryRunner.query(
      `CREATE TABLE "support_packages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "family_id" uuid NOT NULL, "lead_professional_id" uuid NOT NULL, "goals" text array NOT NULL, "status" "public"."package_status" NOT NULL DEFAULT 'ACTIVE', "review_date" date, "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "closed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_8760c42340681820c9a4e691361" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "support_packages_family_idx" ON "support_packages"  ("family_id") `,
    );
    await queryRunner.query(`CREATE TYPE "public"."urgency" AS ENUM('ROUTINE', 'URGENT')`);
    await queryRunner.query(
      `CREATE TYPE "public"."referral_status" AS ENUM('DRAFT', 'SENT', 'ACCEPTED', 'DECLINED', 'STARTED', 'COMPLETED', 'WITHDRAWN')`,
    );
    await queryRunner.query(
      `CREATE TABLE "referrals" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference" text NOT NULL, "family_id" uuid NOT NULL, "service_id" uuid NOT NULL, "agency_id" uuid NOT NULL, "referred_by_id" uuid NOT NULL, "package_id" uuid, "reason" text NOT NULL, "urgency" "public"."urgency" NOT NULL DEFAULT 'ROUTINE', "status" "public"."referral_status" NOT NULL DEFAULT 'DRAFT', "version" integer NOT NULL DEFAULT '1', "shared_without_consent" boolean NOT NULL DEFAULT false, "share_without_consent_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "received_at" TIMESTAMP WITH TIME ZONE, "decided_at" TIMESTAMP WITH TIME ZONE, "decline_reason" text, "started_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "outcome" text, "withdraw_reason" text, CONSTRAINT "PK_ea9980e34f738b6252817326c08" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "referrals_reference_key" ON "referrals"  ("reference") `);
    await queryRunner.query(`CREATE INDEX "referrals_referred_by_idx" ON "referrals"  ("referred_by_id") `);
    await queryRunner.query(`CREATE INDEX "referrals_package_idx" ON "referrals"  ("package_id") `);
    await queryRunner.query(`CREATE INDEX "referrals_service_idx" ON "referrals"  ("service_id") `);
    await queryRunner.query(`CREATE INDEX "referrals_started_idx" ON "referrals"  ("started_at") `);
    await queryRunner.query(`CREATE INDEX "referrals_decided_idx" ON "referrals"  ("decided_at") `);
    await queryRunner.query(`CREATE INDEX "referrals_received_idx" ON "referrals"  ("received_at") `);
    await queryRunner.query(
      `CREATE INDEX "referrals_family_idx" ON "referrals"  ("family_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "referrals_family_agency_received_idx" ON "referrals"  ("family_id", "agency_id", "received_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "referrals_inbox_idx" ON "referrals"  ("agency_id", "status", "urgency", "received_at", "id") `,
    );
    // referral_events.status shares the referral_status type created above.
    await queryRunner.query(
      `CREATE TABLE "referral_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "referral_id" uuid NOT NULL, "status" "public"."referral_status" NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_id" uuid NOT NULL, "note" text, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_850a7d8ea24a8e90aba261d0190" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "referral_events_referral_idx" ON "referral_events"  ("referral_id", "at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "service_areas" ("service_id" uuid NOT NULL, "area_id" uuid NOT NULL, CONSTRAINT "PK_3e00dc5d547ec936d6f3ec796dc" PRIMARY KEY ("service_id", "area_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_fef87c3e583460839931419c4a" ON "service_areas"  ("service_id") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_491f497e393e20c4e59858f372" ON "service_areas"  ("area_id") `);
    await queryRunner.query(
      `CREATE TABLE "consent_agencies" ("consent_id" uuid NOT NULL, "agency_id" uuid NOT NULL, CONSTRAINT "PK_cbd37e3479ad0914798434929a1" PRIMARY KEY ("consent_id", "agency_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_6a1fb23536a0f7685b3f60583d" ON "consent_agencies"  ("consent_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_54904c24f2e258a9a603b958f8" ON "consent_agencies"  ("agency_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "referral_children" ("referral_id" uuid NOT NULL, "member_id" uuid NOT NULL, CONSTRAINT "PK_7c065d789ac4fd79abad62acbd0" PRIMARY KEY ("referral_id", "member_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_5b258b76a69c1d0a0fc359eea7" ON "referral_children"  ("referral_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_df314d751bbeefb9f65cdb6525" ON "referral_children"  ("member_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "services" ADD CONSTRAINT "FK_4c277553903a6a1862574810334" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "FK_6fdb3282cea9ba5877ab476aa76" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "families" ADD CONSTRAINT "FK_7e135267f2565733718f1795824" FOREIGN KEY ("area_id") REFERENCES "areas"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "families" ADD CONSTRAINT "FK_7ef631a960ed2e071078cd520fc" FOREIGN KEY ("lead_professional_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "families" ADD CONSTRAINT "FK_5764da4adc4bd021654b42c3b42" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "family_members" ADD CONSTRAINT "FK_0bb82eed69c26581e0884653814" FOREIGN KEY ("family_id") REFERENCES "families"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "consents" ADD CONSTRAINT "FK_ac92b1a6d72c81838064f913752" FOREIGN KEY ("family_id") REFERENCES "families"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "consents" ADD CONSTRAINT "FK_c32fe88b63077cf10fae9a7d542" FOREIGN KEY ("given_by_member_id") REFERENCES "family_members"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "consents" ADD CONSTRAINT "FK_71f0c92116ad94c7adacd3a6a59" FOREIGN KEY ("recorded_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "lead_professional_assignments" ADD CONSTRAINT "FK_ed4358ec1e62a6f247ab3ff4eab" FOREIGN KEY ("family_id") REFERENCES "families"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "lead_professional_assignments" ADD CONSTRAINT "FK_3bf430c41e0c5778267fad19852" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "lead_professional_assignments" ADD CONSTRAINT "FK_2cbf6f170094f7156205c005b33" FOREIGN KEY ("assigned_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "support_packages" ADD CONSTRAINT "FK_f8a8b7492bdca57a2ba2f831f4e" FOREIGN KEY ("family_id") REFERENCES "families"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "support_packages" ADD CONSTRAINT "FK_e829315a752d76b790d98b3a488" FOREIGN KEY ("lead_professional_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "referrals" ADD CONSTRAINT "FK_078bde76b28a548e503aead5014" FOREIGN KEY ("family_id") REFERENCES "families"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "referrals" ADD CONSTRAINT "FK_1e5955ff68578b56c55ea6ac939" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "referrals" ADD CONSTRAINT "FK_112ba17cc81b115755ee4d2c0e3" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "referrals" ADD CONSTRAINT "FK_e4a89973d1060a37af497571bb5" FOREIGN KEY ("referred_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "referrals" ADD CONSTRAINT "FK_19e0e485f7b0f0915cf73f2325b" FOREIGN KEY ("package_id") REFERENCES "support_packages"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "referral_events" ADD CONSTRAINT "FK_f784bd7780f323ff43ff4d9eadb" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "referral_events" ADD CONSTRAINT "FK_20a30cd6f670b7cbd4ebc70c4b5" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "service_areas" ADD CONSTRAINT "FK_fef87c3e583460839931419c4a5" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    await queryRunner.query(
      `ALTER TABLE "service_areas" ADD CONSTRAINT "FK_491f497e393e20c4e59858f3725" FOREIGN KEY ("area_id") REFERENCES "areas"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    await queryRunner.query(
      `ALTER TABLE "consent_agencies" ADD CONSTRAINT "FK_6a1fb23536a0f7685b3f60583d6" FOREIGN KEY ("consent_id") REFERENCES "consents"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    await queryRunner.query(
      `ALTER TABLE "consent_agencies" ADD CONSTRAINT "FK_54904c24f2e258a9a603b958f89" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    await queryRunner.query(
      `ALTER TABLE "referral_children" ADD CONSTRAINT "FK_5b258b76a69c1d0a0fc359eea70" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    await queryRunner.query(
      `ALTER TABLE "referral_children" ADD CONSTRAINT "FK_df314d751bbeefb9f65cdb65252" FOREIGN KEY ("member_id") REFERENCES "family_members"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "referral_children" DROP CONSTRAINT "FK_df314d751bbeefb9f65cdb65252"`,
    );
    await queryRunner.query(
      `ALTER TABLE "referral_children" DROP CONSTRAINT "FK_5b258b76a69c1d0a0fc359eea70"`,
    );
    await queryRunner.query(
      `ALTER TABLE "consent_agencies" DROP CONSTRAINT "FK_54904c24f2e258a9a603b958f89"`,
    );
    await queryRunner.query(
      `ALTER TABLE "consent_agencies" DROP CONSTRAINT "FK_6a1fb23536a0f7685b3f60583d6"`,
    );
    await queryRunner.query(`ALTER TABLE "service_areas" DROP CONSTRAINT "FK_491f497e393e20c4e59858f3725"`);
    await queryRunner.query(`ALTER TABLE "service_areas" DROP CONSTRAINT "FK_fef87c3e583460839931419c4a5"`);
    await queryRunner.query(`ALTER TABLE "referral_events" DROP CONSTRAINT "FK_20a30cd6f670b7cbd4ebc70c4b5"`);
    await queryRunner.query(`ALTER TABLE "referral_events" DROP CONSTRAINT "FK_f784bd7780f323ff43ff4d9eadb"`);
    await queryRunner.query(`ALTER TABLE "referrals" DROP CONSTRAINT "FK_19e0e485f7b0f0915cf73f2325b"`);
    await queryRunner.query(`ALTER TABLE "referrals" DROP CONSTRAINT "FK_e4a89973d1060a37af497571bb5"`);
    await queryRunner.query(`ALTER TABLE "referrals" DROP CONSTRAINT "FK_112ba17cc81b115755ee4d2c0e3"`);
    await queryRunner.query(`ALTER TABLE "referrals" DROP CONSTRAINT "FK_1e5955ff68578b56c55ea6ac939"`);
    await queryRunner.query(`ALTER TABLE "referrals" DROP CONSTRAINT "FK_078bde76b28a548e503aead5014"`);
    await queryRunner.query(
      `ALTER TABLE "support_packages" DROP CONSTRAINT "FK_e829315a752d76b790d98b3a488"`,
    );
    await queryRunner.query(
      `ALTER TABLE "support_packages" DROP CONSTRAINT "FK_f8a8b7492bdca57a2ba2f831f4e"`,
    );
    await queryRunner.query(
      `ALTER TABLE "lead_professional_assignments" DROP CONSTRAINT "FK_2cbf6f170094f7156205c005b33"`,
    );
    await queryRunner.query(
      `ALTER TABLE "lead_professional_assignments" DROP CONSTRAINT "FK_3bf430c41e0c5778267fad19852"`,
    );
    await queryRunner.query(
      `ALTER TABLE "lead_professional_assignments" DROP CONSTRAINT "FK_ed4358ec1e62a6f247ab3ff4eab"`,
    );
    await queryRunner.query(`ALTER TABLE "consents" DROP CONSTRAINT "FK_71f0c92116ad94c7adacd3a6a59"`);
    await queryRunner.query(`ALTER TABLE "consents" DROP CONSTRAINT "FK_c32fe88b63077cf10fae9a7d542"`);
    await queryRunner.query(`ALTER TABLE "consents" DROP CONSTRAINT "FK_ac92b1a6d72c81838064f913752"`);
    await queryRunner.query(`ALTER TABLE "family_members" DROP CONSTRAINT "FK_0bb82eed69c26581e0884653814"`);
    await queryRunner.query(`ALTER TABLE "families" DROP CONSTRAINT "FK_5764da4adc4bd021654b42c3b42"`);
    await queryRunner.query(`ALTER TABLE "families" DROP CONSTRAINT "FK_7ef631a960ed2e071078cd520fc"`);
    await queryRunner.query(`ALTER TABLE "families" DROP CONSTRAINT "FK_7e135267f2565733718f1795824"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "FK_6fdb3282cea9ba5877ab476aa76"`);
    await queryRunner.query(`ALTER TABLE "services" DROP CONSTRAINT "FK_4c277553903a6a1862574810334"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_df314d751bbeefb9f65cdb6525"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_5b258b76a69c1d0a0fc359eea7"`);
    await queryRunner.query(`DROP TABLE "referral_children"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_54904c24f2e258a9a603b958f8"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_6a1fb23536a0f7685b3f60583d"`);
    await queryRunner.query(`DROP TABLE "consent_agencies"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_491f497e393e20c4e59858f372"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_fef87c3e583460839931419c4a"`);
    await queryRunner.query(`DROP TABLE "service_areas"`);
    await queryRunner.query(`DROP INDEX "public"."referral_events_referral_idx"`);
    await queryRunner.query(`DROP TABLE "referral_events"`);
    await queryRunner.query(`DROP INDEX "public"."referrals_inbox_idx"`);
    await queryRunner.query(`DROP INDEX "public"."referrals_family_agency_received_idx"`);
    await queryRunner.query(`DROP INDEX "public"."referrals_family_idx"`);
    await queryRunner.query(`DROP INDEX "public"."referrals_received_idx"`);
    await queryRunner.query(`DROP INDEX "public"."referrals_decided_idx"`);
    await queryRunner.query(`DROP INDEX "public"."referrals_started_idx"`);
    await queryRunner.query(`DROP INDEX "public"."referrals_service_idx"`);
    await queryRunner.query(`DROP INDEX "public"."referrals_package_idx"`);
    await queryRunner.query(`DROP INDEX "public"."referrals_referred_by_idx"`);
    await queryRunner.query(`DROP INDEX "public"."referrals_reference_key"`);
    await queryRunner.query(`DROP TABLE "referrals"`);
    await queryRunner.query(`DROP TYPE "public"."referral_status"`);
    await queryRunner.query(`DROP TYPE "public"."urgency"`);
    await queryRunner.query(`DROP INDEX "public"."support_packages_family_idx"`);
    await queryRunner.query(`DROP TABLE "support_packages"`);
    await queryRunner.query(`DROP TYPE "public"."package_status"`);
    await queryRunner.query(`DROP INDEX "public"."lead_professional_assignments_one_open_key"`);
    await queryRunner.query(`DROP INDEX "public"."lead_professional_assignments_family_idx"`);
    await queryRunner.query(`DROP INDEX "public"."lead_professional_assignments_user_idx"`);
    await queryRunner.query(`DROP TABLE "lead_professional_assignments"`);
    await queryRunner.query(`DROP INDEX "public"."consents_family_idx"`);
    await queryRunner.query(`DROP TABLE "consents"`);
    await queryRunner.query(`DROP TYPE "public"."consent_scope"`);
    await queryRunner.query(`DROP INDEX "public"."family_members_family_idx"`);
    await queryRunner.query(`DROP TABLE "family_members"`);
    await queryRunner.query(`DROP TYPE "public"."member_role"`);
    await queryRunner.query(`DROP INDEX "public"."families_lead_professional_idx"`);
    await queryRunner.query(`DROP INDEX "public"."families_area_idx"`);
    await queryRunner.query(`DROP INDEX "public"."families_reference_key"`);
    await queryRunner.query(`DROP TABLE "families"`);
    await queryRunner.query(`DROP INDEX "public"."users_email_key"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP TYPE "public"."user_role"`);
    await queryRunner.query(`DROP INDEX "public"."services_agency_idx"`);
    await queryRunner.query(`DROP TABLE "services"`);
    await queryRunner.query(`DROP TABLE "areas"`);
    await queryRunner.query(`DROP TABLE "agencies"`);
    await queryRunner.query(`DROP TYPE "public"."agency_kind"`);
    await queryRunner.query(`DROP INDEX "public"."revoked_tokens_expires_idx"`);
    await queryRunner.query(`DROP TABLE "revoked_tokens"`);
    await queryRunner.query(`DROP INDEX "public"."login_failures_account_idx"`);
    await queryRunner.query(`DROP INDEX "public"."login_failures_address_idx"`);
    await queryRunner.query(`DROP TABLE "login_failures"`);
    await queryRunner.query(`DROP INDEX "public"."audit_events_entity_idx"`);
    await queryRunner.query(`DROP INDEX "public"."audit_events_actor_idx"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
