-- What a run without rows means for a KPI (issue 16): ok, breach or no_judgement (as before).
ALTER TABLE kpis ADD COLUMN no_data_policy text NOT NULL DEFAULT 'no_judgement';
