/** One register value as polled from a meter (snapshot) or read from its load profile. */
export interface PolledReading {
  meterId: string;
  /** Register name, e.g. 'importWh'. */
  register: string;
  captureMs: number;
  valueWh: number;
  serial: string;
  source: 'snapshot' | 'profile';
}

export interface IngestSummary {
  stored: number;
  duplicates: number;
  quarantined: number;
  intervals: number;
  charges: number;
  accounts: Set<string>;
}

export function emptySummary(): IngestSummary {
  return {
    stored: 0,
    duplicates: 0,
    quarantined: 0,
    intervals: 0,
    charges: 0,
    accounts: new Set(),
  };
}
