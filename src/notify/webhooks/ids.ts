import { newId } from '../../domain/ids.js';

/**
 * Time-sortable ids for endpoints (`we_`) and deliveries (`whd_`). The shared generator's prefix
 * list belongs to the domain module; its 26-character ULID body is reused with our own prefix,
 * so delivery ids made in one transaction stay in creation order.
 */
export const webhookId = (prefix: 'we' | 'whd', at: number): string => `${prefix}_${newId('evt', at).slice('evt_'.length)}`;

export const isEndpointId = (id: string): boolean => /^we_[0-9A-HJKMNP-TV-Z]{26}$/.test(id);
