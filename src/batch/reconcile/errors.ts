/** The input cannot be reconciled as given (bad dates, no statement in the stream). */
export class ReconcileInputError extends Error {
  override readonly name = 'ReconcileInputError';
}
