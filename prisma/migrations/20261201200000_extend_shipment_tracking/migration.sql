-- Shipping tracker (apps/shipping-tracker): carrier events, who recorded a package, its version, and
-- the deadline alerts raised for it. Written in the form `prisma migrate diff` produces; the drift
-- test (libs/db) proves it matches schema.prisma. The CHECK constraints are beyond what Prisma models.

-- CreateEnum
CREATE TYPE "shipment_alert_kind" AS ENUM ('REMINDER', 'OVERDUE');

-- AlterTable
ALTER TABLE "shipment" ADD COLUMN     "carrier_checked_at" TIMESTAMPTZ(3),
ADD COLUMN     "carrier_events" JSONB,
ADD COLUMN     "recorded_by" VARCHAR(256),
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- A delivery package is complete or absent: tracking number, drive count, ship date, and the deadline
-- 14 days after the ship date. A return shipping record names the carrier account Azure bills.
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_delivery_complete" CHECK (
    "direction" <> 'DELIVERY' OR (
        "tracking_number" IS NOT NULL AND "drive_count" > 0 AND "ship_date" IS NOT NULL
        AND "arrival_deadline" = "ship_date" + 14
    )
);
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_return_account" CHECK (
    "direction" <> 'RETURN' OR "carrier_account_number" IS NOT NULL
);

-- CreateTable
CREATE TABLE "shipment_deadline_alert" (
    "id" BIGSERIAL NOT NULL,
    "shipment_id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "arrival_deadline" DATE NOT NULL,
    "kind" "shipment_alert_kind" NOT NULL,
    "step" INTEGER NOT NULL,
    "days_left" INTEGER NOT NULL,
    "event_id" UUID NOT NULL,
    "raised_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "shipment_deadline_alert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "shipment_deadline_alert_job_id_idx" ON "shipment_deadline_alert"("job_id");

-- CreateIndex
CREATE UNIQUE INDEX "shipment_deadline_alert_shipment_id_arrival_deadline_kind_s_key" ON "shipment_deadline_alert"("shipment_id", "arrival_deadline", "kind", "step");

-- AddForeignKey
ALTER TABLE "shipment_deadline_alert" ADD CONSTRAINT "shipment_deadline_alert_shipment_id_fkey" FOREIGN KEY ("shipment_id") REFERENCES "shipment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
