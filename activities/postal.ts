// The postal provider behind the print queue. A letter is stored in the `letters` table
// first, then handed to the provider; the local provider only queues it, so that a person
// prints and posts it and records the dispatch through the print-queue API.

/** A letter as the print queue stores it. */
export interface QueuedLetter {
  id: string;
  idempotencyKey: string;
  kind: 'reminder_letter' | 'formal_notice';
  language: 'fr' | 'en';
  pdf: Buffer;
  pages: number;
  /** Registered with acknowledgement of receipt (LRAR) for a formal notice, ordinary post otherwise. */
  registered: boolean;
}

/** What a provider did with a letter: `queued` waits for a person, `dispatched` is in the post. */
export interface PostalDispatch {
  status: 'queued' | 'dispatched';
  provider: string;
  /** The provider's reference, such as a registered letter's tracking number. */
  trackingRef?: string;
  dispatchedAt?: string;
}

export interface PostalProvider {
  readonly name: string;
  /**
   * Hands a stored letter to the post. Called again with the same letter after a retry, so
   * an online provider must pass `letter.idempotencyKey` on to avoid posting it twice.
   */
  dispatch(letter: QueuedLetter): Promise<PostalDispatch>;
}

/** Keeps letters in the local print queue: a person prints, posts and records them. */
export class LocalPrintQueue implements PostalProvider {
  readonly name = 'local';

  async dispatch(): Promise<PostalDispatch> {
    return { status: 'queued', provider: this.name };
  }
}
