/**
 * The EPC character set has no `_`, which every engine reference has (`cmd_01J…`, `pay_01J…`):
 * they travel with `-` in its place and are mapped back on every reply and push. Only the
 * engine's id shape is rewritten, so the mapping is one-to-one; anything else passes unchanged.
 * Every ISO 20022 connector (API or batch files) uses this one pair.
 */
export const toBankId = (ref: string): string => ref.replace(/^([a-z]{2,4})_(?=[0-9A-HJKMNP-TV-Z]{26}$)/, '$1-');
export const fromBankId = (id: string): string => id.replace(/^([a-z]{2,4})-(?=[0-9A-HJKMNP-TV-Z]{26}$)/, '$1_');
