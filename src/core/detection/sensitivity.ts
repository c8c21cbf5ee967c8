/**
 * The one setting of the adaptive band: how unusual a value must be before it breaches. The band is
 * the baseline ± this many robust standard deviations of the series' own recent errors (scaled MAD).
 * `low` pages only on clear anomalies, `high` on smaller ones too.
 */
export const SENSITIVITIES = ['low', 'medium', 'high'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

const BAND_SIGMAS: Record<Sensitivity, number> = { low: 4.5, medium: 3.5, high: 2.75 };

/** Half-width of the band in robust standard deviations. */
export const bandSigmas = (s: Sensitivity): number => BAND_SIGMAS[s];
