-- A KPI's deviationPercent of Infinity (possible before the core refused non-finite numbers) was
-- written to its events as null (JSON). Since the adaptive band, null is "no percentage rule" — which
-- never breaches, as an endless deviation did — so the row now says null too, and replay agrees.
UPDATE kpis SET deviation_percent = NULL WHERE deviation_percent IN ('Infinity', '-Infinity', 'NaN');
