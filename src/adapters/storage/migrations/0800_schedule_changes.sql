-- Which KPIs the scheduler has to look at again: set when a KPI is created or changed, cleared by the
-- schedule sync once it gave the KPI its run row for that version. A poll reads the (partial) index
-- of the flagged KPIs, so its work grows with what changed, not with the number of KPIs.
ALTER TABLE kpis ADD COLUMN schedule_dirty boolean NOT NULL DEFAULT true;
CREATE INDEX kpis_schedule_dirty ON kpis (id) WHERE schedule_dirty;
