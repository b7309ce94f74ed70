import type { DownstreamChange } from '@gridbill/shared/sync';

type BodyOf<K extends DownstreamChange['kind']> = Extract<DownstreamChange, { kind: K }>['body'];

export type TariffVersionBody = BodyOf<'tariff-version'>;
export type AccountAssignmentBody = BodyOf<'account-assignment'>;
export type KeyRotationBody = BodyOf<'key-rotation'>;
export type RelayOrderBody = BodyOf<'relay-order'>;
